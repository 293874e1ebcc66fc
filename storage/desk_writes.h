// Desk work, run by the writer thread inside a write's savepoint: the assignment lifecycle
// (case.proto AssignmentStatus), the case status that follows from it, reopening, feedback to
// the reporter (art. 37) and reads of a case recorded as access events. Each function checks
// the current state inside the transaction, so two desks acting at once cannot both win: the
// loser gets FAILED_PRECONDITION naming the status it found.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/records.h"
#include "storage/sqlite_util.h"
#include "storage/writer.h"

namespace hotline::storage {

// pending -> acknowledged. Already acknowledged: returned unchanged (changed=false).
absl::StatusOr<AssignmentChange> ApplyAcknowledge(WriteContext& ctx, int64_t id,
                                                  std::string_view actor, int64_t now_ms);

// An "assignment.updated" event on an acknowledged assignment; `kind` is a short name
// ("investigation_finding", "home_visit", "action_taken", "note"), `text` its private part.
absl::StatusOr<EventRecord> ApplyPostUpdate(WriteContext& ctx, int64_t id, std::string_view actor,
                                            std::string_view kind, std::string_view text,
                                            int64_t now_ms);

// No desk holds two open hand-offs of one case. When the successor's desk already holds one:
enum class WhenSuccessorHoldsCase {
  kRefuse,     // FAILED_PRECONDITION naming it (a desk's own decline or transfer)
  kCloseInto,  // this hand-off ends and the one the desk holds carries on: no successor is
               // created (a desk removed from the table, its work moved to that desk)
};

// pending|acknowledged -> `new_status` ("declined" or "transferred"), and `successor` as a new
// pending assignment of the same case that replaces it. `reason` is private. A decline may
// have no successor (empty desk_id) only while another assignment of the case is open.
absl::StatusOr<AssignmentChange> ApplyHandOff(
    WriteContext& ctx, int64_t id, std::string_view actor, std::string_view new_status,
    std::string_view reason, const NewAssignment& successor, int64_t now_ms,
    WhenSuccessorHoldsCase when_held = WhenSuccessorHoldsCase::kRefuse);

// acknowledged -> resolved with an outcome code; `summary` is private.
absl::StatusOr<AssignmentChange> ApplyResolve(WriteContext& ctx, int64_t id,
                                              std::string_view actor, std::string_view outcome,
                                              std::string_view summary, int64_t now_ms);

// resolved|closed -> routed, with a new pending assignment (`desk`). `reason` is private.
absl::StatusOr<CaseRecord> ApplyReopen(WriteContext& ctx, std::string_view case_number,
                                       std::string_view actor, std::string_view reason,
                                       const NewAssignment& desk, int64_t now_ms);

// Feedback due -> given ("feedback.given"); `note` is private.
absl::StatusOr<CaseRecord> ApplyRecordFeedback(WriteContext& ctx, std::string_view case_number,
                                               std::string_view actor, std::string_view note,
                                               int64_t now_ms);

// A "case.viewed" event: who (actor, role) read the case through which rpc.
absl::StatusOr<EventRecord> ApplyRecordAccess(WriteContext& ctx, int64_t case_id,
                                              std::string_view actor, std::string_view role,
                                              std::string_view rpc, int64_t now_ms);

// Escalation (issue 4): a pending assignment whose deadline (<= now_ms) passed becomes
// escalated and `successor` takes it over (replaces_id set); with an empty successor (no one
// left: the centre desk's own hand-off) it stays pending and is marked overdue once
// ("assignment.overdue"). FAILED_PRECONDITION when it is no longer pending, not yet due, or
// already marked overdue; ABORTED when the successor's desk holds an open hand-off of the case
// (given to it since the successor was chosen: choose again).
absl::StatusOr<AssignmentChange> ApplyEscalate(WriteContext& ctx, int64_t id,
                                               const NewAssignment& successor, int64_t now_ms);

// Moves every open assignment of `desk_id` to `replacement` ("assignment.transferred" and a
// new "assignment.created" each), e.g. when the desk is removed from the table. Returns the
// new assignments. Where the replacement already holds the case, the moved hand-off just ends
// (WhenSuccessorHoldsCase::kCloseInto): a removal does not fail on one case, and no desk gets
// a case twice.
absl::StatusOr<std::vector<AssignmentRecord>> ApplyMoveOpenAssignments(
    WriteContext& ctx, std::string_view desk_id, const NewAssignment& replacement,
    std::string_view actor, std::string_view reason, int64_t now_ms);

// Pending assignments whose deadline is at or before now_ms and that are not marked overdue,
// earliest first, at most `limit`.
absl::StatusOr<std::vector<AssignmentRecord>> LoadDueAssignments(sqlite::Connection& db,
                                                                 int64_t now_ms, int limit);
// The earliest such deadline in the future or past; 0 when there is none.
absl::StatusOr<int64_t> LoadNextDeadline(sqlite::Connection& db);

// The case status the assignments imply (an open case only; after a reopening only the
// hand-offs made since count): routed while nothing was taken up, in_progress once a desk
// acknowledged and work is open, resolved when nothing is open and some desk resolved its
// part.
std::string DeriveCaseStatus(const CaseRecord& c);

}  // namespace hotline::storage
