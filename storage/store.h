// The durable store: cases, assignments, principals and the append-only, hash-chained event
// log, in one SQLite database (WAL, synchronous=FULL). Thread-safe: every write goes
// through a single writer thread that commits concurrent writes together (group commit: one
// transaction, one fsync); reads use their own connections. A write's call returns only
// after its transaction is durable.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/clock.h"
#include "storage/records.h"

namespace hotline::storage {

// A write refused because the routing-table version that decided it is no longer in force
// (NewCase and NewAssignment's routing_table_version): decide again on the table in force
// and retry. Nothing was written.
bool IsRoutingTableChanged(const absl::Status& status);

struct StoreOptions {
  // Database file; ":memory:" for a private in-memory database (tests).
  std::string path = "var/hotline.db";
  // Time source for event and case timestamps; not owned. Null: the real clock.
  const Clock* clock = nullptr;
  // Most writes committed in one transaction.
  int max_batch = 256;
  // Read connections (file databases only).
  int read_connections = 4;
  // How long a connection waits for a lock held by another process before the call
  // fails with UNAVAILABLE.
  int busy_timeout_ms = 5000;
  // File databases: WAL pages after a commit that wake the checkpoint thread (SQLite's own
  // auto-checkpoint, which would run inside the writer's commit, is replaced), and the most
  // the writer copies itself so that the WAL starts over (storage/checkpointer.h).
  int checkpoint_pages = 1000;
  // ListCases: a category, jurisdiction, desk or overdue filter that matches at least this
  // many rows is tested on each case newest first rather than read as a list of all its
  // matches (tests set 1 to take that path on small data).
  int list_many_matches = 10000;
};

class Store {
 public:
  // Opens (creating if needed) and migrates the database to the current schema version.
  // Fails with a message naming the path on an unreadable, locked or corrupt file, or on a
  // schema newer than this build knows.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);

  // Drains queued writes, stops the writer thread, closes the connections.
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The schema version this build migrates to.
  static int SchemaVersion();

  // --- Cases -------------------------------------------------------------------------

  // Stores a new case with its assignments and events in one transaction, giving it the
  // next case number of its creation year. If `request_id` is already stored: with the same
  // fingerprint, returns the stored case with replayed=true and writes nothing; with a
  // different one, ALREADY_EXISTS.
  absl::StatusOr<CaseRecord> CreateCase(const NewCase& c);
  // Same, without blocking: `done` runs on the completion thread once the transaction is
  // durable (or failed). It must be quick and must not call back into the store's writes.
  void CreateCaseAsync(NewCase c, std::function<void(absl::StatusOr<CaseRecord>)> done);

  // The case with its assignments. NOT_FOUND when there is none.
  absl::StatusOr<CaseRecord> GetCase(std::string_view case_number);

  // Cases matching `filter`, newest first, ids below `before_id` (0: from the newest).
  // page_size is 1..1000.
  absl::StatusOr<CasePage> ListCases(const CaseFilter& filter, int page_size, int64_t before_id);

  // Appends a "note.added" event; the text is its private part. NOT_FOUND for an unknown case.
  absl::StatusOr<EventRecord> AddNote(std::string_view case_number, std::string_view actor,
                                      std::string_view text);

  // Closes the case with an outcome ("case.closed" event). FAILED_PRECONDITION when it is
  // already closed, or when assignments are open (pending/acknowledged) and
  // `withdraw_open` is false; with `withdraw_open`, each open assignment is first withdrawn
  // ("assignment.withdrawn" event). All in one transaction.
  absl::StatusOr<CaseRecord> CloseCase(std::string_view case_number, std::string_view actor,
                                       std::string_view outcome, std::string_view summary,
                                       bool withdraw_open);

  // Reopens a resolved or closed report ("case.reopened", reason private) and assigns it
  // to `desk` (a new pending assignment). FAILED_PRECONDITION naming the status otherwise.
  absl::StatusOr<CaseRecord> ReopenCase(std::string_view case_number, std::string_view actor,
                                        std::string_view reason, const NewAssignment& desk);

