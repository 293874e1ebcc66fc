// `hotline rules validate|apply|show|versions|diff|rollback|replay` and
// `hotline desks list|put|disable`: routing administration (issue 4). Reads are retried on
// UNAVAILABLE; changes are sent once (each is a new version; a retry after a lost answer would
// be refused as stale anyway).
#include <google/protobuf/util/time_util.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <fstream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/desk_flags.h"
#include "cli/durations.h"
#include "cli/enum_labels.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/report_flags.h"
#include "cli/table.h"
#include "proto/utf8.h"

namespace hotline::cli {
namespace {

using google::protobuf::util::TimeUtil;

struct AdminOptions {
  std::string file;
  std::string comment;
  int64_t expected_version = 0;  // 0: the version in force when the command runs
  int64_t version = 0;
  int64_t other_version = 0;
  std::string since;  // YYYY-MM-DD
  std::string examples;  // "": the server's default (10)
  // desks
  std::string desk_id;
  std::string name;
  std::string type;
  std::string jurisdiction;
  std::string ack_deadline;  // "30m", "4h", "90s", "2d"
  std::string replacement;
};

std::string LocalTime(const google::protobuf::Timestamp& t) {
  const std::string s = TimeUtil::ToString(t);  // RFC 3339, UTC
  return s.size() >= 16 ? s.substr(0, 10) + " " + s.substr(11, 5) : s;
}

// The version in force, for a change based on it when --expected-version is not given.
std::optional<int64_t> CurrentVersion(CommandContext& ctx, int* exit_code) {
  v1::GetRoutingTableRequest request;
  v1::RoutingTableVersion response;
  Connection& c = ctx.connection();
  const grpc::Status status =
      c.Call(c.admin(), &v1::Admin::Stub::GetRoutingTable, request, &response, RetryPolicy{});
  if (!status.ok()) {
    *exit_code = ctx.RpcFailed(status);
    return std::nullopt;
  }
  return response.version();
}

std::string DiagnosticLines(const std::string& file,
                            const google::protobuf::RepeatedPtrField<v1::Diagnostic>& ds,
                            const Ui& ui) {
  std::string out;
  for (const v1::Diagnostic& d : ds) {
    out += fmt::format(
        "{}:{}: {}: {}\n", file, d.line(),
        d.severity() == v1::Diagnostic::SEVERITY_ERROR ? ui(Msg::kError) : ui(Msg::kWarning),
        d.message());
  }
  return out;
}

// What a change did: the new version in force, or, when the server answered with the version
// the change was based on (`based_on`), that nothing changed (the text was already in force).
std::string VersionLine(const v1::RoutingTableVersion& v, int64_t based_on, const Ui& ui) {
  return ui.Format(v.version() == based_on ? Msg::kVersionUnchanged : Msg::kVersionInForce,
                   v.version(), v.label(), v.author()) +
         "\n";
}

// Validates `text` on the server.
grpc::Status CallValidate(CommandContext& ctx, const std::string& text,
                          v1::ValidateRoutingTableResponse* response) {
  v1::ValidateRoutingTableRequest request;
  request.set_text(text);
  Connection& c = ctx.connection();
  return c.Call(c.admin(), &v1::Admin::Stub::ValidateRoutingTable, request, response,
                RetryPolicy{});
}

// A validation as `rules validate` shows it: each diagnostic on its own line, named by the
// file and line, then the verdict.
std::string ValidationText(const std::string& file, const v1::ValidateRoutingTableResponse& r,
                           const Ui& ui) {
  return DiagnosticLines(file, r.diagnostics(), ui) +
         (r.ok() ? ui.Format(Msg::kTableValid, r.label(), r.desks(), r.rules(), r.expectations())
                 : ui(Msg::kTableInvalid)) +
         "\n";
}

int RunValidate(CommandContext& ctx, const AdminOptions& o) {
  std::optional<std::string> text = ReadTableFile(ctx, o.file);
  if (!text) return kExitUsage;
  v1::ValidateRoutingTableResponse response;
  const grpc::Status status = CallValidate(ctx, *text, &response);
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(ValidationText(o.file, response, ctx.ui()));
  }
  return response.ok() ? kExitOk : kExitRpcFailed;
}

// After the server refused a table `text` read from `file`: when the table itself has
// errors, they are shown as `rules validate` shows them instead of squeezed into one error
// line. Otherwise the refusal is shown as it is.
int TableRefused(CommandContext& ctx, const grpc::Status& status, const std::string& file,
                 const std::string& text) {
  v1::ValidateRoutingTableResponse response;
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT && !ctx.json() &&
      CallValidate(ctx, text, &response).ok() && !response.ok()) {
    ctx.Print(ValidationText(file, response, ctx.ui()));
    return kExitRpcFailed;
  }
  return ctx.RpcFailed(status);
}

