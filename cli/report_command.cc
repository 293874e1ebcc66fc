// `hotline report`: records a report; retried on UNAVAILABLE with one request id.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/case_view.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/report_flags.h"
#include "cli/report_prompts.h"
#include "cli/request_id.h"

namespace hotline::cli {
namespace {

struct ReportOptions {
  ReportFlags flags;
  std::string request_id;
};

int RunReport(CommandContext& ctx, const ReportOptions& options) {
  const Ui& ui = ctx.ui();
  Result<ReportDraft> draft = BuildReport(options.flags, ui);
  if (!draft.ok()) return ctx.Usage(draft.error());
  if (!ctx.interactive()) {
    const std::vector<std::string> missing =
        MissingReportFlags(options.flags, draft.value(), /*routing_only=*/false, ui);
    if (!missing.empty()) return ctx.Usage(MissingFlagsLine(missing, ui));
  }
  if (ctx.interactive() &&
      !AskMissingReportFields(draft.value(), ctx.prompter(), ui, ReportPromptScope{})) {
    return ctx.Usage(ui(Msg::kInputEnded));
  }
  v1::SubmitReportRequest request;
  request.set_request_id(options.request_id.empty() ? NewRequestId() : options.request_id);
  v1::Case response;
  Connection& connection = ctx.connection();
  for (;;) {
    *request.mutable_report() = draft.value().report;
    const grpc::Status status = ctx.SendSubmission([&] {
      return connection.Call(connection.intake(), &v1::Intake::Stub::SubmitReport, request,
                             &response, RetryPolicy{});
    });
    if (status.ok()) break;
    // A refused field the form asks for is asked again; the rest of the answers stay. (The
    // refused request stored nothing, so its request id is still free.)
    if (!ctx.interactive() || status.error_code() != grpc::StatusCode::INVALID_ARGUMENT ||
        !ClearRefusedField(status.error_message(), draft.value())) {
      return ctx.SubmissionFailed(status, request.request_id());
    }
    ctx.RpcFailed(status);
    if (!AskMissingReportFields(draft.value(), ctx.prompter(), ui, ReportPromptScope{})) {
      return ctx.Usage(ui(Msg::kInputEnded));
    }
  }
  ctx.NoteStored(response.case_number(), request.request_id());
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(RenderSubmittedReport(response, ui, ctx.table_style()));
  }
  return kExitOk;
}

}  // namespace

void AddReportCommand(CLI::App& app, const Ui& ui, Action& action) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* command = AddSubcommand(app, "report", ui(Msg::kHelpReport), ui);
  AddReportFlags(*command, options->flags, ui);
  command->add_option("--request-id", options->request_id, ui(Msg::kHelpRequestId))
      ->type_name("ID");
  command->callback([options, &action] {
    action = [options](CommandContext& ctx) { return RunReport(ctx, *options); };
  });
}

}  // namespace hotline::cli