  // Records that the reporter was given feedback ("feedback.given", note private).
  // FAILED_PRECONDITION unless feedback is due (wanted, not given, case resolved or closed).
  absl::StatusOr<CaseRecord> RecordFeedback(std::string_view case_number, std::string_view actor,
                                            std::string_view note);

  // Records a read of the case ("case.viewed": actor, role, rpc) durably, before the caller
  // shows the case to anyone.
  absl::StatusOr<EventRecord> RecordCaseAccess(int64_t case_id, std::string_view actor,
                                               std::string_view role, std::string_view rpc);

  // --- Desk work (desk_writes.h has the lifecycle) ------------------------------------

  // One assignment with its case number. NOT_FOUND when there is none.
  absl::StatusOr<AssignmentRecord> GetAssignment(int64_t id);
  // Assignments of filter.desk_ids, newest first, ids below `before_id` (0: from the newest).
  absl::StatusOr<AssignmentPage> ListAssignments(const AssignmentFilter& filter, int page_size,
                                                 int64_t before_id);
  absl::StatusOr<AssignmentChange> AcknowledgeAssignment(int64_t id, std::string_view actor);
  absl::StatusOr<EventRecord> PostAssignmentUpdate(int64_t id, std::string_view actor,
                                                   std::string_view kind,
                                                   std::string_view text);
  // new_status: "declined" or "transferred"; `successor` takes the work over.
  // FAILED_PRECONDITION when the successor's desk already holds an open hand-off of the case.
  absl::StatusOr<AssignmentChange> HandOffAssignment(int64_t id, std::string_view actor,
                                                     std::string_view new_status,
                                                     std::string_view reason,
                                                     const NewAssignment& successor);
  absl::StatusOr<AssignmentChange> ResolveAssignment(int64_t id, std::string_view actor,
                                                     std::string_view outcome,
                                                     std::string_view summary);

  // --- Escalation (issue 4) --------------------------------------------------------

  // Pending hand-offs whose deadline passed (<= now) and that are not marked overdue,
  // earliest first, at most `limit` (1..10000).
  absl::StatusOr<std::vector<AssignmentRecord>> ListDueAssignments(int64_t now_ms, int limit);
  // The earliest deadline of such a hand-off (past or future); 0 when there is none.
  absl::StatusOr<int64_t> NextAckDeadline();
  // desk_writes.h ApplyEscalate at the store clock's now; the actor is "system".
  absl::StatusOr<AssignmentChange> EscalateAssignment(int64_t id, const NewAssignment& successor);

  // --- Routing tables (issue 4) -----------------------------------------------------

  // Stores a new version (ABORTED when t.expected_version is stale); a
  // "routing_table.applied" event records it.
  absl::StatusOr<RoutingTableRecord> ApplyRoutingTable(const NewRoutingTable& t);
  // The same, and in the same transaction every open assignment of `desk_id` moves to
  // `replacement` (empty desk_id: there must be none, else FAILED_PRECONDITION). Returns the
  // version and the moved (new) assignments.
  absl::StatusOr<std::pair<RoutingTableRecord, std::vector<AssignmentRecord>>>
  ApplyRoutingTableMovingDesk(const NewRoutingTable& t, std::string_view desk_id,
                              const NewAssignment& replacement);
  // One version with its text (0: the latest). NOT_FOUND when there is none.
  absl::StatusOr<RoutingTableRecord> GetRoutingTable(int64_t version);
  // Every version, newest first, without texts.
  absl::StatusOr<std::vector<RoutingTableRecord>> ListRoutingTables();
  // Reports created at or after since_ms, newest first, at most `limit`, with their detail.
  absl::StatusOr<std::vector<CaseRecord>> ListReportsSince(int64_t since_ms, int limit);
  // Open assignments per desk id.
  absl::StatusOr<std::map<std::string, int64_t>> CountOpenAssignments();

  // --- Retention (issue 5) -----------------------------------------------------------

