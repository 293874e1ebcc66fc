#include "storage/schema.h"

#include <iterator>

#include "storage/str_util.h"

namespace hotline::storage {
namespace {

// Migration 1: the initial schema. Events are append-only: the triggers refuse UPDATE and
// DELETE, except an UPDATE of `private` alone (retention purges personal data; the payload
// keeps its SHA-256).
constexpr const char* kMigration1 = R"sql(
CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  case_number TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  channel TEXT NOT NULL,
  urgency TEXT NOT NULL,
  created_by TEXT NOT NULL,
  request_id TEXT NOT NULL UNIQUE,
  request_fingerprint TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  closed_ms INTEGER,
  detail BLOB NOT NULL,
  routing_version TEXT NOT NULL,
  routing_trace BLOB NOT NULL,
  outcome TEXT NOT NULL DEFAULT '',
  outcome_summary TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cases_status ON cases(status, id);
CREATE INDEX cases_kind ON cases(kind, id);
CREATE INDEX cases_urgency ON cases(urgency, id);
CREATE INDEX cases_created_by ON cases(created_by, id);

CREATE TABLE case_categories (
  case_id INTEGER NOT NULL REFERENCES cases(id),
  category TEXT NOT NULL,
  UNIQUE (case_id, category)
);
CREATE INDEX case_categories_category ON case_categories(category, case_id);

CREATE TABLE case_jurisdictions (
  case_id INTEGER NOT NULL REFERENCES cases(id),
  code TEXT NOT NULL,
  UNIQUE (case_id, code)
);
CREATE INDEX case_jurisdictions_code ON case_jurisdictions(code, case_id);

CREATE TABLE assignments (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  desk_id TEXT NOT NULL,
  desk_type TEXT NOT NULL,
  desk_name TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  resolution TEXT NOT NULL,
  status TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  ack_deadline_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX assignments_case ON assignments(case_id, id);
CREATE INDEX assignments_desk ON assignments(desk_id, case_id);
CREATE INDEX assignments_open ON assignments(status, ack_deadline_ms);

CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  case_id INTEGER REFERENCES cases(id),
  time_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  private BLOB,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX events_case ON events(case_id, seq);

CREATE TRIGGER events_no_update
BEFORE UPDATE OF seq, case_id, time_ms, actor, type, payload, prev_hash, hash ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete
BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TABLE case_counters (
  year INTEGER PRIMARY KEY,
  next INTEGER NOT NULL
);

CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  desks TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  revoked_ms INTEGER
);
CREATE INDEX tokens_name ON tokens(name);
)sql";

// Migration 2: desk work (issue 3). Events name the desk they concern (desk_id, filled from
// the hashed payload's "desk_id", so it is derived data the verifier can re-check), which
// lets a desk's stream read its events in seq order through an index. Assignments record
// whom they took over from and the outcome a desk gave; cases record whether the reporter
// is owed feedback (art. 37) and when it was given.
constexpr const char* kMigration2 = R"sql(
ALTER TABLE events ADD COLUMN desk_id TEXT;
UPDATE events SET desk_id = json_extract(payload, '$.desk_id') WHERE type LIKE 'assignment.%';
CREATE INDEX events_desk ON events(desk_id, seq) WHERE desk_id IS NOT NULL;
DROP TRIGGER IF EXISTS events_no_update;
CREATE TRIGGER events_no_update
BEFORE UPDATE OF seq, case_id, time_ms, actor, type, payload, prev_hash, hash, desk_id ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;

ALTER TABLE assignments ADD COLUMN replaces_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assignments ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
CREATE INDEX assignments_desk_id ON assignments(desk_id, id);

ALTER TABLE cases ADD COLUMN feedback_wanted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN feedback_ms INTEGER;
CREATE INDEX cases_feedback ON cases(feedback_wanted, status, id) WHERE feedback_ms IS NULL;
)sql";

// Migration 3: routing administration (issue 4). Routing tables are versioned here; a case
// records the version that routed it. An assignment whose deadline passed with nowhere to
// escalate is marked overdue (it stays pending).
constexpr const char* kMigration3 = R"sql(
CREATE TABLE routing_tables (
  version INTEGER PRIMARY KEY,
  label TEXT NOT NULL,
  text TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  author TEXT NOT NULL,
  comment TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  restored_from INTEGER NOT NULL DEFAULT 0,
  warnings TEXT NOT NULL DEFAULT ''
);
ALTER TABLE cases ADD COLUMN routing_table_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assignments ADD COLUMN overdue_ms INTEGER;
CREATE INDEX assignments_due ON assignments(ack_deadline_ms)
  WHERE status = 'pending' AND overdue_ms IS NULL;
