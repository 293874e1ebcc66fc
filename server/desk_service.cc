#include "server/desk_service.h"

#include <algorithm>

#include <fmt/format.h>

#include "proto/enum_names.h"
#include "router/router.h"
#include "server/call_log.h"
#include "server/case_access.h"
#include "server/grpc_status.h"
#include "server/mapping.h"
#include "server/page_token.h"
#include "server/validation.h"

namespace hotline::server {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr std::chrono::seconds kDefaultHeartbeat{15};

const std::initializer_list<Role> kReaders = {Role::kAgency, Role::kSupervisor, Role::kAuditor};
const std::initializer_list<Role> kActors = {Role::kAgency, Role::kSupervisor};

// The desks a watch or list covers. Agencies: the requested desks, each one of theirs, or all
// of theirs when none is named. Supervisors and auditors: the requested desks, which must be
// in the routing table in force.
absl::StatusOr<std::vector<std::string>> ScopeDesks(
    const Caller& caller, const google::protobuf::RepeatedPtrField<std::string>& requested,
    const router::RoutingTable& table) {
  std::vector<std::string> desks;
  if (caller.role == Role::kAgency) {
    if (requested.empty()) return caller.principal.desks;
    for (int i = 0; i < requested.size(); ++i) {
      if (!MayActForDesk(caller, requested[i])) {
        return absl::PermissionDeniedError(fmt::format(
            "desk_ids[{}]: desk '{}' is not one of the desks your token acts for", i,
            requested[i]));
      }
      desks.push_back(requested[i]);
    }
    return desks;
  }
  if (requested.empty()) return absl::InvalidArgumentError("desk_ids: name at least one desk");
  for (int i = 0; i < requested.size(); ++i) {
    if (table.FindDesk(requested[i]) == nullptr) {
      return absl::InvalidArgumentError(fmt::format(
          "desk_ids[{}]: unknown desk '{}' (not in routing table {})", i, requested[i],
          table.version));
    }
    desks.push_back(requested[i]);
  }
  return desks;
}


void FillChange(const storage::AssignmentChange& change, v1::AssignmentChange* out) {
  *out->mutable_assignment() = ToAssignmentProto(change.assignment);
  if (change.successor) *out->mutable_successor() = ToAssignmentProto(*change.successor);
  out->set_case_status(static_cast<v1::CaseStatus>(
      proto::ParseShortName(v1::CaseStatus_descriptor(), change.case_status).value_or(0)));
}

// The shape every desk action shares: the caller is an agency or a supervisor, the request
// parses and passes `validate`, and the assignment is one the caller may see. `act(name,
// assignment)` does the work and fills the response; the call is logged against the case.
template <typename Request, typename Validate, typename Act>
grpc::ServerUnaryReactor* DeskAction(const ServiceDeps& deps, grpc::CallbackServerContext* context,
                                     std::string_view rpc, const Request& request,
                                     Validate validate, Act act) {
  auto caller = deps.auth->Check(*context, kActors, rpc);
  if (!caller.ok()) return FinishCall(context, rpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(request); !s.ok()) return FinishCall(context, rpc, name, "", s);
  if (absl::Status s = validate(request); !s.ok()) return FinishCall(context, rpc, name, "", s);
  auto a = LoadVisibleAssignment(*deps.store, *caller, request.assignment_id());
  if (!a.ok()) return FinishCall(context, rpc, name, "", a.status());
  return FinishCall(context, rpc, name, a->case_number, act(name, *a));
}

}  // namespace