int RunApply(CommandContext& ctx, const AdminOptions& o) {
  std::optional<std::string> text = ReadTableFile(ctx, o.file);
  if (!text) return kExitUsage;
  int code = kExitOk;
  std::optional<int64_t> expected = o.expected_version > 0
                                        ? std::optional<int64_t>(o.expected_version)
                                        : CurrentVersion(ctx, &code);
  if (!expected) return code;
  v1::ApplyRoutingTableRequest request;
  request.set_text(*text);
  request.set_comment(o.comment);
  request.set_expected_version(*expected);
  v1::RoutingTableVersion response;
  Connection& c = ctx.connection();
  const grpc::Status status =
      c.Call(c.admin(), &v1::Admin::Stub::ApplyRoutingTable, request, &response, kNoRetry);
  if (!status.ok()) return TableRefused(ctx, status, o.file, *text);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(DiagnosticLines(o.file, response.warnings(), ctx.ui()) +
              VersionLine(response, *expected, ctx.ui()));
  }
  return kExitOk;
}

int RunShow(CommandContext& ctx, const AdminOptions& o) {
  v1::GetRoutingTableRequest request;
  request.set_version(o.version);
  v1::RoutingTableVersion response;
  Connection& c = ctx.connection();
  const grpc::Status status =
      c.Call(c.admin(), &v1::Admin::Stub::GetRoutingTable, request, &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(response.text());  // the text as stored, ready to edit and apply
  }
  return kExitOk;
}

int RunVersions(CommandContext& ctx) {
  const Ui& ui = ctx.ui();
  v1::ListRoutingTableVersionsRequest request;
  v1::ListRoutingTableVersionsResponse response;
  Connection& c = ctx.connection();
  const grpc::Status status = c.Call(c.admin(), &v1::Admin::Stub::ListRoutingTableVersions, request,
                                     &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
    return kExitOk;
  }
  Table table({ui(Msg::kColVersion), ui(Msg::kColLabel), ui(Msg::kColTime), ui(Msg::kColAuthor),
               ui(Msg::kColComment)});
  for (const v1::RoutingTableVersion& v : response.versions()) {
    std::string comment = v.comment();
    if (v.restored_from() != 0) comment = ui.Format(Msg::kRestoredFrom, v.restored_from(), comment);
    table.AddRow({std::to_string(v.version()) + (v.current() ? " *" : ""), v.label(),
                  LocalTime(v.create_time()), v.author(), comment});
  }
  ctx.Print(table.Render(ctx.table_style()));
  return kExitOk;
}

int RunDiff(CommandContext& ctx, const AdminOptions& o) {
  v1::DiffRoutingTablesRequest request;
  request.set_from_version(o.version);
  request.set_to_version(o.other_version);
  v1::DiffRoutingTablesResponse response;
  Connection& c = ctx.connection();
  const grpc::Status status =
      c.Call(c.admin(), &v1::Admin::Stub::DiffRoutingTables, request, &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
    return kExitOk;
  }
  std::string out;
  for (const std::string& line : response.summary()) out += "# " + line + "\n";
  out += response.unified_diff();
  if (response.unified_diff().empty()) out += ctx.ui()(Msg::kNoDifference) + "\n";
  ctx.Print(out);
  return kExitOk;
}

int RunRollback(CommandContext& ctx, const AdminOptions& o) {
  int code = kExitOk;
  std::optional<int64_t> expected = o.expected_version > 0
                                        ? std::optional<int64_t>(o.expected_version)
                                        : CurrentVersion(ctx, &code);
  if (!expected) return code;
  v1::RollbackRoutingTableRequest request;
  request.set_version(o.version);
  request.set_comment(o.comment);
  request.set_expected_version(*expected);
  v1::RoutingTableVersion response;
  Connection& c = ctx.connection();
  const grpc::Status status =
      c.Call(c.admin(), &v1::Admin::Stub::RollbackRoutingTable, request, &response, kNoRetry);
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(VersionLine(response, *expected, ctx.ui()));
  }
  return kExitOk;
}

