// Readable renderings of the Desk service's messages and the case follow-up answers: the
// assignment list, one assignment with its case and updates, the result line of an action,
// the lines of `desk watch`, and the case-access table. Table renderings end in '\n'; the
// one-line results do not. Thread-safe.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <cstdint>
#include <string>

#include "cli/i18n.h"
#include "cli/table.h"
#include "hotline/v1/desk.pb.h"
#include "hotline/v1/intake.pb.h"

namespace hotline::cli {

// True when `a` is PENDING and either its acknowledgement deadline lies before
// `now_seconds` (Unix time) or the server marked it overdue (overdue_time).
bool IsOverdue(const v1::Assignment& a, int64_t now_seconds);

// What `desk list` prints: id, desk, case, urgency, categories, status and the ack deadline,
// followed by "overdue" when IsOverdue. "no assignments" when empty.
std::string RenderAssignmentList(
    const google::protobuf::RepeatedPtrField<v1::AssignmentWithCase>& assignments,
    int64_t now_seconds, const Ui& ui, const TableStyle& style);

// What `desk show` prints: the assignment's fields, its case (RenderCase) and its updates
// (seq, time, actor, kind; the text below each, never shortened).
std::string RenderAssignmentDetail(const v1::GetAssignmentResponse& r, int64_t now_seconds,
                                   const Ui& ui, const TableStyle& style);

// The result of ack/decline/transfer/resolve on one line: "assignment #42 (police-110105):
// acknowledged; case HL-2026-000007: in_progress", and for a successor "; taken over by #43
// (center): <resolution>".
std::string RenderAssignmentChange(const v1::AssignmentChange& change, const Ui& ui);

// The result of `desk update` on one line: "update 57 posted on assignment #42 (finding)".
std::string RenderPostedUpdate(const v1::AssignmentUpdate& update, const Ui& ui);

// One `desk watch` line for a stream message, without a newline: for an event "time  cursor
// type  #id  desk  case  urgency  categories  status" (time local with seconds; the update kind
// follows the status for "assignment.updated"; an empty field prints "-"), for a heartbeat
// "time  cursor  heartbeat". Line breaks inside fields print as spaces.
std::string WatchLine(const v1::WatchAssignmentsResponse& r, const Ui& ui);

// One JSON Lines record for a stream message: the message in protobuf's JSON mapping on one
// line, and '\n'.
std::string WatchJsonLine(const v1::WatchAssignmentsResponse& r);

// What `case access` prints: seq, time, actor, role, rpc; "no reads recorded" when empty.
std::string RenderCaseAccess(const google::protobuf::RepeatedPtrField<v1::CaseAccess>& accesses,
                             const Ui& ui, const TableStyle& style);

}  // namespace hotline::cli