grpc::ServerWriteReactor<v1::WatchAssignmentsResponse>* DeskService::WatchAssignments(
    grpc::CallbackServerContext* context, const v1::WatchAssignmentsRequest* request) {
  static constexpr std::string_view kRpc = "WatchAssignments";
  const auto refuse = [&](std::string_view caller, const absl::Status& status) {
    LogCall(kRpc, caller, "", status);
    auto* reactor = new RefusedStream<v1::WatchAssignmentsResponse>();
    reactor->Finish(ToGrpcStatus(status));
    return reactor;
  };
  auto caller = deps_.auth->Check(*context, kReaders, kRpc);
  if (!caller.ok()) return refuse("-", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return refuse(name, s);
  if (absl::Status s = ValidateWatchAssignments(*request); !s.ok()) return refuse(name, s);
  StreamHub::Position after;
  if (!request->after_cursor().empty()) {
    std::optional<StreamHub::Position> position = StreamHub::ParseCursor(request->after_cursor());
    if (!position) {
      return refuse(name, absl::InvalidArgumentError(
                              "after_cursor: not a cursor this server issued (expected the "
                              "cursor of a WatchAssignmentsResponse, e.g. \"v2.1234.89abcdef\")"));
    }
    if (position->seq > 0) {
      // The event the cursor names must still be the one it was issued for: after a
      // restore the log's sequence numbers are issued again to other events, and resuming
      // by number alone would skip some of them. Neither the head nor the hash is told.
      absl::StatusOr<std::string> hash = deps_.store->EventHash(position->seq);
      if (!hash.ok() && !absl::IsNotFound(hash.status())) return refuse(name, hash.status());
      if (!hash.ok() ||
          hash->compare(0, position->hash_prefix.size(), position->hash_prefix) != 0) {
        return refuse(name, absl::FailedPreconditionError(fmt::format(
                                "after_cursor: {} names an event this event log does not hold "
                                "(the database was restored from a backup, or the cursor is "
                                "another hotline's): the events after it are not the ones you "
                                "were following. Watch again without a cursor to receive your "
                                "desks' events from the start",
                                request->after_cursor())));
      }
    }
    after = *std::move(position);
  }
  auto desks = ScopeDesks(*caller, request->desk_ids(), *deps_.routing->Get());
  if (!desks.ok()) return refuse(name, desks.status());
  const std::chrono::seconds heartbeat = request->heartbeat_seconds() == 0
                                             ? kDefaultHeartbeat
                                             : std::chrono::seconds(request->heartbeat_seconds());
  if (absl::Status s = streams_->Acquire(name); !s.ok()) return refuse(name, s);
  LogCall(kRpc, name, "", absl::OkStatus());
  return hub_->Watch(*std::move(desks), after, heartbeat, *caller,
                     [limiter = streams_, name] { limiter->Release(name); });
}

grpc::ServerUnaryReactor* DeskService::ListAssignments(grpc::CallbackServerContext* context,
                                                       const v1::ListAssignmentsRequest* request,
                                                       v1::ListAssignmentsResponse* response) {
  static constexpr std::string_view kRpc = "ListAssignments";
  auto caller = deps_.auth->Check(*context, kReaders, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  if (absl::Status s = ValidateListAssignments(*request); !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  absl::StatusOr<int64_t> before = ParsePageToken(*request);
  if (!before.ok()) return FinishCall(context, kRpc, name, "", before.status());
  auto desks = ScopeDesks(*caller, request->desk_ids(), *deps_.routing->Get());
  if (!desks.ok()) return FinishCall(context, kRpc, name, "", desks.status());
  storage::AssignmentFilter filter;
  filter.desk_ids = *std::move(desks);
  for (int status : request->statuses()) {
    filter.statuses.push_back(proto::ShortName(static_cast<v1::AssignmentStatus>(status)));
  }
  const int page_size = request->page_size() == 0 ? kDefaultPageSize : request->page_size();
  auto page = deps_.store->ListAssignments(filter, page_size, *before);
  if (!page.ok()) return FinishCall(context, kRpc, name, "", page.status());
  for (const storage::AssignmentRecord& a : page->assignments) {
    absl::StatusOr<storage::CaseRecord> c = deps_.store->GetCase(a.case_number);
    if (!c.ok()) return FinishCall(context, kRpc, name, "", c.status());
    v1::AssignmentWithCase* item = response->add_assignments();
    *item->mutable_assignment() = ToAssignmentProto(a);
    *item->mutable_case_summary() = CaseSummaryFor(*caller, *c);
  }
  if (page->next_before_id != 0) {
    response->set_next_page_token(MakePageToken(page->next_before_id, *request));
  }
  return FinishCall(context, kRpc, name, "", absl::OkStatus());
}

grpc::ServerUnaryReactor* DeskService::GetAssignment(grpc::CallbackServerContext* context,
                                                     const v1::GetAssignmentRequest* request,
                                                     v1::GetAssignmentResponse* response) {
  static constexpr std::string_view kRpc = "GetAssignment";
  auto caller = deps_.auth->Check(*context, kReaders, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  const std::string& name = caller->principal.name;
  if (absl::Status s = CheckParsed(*request); !s.ok()) return FinishCall(context, kRpc, name, "", s);
  if (absl::Status s = ValidateAssignmentId(request->assignment_id()); !s.ok()) {
    return FinishCall(context, kRpc, name, "", s);
  }
  auto a = LoadVisibleAssignment(*deps_.store, *caller, request->assignment_id());
  if (!a.ok()) return FinishCall(context, kRpc, name, "", a.status());
  auto c = deps_.store->GetCase(a->case_number);
  if (!c.ok()) return FinishCall(context, kRpc, name, a->case_number, c.status());
  auto events = deps_.store->GetCaseHistory(a->case_number);
  if (!events.ok()) return FinishCall(context, kRpc, name, a->case_number, events.status());
  // A desk that handed the case on reads its own hand-off and what it wrote there, not the
  // case as it goes on, nor what others (a supervisor) added to the hand-off (MaySeeCase,
  // need to know, art. 74): their updates are listed without their text.
  const bool show_case = MaySeeCase(*caller, *c);
  bool shows_text = false;
  const std::string id_text = std::to_string(a->id);
  for (const storage::EventRecord& e : *events) {
    if (e.type != "assignment.updated" || PayloadString(e, "assignment_id") != id_text) continue;
    v1::AssignmentUpdate* u = response->add_updates();
    *u = ToUpdateProto(e, a->id, PayloadString(e, "kind"));
    const bool text_shown = caller->role != Role::kAuditor &&  // auditors check the record only
                            (show_case || e.actor == name);
    if (!text_shown) u->clear_text();
    shows_text = shows_text || !u->text().empty();
  }
  // Personal data is answered only once its read is recorded: the case, or update texts.
  if (show_case || shows_text) {
    if (absl::Status s = RecordRead(*deps_.store, *caller, c->id, "Desk.GetAssignment"); !s.ok()) {
      return FinishCall(context, kRpc, name, a->case_number, s);
    }
  }
  *response->mutable_assignment() = ToAssignmentProto(*a);
  // Desk answers never carry the reporter's identity, whoever asks (art. 74).
  if (show_case) *response->mutable_case_() = ToCaseProto(*c, CaseView::kRedactReporter);
  return FinishCall(context, kRpc, name, a->case_number, absl::OkStatus());
}

grpc::ServerUnaryReactor* DeskService::Acknowledge(grpc::CallbackServerContext* context,
                                                   const v1::AcknowledgeRequest* request,
                                                   v1::AssignmentChange* response) {
  const auto validate = [](const v1::AcknowledgeRequest& r) {
    return ValidateAssignmentId(r.assignment_id());
  };
  return DeskAction(deps_, context, "Acknowledge", *request, validate,
                    [&](const std::string& name, const storage::AssignmentRecord& a) {
                      auto change = deps_.store->AcknowledgeAssignment(a.id, name);
                      if (change.ok()) FillChange(*change, response);
                      return change.status();
                    });
}

grpc::ServerUnaryReactor* DeskService::PostUpdate(grpc::CallbackServerContext* context,
                                                  const v1::PostUpdateRequest* request,
                                                  v1::AssignmentUpdate* response) {
  return DeskAction(deps_, context, "PostUpdate", *request, ValidatePostUpdate,
                    [&](const std::string& name, const storage::AssignmentRecord& a) {
                      const std::string kind = proto::ShortName(request->kind());
                      auto event =
                          deps_.store->PostAssignmentUpdate(a.id, name, kind, request->text());
                      if (event.ok()) *response = ToUpdateProto(*event, a.id, kind);
                      return event.status();
                    });
}

grpc::ServerUnaryReactor* DeskService::Decline(grpc::CallbackServerContext* context,
                                               const v1::DeclineRequest* request,
                                               v1::AssignmentChange* response) {
  return DeskAction(
      deps_, context, "Decline", *request, ValidateDecline,
      [&](const std::string& name, const storage::AssignmentRecord& a) -> absl::Status {
        auto c = deps_.store->GetCase(a.case_number);
        if (!c.ok()) return c.status();
        // Re-route: the next target of the rule that chose this desk, else the centre desk.
        // The store re-checks the assignment's status inside its transaction.
        auto change = OnTableInForce(*deps_.routing, [&](const ActiveTable& active) {
          std::optional<router::RoutedTarget> next = router::NextTargetAfterDecline(
              *active.table, a.rule_id, a.desk_id, c->jurisdictions, OpenDesks(*c));
          storage::NewAssignment successor;
          if (next) successor = ToNewAssignment(*next);
          successor.routing_table_version = active.version;
          return deps_.store->HandOffAssignment(a.id, name, "declined", request->reason(),
                                                successor);
        });
        if (change.ok()) FillChange(*change, response);
        return change.status();
      });
}

grpc::ServerUnaryReactor* DeskService::Transfer(grpc::CallbackServerContext* context,
                                                const v1::TransferRequest* request,
                                                v1::AssignmentChange* response) {
  return DeskAction(
      deps_, context, "Transfer", *request, ValidateTransfer,
      [&](const std::string& name, const storage::AssignmentRecord& a) -> absl::Status {
        auto change = OnTableInForce(
            *deps_.routing,
            [&](const ActiveTable& active) -> absl::StatusOr<storage::AssignmentChange> {
              const router::RoutingTable& table = *active.table;
              const router::Desk* to = table.FindDesk(request->to_desk_id());
              if (to == nullptr) {
                return absl::InvalidArgumentError(
                    fmt::format("to_desk_id: unknown desk '{}' (not in routing table {})",
                                request->to_desk_id(), table.version));
              }
              if (to->id == a.desk_id) {
                return absl::InvalidArgumentError(
                    fmt::format("to_desk_id: '{}' is the assignment's own desk", to->id));
              }
              storage::NewAssignment successor = DeskAssignment(
                  table, *to, a.rule_id,
                  fmt::format("transferred from {} by {} (assignment {})", a.desk_id, name, a.id));
              successor.routing_table_version = active.version;
              return deps_.store->HandOffAssignment(a.id, name, "transferred", request->reason(),
                                                    successor);
            });
        if (change.ok()) FillChange(*change, response);
        return change.status();
      });
}

grpc::ServerUnaryReactor* DeskService::Resolve(grpc::CallbackServerContext* context,
                                               const v1::ResolveRequest* request,
                                               v1::AssignmentChange* response) {
  return DeskAction(deps_, context, "Resolve", *request, ValidateResolve,
                    [&](const std::string& name, const storage::AssignmentRecord& a) {
                      auto change = deps_.store->ResolveAssignment(a.id, name, request->outcome(),
                                                                   request->summary());
                      if (change.ok()) FillChange(*change, response);
                      return change.status();
                    });
}

}  // namespace hotline::server
