// `hotline case show|note|close|history` (reopen and access: case_followup_commands.cc).
// Reads and close are retried on UNAVAILABLE; a note is sent once (a retry could add it twice).
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/case_view.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/output.h"

namespace hotline::cli {
namespace {

struct CaseOptions {
  std::string number;
  std::string text_argument;
  std::string text_flag;
  std::string outcome;
  std::string summary;
  bool withdraw_open = false;
  bool full_hash = false;
};

int RunShow(CommandContext& ctx, const CaseOptions& options) {
  v1::GetCaseRequest request;
  request.set_case_number(options.number);
  v1::Case response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(connection.intake(), &v1::Intake::Stub::GetCase,
                                              request, &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(RenderCase(response, ctx.ui(), ctx.table_style()));
  }
  return kExitOk;
}

int RunNote(CommandContext& ctx, const CaseOptions& options) {
  const Ui& ui = ctx.ui();
  if (!options.text_argument.empty() && !options.text_flag.empty()) {
    return ctx.Usage(ui(Msg::kNoteTextTwice));
  }
  const std::string& text =
      options.text_argument.empty() ? options.text_flag : options.text_argument;
  if (text.empty()) return ctx.Usage(ui(Msg::kNoteTextMissing));
  v1::AddNoteRequest request;
  request.set_case_number(options.number);
  request.set_text(text);
  v1::AuditEvent response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(connection.intake(), &v1::Intake::Stub::AddNote,
                                              request, &response, kNoRetry);
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(ui.Format(Msg::kNoteAdded, options.number, response.seq(),
                        ShortHash(response.hash(), false)) +
              "\n");
  }
  return kExitOk;
}

int RunClose(CommandContext& ctx, const CaseOptions& options) {
  v1::CloseCaseRequest request;
  request.set_case_number(options.number);
  request.set_outcome(options.outcome);
  request.set_summary(options.summary);
  request.set_withdraw_open_assignments(options.withdraw_open);
  v1::Case response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(connection.intake(), &v1::Intake::Stub::CloseCase,
                                              request, &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    std::string out = RenderCaseSummary(response, ctx.ui());
    if (!response.assignments().empty()) {
      out += "\n" + RenderAssignments(response.assignments(), true, ctx.ui(), ctx.table_style());
    }
    ctx.Print(out);
  }
  return kExitOk;
}

int RunHistory(CommandContext& ctx, const CaseOptions& options) {
  v1::GetCaseHistoryRequest request;
  request.set_case_number(options.number);
  v1::GetCaseHistoryResponse response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(
      connection.intake(), &v1::Intake::Stub::GetCaseHistory, request, &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(RenderHistory(response.events(), options.full_hash, ctx.ui(), ctx.table_style()));
  }
  return kExitOk;
}

using Runner = int (*)(CommandContext&, const CaseOptions&);

// A `case` subcommand taking the case number as its first argument.
CLI::App* AddCaseSubcommand(CLI::App& parent, const std::string& name, Msg help, const Ui& ui,
                            const std::shared_ptr<CaseOptions>& options, Runner run,
                            Action& action) {
  CLI::App* command = AddSubcommand(parent, name, ui(help), ui);
  AddCaseNumberArgument(*command, options->number, ui);
  command->callback([options, run, &action] {
    action = [options, run](CommandContext& ctx) { return run(ctx, *options); };
  });
  return command;
}

}  // namespace

void AddCaseCommands(CLI::App& app, const Ui& ui, Action& action) {
  CLI::App* group = AddSubcommand(app, "case", ui(Msg::kHelpCase), ui);
  group->require_subcommand(1);
  AddCaseListCommand(*group, ui, action);

  auto options = std::make_shared<CaseOptions>();
  AddCaseSubcommand(*group, "show", Msg::kHelpCaseShow, ui, options, &RunShow, action);

  CLI::App* note =
      AddCaseSubcommand(*group, "note", Msg::kHelpCaseNote, ui, options, &RunNote, action);
  note->add_option("text", options->text_argument, ui(Msg::kHelpNoteText))->type_name("TEXT");
  note->add_option("--text", options->text_flag, ui(Msg::kHelpNoteText))->type_name("TEXT");

  CLI::App* close =
      AddCaseSubcommand(*group, "close", Msg::kHelpCaseClose, ui, options, &RunClose, action);
  close->add_option("--outcome", options->outcome, ui(Msg::kHelpOutcome))
      ->required()
      ->type_name("O");
  close->add_option("--summary", options->summary, ui(Msg::kHelpSummary))->type_name("S");
  close->add_flag("--withdraw-open", options->withdraw_open, ui(Msg::kHelpWithdrawOpen));

  CLI::App* history =
      AddCaseSubcommand(*group, "history", Msg::kHelpCaseHistory, ui, options, &RunHistory, action);
  history->add_flag("--full-hash", options->full_hash, ui(Msg::kHelpFullHash));

  AddCaseFollowUpCommands(*group, ui, action);
}

}  // namespace hotline::cli
