// Plain records the store takes and returns. No SQLite, no protobuf: the server maps these
// to and from the wire types. Times are milliseconds since the Unix epoch, UTC.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hotline::storage {

// Case kinds, statuses and assignment statuses are the contract's short names:
// kind "report" | "inquiry"; case status "received" | "routed" | "in_progress" | "resolved" |
// "closed"; assignment status "pending" | "acknowledged" | "resolved" | "declined" |
// "transferred" | "withdrawn" | "escalated".

struct NewAssignment {
  std::string desk_id;
  std::string desk_type;
  std::string desk_name;
  std::string rule_id;
  std::string resolution;    // how the router found the desk (no personal data)
  int64_t ack_deadline_seconds = 0;  // counted from the case's creation time
  // The routing-table version that named this desk. The store refuses the write when another
  // version came into force meanwhile (IsRoutingTableChanged): that version may have removed
  // the desk, and an open hand-off must be on a desk of the table in force. 0: not checked.
  int64_t routing_table_version = 0;
};

// Everything CreateCase needs. The store writes the case, its assignments and its events
// ("report.received" or "inquiry.recorded", then "case.routed" and one
// "assignment.created" per assignment) in one transaction.
struct NewCase {
  std::string request_id;           // idempotency key, unique across cases
  std::string request_fingerprint;  // hex SHA-256 of the request body
  std::string kind;                 // "report" | "inquiry"
  std::string actor;                // principal name of the caller
  std::string channel;              // short name, e.g. "phone"
  std::string urgency;              // short name; empty for inquiries
  std::vector<std::string> categories;     // short names; empty for inquiries
  std::vector<std::string> jurisdictions;  // children's codes; empty for inquiries
  // Opaque bytes holding the personal part (the serialized report or inquiry). Stored with
  // the case, never inside hashed event bytes: events carry its SHA-256 ("detail_sha256").
  std::string detail;
  std::string routing_version;  // table version label; empty for inquiries
  std::string routing_trace;    // opaque bytes (serialized trace, no personal data)
  std::vector<NewAssignment> assignments;  // non-empty for reports, empty for inquiries
  // The reporter is owed feedback on the outcome (art. 37): a report whose reporter is not
  // anonymous.
  bool feedback_wanted = false;
  int64_t routing_table_version = 0;  // the routing_tables version that routed it
};

struct AssignmentRecord {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string desk_id;
  std::string desk_type;
  std::string desk_name;
  std::string rule_id;
  std::string resolution;
  std::string status;
  int64_t created_ms = 0;
  int64_t ack_deadline_ms = 0;
  int64_t updated_ms = 0;
  std::string case_number;
  int64_t replaces_id = 0;  // the assignment this one took over from; 0 for none
  std::string outcome;      // set when resolved
  int64_t overdue_ms = 0;   // deadline passed with nowhere to escalate; 0: not overdue
};

struct CaseRecord {
  int64_t id = 0;
  std::string case_number;  // "HL-2026-000123"
  std::string kind;
  std::string status;
  std::string channel;
  std::string urgency;
  std::vector<std::string> categories;
  std::vector<std::string> jurisdictions;
  std::string created_by;
  std::string request_id;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t closed_ms = 0;  // 0 while open
  std::string detail;
  std::string routing_version;
  std::string routing_trace;
  std::string outcome;
  std::string outcome_summary;
  std::vector<AssignmentRecord> assignments;  // oldest first
  bool feedback_wanted = false;
  int64_t feedback_ms = 0;  // when feedback to the reporter was recorded; 0: not yet
  int64_t routing_table_version = 0;
  int64_t reopened_ms = 0;  // last reopening; 0: never reopened
  int64_t purged_ms = 0;    // when retention erased its personal data; 0: never
  // True when CreateCase found the request_id already stored and returned that case.
  bool replayed = false;
};

struct EventRecord {
  int64_t seq = 0;
  int64_t case_id = 0;      // 0 for system events
  std::string case_number;  // empty for system events
  int64_t time_ms = 0;
  std::string actor;
  std::string type;
  std::string payload;       // canonical JSON, no personal data; hashed
  std::string private_data;  // personal part (e.g. a note's text); not hashed, committed to
                             // by "private_sha256" in the payload; empty when none
  std::string prev_hash;     // hex
  std::string hash;          // hex SHA-256 over prev_hash and the canonical bytes
  std::string desk_id;       // the desk an assignment event concerns; empty otherwise
};

// One page of a desk's stream (Store::ReadDeskFeed): its events, each with the assignment
// it concerns as it was right after the event, and the summary of every case they belong to
// as the case is now.
struct DeskFeed {
  std::vector<EventRecord> events;            // seq order
  std::vector<AssignmentRecord> assignments;  // assignments[i]: the one events[i] concerns,
                                              // as of events[i]
  std::map<int64_t, CaseRecord> cases;        // by case id; CaseView::kSummary
};

struct CaseFilter {
  std::string status;               // empty: any
  std::string kind;
  std::string urgency;
  std::string category;
  std::string jurisdiction_prefix;  // any child's code starts with it
  std::string desk_id;              // has an assignment to this desk
  std::string created_by;           // recorded by this principal
  bool feedback_due = false;        // resolved or closed, reporter owed feedback, not given
  int64_t overdue_at_ms = 0;        // > 0: cases with a pending hand-off whose deadline is
                                    // at or before this time
};

