// `hotline audit verify`: exit 0 when the hash chain verifies, 3 when it is broken.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace hotline::cli {
namespace {

int RunVerify(CommandContext& ctx) {
  const Ui& ui = ctx.ui();
  v1::VerifyAuditLogResponse response;
  Connection& connection = ctx.connection();
  const grpc::Status status =
      connection.Call(connection.intake(), &v1::Intake::Stub::VerifyAuditLog,
                      v1::VerifyAuditLogRequest(), &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) ctx.PrintJson(response);
  if (!response.ok()) {
    ctx.PrintStderr(ui.Format(Msg::kAuditBroken, response.first_bad_seq(), response.problem()));
    return kExitAuditBroken;
  }
  if (!ctx.json()) {
    ctx.Print(ui.Format(Msg::kAuditOk, response.events_checked(), response.head_hash()) + "\n");
  }
  return kExitOk;
}

}  // namespace

void AddAuditCommands(CLI::App& app, const Ui& ui, Action& action) {
  CLI::App* group = AddSubcommand(app, "audit", ui(Msg::kHelpAudit), ui);
  group->require_subcommand(1);
  CLI::App* verify = AddSubcommand(*group, "verify", ui(Msg::kHelpAuditVerify), ui);
  verify->callback([&action] { action = &RunVerify; });
}

}  // namespace hotline::cli
