// `hotline case reopen|access`: reopening a resolved or closed case (sent once: a retry
// would find the case reopened already) and listing who read a case (retried on UNAVAILABLE).
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/case_view.h"
#include "cli/commands.h"
#include "cli/desk_flags.h"
#include "cli/desk_view.h"
#include "cli/exit_codes.h"

namespace hotline::cli {
namespace {

struct FollowUpOptions {
  std::string number;
  std::string reason;
  std::string desk;
};

int RunReopen(CommandContext& ctx, const FollowUpOptions& o) {
  const Ui& ui = ctx.ui();
  Result<std::string> reason = RequireText("--reason", o.reason, ui);
  if (!reason.ok()) return ctx.Usage(reason.error());
  v1::ReopenCaseRequest request;
  request.set_case_number(o.number);
  request.set_reason(reason.value());
  request.set_desk_id(o.desk);
  v1::Case response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(connection.intake(), &v1::Intake::Stub::ReopenCase,
                                              request, &response, kNoRetry);
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(RenderCaseSummary(response, ui) + "\n" +
              RenderAssignments(response.assignments(), true, ui, ctx.table_style()));
  }
  return kExitOk;
}

int RunAccess(CommandContext& ctx, const FollowUpOptions& o) {
  v1::ListCaseAccessRequest request;
  request.set_case_number(o.number);
  v1::ListCaseAccessResponse response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(
      connection.intake(), &v1::Intake::Stub::ListCaseAccess, request, &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(RenderCaseAccess(response.accesses(), ctx.ui(), ctx.table_style()));
  }
  return kExitOk;
}

}  // namespace

void AddCaseFollowUpCommands(CLI::App& case_command, const Ui& ui, Action& action) {
  auto o = std::make_shared<FollowUpOptions>();
  CLI::App* reopen = AddSubcommand(case_command, "reopen", ui(Msg::kHelpCaseReopen), ui);
  AddCaseNumberArgument(*reopen, o->number, ui);
  reopen->add_option("--reason", o->reason, ui(Msg::kHelpReopenReason))
      ->required()
      ->type_name("TEXT");
  reopen->add_option("--desk", o->desk, ui(Msg::kHelpReopenDesk))->type_name("ID");
  reopen->callback(
      [o, &action] { action = [o](CommandContext& ctx) { return RunReopen(ctx, *o); }; });

  CLI::App* access = AddSubcommand(case_command, "access", ui(Msg::kHelpCaseAccess), ui);
  AddCaseNumberArgument(*access, o->number, ui);
  access->callback(
      [o, &action] { action = [o](CommandContext& ctx) { return RunAccess(ctx, *o); }; });
}

}  // namespace hotline::cli
