// `hotline rules explain`: a dry run of the routing table (in force, or a draft file) for a
// described report. The other `rules` commands are in admin_commands.cc.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/case_view.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/report_flags.h"
#include "cli/report_prompts.h"

namespace hotline::cli {
namespace {

int RunExplain(CommandContext& ctx, const ReportFlags& flags, const std::string& draft_file) {
  const Ui& ui = ctx.ui();
  Result<ReportDraft> draft = BuildReport(flags, ui);
  if (!draft.ok()) return ctx.Usage(draft.error());
  if (!ctx.interactive()) {
    const std::vector<std::string> missing =
        MissingReportFlags(flags, draft.value(), /*routing_only=*/true, ui);
    if (!missing.empty()) return ctx.Usage(MissingFlagsLine(missing, ui));
  }
  // Only the routing facts are asked for: the narrative and reporter do not route.
  if (ctx.interactive() &&
      !AskMissingReportFields(draft.value(), ctx.prompter(), ui, ReportPromptScope{false})) {
    return ctx.Usage(ui(Msg::kInputEnded));
  }
  v1::ExplainRouteRequest request;
  *request.mutable_report() = std::move(draft.value().report);
  if (!draft_file.empty()) {
    std::optional<std::string> text = ReadTableFile(ctx, draft_file);
    if (!text) return kExitUsage;
    request.set_draft_text(*std::move(text));
  }
  v1::ExplainRouteResponse response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(connection.admin(), &v1::Admin::Stub::ExplainRoute,
                                              request, &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(RenderExplanation(response, ui, ctx.table_style()));
  }
  return kExitOk;
}

}  // namespace

void AddRulesCommands(CLI::App& app, const Ui& ui, Action& action) {
  CLI::App* group = AddSubcommand(app, "rules", ui(Msg::kHelpRules), ui);
  group->require_subcommand(1);
  auto flags = std::make_shared<ReportFlags>();
  auto draft = std::make_shared<std::string>();
  CLI::App* explain = AddSubcommand(*group, "explain", ui(Msg::kHelpRulesExplain), ui);
  AddReportFlags(*explain, *flags, ui);
  explain->add_option("--draft", *draft, ui(Msg::kHelpDraft))->type_name("FILE");
  explain->callback([flags, draft, &action] {
    action = [flags, draft](CommandContext& ctx) { return RunExplain(ctx, *flags, *draft); };
  });
  AddRulesAdminCommands(*group, ui, action);
}

}  // namespace hotline::cli
