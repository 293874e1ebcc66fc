// `hotline feedback due|done`: the operators' call-back queue (art. 37). The list is retried
// on UNAVAILABLE; recording feedback is sent once.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/case_view.h"
#include "cli/commands.h"
#include "cli/desk_flags.h"
#include "cli/exit_codes.h"

namespace hotline::cli {
namespace {

struct FeedbackOptions {
  std::string limit;  // "" leaves the page size to the server
  std::string page_token;
  std::string number;
  std::string note;
};

int RunDue(CommandContext& ctx, const FeedbackOptions& o) {
  const Ui& ui = ctx.ui();
  Result<int> limit = ParsePageSize(o.limit, ui);
  if (!limit.ok()) return ctx.Usage(limit.error());
  v1::ListCasesRequest request;
  request.set_feedback_due(true);
  request.set_page_size(limit.value());
  request.set_page_token(o.page_token);
  v1::ListCasesResponse response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(connection.intake(), &v1::Intake::Stub::ListCases,
                                              request, &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
    return kExitOk;
  }
  std::string out = RenderCaseList(response.cases(), ui, ctx.table_style());
  if (!response.next_page_token().empty()) {
    out += ui.Format(Msg::kNextPage, response.next_page_token()) + "\n";
  }
  ctx.Print(out);
  return kExitOk;
}

int RunDone(CommandContext& ctx, const FeedbackOptions& o) {
  const Ui& ui = ctx.ui();
  Result<std::string> note = RequireText("--note", o.note, ui);
  if (!note.ok()) return ctx.Usage(note.error());
  v1::RecordFeedbackRequest request;
  request.set_case_number(o.number);
  request.set_note(note.value());
  v1::Case response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(
      connection.intake(), &v1::Intake::Stub::RecordFeedback, request, &response, kNoRetry);
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(ui.Format(Msg::kFeedbackRecorded, response.case_number(),
                        EnumText(response.feedback(), ui)) +
              "\n");
  }
  return kExitOk;
}

}  // namespace

void AddFeedbackCommands(CLI::App& app, const Ui& ui, Action& action) {
  CLI::App* group = AddSubcommand(app, "feedback", ui(Msg::kHelpFeedback), ui);
  group->require_subcommand(1);
  auto o = std::make_shared<FeedbackOptions>();

  CLI::App* due = AddSubcommand(*group, "due", ui(Msg::kHelpFeedbackDue), ui);
  due->add_option("--limit", o->limit, ui(Msg::kHelpLimit))->type_name("N");
  due->add_option("--page-token", o->page_token, ui(Msg::kHelpPageToken))->type_name("T");
  due->callback([o, &action] { action = [o](CommandContext& ctx) { return RunDue(ctx, *o); }; });

  CLI::App* done = AddSubcommand(*group, "done", ui(Msg::kHelpFeedbackDone), ui);
  AddCaseNumberArgument(*done, o->number, ui);
  done->add_option("--note", o->note, ui(Msg::kHelpFeedbackNote))->required()->type_name("TEXT");
  done->callback([o, &action] { action = [o](CommandContext& ctx) { return RunDone(ctx, *o); }; });
}

}  // namespace hotline::cli