int RunReplay(CommandContext& ctx, const AdminOptions& o) {
  const Ui& ui = ctx.ui();
  v1::ReplayRoutingRequest request;
  if (!o.examples.empty()) {
    Result<int> examples = ParseBoundedInt("--examples", o.examples, 1, 100, ui);
    if (!examples.ok()) return ctx.Usage(examples.error());
    request.set_max_examples(examples.value());
  }
  std::optional<std::string> text = ReadTableFile(ctx, o.file);
  if (!text) return kExitUsage;
  request.set_draft_text(*text);
  if (!o.since.empty()) {
    google::protobuf::Timestamp since;
    if (!TimeUtil::FromString(o.since + "T00:00:00Z", &since)) {
      return ctx.Usage(ui.Format(Msg::kBadDate, "--since", o.since));
    }
    *request.mutable_since() = since;
  }
  v1::ReplayRoutingResponse response;
  Connection& c = ctx.connection();
  const grpc::Status status =
      c.Call(c.admin(), &v1::Admin::Stub::ReplayRouting, request, &response, RetryPolicy{});
  if (!status.ok()) return TableRefused(ctx, status, o.file, *text);
  if (ctx.json()) {
    ctx.PrintJson(response);
    return kExitOk;
  }
  std::string out = ui.Format(Msg::kReplaySummary, response.reports(), response.changed()) + "\n";
  if (response.deadline_changed() > 0) {
    out += ui.Format(Msg::kReplayDeadlines, response.deadline_changed()) + "\n";
  }
  for (const std::string& d : response.desk_changes()) out += "  " + d + "\n";
  if (response.examples_size() > 0) {
    // "police-110105 (30m), center (4h)"
    const auto desks = [](const auto& list) {
      std::string joined;
      for (const v1::ReplayRoutingResponse::DeskDeadline& d : list) {
        joined += (joined.empty() ? "" : ", ") + d.desk_id() + " (" +
                  FormatDurationSeconds(d.ack_deadline_seconds()) + ")";
      }
      return joined;
    };
    Table table({ui(Msg::kLabelCase), ui(Msg::kColBefore), ui(Msg::kColAfter)});
    for (const auto& e : response.examples()) {
      table.AddRow({e.case_number(), desks(e.before()), desks(e.after())});
    }
    out += table.Render(ctx.table_style());
  }
  ctx.Print(out);
  return kExitOk;
}

int RunDesksList(CommandContext& ctx) {
  const Ui& ui = ctx.ui();
  v1::ListDesksRequest request;
  v1::ListDesksResponse response;
  Connection& c = ctx.connection();
  const grpc::Status status =
      c.Call(c.admin(), &v1::Admin::Stub::ListDesks, request, &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
    return kExitOk;
  }
  Table table({ui(Msg::kColDeskId), ui(Msg::kColDeskName), ui(Msg::kColType),
               ui(Msg::kColJurisdiction), ui(Msg::kColDeadline), ui(Msg::kColOpen)});
  for (const v1::DeskInfo& d : response.desks()) {
    const std::string deadline = FormatDurationSeconds(d.ack_deadline_seconds());
    table.AddRow({d.id(), d.name(), DeskTypeLabel(d.type(), ui), d.jurisdiction_code(), deadline,
                  std::to_string(d.open_assignments())});
  }
  ctx.Print(ui.Format(Msg::kDesksOfVersion, response.table_version()) + "\n" +
            table.Render(ctx.table_style()));
  return kExitOk;
}

