// `hotline desk list|show|ack|update|decline|transfer|resolve` (watch: desk_watch_command.cc).
// Reads and acknowledge are retried on UNAVAILABLE (the server makes a repeated acknowledge
// harmless); the other actions are sent once, as a retry could act twice.
#include <CLI/CLI.hpp>
#include <ctime>
#include <memory>

#include "cli/commands.h"
#include "cli/desk_flags.h"
#include "cli/desk_view.h"
#include "cli/exit_codes.h"
#include "cli/report_flags.h"

namespace hotline::cli {
namespace {

constexpr std::string_view kIdName = "ID";

struct DeskOptions {
  std::string id;
  std::vector<std::string> desks;
  std::vector<std::string> statuses;
  std::string limit;  // "" leaves the page size to the server
  std::string page_token;
  std::string kind;
  std::string text_argument;
  std::string text_flag;
  std::string reason;
  std::string to_desk;
  std::string outcome;
  std::string summary;
};

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

int RunList(CommandContext& ctx, const DeskOptions& o) {
  const Ui& ui = ctx.ui();
  Result<std::vector<v1::AssignmentStatus>> statuses =
      ParseAssignmentStatuses("--status", o.statuses, ui);
  if (!statuses.ok()) return ctx.Usage(statuses.error());
  Result<int> limit = ParsePageSize(o.limit, ui);
  if (!limit.ok()) return ctx.Usage(limit.error());
  v1::ListAssignmentsRequest request;
  for (const std::string& desk : SplitDeskIds(o.desks)) request.add_desk_ids(desk);
  for (v1::AssignmentStatus s : statuses.value()) request.add_statuses(s);
  request.set_page_size(limit.value());
  request.set_page_token(o.page_token);
  v1::ListAssignmentsResponse response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(connection.desk(), &v1::Desk::Stub::ListAssignments,
                                              request, &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
    return kExitOk;
  }
  std::string out = RenderAssignmentList(response.assignments(), Now(), ui, ctx.table_style());
  if (!response.next_page_token().empty()) {
    out += ui.Format(Msg::kNextPageAssignments, response.next_page_token()) + "\n";
  }
  ctx.Print(out);
  return kExitOk;
}

int RunShow(CommandContext& ctx, const DeskOptions& o) {
  Result<int64_t> id = ParseAssignmentId(kIdName, o.id, ctx.ui());
  if (!id.ok()) return ctx.Usage(id.error());
  v1::GetAssignmentRequest request;
  request.set_assignment_id(id.value());
  v1::GetAssignmentResponse response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(connection.desk(), &v1::Desk::Stub::GetAssignment,
                                              request, &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(RenderAssignmentDetail(response, Now(), ctx.ui(), ctx.table_style()));
  }
  return kExitOk;
}

// Sends an action answered with an AssignmentChange and prints the result.
template <typename Request>
int SendChange(CommandContext& ctx,
               grpc::Status (v1::Desk::Stub::*rpc)(grpc::ClientContext*, const Request&,
                                                   v1::AssignmentChange*),
               const Request& request, const RetryPolicy& policy) {
  v1::AssignmentChange response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(connection.desk(), rpc, request, &response, policy);
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(RenderAssignmentChange(response, ctx.ui()) + "\n");
  }
  return kExitOk;
}

int RunAck(CommandContext& ctx, const DeskOptions& o) {
  Result<int64_t> id = ParseAssignmentId(kIdName, o.id, ctx.ui());
  if (!id.ok()) return ctx.Usage(id.error());
  v1::AcknowledgeRequest request;
  request.set_assignment_id(id.value());
  return SendChange(ctx, &v1::Desk::Stub::Acknowledge, request, RetryPolicy{});
}

int RunUpdate(CommandContext& ctx, const DeskOptions& o) {
  const Ui& ui = ctx.ui();
  Result<int64_t> id = ParseAssignmentId(kIdName, o.id, ui);
  if (!id.ok()) return ctx.Usage(id.error());
  Result<v1::UpdateKind> kind = ParseUpdateKind("--kind", o.kind, ui);
  if (!kind.ok()) return ctx.Usage(kind.error());
  if (!o.text_argument.empty() && !o.text_flag.empty()) {
    return ctx.Usage(ui(Msg::kUpdateTextTwice));
  }
  const std::string text = Trim(o.text_argument.empty() ? o.text_flag : o.text_argument);
  if (text.empty()) return ctx.Usage(ui(Msg::kUpdateTextMissing));
  v1::PostUpdateRequest request;
  request.set_assignment_id(id.value());
  request.set_kind(kind.value());
  request.set_text(text);
  v1::AssignmentUpdate response;
  Connection& connection = ctx.connection();
  const grpc::Status status =
      connection.Call(connection.desk(), &v1::Desk::Stub::PostUpdate, request, &response, kNoRetry);
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(RenderPostedUpdate(response, ui) + "\n");
  }
  return kExitOk;
}

int RunDecline(CommandContext& ctx, const DeskOptions& o) {
  const Ui& ui = ctx.ui();
  Result<int64_t> id = ParseAssignmentId(kIdName, o.id, ui);
  if (!id.ok()) return ctx.Usage(id.error());
  Result<std::string> reason = RequireText("--reason", o.reason, ui);
  if (!reason.ok()) return ctx.Usage(reason.error());
  v1::DeclineRequest request;
  request.set_assignment_id(id.value());
  request.set_reason(reason.value());
  return SendChange(ctx, &v1::Desk::Stub::Decline, request, kNoRetry);
}

