#include "server/case_access.h"

#include <algorithm>

#include <fmt/format.h>

namespace hotline::server {

bool MayActForDesk(const Caller& caller, std::string_view desk_id) {
  if (caller.role != Role::kAgency) return true;
  const std::vector<std::string>& desks = caller.principal.desks;
  return std::find(desks.begin(), desks.end(), desk_id) != desks.end();
}

bool MaySeeCase(const Caller& caller, const storage::CaseRecord& c) {
  switch (caller.role) {
    case Role::kOperator:
      return c.created_by == caller.principal.name;
    case Role::kAgency:
      // Need to know (art. 74): while one of its desks holds a hand-off of the case, or
      // resolved one (it follows the case up, art. 37). A desk that transferred, declined,
      // missed its deadline (escalated) or was withdrawn no longer reads the case as it goes
      // on; its own hand-off stays readable (GetAssignment), without the case.
      return std::any_of(
          c.assignments.begin(), c.assignments.end(), [&](const storage::AssignmentRecord& a) {
            return MayActForDesk(caller, a.desk_id) &&
                   (storage::IsOpenAssignmentStatus(a.status) || a.status == "resolved");
          });
    case Role::kSupervisor:
    case Role::kAdmin:
    case Role::kAuditor:
      return true;
  }
  return false;
}

absl::StatusOr<storage::CaseRecord> LoadVisibleCase(storage::Store& store, const Caller& caller,
                                                    std::string_view case_number) {
  absl::StatusOr<storage::CaseRecord> record = store.GetCase(case_number);
  if (!record.ok()) {
    if (absl::IsNotFound(record.status())) {
      return absl::NotFoundError(fmt::format("case {} not found", case_number));
    }
    return record.status();
  }
  if (!MaySeeCase(caller, *record)) {
    return absl::NotFoundError(fmt::format("case {} not found", case_number));
  }
  return record;
}

absl::StatusOr<storage::AssignmentRecord> LoadVisibleAssignment(storage::Store& store,
                                                                const Caller& caller,
                                                                int64_t assignment_id) {
  absl::StatusOr<storage::AssignmentRecord> a = store.GetAssignment(assignment_id);
  if ((!a.ok() && absl::IsNotFound(a.status())) || (a.ok() && !MayActForDesk(caller, a->desk_id))) {
    return absl::NotFoundError(fmt::format("assignment {} not found", assignment_id));
  }
  return a;
}

v1::CaseSummary CaseSummaryFor(const Caller& caller, const storage::CaseRecord& c) {
  v1::CaseSummary summary = ToCaseSummary(c);
  if (!MaySeeCase(caller, c)) summary.clear_status();
  return summary;
}

CaseView IntakeViewFor(const Caller& caller) {
  return caller.role == Role::kAuditor || caller.role == Role::kAgency ? CaseView::kRedactReporter
                                                                       : CaseView::kFull;
}

absl::Status RecordRead(storage::Store& store, const Caller& caller, int64_t case_id,
                        std::string_view rpc) {
  return store.RecordCaseAccess(case_id, caller.principal.name, RoleName(caller.role), rpc)
      .status();
}

}  // namespace hotline::server
