// `hotline audit verify`: exit 0 when the hash chain verifies, 3 when it is broken.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace hotline::cli {
namespace {

// The problem in the operator's language; the server's English text for a kind this client
// does not know.
std::string ProblemText(const Ui& ui, const v1::VerifyAuditLogResponse& r) {
  switch (r.problem_kind()) {
    case v1::AUDIT_PROBLEM_OUT_OF_ORDER:
      return ui.Format(Msg::kAuditOutOfOrder, r.first_bad_seq());
    case v1::AUDIT_PROBLEM_GAP:
      return ui.Format(Msg::kAuditGap, r.first_bad_seq());
    case v1::AUDIT_PROBLEM_FIRST_PREV_HASH:
      return ui(Msg::kAuditFirstPrevHash);
    case v1::AUDIT_PROBLEM_PREV_HASH:
      return ui.Format(Msg::kAuditPrevHash, r.first_bad_seq() - 1);
    case v1::AUDIT_PROBLEM_HASH_MISMATCH:
      return ui(Msg::kAuditHashMismatch);
    case v1::AUDIT_PROBLEM_DESK_ID:
      return ui(Msg::kAuditDeskId);
    default:
      return r.problem();
  }
}

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
    ctx.PrintStderr(
        ui.Format(Msg::kAuditBroken, response.first_bad_seq(), ProblemText(ui, response)));
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
