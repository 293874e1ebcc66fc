// Upgrading a schema-version-1 database (as the first release wrote it) to the current
// schema: desk_id backfilled from the hashed payloads, the chain still verifies, desk streams
// find the old events, old cases read with the new columns' defaults, and work goes on.
#include <catch2/catch.hpp>

#include "storage/crypto.h"
#include "storage/event_log.h"
#include "tests/storage/test_util.h"

namespace hotline::storage {
namespace {

using testing::kMarch2026;
using testing::RawDb;
using testing::TempDb;

// storage/schema.cc kMigration1, verbatim: the schema a version-1 database has.
constexpr const char* kSchemaV1 = R"sql(
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

constexpr char kNumber[] = "HL-2026-000001";
const int64_t kDeadline = kMarch2026 + 1'800'000;

struct V1Event {
  int64_t seq;
  std::string type;
  std::string payload;
  std::string hash;
};

// Writes one version-1 report (one assignment to police-110105) with two chained events:
// report.received, then assignment.created whose payload names the desk.
std::vector<V1Event> BuildV1(const std::string& path) {
  RawDb raw(path);
  REQUIRE(raw.Exec(kSchemaV1) == SQLITE_OK);
  const std::string t = std::to_string(kMarch2026);
  REQUIRE(raw.Exec("INSERT INTO cases (id, case_number, kind, status, channel, urgency, "
                   "created_by, request_id, request_fingerprint, created_ms, updated_ms, "
                   "closed_ms, detail, routing_version, routing_trace) VALUES (1, '" +
                   std::string(kNumber) + "', 'report', 'routed', 'phone', 'urgent', 'op-anna', " +
                   "'req-v1', 'fp-v1', " + t + ", " + t +
                   ", NULL, X'6368696c64004c69', 'v1', X'7472616365')") == SQLITE_OK);
  REQUIRE(raw.Exec("INSERT INTO case_categories (case_id, category) VALUES (1, 'begging')") ==
          SQLITE_OK);
  REQUIRE(raw.Exec("INSERT INTO case_jurisdictions (case_id, code) VALUES (1, '110105')") ==
          SQLITE_OK);
  REQUIRE(raw.Exec("INSERT INTO case_counters (year, next) VALUES (2026, 2)") == SQLITE_OK);
  REQUIRE(raw.Exec("INSERT INTO assignments (id, case_id, desk_id, desk_type, desk_name, "
                   "rule_id, resolution, status, created_ms, ack_deadline_ms, updated_ms) "
                   "VALUES (1, 1, 'police-110105', 'police', 'Police 110105', 'begging', "
                   "'type police resolved at 110105 for child 1', 'pending', " +
                   t + ", " + std::to_string(kDeadline) + ", " + t + ")") == SQLITE_OK);

  std::vector<V1Event> events = {
      // It commits to the stored report (the detail blob above), as every version wrote.
      {1, "report.received",
       "{\"request_id\":\"req-v1\",\"kind\":\"report\",\"detail_sha256\":\"" +
           Sha256Hex(std::string("child\0Li", 8)) + "\"}",
       ""},
      {2, "assignment.created",
       "{\"assignment_id\":1,\"desk_id\":\"police-110105\",\"desk_type\":\"police\","
       "\"rule_id\":\"begging\",\"ack_deadline_ms\":" +
           std::to_string(kDeadline) +
           ",\"resolution\":\"type police resolved at 110105 for child 1\"}",
       ""}};
  std::string prev = kGenesisHash;
  for (V1Event& e : events) {
    e.hash = EventHash(
        prev, CanonicalEventBytes(e.seq, kNumber, kMarch2026, "op-anna", e.type, e.payload));
    REQUIRE(raw.Exec("INSERT INTO events (seq, case_id, time_ms, actor, type, payload, private, "
                     "prev_hash, hash) VALUES (" +
                     std::to_string(e.seq) + ", 1, " + t + ", 'op-anna', '" + e.type + "', '" +
                     e.payload + "', NULL, '" + prev + "', '" + e.hash + "')") == SQLITE_OK);
    prev = e.hash;
  }
  REQUIRE(raw.Exec("PRAGMA user_version = 1") == SQLITE_OK);
  return events;
}

TEST_CASE("A version-1 database is migrated: desk_id backfilled, chain intact, work goes on") {
  TempDb db;
  const std::vector<V1Event> v1 = BuildV1(db.path());
  {
    RawDb raw(db.path());
    REQUIRE(raw.QueryInt("PRAGMA user_version") == 1);
    REQUIRE(raw.QueryInt(
                "SELECT count(*) FROM pragma_table_info('events') WHERE name = 'desk_id'") == 0);
  }

  ManualClock clock(kMarch2026 + 60'000);
  {
    auto store = testing::OpenStore(db.path(), &clock);

    absl::StatusOr<VerifyResult> verified = store->VerifyAuditLog();
    REQUIRE(verified.ok());
    INFO(verified->problem);
    CHECK(verified->ok);
    CHECK(verified->events_checked == 2);
    CHECK(verified->head_hash == v1[1].hash);

    absl::StatusOr<std::vector<EventRecord>> desk = store->ListDeskEvents({"police-110105"}, 0, 10);
    REQUIRE(desk.ok());
    REQUIRE(desk->size() == 1);
    CHECK((*desk)[0].seq == 2);
    CHECK((*desk)[0].type == "assignment.created");
    CHECK((*desk)[0].desk_id == "police-110105");
    CHECK((*desk)[0].case_number == kNumber);
    CHECK((*desk)[0].payload == v1[1].payload);
    CHECK((*desk)[0].hash == v1[1].hash);

    absl::StatusOr<CaseRecord> c = store->GetCase(kNumber);
    REQUIRE(c.ok());
    CHECK(c->status == "routed");
    CHECK_FALSE(c->feedback_wanted);
    CHECK(c->feedback_ms == 0);
    CHECK(c->routing_table_version == 0);
    CHECK(c->closed_ms == 0);
    CHECK(c->detail == std::string("child\0Li", 8));
    CHECK(c->categories == std::vector<std::string>{"begging"});
    REQUIRE(c->assignments.size() == 1);
    const AssignmentRecord& a = c->assignments[0];
    CHECK(a.id == 1);
    CHECK(a.desk_id == "police-110105");
    CHECK(a.status == "pending");
    CHECK(a.replaces_id == 0);
    CHECK(a.outcome.empty());
    CHECK(a.overdue_ms == 0);
    CHECK(a.ack_deadline_ms == kDeadline);

    CaseFilter due;
    due.feedback_due = true;
    CHECK(store->ListCases(due, 10, 0)->cases.empty());
    AssignmentFilter police;
    police.desk_ids = {"police-110105"};
    absl::StatusOr<AssignmentPage> page = store->ListAssignments(police, 10, 0);
    REQUIRE(page.ok());
    REQUIRE(page->assignments.size() == 1);
    CHECK(page->assignments[0].case_number == kNumber);
    CaseFilter by_desk;  // served by assignments_by_desk since migration 6
    by_desk.desk_id = "police-110105";
    absl::StatusOr<CasePage> desk_cases = store->ListCases(by_desk, 10, 0);
    REQUIRE(desk_cases.ok());
    REQUIRE(desk_cases->cases.size() == 1);
    CHECK(desk_cases->cases[0].case_number == kNumber);

    // The v1 hand-off is pending: the escalator finds it through migration 7's index, and
    // once its deadline has passed the case list's overdue filter does too.
    CHECK(*store->NextAckDeadline() == kDeadline);
    CHECK(store->ListDueAssignments(kDeadline - 1, 10)->empty());
    REQUIRE(store->ListDueAssignments(kDeadline, 10)->size() == 1);
    CaseFilter overdue;
    overdue.overdue_at_ms = kDeadline;
    REQUIRE(store->ListCases(overdue, 10, 0)->cases.size() == 1);
    overdue.overdue_at_ms = kDeadline - 1;
    CHECK(store->ListCases(overdue, 10, 0)->cases.empty());

    using Counts = std::map<std::string, int64_t>;
    CHECK(*store->CountOpenAssignments() == Counts{{"police-110105", 1}});

    // Desk work on the old assignment continues the old chain.
    absl::StatusOr<AssignmentChange> ack = store->AcknowledgeAssignment(1, "officer");
    REQUIRE(ack.ok());
    CHECK(*store->CountOpenAssignments() == Counts{{"police-110105", 1}});
    CHECK(ack->case_status == "in_progress");
    desk = store->ListDeskEvents({"police-110105"}, 0, 10);
    REQUIRE(desk.ok());
    REQUIRE(desk->size() == 2);
    CHECK((*desk)[1].seq == 3);
    CHECK((*desk)[1].type == "assignment.acknowledged");
    CHECK((*desk)[1].prev_hash == v1[1].hash);
    // New cases continue the year's numbering.
    absl::StatusOr<CaseRecord> next = store->CreateCase(testing::SampleReport("after"));
    REQUIRE(next.ok());
    CHECK(next->case_number == "HL-2026-000002");
    verified = store->VerifyAuditLog();
    REQUIRE(verified.ok());
    CHECK(verified->ok);
    CHECK(verified->events_checked == 8);
  }

  RawDb raw(db.path());
  CHECK(raw.QueryInt("PRAGMA user_version") == Store::SchemaVersion());
  CHECK(raw.QueryText("SELECT desk_id FROM events WHERE seq = 2") == "police-110105");
  CHECK(raw.QueryInt("SELECT desk_id IS NULL FROM events WHERE seq = 1") == 1);
  CHECK(raw.QueryInt("SELECT count(*) FROM sqlite_master WHERE name = 'events_desk'") == 1);
  // Migrations 5 and 6: one desk index, (desk_id, id, case_id), instead of two.
  CHECK(raw.QueryInt("SELECT count(*) FROM sqlite_master WHERE name = 'assignments_desk'") == 0);
  CHECK(raw.QueryInt("SELECT count(*) FROM sqlite_master WHERE name = 'assignments_desk_id'") == 0);
  CHECK(raw.QueryText("SELECT sql FROM sqlite_master WHERE name = 'assignments_by_desk'") ==
        "CREATE INDEX assignments_by_desk ON assignments(desk_id, id, case_id)");
  // Migration 7: partial indexes by open status replace the two that every assignment was
  // written to.
  CHECK(raw.QueryInt("SELECT count(*) FROM sqlite_master WHERE name = 'assignments_open'") == 0);
  CHECK(raw.QueryInt("SELECT count(*) FROM sqlite_master WHERE name = 'assignments_due'") == 0);
  CHECK(raw.QueryText("SELECT sql FROM sqlite_master WHERE name = 'assignments_pending'") ==
        "CREATE INDEX assignments_pending ON assignments(ack_deadline_ms, overdue_ms, desk_id)\n"
        "  WHERE status = 'pending'");
  CHECK(raw.QueryText("SELECT sql FROM sqlite_master WHERE name = 'assignments_acknowledged'") ==
        "CREATE INDEX assignments_acknowledged ON assignments(desk_id) WHERE status = "
        "'acknowledged'");
  // The recreated trigger covers desk_id.
  std::string error;
  CHECK(raw.Exec("UPDATE events SET desk_id = 'edu-110105' WHERE seq = 2", &error) ==
        SQLITE_CONSTRAINT);
  CHECK_THAT(error, Catch::Contains("append-only"));
  CHECK(raw.QueryText("SELECT desk_id FROM events WHERE seq = 2") == "police-110105");
}

}  // namespace
}  // namespace hotline::storage