// Assignment statuses from which a desk can still act.
inline bool IsOpenAssignmentStatus(const std::string& status) {
  return status == "pending" || status == "acknowledged";
}

struct AssignmentFilter {
  std::vector<std::string> desk_ids;  // required: at least one
  std::vector<std::string> statuses;  // empty: any
};

struct AssignmentPage {
  std::vector<AssignmentRecord> assignments;  // newest first (by id)
  int64_t next_before_id = 0;                 // 0: no more
};

// What an action on an assignment did.
struct AssignmentChange {
  AssignmentRecord assignment;          // after the action
  std::optional<AssignmentRecord> successor;  // decline / transfer: the new assignment
  std::string case_status;              // the case's status after the action
  bool changed = true;                  // false: a repeated acknowledge, nothing written
};

struct CasePage {
  std::vector<CaseRecord> cases;  // newest first (by id); detail and trace left empty
  int64_t next_before_id = 0;     // pass as before_id for the next page; 0: no more
};

// What VerifyChain found wrong with the first bad event (clients word it in their language).
enum class ChainProblem {
  kNone,
  kOutOfOrder,      // "event N out of order": a seq lower than expected
  kGap,             // "gap: event N missing"
  kFirstPrevHash,   // "prev_hash of the first event is not zero"
  kPrevHash,        // "prev_hash does not match event N-1"
  kHash,            // "hash mismatch": the event's bytes do not hash to its hash
  kDeskId,          // "desk_id does not match the payload"
  kPrivateData,     // "private data does not match the payload's private_sha256"
  kCommittedText,   // a case's report, or a routing table's text, does not match the SHA-256
                    // its last event committed to ("detail_sha256", "sha256")
  kAssignment,      // a hand-off's desk or status is not what its last event says
  kAnchorMissing,   // an anchored event is past the log's end: events were cut from it
  kAnchorMismatch,  // an anchored event has another hash: the log was rewritten before it
};

// An event a verifier recorded outside the server (a previous verification's head, or the
// server's log line "audit chain head"): the log must still hold it, with this hash. The
// chain alone cannot show events cut from its end, nor a log rewritten and re-hashed whole.
struct AuditAnchor {
  int64_t seq = 0;
  std::string hash;  // hex
};

// What RestoreDatabase records in the database it produced (Store::RecordRestore).
struct RestoreRecord {
  std::string backup;       // the backup file, absolute
  std::string backup_head;  // its verified chain head
  int64_t backup_events = 0;
  std::string replaced_kept_as;    // "" when no database was replaced
  bool replaced_readable = false;  // the replaced database could be read (not damaged)
  std::map<int64_t, int64_t> replaced_next_numbers;  // year -> next case number it would issue
  std::vector<std::pair<std::string, int64_t>> replaced_revocations;  // token_hash, revoked_ms
  int64_t replaced_head_seq = 0;
  std::string replaced_head_hash;
  int64_t replaced_later_events = 0;              // its events after the backup's last
  std::vector<std::string> replaced_later_cases;  // the cases of those events
  std::string os_user;                            // who ran the restore on the host
};

// What Store::RecordRestore found the restore leaves out, and carried over.
struct RestoreOutcome {
  // Case numbers the replaced database issued that the restored one does not hold, as
  // ranges ("HL-2026-000124..HL-2026-000135"); they will not be issued again.
  std::vector<std::string> case_numbers_not_restored;
  // Cases the restored database holds that the replaced one changed after the backup
  // (notes, hand-offs, closing): those changes are lost.
  std::vector<std::string> cases_changed_after_backup;
  int64_t events_not_restored = 0;
  int64_t revocations_carried = 0;  // token revocations made after the backup, kept
};

struct VerifyResult {
  bool ok = true;
  int64_t events_checked = 0;
  int64_t first_bad_seq = 0;  // 0 when ok
  ChainProblem problem_kind = ChainProblem::kNone;
  std::string problem;        // e.g. "hash mismatch", "prev_hash does not match event 41"
  std::string head_hash;      // hash of the last event; 64 zeros when there is none
  int64_t head_seq = 0;       // the last event; 0 when there is none
  int64_t anchors_checked = 0;
};

struct Principal {
  int64_t token_id = 0;
  std::string name;
  std::string role;  // "operator" | "agency" | "supervisor" | "admin" | "auditor"
  std::vector<std::string> desks;  // agency tokens: the desks they act for
  int64_t created_ms = 0;
};

}  // namespace hotline::storage

namespace hotline::storage {

// A stored routing-table version.
struct RoutingTableRecord {
  int64_t version = 0;
  std::string label;  // the text's own version label
  std::string text;   // empty in lists
  std::string sha256;
  std::string author;
  std::string comment;
  int64_t created_ms = 0;
  int64_t restored_from = 0;  // rollbacks: the version whose text was restored
  std::string warnings;       // the checker's warnings, one "line<TAB>message" per line
};

struct NewRoutingTable {
  std::string label;
  std::string text;
  std::string author;
  std::string comment;
  int64_t restored_from = 0;
  std::string warnings;
  // The version the change is based on; another current version is ABORTED. -1: any (the
  // start-up import and SIGHUP, which always apply on top of whatever is current).
  int64_t expected_version = -1;
  // Desks of the version in force that this one leaves out. ApplyRoutingTable refuses the
  // change (FAILED_PRECONDITION) while any of them holds an open hand-off: DisableDesk moves
  // them to a replacement first.
  std::vector<std::string> removed_desk_ids;
};

}  // namespace hotline::storage
