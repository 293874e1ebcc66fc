#include "server/intake_service.h"

#include <chrono>

#include <fmt/format.h>

#include "proto/enum_names.h"
#include "router/router.h"
#include "server/call_log.h"
#include "server/case_access.h"
#include "server/mapping.h"
#include "server/page_token.h"
#include "server/validation.h"

namespace hotline::server {
namespace {

constexpr int kDefaultPageSize = 50;

// Validates the report against `active`, routes it and stores it. The table that validates is
// the one that routes, and the case records its version. When the store refuses because
// another version came into force before the case was stored (one that may have removed a
// desk it names, after DisableDesk moved that desk's hand-offs away), the report is routed
// again on the version in force, twice more at most.
void RouteAndStore(const ServiceDeps& deps, grpc::ServerUnaryReactor* reactor,
                   const v1::SubmitReportRequest* request, v1::Case* response,
                   const std::string& name, const ActiveTable& active, int tries) {
  static constexpr std::string_view kRpc = "SubmitReport";
  const router::RoutingTable& table = *active.table;
  if (absl::Status s = ValidateSubmitReport(*request, table); !s.ok()) {
    return FinishReactor(reactor, kRpc, name, "", s);
  }
  // One Decision per thread, reused report after report: routing then allocates almost
  // nothing (issue 6). ToNewCase copies what it needs before the thread takes another call.
  thread_local router::Decision decision;
  router::RouteInto(table, ToFacts(request->report()), decision);
  storage::NewCase new_case = ToNewCase(*request, decision, name);
  new_case.routing_table_version = active.version;
  deps.store->CreateCaseAsync(
      std::move(new_case), [&deps, reactor, request, response, name, version = active.version,
                            tries](absl::StatusOr<storage::CaseRecord> r) {
        if (!r.ok() && storage::IsRoutingTableChanged(r.status()) && tries < 3) {
          return RouteAndStore(deps, reactor, request, response, name,
                               deps.routing->CurrentOtherThan(version, std::chrono::seconds(1)),
                               tries + 1);
        }
        if (!r.ok()) return FinishReactor(reactor, kRpc, name, "", r.status());
        *response = ToCaseProto(*r, CaseView::kFull);
        FinishReactor(reactor, kRpc, name, r->case_number + (r->replayed ? " (replayed)" : ""),
                      absl::OkStatus());
      });
}

}  // namespace

grpc::ServerUnaryReactor* IntakeService::SubmitReport(grpc::CallbackServerContext* context,
                                                      const v1::SubmitReportRequest* request,
                                                      v1::Case* response) {
  static constexpr std::string_view kRpc = "SubmitReport";
  auto caller = deps_.auth->Check(*context, {Role::kOperator, Role::kSupervisor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  if (absl::Status s = CheckParsed(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RouteAndStore(deps_, reactor, request, response, caller->principal.name, deps_.routing->Current(),
                1);
  return reactor;
}

grpc::ServerUnaryReactor* IntakeService::SubmitInquiry(grpc::CallbackServerContext* context,
                                                       const v1::SubmitInquiryRequest* request,
                                                       v1::Case* response) {
  static constexpr std::string_view kRpc = "SubmitInquiry";
  auto caller = deps_.auth->Check(*context, {Role::kOperator, Role::kSupervisor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  if (absl::Status s = CheckParsed(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  if (absl::Status s = ValidateSubmitInquiry(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  deps_.store->CreateCaseAsync(
      ToNewCase(*request, caller->principal.name),
      [reactor, response, name = caller->principal.name](absl::StatusOr<storage::CaseRecord> r) {
        if (!r.ok()) return FinishReactor(reactor, kRpc, name, "", r.status());
        *response = ToCaseProto(*r, CaseView::kFull);
        FinishReactor(reactor, kRpc, name, r->case_number, absl::OkStatus());
      });
  return reactor;
}

grpc::ServerUnaryReactor* IntakeService::GetCase(grpc::CallbackServerContext* context,
                                                 const v1::GetCaseRequest* request,
                                                 v1::Case* response) {
  static constexpr std::string_view kRpc = "GetCase";
  auto caller = deps_.auth->Check(
      *context, {Role::kOperator, Role::kAgency, Role::kSupervisor, Role::kAuditor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  if (absl::Status s = CheckParsed(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  const std::string& number = request->case_number();
  if (absl::Status s = ValidateCaseNumber("case_number", number); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  auto record = LoadVisibleCase(*deps_.store, *caller, number);
  if (!record.ok()) return FinishCall(context, kRpc, caller->principal.name, number, record.status());
  if (absl::Status s = RecordRead(*deps_.store, *caller, record->id, kRpc); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, number, s);
  }
  *response = ToCaseProto(*record, IntakeViewFor(*caller));
  return FinishCall(context, kRpc, caller->principal.name, number, absl::OkStatus());
}

grpc::ServerUnaryReactor* IntakeService::ListCases(grpc::CallbackServerContext* context,
                                                   const v1::ListCasesRequest* request,
                                                   v1::ListCasesResponse* response) {
  static constexpr std::string_view kRpc = "ListCases";
  auto caller = deps_.auth->Check(
      *context, {Role::kOperator, Role::kSupervisor, Role::kAuditor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  if (absl::Status s = CheckParsed(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  const std::string& name = caller->principal.name;
  if (absl::Status s = ValidateListCases(*request); !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  absl::StatusOr<int64_t> before = ParsePageToken(*request);
  if (!before.ok()) return FinishCall(context, kRpc, name, "", before.status());
  storage::CaseFilter filter;
  if (request->status() != 0) filter.status = proto::ShortName(request->status());
  if (request->kind() != 0) filter.kind = proto::ShortName(request->kind());
  if (request->urgency() != 0) filter.urgency = proto::ShortName(request->urgency());
  if (request->category() != 0) filter.category = proto::ShortName(request->category());
  filter.jurisdiction_prefix = request->jurisdiction_prefix();
  filter.desk_id = request->desk_id();
  filter.feedback_due = request->feedback_due();
  if (request->overdue()) {
    filter.overdue_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  }
  if (caller->role == Role::kOperator) filter.created_by = name;
  const int page_size = request->page_size() == 0 ? kDefaultPageSize : request->page_size();
  absl::StatusOr<storage::CasePage> page = deps_.store->ListCases(filter, page_size, *before);
  if (page.ok()) {
    for (const storage::CaseRecord& r : page->cases) {
      *response->add_cases() = ToCaseProto(r, CaseView::kSummary);
    }
    if (page->next_before_id != 0) {
      response->set_next_page_token(MakePageToken(page->next_before_id, *request));
    }
  }
  return FinishCall(context, kRpc, name, "", page.status());
}

grpc::ServerUnaryReactor* IntakeService::AddNote(grpc::CallbackServerContext* context,
                                                 const v1::AddNoteRequest* request,
                                                 v1::AuditEvent* response) {
  static constexpr std::string_view kRpc = "AddNote";
  auto caller = deps_.auth->Check(*context, {Role::kOperator, Role::kSupervisor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  if (absl::Status s = CheckParsed(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  const std::string& name = caller->principal.name;
  const std::string& number = request->case_number();
  if (absl::Status s = ValidateAddNote(*request); !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  if (auto visible = LoadVisibleCase(*deps_.store, *caller, number); !visible.ok()) {
    return FinishCall(context, kRpc, name, number, visible.status());
  }
  auto event = deps_.store->AddNote(number, name, request->text());
  if (event.ok()) *response = ToEventProto(*event, /*include_private=*/true);
  return FinishCall(context, kRpc, name, number, event.status());
}

grpc::ServerUnaryReactor* IntakeService::CloseCase(grpc::CallbackServerContext* context,
                                                   const v1::CloseCaseRequest* request,
                                                   v1::Case* response) {
  static constexpr std::string_view kRpc = "CloseCase";
  auto caller = deps_.auth->Check(*context, {Role::kSupervisor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  if (absl::Status s = CheckParsed(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  const std::string& name = caller->principal.name;
  const std::string& number = request->case_number();
  if (absl::Status s = ValidateCloseCase(*request); !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  auto record = deps_.store->CloseCase(number, name, request->outcome(), request->summary(),
                                       request->withdraw_open_assignments());
  if (record.ok()) *response = ToCaseProto(*record, CaseView::kFull);
  return FinishCall(context, kRpc, name, number, record.status());
}

grpc::ServerUnaryReactor* IntakeService::GetCaseHistory(grpc::CallbackServerContext* context,
                                                        const v1::GetCaseHistoryRequest* request,
                                                        v1::GetCaseHistoryResponse* response) {
  static constexpr std::string_view kRpc = "GetCaseHistory";
  auto caller = deps_.auth->Check(
      *context, {Role::kOperator, Role::kSupervisor, Role::kAuditor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  if (absl::Status s = CheckParsed(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  const std::string& name = caller->principal.name;
  const std::string& number = request->case_number();
  if (absl::Status s = ValidateCaseNumber("case_number", number); !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  auto visible = LoadVisibleCase(*deps_.store, *caller, number);
  if (!visible.ok()) return FinishCall(context, kRpc, name, number, visible.status());
  if (absl::Status s = RecordRead(*deps_.store, *caller, visible->id, kRpc); !s.ok()) {
    return FinishCall(context, kRpc, name, number, s);
  }
  auto events = deps_.store->GetCaseHistory(number);
  if (events.ok()) {
    // Auditors check the record, not its personal content.
    const bool include_private = caller->role != Role::kAuditor;
    for (const storage::EventRecord& e : *events) {
      if (e.type == "case.viewed") continue;  // reads are listed by ListCaseAccess
      *response->add_events() = ToEventProto(e, include_private);
    }
  }
  return FinishCall(context, kRpc, name, number, events.status());
}

grpc::ServerUnaryReactor* IntakeService::VerifyAuditLog(grpc::CallbackServerContext* context,
                                                        const v1::VerifyAuditLogRequest* request,
                                                        v1::VerifyAuditLogResponse* response) {
  static constexpr std::string_view kRpc = "VerifyAuditLog";
  auto caller = deps_.auth->Check(
      *context, {Role::kSupervisor, Role::kAdmin, Role::kAuditor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  if (absl::Status s = CheckParsed(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  if (absl::Status s = ValidateVerifyAuditLog(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  std::vector<storage::AuditAnchor> anchors;
  for (const v1::AuditAnchor& a : request->anchors()) anchors.push_back({a.seq(), a.hash()});
  auto result = deps_.store->VerifyAuditLog(std::move(anchors));
  if (result.ok()) {
    response->set_head_seq(result->head_seq);
    response->set_anchors_checked(result->anchors_checked);
    response->set_ok(result->ok);
    response->set_events_checked(result->events_checked);
    response->set_first_bad_seq(result->first_bad_seq);
    response->set_problem(result->problem);
    response->set_problem_kind(ToAuditProblem(result->problem_kind));
    response->set_head_hash(result->head_hash);
  }
  return FinishCall(context, kRpc, caller->principal.name, "", result.status());
}

grpc::ServerUnaryReactor* IntakeService::ReopenCase(grpc::CallbackServerContext* context,
                                                    const v1::ReopenCaseRequest* request,
                                                    v1::Case* response) {
  static constexpr std::string_view kRpc = "ReopenCase";
  auto caller = deps_.auth->Check(*context, {Role::kSupervisor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  if (absl::Status s = CheckParsed(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  const std::string& name = caller->principal.name;
  const std::string& number = request->case_number();
  if (absl::Status s = ValidateReopenCase(*request); !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  // The desk that takes the reopened case: the named one, else the centre desk.
  auto existing = deps_.store->GetCase(number);
  if (!existing.ok()) {
    return FinishCall(context, kRpc, name, number,
                      absl::IsNotFound(existing.status())
                          ? absl::NotFoundError(fmt::format("case {} not found", number))
                          : existing.status());
  }
  const std::string first_code =
      existing->jurisdictions.empty() ? std::string() : existing->jurisdictions.front();
  auto record = OnTableInForce(
      *deps_.routing, [&](const ActiveTable& active) -> absl::StatusOr<storage::CaseRecord> {
        const router::RoutingTable& table = *active.table;
        const router::Desk* desk = request->desk_id().empty() ? table.CenterDesk(first_code)
                                                              : table.FindDesk(request->desk_id());
        if (desk == nullptr) {
          return absl::InvalidArgumentError(
              fmt::format("desk_id: unknown desk '{}' (not in routing table {})",
                          request->desk_id(), table.version));
        }
        storage::NewAssignment assignment = DeskAssignment(
            table, *desk, "reopen",
            fmt::format("case reopened by {}; assigned to {}", name,
                        request->desk_id().empty() ? "the centre desk" : "the named desk"));
        assignment.routing_table_version = active.version;
        return deps_.store->ReopenCase(number, name, request->reason(), assignment);
      });
  if (record.ok()) *response = ToCaseProto(*record, CaseView::kFull);
  return FinishCall(context, kRpc, name, number, record.status());
}

grpc::ServerUnaryReactor* IntakeService::RecordFeedback(grpc::CallbackServerContext* context,
                                                        const v1::RecordFeedbackRequest* request,
                                                        v1::Case* response) {
  static constexpr std::string_view kRpc = "RecordFeedback";
  auto caller = deps_.auth->Check(*context, {Role::kOperator, Role::kSupervisor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  if (absl::Status s = CheckParsed(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  const std::string& name = caller->principal.name;
  const std::string& number = request->case_number();
  if (absl::Status s = ValidateRecordFeedback(*request); !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  if (auto visible = LoadVisibleCase(*deps_.store, *caller, number); !visible.ok()) {
    return FinishCall(context, kRpc, name, number, visible.status());
  }
  auto record = deps_.store->RecordFeedback(number, name, request->note());
  if (record.ok()) *response = ToCaseProto(*record, CaseView::kFull);
  return FinishCall(context, kRpc, name, number, record.status());
}

grpc::ServerUnaryReactor* IntakeService::ListCaseAccess(grpc::CallbackServerContext* context,
                                                        const v1::ListCaseAccessRequest* request,
                                                        v1::ListCaseAccessResponse* response) {
  static constexpr std::string_view kRpc = "ListCaseAccess";
  auto caller = deps_.auth->Check(*context, {Role::kSupervisor, Role::kAuditor}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  if (absl::Status s = CheckParsed(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  const std::string& name = caller->principal.name;
  const std::string& number = request->case_number();
  if (absl::Status s = ValidateCaseNumber("case_number", number); !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  auto events = deps_.store->GetCaseHistory(number);
  if (absl::IsNotFound(events.status())) {
    events = absl::NotFoundError(fmt::format("case {} not found", number));
  }
  if (events.ok()) {
    for (const storage::EventRecord& e : *events) {
      if (e.type != "case.viewed") continue;
      v1::CaseAccess* access = response->add_accesses();
      FillCaseAccess(e, access);
    }
  }
  return FinishCall(context, kRpc, name, number, events.status());
}

}  // namespace hotline::server