int RunTransfer(CommandContext& ctx, const DeskOptions& o) {
  const Ui& ui = ctx.ui();
  Result<int64_t> id = ParseAssignmentId(kIdName, o.id, ui);
  if (!id.ok()) return ctx.Usage(id.error());
  Result<std::string> to = RequireText("--to", o.to_desk, ui);
  if (!to.ok()) return ctx.Usage(to.error());
  Result<std::string> reason = RequireText("--reason", o.reason, ui);
  if (!reason.ok()) return ctx.Usage(reason.error());
  v1::TransferRequest request;
  request.set_assignment_id(id.value());
  request.set_to_desk_id(to.value());
  request.set_reason(reason.value());
  return SendChange(ctx, &v1::Desk::Stub::Transfer, request, kNoRetry);
}

int RunResolve(CommandContext& ctx, const DeskOptions& o) {
  const Ui& ui = ctx.ui();
  Result<int64_t> id = ParseAssignmentId(kIdName, o.id, ui);
  if (!id.ok()) return ctx.Usage(id.error());
  Result<std::string> outcome = RequireText("--outcome", o.outcome, ui);
  if (!outcome.ok()) return ctx.Usage(outcome.error());
  Result<std::string> summary = RequireText("--summary", o.summary, ui);
  if (!summary.ok()) return ctx.Usage(summary.error());
  v1::ResolveRequest request;
  request.set_assignment_id(id.value());
  request.set_outcome(outcome.value());
  request.set_summary(summary.value());
  return SendChange(ctx, &v1::Desk::Stub::Resolve, request, kNoRetry);
}

using Runner = int (*)(CommandContext&, const DeskOptions&);

// A `desk` subcommand taking the assignment id as its first argument.
CLI::App* AddIdSubcommand(CLI::App& parent, const std::string& name, Msg help, const Ui& ui,
                          const std::shared_ptr<DeskOptions>& options, Runner run, Action& action) {
  CLI::App* command = AddSubcommand(parent, name, ui(help), ui);
  command->add_option("id", options->id, ui(Msg::kHelpAssignmentId))
      ->required()
      ->type_name(std::string(kIdName));
  command->callback([options, run, &action] {
    action = [options, run](CommandContext& ctx) { return run(ctx, *options); };
  });
  return command;
}

// A flag that may be repeated, one value per occurrence.
CLI::Option* AddRepeatable(CLI::App& command, const std::string& name,
                           std::vector<std::string>& values, const std::string& help) {
  return command.add_option(name, values, help)->allow_extra_args(false);
}

}  // namespace

void AddDeskCommands(CLI::App& app, const Ui& ui, Action& action) {
  CLI::App* group = AddSubcommand(app, "desk", ui(Msg::kHelpDesk), ui);
  group->require_subcommand(1);
  AddDeskWatchCommand(*group, ui, action);

  auto o = std::make_shared<DeskOptions>();
  CLI::App* list = AddSubcommand(*group, "list", ui(Msg::kHelpDeskList), ui);
  AddRepeatable(*list, "--desk", o->desks, ui(Msg::kHelpDeskIds))->type_name("ID");
  AddRepeatable(
      *list, "--status", o->statuses,
      ui.Format(Msg::kHelpAssignmentStatus, EnumChoices(v1::AssignmentStatus_descriptor())))
      ->type_name("S");
  list->add_option("--limit", o->limit, ui(Msg::kHelpAssignmentLimit))->type_name("N");
  list->add_option("--page-token", o->page_token, ui(Msg::kHelpPageToken))->type_name("T");
  list->callback([o, &action] { action = [o](CommandContext& ctx) { return RunList(ctx, *o); }; });

  AddIdSubcommand(*group, "show", Msg::kHelpDeskShow, ui, o, &RunShow, action);
  AddIdSubcommand(*group, "ack", Msg::kHelpDeskAck, ui, o, &RunAck, action);

  CLI::App* update =
      AddIdSubcommand(*group, "update", Msg::kHelpDeskUpdate, ui, o, &RunUpdate, action);
  update
      ->add_option("--kind", o->kind,
                   ui.Format(Msg::kHelpUpdateKind, fmt::join(UpdateKindNames(), ", ")))
      ->required()
      ->type_name("K");
  update->add_option("text", o->text_argument, ui(Msg::kHelpUpdateText))->type_name("TEXT");
  update->add_option("--text", o->text_flag, ui(Msg::kHelpUpdateText))->type_name("TEXT");

  CLI::App* decline =
      AddIdSubcommand(*group, "decline", Msg::kHelpDeskDecline, ui, o, &RunDecline, action);
  decline->add_option("--reason", o->reason, ui(Msg::kHelpDeclineReason))
      ->required()
      ->type_name("TEXT");

  CLI::App* transfer =
      AddIdSubcommand(*group, "transfer", Msg::kHelpDeskTransfer, ui, o, &RunTransfer, action);
  transfer->add_option("--to", o->to_desk, ui(Msg::kHelpTransferTo))->required()->type_name("DESK");
  transfer->add_option("--reason", o->reason, ui(Msg::kHelpTransferReason))
      ->required()
      ->type_name("TEXT");

  CLI::App* resolve =
      AddIdSubcommand(*group, "resolve", Msg::kHelpDeskResolve, ui, o, &RunResolve, action);
  resolve->add_option("--outcome", o->outcome, ui(Msg::kHelpResolveOutcome))
      ->required()
      ->type_name("CODE");
  resolve->add_option("--summary", o->summary, ui(Msg::kHelpResolveSummary))
      ->required()
      ->type_name("TEXT");
}

}  // namespace hotline::cli