  // Closed cases with closed_ms <= closed_before_ms not yet purged, oldest first, at most
  // `limit` (1..10000), with their detail (for the caller to redact).
  absl::StatusOr<std::vector<CaseRecord>> ListPurgeable(int64_t closed_before_ms, int limit);
  // retention.h ApplyPurge: the case keeps `redacted_detail`; private event parts erased;
  // a "case.purged" event.
  absl::StatusOr<CaseRecord> PurgeCase(int64_t case_id, const std::string& redacted_detail,
                                       std::string_view actor);
  // Moves the WAL into the database file and truncates it (after a purge, so no old page
  // image of erased data stays in the -wal file). Waits up to 5 s for readers that hold old
  // pages; UNAVAILABLE, saying so, when they still do.
  absl::Status Checkpoint();

  // Appends the system event "database.restored"; raises each year's case-number counter to
  // at least the replaced database's, so that no number it issued (and a caller may have
  // been told) is issued again to another report; and keeps the token revocations the
  // replaced database made after the backup, so no revoked token works again.
  absl::StatusOr<RestoreOutcome> RecordRestore(const RestoreRecord& r, std::string_view actor);

  // --- Audit log ---------------------------------------------------------------------

  // Events concerning any of `desks` (non-empty) after `after_seq`, in seq order, at most
  // `limit` (1..10000). What a desk's stream replays.
  absl::StatusOr<std::vector<EventRecord>> ListDeskEvents(const std::vector<std::string>& desks,
                                                          int64_t after_seq, int limit);

  // ListDeskEvents with, for each event, the assignment it concerns (as it was right after
  // the event: case_rows.h LoadDeskFeed) and its case's summary (as it is now), all read in
  // one transaction: one page of a desk's stream.
  absl::StatusOr<DeskFeed> ReadDeskFeed(const std::vector<std::string>& desks, int64_t after_seq,
                                        int limit);

  // The sequence number of the last committed event (0 when there is none).
  absl::StatusOr<int64_t> HeadSeq();
  // The time of the last committed event, ms since the epoch (0 when there is none).
  absl::StatusOr<int64_t> HeadTimeMs();

  // The chain hash (hex) of event `seq`, which names the whole log up to it: a position
  // in the log is checked against it after a restore has replaced the log's history.
  // NOT_FOUND when there is no such event.
  absl::StatusOr<std::string> EventHash(int64_t seq);

  // Called on the completion thread after every committed batch, with the head sequence number.
  // It must be quick and must not write to the store. Replaces any earlier listener; an
  // empty function removes it. Returns once no call of the earlier listener is running.
  void SetCommitListener(std::function<void(int64_t head_seq)> listener);

  // Events of one case, oldest first. NOT_FOUND for an unknown case.
  absl::StatusOr<std::vector<EventRecord>> GetCaseHistory(std::string_view case_number);

  // Recomputes every hash from the first event and checks each link and that sequence
  // numbers have no gaps.
  absl::StatusOr<VerifyResult> VerifyAuditLog(std::vector<AuditAnchor> anchors = {});

  // Number of events stored.
  absl::StatusOr<int64_t> CountEvents();

  // --- Principals --------------------------------------------------------------------

  // Creates a bearer token for a principal and returns it (the only time it is seen: only
  // its SHA-256 is stored). Records a "token.issued" event (name, role, desks; never the
  // token). INVALID_ARGUMENT for an unknown role, an empty name, or desks on a non-agency
  // role / no desks on an agency role.
  absl::StatusOr<std::string> IssueToken(std::string_view role, std::string_view name,
                                         const std::vector<std::string>& desks,
                                         std::string_view actor);

  // Revokes every active token of `name` ("token.revoked" event); returns how many.
  // NOT_FOUND when the name has no active token.
  absl::StatusOr<int> RevokeTokens(std::string_view name, std::string_view actor);

  // The principal a token belongs to. UNAUTHENTICATED for an unknown or revoked token.
  absl::StatusOr<Principal> Authenticate(std::string_view token);

  // OK while the token `token_id` (Principal::token_id) is not revoked; UNAUTHENTICATED once
  // it is (or when there is no such token). For calls that outlive one request, such as a
  // desk's stream, which checks again before it sends anything more.
  absl::Status CheckTokenActive(int64_t token_id);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::storage
