// The case writes, run by the writer thread inside a write's savepoint: each function writes
// its rows and events or returns an error (the writer then rolls the savepoint back).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/records.h"
#include "storage/writer.h"

namespace hotline::storage {

// Checks what the database does not: INVALID_ARGUMENT naming the field. Call before queuing.
absl::Status ValidateNewCase(const NewCase& c);

// CreateCase at time `now_ms`: a replay (same request_id and fingerprint) returns the stored
// case with replayed=true and writes nothing; another fingerprint is ALREADY_EXISTS.
absl::StatusOr<CaseRecord> ApplyCreateCase(WriteContext& ctx, const NewCase& c, int64_t now_ms);

// Appends `e` to the event log at the batch's head.
absl::Status Append(WriteContext& ctx, const NewEvent& e);
// An event of case `c` (payload: canonical JSON without personal data).
NewEvent CaseEvent(const CaseRecord& c, std::string_view actor, int64_t now_ms, std::string type,
                   std::string payload);

// Inserts a pending assignment of case `c` and its "assignment.created" event (deadline
// counted from now_ms). replaces_id: the assignment it takes over from, or 0.
absl::StatusOr<AssignmentRecord> InsertAssignment(WriteContext& ctx, const CaseRecord& c,
                                                  const NewAssignment& a, std::string_view actor,
                                                  int64_t now_ms, int64_t replaces_id);

absl::StatusOr<EventRecord> ApplyAddNote(WriteContext& ctx, std::string_view case_number,
                                         std::string_view actor, std::string_view text,
                                         int64_t now_ms);

absl::StatusOr<CaseRecord> ApplyCloseCase(WriteContext& ctx, std::string_view case_number,
                                          std::string_view actor, std::string_view outcome,
                                          std::string_view summary, bool withdraw_open,
                                          int64_t now_ms);

}  // namespace hotline::storage