int RunDesksPut(CommandContext& ctx, const AdminOptions& o) {
  const Ui& ui = ctx.ui();
  v1::PutDeskRequest request;
  v1::DeskInfo* desk = request.mutable_desk();
  desk->set_id(o.desk_id);
  desk->set_name(o.name);
  desk->set_type(o.type);
  desk->set_jurisdiction_code(NormalizeCode(o.jurisdiction));
  std::string deadline_line;
  std::optional<int64_t> expected;
  if (!o.ack_deadline.empty()) {
    std::optional<int64_t> seconds = ParseDurationSeconds(o.ack_deadline);
    if (!seconds || *seconds <= 0) {
      return ctx.Usage(ui.Format(Msg::kBadDuration, "--ack-deadline", o.ack_deadline));
    }
    desk->set_ack_deadline_seconds(*seconds);
    deadline_line = ui.Format(Msg::kDeskDeadlineSet, o.desk_id, FormatDurationSeconds(*seconds));
  } else {
    // PutDesk reads 0 as "the table default": a desk that sets its own deadline keeps it only
    // when it is sent again. The desk list says which desks have their own, and its version
    // is the one the change is based on.
    v1::ListDesksResponse desks;
    Connection& c = ctx.connection();
    const grpc::Status status = c.Call(c.admin(), &v1::Admin::Stub::ListDesks,
                                       v1::ListDesksRequest(), &desks, RetryPolicy{});
    if (!status.ok()) return ctx.RpcFailed(status);
    if (o.expected_version <= 0) expected = desks.table_version();
    const auto it = std::find_if(desks.desks().begin(), desks.desks().end(),
                                 [&](const v1::DeskInfo& d) { return d.id() == o.desk_id; });
    if (it != desks.desks().end() && !it->ack_deadline_is_table_default()) {
      desk->set_ack_deadline_seconds(it->ack_deadline_seconds());
      deadline_line = ui.Format(Msg::kDeskDeadlineKept, o.desk_id,
                                FormatDurationSeconds(it->ack_deadline_seconds()));
    } else {
      deadline_line = ui.Format(Msg::kDeskDeadlineDefault, o.desk_id,
                                FormatDurationSeconds(desks.default_ack_deadline_seconds()));
    }
  }
  int code = kExitOk;
  if (!expected) {
    expected = o.expected_version > 0 ? std::optional<int64_t>(o.expected_version)
                                      : CurrentVersion(ctx, &code);
  }
  if (!expected) return code;
  request.set_comment(o.comment);
  request.set_expected_version(*expected);
  v1::RoutingTableVersion response;
  Connection& c = ctx.connection();
  const grpc::Status status =
      c.Call(c.admin(), &v1::Admin::Stub::PutDesk, request, &response, kNoRetry);
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    // The warnings name lines of the new version's text (hotline rules show N prints it).
    ctx.Print(DiagnosticLines(ui.Format(Msg::kTableOfVersion, response.version()),
                              response.warnings(), ui) +
              VersionLine(response, *expected, ui) + deadline_line + "\n");
  }
  return kExitOk;
}

int RunDesksDisable(CommandContext& ctx, const AdminOptions& o) {
  const Ui& ui = ctx.ui();
  int code = kExitOk;
  std::optional<int64_t> expected = o.expected_version > 0
                                        ? std::optional<int64_t>(o.expected_version)
                                        : CurrentVersion(ctx, &code);
  if (!expected) return code;
  v1::DisableDeskRequest request;
  request.set_desk_id(o.desk_id);
  request.set_replacement_desk_id(o.replacement);
  request.set_comment(o.comment);
  request.set_expected_version(*expected);
  v1::DisableDeskResponse response;
  Connection& c = ctx.connection();
  const grpc::Status status =
      c.Call(c.admin(), &v1::Admin::Stub::DisableDesk, request, &response, kNoRetry);
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) {
    ctx.PrintJson(response);
    return kExitOk;
  }
  std::string out = VersionLine(response.version(), *expected, ui);
  for (const v1::Assignment& a : response.moved()) {
    out += ui.Format(Msg::kAssignmentMoved, a.replaces_assignment_id(), a.case_number(), a.id(),
                     a.desk_id()) +
           "\n";
  }
  ctx.Print(out);
  return kExitOk;
}

// A stored routing-table version: an integer of 1 or more, refused in the caller's language
// (CLI::PositiveNumber's own message printed the range up to the largest double).
CLI::Validator VersionNumber(const Ui& ui) {
  return CLI::Validator(
      [message = ui(Msg::kErrVersionNumber)](std::string& text) -> std::string {
        int64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, error] = std::from_chars(text.data(), end, value);
        return error == std::errc() && ptr == end && value >= 1 ? std::string() : message;
      },
      "");
}

void AddComment(CLI::App& command, AdminOptions& o, const Ui& ui) {
  command.add_option("--comment", o.comment, ui(Msg::kHelpComment))->required()->type_name("TEXT");
  command.add_option("--expected-version", o.expected_version, ui(Msg::kHelpExpectedVersion))
      ->type_name("N")
      ->check(VersionNumber(ui));
}

}  // namespace

std::optional<std::string> ReadTableFile(CommandContext& ctx, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  const Ui& ui = ctx.ui();
  if (!in) {
    ctx.Usage(ui.Format(Msg::kCannotReadFile, path));
    return std::nullopt;
  }
  const std::string text = contents.str();
  if (text.empty()) {
    ctx.Usage(ui.Format(Msg::kFileEmpty, path));
    return std::nullopt;
  }
  if (proto::Utf8Length(text) < 0) {
    ctx.Usage(ui.Format(Msg::kFileNotUtf8, path));
    return std::nullopt;
  }
  return text;
}

