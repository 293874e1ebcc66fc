#include "server/admin_service.h"

#include <fmt/format.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <tuple>

#include "proto/utf8.h"
#include "router/duration.h"
#include "router/router.h"
#include "router/table_text.h"
#include "server/call_log.h"
#include "server/mapping.h"
#include "server/validation.h"

namespace hotline::server {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kMaxTableText = 1 << 20;
constexpr int kMaxComment = 500;
constexpr int kMaxReplayed = 100000;

absl::Status CheckTableTextField(std::string_view field, const std::string& text) {
  if (text.empty()) return absl::InvalidArgumentError(fmt::format("{}: is required", field));
  if (text.size() > kMaxTableText) {
    return absl::InvalidArgumentError(
        fmt::format("{}: is {} bytes; the limit is {}", field, text.size(), kMaxTableText));
  }
  if (proto::Utf8Length(text) < 0) {
    return absl::InvalidArgumentError(fmt::format("{}: is not valid UTF-8", field));
  }
  return absl::OkStatus();
}

absl::Status CheckComment(const std::string& comment) {
  const int length = proto::Utf8Length(comment);
  if (length < 0) return absl::InvalidArgumentError("comment: is not valid UTF-8");
  if (length == 0) return absl::InvalidArgumentError("comment: is required (say why)");
  if (length > kMaxComment) {
    return absl::InvalidArgumentError(
        fmt::format("comment: is {} characters long; the limit is {}", length, kMaxComment));
  }
  return absl::OkStatus();
}

absl::Status CheckExpectedVersion(int64_t expected) {
  if (expected <= 0) {
    return absl::InvalidArgumentError(
        "expected_version: is required (the current version, from GetRoutingTable)");
  }
  return absl::OkStatus();
}

void FillDiagnostics(const std::vector<router::Diagnostic>& diagnostics,
                     google::protobuf::RepeatedPtrField<v1::Diagnostic>* out) {
  for (const router::Diagnostic& d : diagnostics) {
    v1::Diagnostic* p = out->Add();
    p->set_severity(d.severity == router::Diagnostic::Severity::kError
                        ? v1::Diagnostic::SEVERITY_ERROR
                        : v1::Diagnostic::SEVERITY_WARNING);
    p->set_line(d.line);
    p->set_message(d.message);
  }
}

void FillVersion(const storage::RoutingTableRecord& r, int64_t current, bool with_text,
                 v1::RoutingTableVersion* out) {
  out->set_version(r.version);
  out->set_label(r.label);
  if (with_text) out->set_text(r.text);
  out->set_sha256(r.sha256);
  out->set_author(r.author);
  out->set_comment(r.comment);
  *out->mutable_create_time() = TimeUtil::MillisecondsToTimestamp(r.created_ms);
  out->set_restored_from(r.restored_from);
  out->set_current(r.version == current);
  // Stored as "line<TAB>message" per line.
  size_t start = 0;
  while (start < r.warnings.size()) {
    size_t end = r.warnings.find('\n', start);
    if (end == std::string::npos) end = r.warnings.size();
    const std::string line = r.warnings.substr(start, end - start);
    const size_t tab = line.find('\t');
    if (tab != std::string::npos) {
      v1::Diagnostic* d = out->add_warnings();
      d->set_severity(v1::Diagnostic::SEVERITY_WARNING);
      d->set_line(std::atoi(line.substr(0, tab).c_str()));
      d->set_message(line.substr(tab + 1));
    }
    start = end + 1;
  }
}

// The desks a report was given at intake (not later hand-offs, escalations or reopenings).
// With each desk's acknowledgement deadline in seconds, as set then. A desk named twice (two
// children) keeps the shorter deadline.
std::map<std::string, int64_t> IntakeDesks(const storage::CaseRecord& c) {
  std::map<std::string, int64_t> desks;
  for (const storage::AssignmentRecord& a : c.assignments) {
    if (a.replaces_id != 0 || a.created_ms != c.created_ms) continue;
    const int64_t seconds = (a.ack_deadline_ms - a.created_ms) / 1000;
    auto [it, added] = desks.emplace(a.desk_id, seconds);
    if (!added) it->second = std::min(it->second, seconds);
  }
  return desks;
}

// The desks a decision names, in the same form.
std::map<std::string, int64_t> DecisionDesks(const router::Decision& decision) {
  std::map<std::string, int64_t> desks;
  for (const router::RoutedTarget& t : decision.targets) {
    auto [it, added] = desks.emplace(t.desk_id, t.ack_deadline.count());
    if (!added) it->second = std::min(it->second, t.ack_deadline.count());
  }
  return desks;
}

void AddDesks(const std::map<std::string, int64_t>& desks,
              google::protobuf::RepeatedPtrField<std::string>* ids,
              google::protobuf::RepeatedPtrField<v1::ReplayRoutingResponse::DeskDeadline>* out) {
  for (const auto& [desk, seconds] : desks) {
    ids->Add(std::string(desk));
    v1::ReplayRoutingResponse::DeskDeadline* d = out->Add();
    d->set_desk_id(desk);
    d->set_ack_deadline_seconds(seconds);
  }
}

}  // namespace

