// Who may see which case, and the record of every read (issue 3, art. 74). One place decides
// visibility for every service, so Intake and Desk cannot disagree. Thread-safe.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "server/auth.h"
#include "server/mapping.h"
#include "storage/store.h"

namespace hotline::server {

// Operators see the cases they recorded; agencies the cases with an assignment (current or
// past) to one of their desks; supervisors, admins and auditors every case.
bool MaySeeCase(const Caller& caller, const storage::CaseRecord& c);

// An agency acts on assignments of its own desks; everyone else allowed by the rpc on any.
bool MayActForDesk(const Caller& caller, std::string_view desk_id);

// The case if the caller may see it; otherwise NOT_FOUND with the same message as for a case
// that does not exist (no leak of existence).
absl::StatusOr<storage::CaseRecord> LoadVisibleCase(storage::Store& store, const Caller& caller,
                                                    std::string_view case_number);

// The assignment if it belongs to a desk the caller may act for (or read, for auditors and
// supervisors); otherwise NOT_FOUND exactly as for an id that does not exist.
absl::StatusOr<storage::AssignmentRecord> LoadVisibleAssignment(storage::Store& store,
                                                                const Caller& caller,
                                                                int64_t assignment_id);

// The case's summary in a Desk answer or stream message: its status only for a caller who may
// see the case; CASE_STATUS_UNSPECIFIED for an agency whose desks handed it on, which no longer
// follows how the case goes on (art. 74). The other facts are the ones it was handed.
v1::CaseSummary CaseSummaryFor(const Caller& caller, const storage::CaseRecord& c);

// What of a case the caller sees in Intake answers: agencies and auditors never see the
// reporter's identity.
CaseView IntakeViewFor(const Caller& caller);

// Records "case.viewed" (actor, role, rpc) durably; a read is answered only once recorded.
absl::Status RecordRead(storage::Store& store, const Caller& caller, int64_t case_id,
                        std::string_view rpc);

}  // namespace hotline::server