CREATE INDEX cases_created ON cases(created_ms);
)sql";

// Migration 4: retention (issue 5): when a closed case's personal data was purged. And when a
// case was last reopened: its status follows only the hand-offs made since.
constexpr const char* kMigration4 = R"sql(
ALTER TABLE cases ADD COLUMN purged_ms INTEGER;
ALTER TABLE cases ADD COLUMN reopened_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_closed ON cases(closed_ms) WHERE closed_ms IS NOT NULL AND purged_ms IS NULL;
)sql";

// Migration 5: one index fewer for every assignment a report writes (issue 6). Two indexes
// led with desk_id: (desk_id, case_id) from migration 1 and (desk_id, id) from migration 2.
// The second answers every query the first did: a desk's assignment list in id order, and
// the case list's desk filter, though that one then reads case_id from the table (slower at
// scale; migration 6 covers it).
constexpr const char* kMigration5 = R"sql(
DROP INDEX assignments_desk;
)sql";

// Migration 6: the desk index also carries case_id (issue 6). Without migration 5's
// (desk_id, case_id) index the case list's desk filter read each case_id from the table:
// 230-320 ms a page instead of 40-60 ms for a desk of 250,000 assignments. (desk_id, id,
// case_id) is in id order within a desk, as the assignment list and a desk's moves need,
// and covers the desk filter: one index per assignment still, serving all three.
constexpr const char* kMigration6 = R"sql(
DROP INDEX assignments_desk_id;
CREATE INDEX assignments_by_desk ON assignments(desk_id, id, case_id);
)sql";

// Migration 7: indexes of open hand-offs by status, written when a hand-off enters the
// status (issue 6). Every assignment starts pending and not overdue, so each was written to
// both (status, ack_deadline_ms) of migration 1 and the partial assignments_due of
// migration 3, and each acknowledgement deleted it from both and inserted its new status
// into the first. Now a new assignment goes into one partial index, assignments_pending,
// in deadline order with overdue_ms and desk_id beside, which serves:
// - the escalator's sweep and its next deadline: the pending ones not yet overdue, in
//   deadline order, stepping over those marked overdue inside the index (they stay pending
//   until a desk acknowledges them, a backlog the centre clears);
// - the case list's overdue filter (pending, deadline passed, marked or not): one range;
// - with assignments_acknowledged, written at acknowledgement, the open hand-offs per desk
//   (ListDesks, and removing a desk) from the two indexes alone. The old plan looked up
//   each open row in the table: 113 s on the benchmark's 1,000,000 cases, whose 1,750,000
//   hand-offs are all pending.
constexpr const char* kMigration7 = R"sql(
DROP INDEX assignments_open;
DROP INDEX assignments_due;
CREATE INDEX assignments_pending ON assignments(ack_deadline_ms, overdue_ms, desk_id)
  WHERE status = 'pending';
CREATE INDEX assignments_acknowledged ON assignments(desk_id) WHERE status = 'acknowledged';
)sql";

constexpr const char* kMigrations[] = {kMigration1, kMigration2, kMigration3, kMigration4,
                                       kMigration5, kMigration6, kMigration7};
static_assert(std::size(kMigrations) == kSchemaVersion);

}  // namespace

absl::Status Migrate(sqlite::Connection& db, const std::string& path) {
  const auto failed = [&](const absl::Status& s) {
    return absl::Status(s.code(), Concat("database '", path, "': ", s.message()));
  };
  for (;;) {
    absl::StatusOr<sqlite::Transaction> txn =
        sqlite::Transaction::Begin(db, sqlite::Transaction::Mode::kImmediate);
    if (!txn.ok()) return failed(txn.status());
    absl::StatusOr<int64_t> version = db.QueryInt("PRAGMA user_version");
    if (!version.ok()) return failed(version.status());
    if (*version > kSchemaVersion) {
      return absl::FailedPreconditionError(Concat("database '", path, "' has schema version ",
                                                  *version, ", newer than this build's ",
                                                  kSchemaVersion));
    }
    if (*version < 0) {
      return absl::FailedPreconditionError(
          Concat("database '", path, "' has an invalid schema version ", *version));
    }
    if (*version == kSchemaVersion) return absl::OkStatus();  // read-only txn: rolls back
    if (absl::Status s = db.Exec(kMigrations[*version]); !s.ok()) {
      return failed(absl::Status(s.code(), Concat("migration ", *version + 1, ": ", s.message())));
    }
    const std::string bump = Concat("PRAGMA user_version=", *version + 1);
    if (absl::Status s = db.Exec(bump.c_str()); !s.ok()) return failed(s);
    if (absl::Status s = txn->Commit(); !s.ok()) return failed(s);
  }
}

}  // namespace hotline::storage