grpc::ServerUnaryReactor* AdminService::ExplainRoute(grpc::CallbackServerContext* context,
                                                     const v1::ExplainRouteRequest* request,
                                                     v1::ExplainRouteResponse* response) {
  static constexpr std::string_view kRpc = "ExplainRoute";
  auto caller = deps_.auth->Check(
      *context, {Role::kOperator, Role::kSupervisor, Role::kAdmin}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  std::shared_ptr<const router::RoutingTable> table = deps_.routing->Get();
  if (!request->draft_text().empty()) {
    if (absl::Status s = CheckTableTextField("draft_text", request->draft_text()); !s.ok()) {
      return FinishCall(context, kRpc, name, "", s);
    }
    CheckedTable draft = CheckTableText(request->draft_text(), "draft_text");
    if (!draft.table.ok()) return FinishCall(context, kRpc, name, "", draft.table.status());
    table = *draft.table;
  }
  if (!request->has_report()) {
    return FinishCall(context, kRpc, name, "", absl::InvalidArgumentError("report: is required"));
  }
  if (absl::Status s = ValidateReport(request->report(), *table, /*routing_only=*/true); !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  const router::Decision decision = router::Route(*table, ToFacts(request->report()));
  AddDecisionAssignments(decision, response->mutable_assignments());
  // The times a desk would have, were the report stored now: deadlines are part of what a
  // draft changes, and the preview must show them.
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  for (size_t i = 0; i < decision.targets.size(); ++i) {
    v1::Assignment* a = response->mutable_assignments(static_cast<int>(i));
    *a->mutable_create_time() = TimeUtil::MillisecondsToTimestamp(now_ms);
    *a->mutable_ack_deadline() =
        TimeUtil::MillisecondsToTimestamp(now_ms + decision.targets[i].ack_deadline.count() * 1000);
  }
  *response->mutable_routing() = ToTraceProto(decision);
  return FinishCall(context, kRpc, name, "", absl::OkStatus());
}

grpc::ServerUnaryReactor* AdminService::ValidateRoutingTable(
    grpc::CallbackServerContext* context, const v1::ValidateRoutingTableRequest* request,
    v1::ValidateRoutingTableResponse* response) {
  static constexpr std::string_view kRpc = "ValidateRoutingTable";
  auto caller = deps_.auth->Check(*context, {Role::kSupervisor, Role::kAdmin}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  if (absl::Status s = CheckTableTextField("text", request->text()); !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  CheckedTable checked = CheckTableText(request->text(), "text");
  response->set_ok(checked.table.ok());
  FillDiagnostics(checked.diagnostics, response->mutable_diagnostics());
  if (checked.table.ok()) {
    const router::RoutingTable& t = **checked.table;
    response->set_label(t.version);
    response->set_desks(static_cast<int>(t.desks.size()));
    response->set_rules(static_cast<int>(t.rules.size()));
    response->set_expectations(static_cast<int>(t.expectations.size()));
  }
  return FinishCall(context, kRpc, name, "", absl::OkStatus());
}

grpc::ServerUnaryReactor* AdminService::ApplyRoutingTable(
    grpc::CallbackServerContext* context, const v1::ApplyRoutingTableRequest* request,
    v1::RoutingTableVersion* response) {
  static constexpr std::string_view kRpc = "ApplyRoutingTable";
  auto caller = deps_.auth->Check(*context, {Role::kAdmin}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  for (const absl::Status& s : {CheckTableTextField("text", request->text()),
                                CheckComment(request->comment()),
                                CheckExpectedVersion(request->expected_version())}) {
    if (!s.ok()) return FinishCall(context, kRpc, name, "", s);
  }
  auto record = deps_.tables->Apply(request->text(), name, request->comment(),
                                    request->expected_version());
  if (record.ok()) FillVersion(*record, record->version, true, response);
  return FinishCall(context, kRpc, name, "", record.status());
}

grpc::ServerUnaryReactor* AdminService::GetRoutingTable(grpc::CallbackServerContext* context,
                                                        const v1::GetRoutingTableRequest* request,
                                                        v1::RoutingTableVersion* response) {
  static constexpr std::string_view kRpc = "GetRoutingTable";
  auto caller =
      deps_.auth->Check(*context, {Role::kSupervisor, Role::kAdmin, Role::kAuditor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  if (request->version() < 0) {
    return FinishCall(context, kRpc, name, "",
                      absl::InvalidArgumentError("version: must be >= 0 (0: the one in force)"));
  }
  const int64_t current = deps_.routing->Current().version;
  auto record = deps_.store->GetRoutingTable(request->version() == 0 ? current : request->version());
  if (record.ok()) FillVersion(*record, current, true, response);
  return FinishCall(context, kRpc, name, "", record.status());
}

grpc::ServerUnaryReactor* AdminService::ListRoutingTableVersions(
    grpc::CallbackServerContext* context, const v1::ListRoutingTableVersionsRequest* request,
    v1::ListRoutingTableVersionsResponse* response) {
  static constexpr std::string_view kRpc = "ListRoutingTableVersions";
  auto caller =
      deps_.auth->Check(*context, {Role::kSupervisor, Role::kAdmin, Role::kAuditor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  const int64_t current = deps_.routing->Current().version;
  auto records = deps_.store->ListRoutingTables();
  if (records.ok()) {
    for (const storage::RoutingTableRecord& r : *records) {
      FillVersion(r, current, false, response->add_versions());
    }
  }
  return FinishCall(context, kRpc, name, "", records.status());
}

grpc::ServerUnaryReactor* AdminService::DiffRoutingTables(
    grpc::CallbackServerContext* context, const v1::DiffRoutingTablesRequest* request,
    v1::DiffRoutingTablesResponse* response) {
  static constexpr std::string_view kRpc = "DiffRoutingTables";
  auto caller =
      deps_.auth->Check(*context, {Role::kSupervisor, Role::kAdmin, Role::kAuditor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  if (request->from_version() <= 0) {
    return FinishCall(context, kRpc, name, "",
                      absl::InvalidArgumentError("from_version: is required (a version number)"));
  }
  if (request->to_version() < 0) {
    return FinishCall(context, kRpc, name, "",
                      absl::InvalidArgumentError("to_version: must be >= 0 (0: the one in force)"));
  }
  const int64_t to_number =
      request->to_version() == 0 ? deps_.routing->Current().version : request->to_version();
  auto from = deps_.store->GetRoutingTable(request->from_version());
  if (!from.ok()) return FinishCall(context, kRpc, name, "", from.status());
  auto to = deps_.store->GetRoutingTable(to_number);
  if (!to.ok()) return FinishCall(context, kRpc, name, "", to.status());
  response->set_from_version(from->version);
  response->set_to_version(to->version);
  response->set_unified_diff(router::UnifiedDiff(from->text, to->text,
                                                 fmt::format("version {}", from->version),
                                                 fmt::format("version {}", to->version)));
  CheckedTable a = CheckTableText(from->text, "from");
  CheckedTable b = CheckTableText(to->text, "to");
  if (a.table.ok() && b.table.ok()) {
    for (std::string& line : router::SummarizeChanges(**a.table, **b.table)) {
      response->add_summary(std::move(line));
    }
  }
  return FinishCall(context, kRpc, name, "", absl::OkStatus());
}

grpc::ServerUnaryReactor* AdminService::RollbackRoutingTable(
    grpc::CallbackServerContext* context, const v1::RollbackRoutingTableRequest* request,
    v1::RoutingTableVersion* response) {
  static constexpr std::string_view kRpc = "RollbackRoutingTable";
  auto caller = deps_.auth->Check(*context, {Role::kAdmin}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  if (request->version() <= 0) {
    return FinishCall(context, kRpc, name, "",
                      absl::InvalidArgumentError("version: is required (the version to restore)"));
  }
  for (const absl::Status& s :
       {CheckComment(request->comment()), CheckExpectedVersion(request->expected_version())}) {
    if (!s.ok()) return FinishCall(context, kRpc, name, "", s);
  }
  auto old = deps_.store->GetRoutingTable(request->version());
  if (!old.ok()) return FinishCall(context, kRpc, name, "", old.status());
  auto record = deps_.tables->Apply(old->text, name, request->comment(),
                                    request->expected_version(), old->version);
  if (record.ok()) FillVersion(*record, record->version, true, response);
  return FinishCall(context, kRpc, name, "", record.status());
}

grpc::ServerUnaryReactor* AdminService::ReplayRouting(grpc::CallbackServerContext* context,
                                                      const v1::ReplayRoutingRequest* request,
                                                      v1::ReplayRoutingResponse* response) {
  static constexpr std::string_view kRpc = "ReplayRouting";
  auto caller = deps_.auth->Check(*context, {Role::kSupervisor, Role::kAdmin}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  if (absl::Status s = CheckTableTextField("draft_text", request->draft_text()); !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  if (request->max_examples() < 0 || request->max_examples() > 100) {
    return FinishCall(context, kRpc, name, "",
                      absl::InvalidArgumentError("max_examples: must be 0 (default 10) to 100"));
  }
  CheckedTable draft = CheckTableText(request->draft_text(), "draft_text");
  if (!draft.table.ok()) return FinishCall(context, kRpc, name, "", draft.table.status());
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const int64_t since_ms = request->has_since()
                               ? TimeUtil::TimestampToMilliseconds(request->since())
                               : now_ms - int64_t{30} * 24 * 3600 * 1000;
  const int max_examples = request->max_examples() == 0 ? 10 : request->max_examples();
  auto reports = deps_.store->ListReportsSince(since_ms, kMaxReplayed);
  if (!reports.ok()) return FinishCall(context, kRpc, name, "", reports.status());
  std::map<std::string, int64_t> gained;
  // (desk, deadline before, deadline after) -> reports.
  std::map<std::tuple<std::string, int64_t, int64_t>, int64_t> moved_deadlines;
  for (const storage::CaseRecord& c : *reports) {
    v1::Report report;
    if (!report.ParseFromString(c.detail)) continue;
    // A draft that no longer knows a child's jurisdiction routes it to the centre desk, as
    // Route() does for an unknown code; the comparison shows it.
    const router::Decision decision = router::Route(**draft.table, ToFacts(report));
    const std::map<std::string, int64_t> after = DecisionDesks(decision);
    const std::map<std::string, int64_t> before = IntakeDesks(c);
    response->set_reports(response->reports() + 1);
    bool desks_differ = false;
    bool deadlines_differ = false;
    for (const auto& [desk, seconds] : after) {
      auto it = before.find(desk);
      if (it == before.end()) {
        ++gained[desk];
        desks_differ = true;
      } else if (it->second != seconds) {
        ++moved_deadlines[{desk, it->second, seconds}];
        deadlines_differ = true;
      }
    }
    for (const auto& [desk, seconds] : before) {
      if (after.count(desk) == 0) {
        --gained[desk];
        desks_differ = true;
      }
    }
    if (desks_differ) response->set_changed(response->changed() + 1);
    if (deadlines_differ) response->set_deadline_changed(response->deadline_changed() + 1);
    if ((desks_differ || deadlines_differ) && response->examples_size() < max_examples) {
      v1::ReplayRoutingResponse::Example* e = response->add_examples();
      e->set_case_number(c.case_number);
      AddDesks(before, e->mutable_before_desks(), e->mutable_before());
      AddDesks(after, e->mutable_after_desks(), e->mutable_after());
    }
  }
  for (const auto& [desk, delta] : gained) {
    if (delta != 0) response->add_desk_changes(fmt::format("{}: {:+d}", desk, delta));
  }
  for (const auto& [key, count] : moved_deadlines) {
    const auto& [desk, from, to] = key;
    response->add_desk_changes(fmt::format("{}: deadline {} -> {} on {} report{}", desk,
                                           router::FormatDuration(std::chrono::seconds(from)),
                                           router::FormatDuration(std::chrono::seconds(to)), count,
                                           count == 1 ? "" : "s"));
  }
  return FinishCall(context, kRpc, name, "", absl::OkStatus());
}

grpc::ServerUnaryReactor* AdminService::ListDesks(grpc::CallbackServerContext* context,
                                                  const v1::ListDesksRequest* request,
                                                  v1::ListDesksResponse* response) {
  static constexpr std::string_view kRpc = "ListDesks";
  auto caller = deps_.auth->Check(
      *context, {Role::kOperator, Role::kSupervisor, Role::kAdmin, Role::kAuditor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  const ActiveTable active = deps_.routing->Current();
  auto open = deps_.store->CountOpenAssignments();
  if (!open.ok()) return FinishCall(context, kRpc, name, "", open.status());
  response->set_table_version(active.version);
  response->set_default_ack_deadline_seconds(active.table->default_ack_deadline.count());
  for (const router::Desk& d : active.table->desks) {
    v1::DeskInfo* info = response->add_desks();
    info->set_id(d.id);
    info->set_name(d.name);
    info->set_type(d.type);
    info->set_jurisdiction_code(d.jurisdiction);
    info->set_ack_deadline_seconds(d.ack_deadline.value_or(active.table->default_ack_deadline).count());
    info->set_ack_deadline_is_table_default(!d.ack_deadline.has_value());
    auto it = open->find(d.id);
    info->set_open_assignments(it == open->end() ? 0 : it->second);
  }
  return FinishCall(context, kRpc, name, "", absl::OkStatus());
}

grpc::ServerUnaryReactor* AdminService::PutDesk(grpc::CallbackServerContext* context,
                                                const v1::PutDeskRequest* request,
                                                v1::RoutingTableVersion* response) {
  static constexpr std::string_view kRpc = "PutDesk";
  auto caller = deps_.auth->Check(*context, {Role::kAdmin}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  const v1::DeskInfo& desk = request->desk();
  for (const absl::Status& s :
       {ValidateDeskId("desk.id", desk.id()), CheckComment(request->comment()),
        CheckExpectedVersion(request->expected_version())}) {
    if (!s.ok()) return FinishCall(context, kRpc, name, "", s);
  }
  if (absl::Status s = ValidateText("desk.name", desk.name(), 200, true, /*one_line=*/true);
      !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  if (desk.type().empty() || desk.jurisdiction_code().empty()) {
    return FinishCall(context, kRpc, name, "",
                      absl::InvalidArgumentError(desk.type().empty()
                                                     ? "desk.type: is required"
                                                     : "desk.jurisdiction_code: is required"));
  }
  if (desk.ack_deadline_seconds() < 0 || desk.ack_deadline_seconds() > 30 * 24 * 3600) {
    return FinishCall(context, kRpc, name, "",
                      absl::InvalidArgumentError(
                          "desk.ack_deadline_seconds: must be 0 (table default) to 30 days"));
  }
  const ActiveTable active = deps_.routing->Current();
  auto current = deps_.store->GetRoutingTable(active.version);
  if (!current.ok()) return FinishCall(context, kRpc, name, "", current.status());
  router::Desk d;
  d.id = desk.id();
  d.name = desk.name();
  d.type = desk.type();
  d.jurisdiction = desk.jurisdiction_code();
  if (desk.ack_deadline_seconds() > 0) d.ack_deadline = std::chrono::seconds(desk.ack_deadline_seconds());
  // The edited text goes through every check an apply does (unknown type or code included).
  const std::string text = router::PutDeskText(current->text, *active.table, d);
  auto record = deps_.tables->Apply(text, name, request->comment(), request->expected_version());
  if (record.ok()) FillVersion(*record, record->version, true, response);
  return FinishCall(context, kRpc, name, "", record.status());
}

grpc::ServerUnaryReactor* AdminService::DisableDesk(grpc::CallbackServerContext* context,
                                                    const v1::DisableDeskRequest* request,
                                                    v1::DisableDeskResponse* response) {
  static constexpr std::string_view kRpc = "DisableDesk";
  auto caller = deps_.auth->Check(*context, {Role::kAdmin}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  for (const absl::Status& s :
       {ValidateDeskId("desk_id", request->desk_id()), CheckComment(request->comment()),
        CheckExpectedVersion(request->expected_version())}) {
    if (!s.ok()) return FinishCall(context, kRpc, name, "", s);
  }
  const ActiveTable active = deps_.routing->Current();
  storage::NewAssignment replacement;
  if (!request->replacement_desk_id().empty()) {
    if (absl::Status s = ValidateDeskId("replacement_desk_id", request->replacement_desk_id());
        !s.ok()) {
      return FinishCall(context, kRpc, name, "", s);
    }
    const router::Desk* r = active.table->FindDesk(request->replacement_desk_id());
    if (r == nullptr || r->id == request->desk_id()) {
      return FinishCall(context, kRpc, name, "",
                        absl::InvalidArgumentError(fmt::format(
                            "replacement_desk_id: '{}' is {}", request->replacement_desk_id(),
                            r == nullptr ? "not a desk of the table in force"
                                         : "the desk being removed")));
    }
    replacement = DeskAssignment(
        *active.table, *r, "desk-removed",
        fmt::format("desk {} removed from the routing table by {}; {} takes its work over",
                    request->desk_id(), name, r->id));
  }
  auto current = deps_.store->GetRoutingTable(active.version);
  if (!current.ok()) return FinishCall(context, kRpc, name, "", current.status());
  auto text = router::RemoveDeskText(current->text, *active.table, request->desk_id());
  if (!text.ok()) {
    return FinishCall(context, kRpc, name, "",
                      absl::Status(text.status().code(),
                                   fmt::format("desk_id: {}", std::string(text.status().message()))));
  }
  auto result = deps_.tables->ApplyRemovingDesk(*std::move(text), name, request->comment(),
                                                request->expected_version(), request->desk_id(),
                                                replacement);
  if (result.ok()) {
    FillVersion(result->first, result->first.version, true, response->mutable_version());
    for (const storage::AssignmentRecord& a : result->second) {
      *response->add_moved() = ToAssignmentProto(a);
    }
  }
  return FinishCall(context, kRpc, name, "", result.status());
}

}  // namespace hotline::server