void AddRulesAdminCommands(CLI::App& rules, const Ui& ui, Action& action) {
  auto o = std::make_shared<AdminOptions>();
  const auto set = [&action, o](std::function<int(CommandContext&, const AdminOptions&)> run) {
    return [&action, o, run] { action = [o, run](CommandContext& ctx) { return run(ctx, *o); }; };
  };

  CLI::App* validate = AddSubcommand(rules, "validate", ui(Msg::kHelpRulesValidate), ui);
  validate->add_option("file", o->file, ui(Msg::kHelpTableFile))->required()->type_name("FILE");
  validate->callback(set(RunValidate));

  CLI::App* apply = AddSubcommand(rules, "apply", ui(Msg::kHelpRulesApply), ui);
  apply->add_option("file", o->file, ui(Msg::kHelpTableFile))->required()->type_name("FILE");
  AddComment(*apply, *o, ui);
  apply->callback(set(RunApply));

  CLI::App* show = AddSubcommand(rules, "show", ui(Msg::kHelpRulesShow), ui);
  show->add_option("version", o->version, ui(Msg::kHelpVersion))
      ->type_name("N")
      ->check(VersionNumber(ui));
  show->callback(set(RunShow));

  CLI::App* versions = AddSubcommand(rules, "versions", ui(Msg::kHelpRulesVersions), ui);
  versions->callback(
      set([](CommandContext& ctx, const AdminOptions&) { return RunVersions(ctx); }));

  CLI::App* diff = AddSubcommand(rules, "diff", ui(Msg::kHelpRulesDiff), ui);
  diff->add_option("from", o->version, ui(Msg::kHelpVersionNumber))
      ->required()
      ->type_name("N")
      ->check(VersionNumber(ui));
  diff->add_option("to", o->other_version, ui(Msg::kHelpVersionTo))
      ->type_name("N")
      ->check(VersionNumber(ui));
  diff->callback(set(RunDiff));

  CLI::App* rollback = AddSubcommand(rules, "rollback", ui(Msg::kHelpRulesRollback), ui);
  rollback->add_option("version", o->version, ui(Msg::kHelpVersionNumber))
      ->required()
      ->type_name("N")
      ->check(VersionNumber(ui));
  AddComment(*rollback, *o, ui);
  rollback->callback(set(RunRollback));

  CLI::App* replay = AddSubcommand(rules, "replay", ui(Msg::kHelpRulesReplay), ui);
  replay->add_option("file", o->file, ui(Msg::kHelpTableFile))->required()->type_name("FILE");
  replay->add_option("--since", o->since, ui(Msg::kHelpSince))->type_name("YYYY-MM-DD");
  replay->add_option("--examples", o->examples, ui(Msg::kHelpExamples))->type_name("N");
  replay->callback(set(RunReplay));
}

void AddDesksCommands(CLI::App& app, const Ui& ui, Action& action) {
  auto o = std::make_shared<AdminOptions>();
  const auto set = [&action, o](std::function<int(CommandContext&, const AdminOptions&)> run) {
    return [&action, o, run] { action = [o, run](CommandContext& ctx) { return run(ctx, *o); }; };
  };
  CLI::App* group = AddSubcommand(app, "desks", ui(Msg::kHelpDesks), ui);
  group->require_subcommand(1);

  CLI::App* list = AddSubcommand(*group, "list", ui(Msg::kHelpDesksList), ui);
  list->callback(set([](CommandContext& ctx, const AdminOptions&) { return RunDesksList(ctx); }));

  CLI::App* put = AddSubcommand(*group, "put", ui(Msg::kHelpDesksPut), ui);
  put->add_option("id", o->desk_id, ui(Msg::kHelpDeskId))->required()->type_name("ID");
  put->add_option("--name", o->name, ui(Msg::kHelpDeskName))->required()->type_name("NAME");
  put->add_option("--type", o->type, ui(Msg::kHelpDeskType))->required()->type_name("TYPE");
  put->add_option("--jurisdiction", o->jurisdiction, ui(Msg::kHelpDeskJurisdiction))
      ->required()
      ->type_name("CODE");
  put->add_option("--ack-deadline", o->ack_deadline, ui(Msg::kHelpAckDeadline))
      ->type_name("30m|4h");
  AddComment(*put, *o, ui);
  put->callback(set(RunDesksPut));

  CLI::App* disable = AddSubcommand(*group, "disable", ui(Msg::kHelpDesksDisable), ui);
  disable->add_option("id", o->desk_id, ui(Msg::kHelpDeskId))->required()->type_name("ID");
  disable->add_option("--replacement", o->replacement, ui(Msg::kHelpReplacement))->type_name("ID");
  AddComment(*disable, *o, ui);
  disable->callback(set(RunDesksDisable));
}

}  // namespace hotline::cli
