// The hash chain: its canonical bytes, tamper detection on a file database (through a raw
// connection after dropping the append-only triggers), and the triggers themselves.
#include <catch2/catch.hpp>

#include "storage/crypto.h"
#include "storage/event_log.h"
#include "tests/storage/test_util.h"

namespace hotline::storage {
namespace {

using testing::RawDb;
using testing::TempDb;

TEST_CASE("Canonical event bytes are netstrings, hashed after the previous hash") {
  const std::string canonical =
      CanonicalEventBytes(12, "HL-2026-000001", 1700000000000, "op", "note.added", "{}");
  CHECK(canonical == "2:12,14:HL-2026-000001,13:1700000000000,2:op,10:note.added,2:{},");
  CHECK(CanonicalEventBytes(1, "", 5, "", "t", "") == "1:1,0:,1:5,0:,1:t,0:,");
  CHECK(EventHash(kGenesisHash, canonical) == Sha256Hex(std::string(64, '0') + canonical));
  // Known answer: SHA-256 of the empty string.
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("SHA-256 known answers, with the thread's context reused") {
  for (int round = 0; round < 2; ++round) {
    CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(Sha256Hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }
}

// A file database with 3 reports (4 events each: seq 1..12).
void Populate(const std::string& path) {
  auto store = testing::OpenStore(path, nullptr);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(store->CreateCase(testing::SampleReport("req-" + std::to_string(i))).ok());
  }
  REQUIRE(store->VerifyAuditLog()->ok);
}

VerifyResult Verify(const std::string& path) {
  auto store = testing::OpenStore(path, nullptr);
  absl::StatusOr<VerifyResult> result = store->VerifyAuditLog();
  REQUIRE(result.ok());
  return *result;
}

constexpr const char* kDropTriggers =
    "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;";

TEST_CASE("VerifyAuditLog names an event whose payload was changed") {
  TempDb db;
  Populate(db.path());
  {
    RawDb raw(db.path());
    REQUIRE(raw.Exec(kDropTriggers) == SQLITE_OK);
    REQUIRE(raw.Exec("UPDATE events SET payload = '{\"request_id\":\"forged\"}' WHERE seq = 5") ==
            SQLITE_OK);
  }
  const VerifyResult result = Verify(db.path());
  CHECK_FALSE(result.ok);
  CHECK(result.first_bad_seq == 5);
  CHECK(result.problem == "hash mismatch");
  CHECK(result.problem_kind == ChainProblem::kHash);
  CHECK(result.events_checked == 4);
}

TEST_CASE("VerifyAuditLog checks what the chain commits to but does not hold") {
  // Personal data (a note's text), each case's stored report and each routing table's text
  // sit beside the hashed events, committed to by a SHA-256 in an event's payload.
  TempDb db;
  Populate(db.path());
  {
    auto store = testing::OpenStore(db.path(), nullptr);
    const std::string number = store->ListCases({}, 1, 0)->cases[0].case_number;
    REQUIRE(store->AddNote(number, "op-anna", "the grandmother called back").ok());
    NewRoutingTable table;
    table.label = "t1";
    table.text = "version = \"t1\"\n";
    table.author = "admin";
    table.comment = "first";
    REQUIRE(store->ApplyRoutingTable(table).ok());
    REQUIRE(store->VerifyAuditLog()->ok);
  }
  SECTION("a note's text rewritten") {
    {
      RawDb raw(db.path());
      REQUIRE(raw.Exec(kDropTriggers) == SQLITE_OK);
      REQUIRE(raw.Exec("UPDATE events SET private = 'rewritten' WHERE type = 'note.added'") ==
              SQLITE_OK);
    }
    const VerifyResult result = Verify(db.path());
    CHECK_FALSE(result.ok);
    CHECK(result.first_bad_seq == 13);
    CHECK(result.problem_kind == ChainProblem::kPrivateData);
    CHECK(result.problem == "private data does not match the payload's private_sha256");
  }
  SECTION("a case's stored report rewritten") {
    std::string number;
    {
      RawDb raw(db.path());
      number = raw.QueryText("SELECT case_number FROM cases WHERE id = 2");
      REQUIRE(raw.Exec("UPDATE cases SET detail = X'00' WHERE id = 2") == SQLITE_OK);
    }
    const VerifyResult result = Verify(db.path());
    CHECK_FALSE(result.ok);
    CHECK(result.first_bad_seq == 5);  // case 2's report.received
    CHECK(result.problem_kind == ChainProblem::kCommittedText);
    CHECK(result.problem ==
          "case " + number + ": the stored report does not match the detail_sha256 of event 5");
  }
  SECTION("a routing table's text rewritten") {
    {
      RawDb raw(db.path());
      REQUIRE(raw.Exec("UPDATE routing_tables SET text = 'version = \"t2\"\n'") == SQLITE_OK);
    }
    const VerifyResult result = Verify(db.path());
    CHECK_FALSE(result.ok);
    CHECK(result.problem_kind == ChainProblem::kCommittedText);
    CHECK(result.problem ==
          "routing table version 1: its text does not match the sha256 of its "
          "routing_table.applied event");
  }
}

TEST_CASE("VerifyAuditLog names a deleted event") {
  TempDb db;
  Populate(db.path());
  {
    RawDb raw(db.path());
    REQUIRE(raw.Exec(kDropTriggers) == SQLITE_OK);
    REQUIRE(raw.Exec("DELETE FROM events WHERE seq = 6") == SQLITE_OK);
  }
  const VerifyResult result = Verify(db.path());
  CHECK_FALSE(result.ok);
  CHECK(result.first_bad_seq == 6);
  CHECK(result.problem == "gap: event 6 missing");
  CHECK(result.problem_kind == ChainProblem::kGap);
}

TEST_CASE("VerifyAuditLog names an event whose hash was changed") {
  TempDb db;
  Populate(db.path());
  {
    RawDb raw(db.path());
    REQUIRE(raw.Exec(kDropTriggers) == SQLITE_OK);
    REQUIRE(raw.Exec("UPDATE events SET hash = '" + std::string(64, 'a') + "' WHERE seq = 7") ==
            SQLITE_OK);
  }
  const VerifyResult result = Verify(db.path());
  CHECK_FALSE(result.ok);
  CHECK(result.first_bad_seq == 7);
  CHECK(result.problem == "hash mismatch");
  CHECK(result.problem_kind == ChainProblem::kHash);
}

TEST_CASE("A forged event with a recomputed hash breaks the next link") {
  TempDb db;
  Populate(db.path());
  {
    RawDb raw(db.path());
    REQUIRE(raw.Exec(kDropTriggers) == SQLITE_OK);
    const std::string prev = raw.QueryText("SELECT prev_hash FROM events WHERE seq = 7");
    const std::string number = raw.QueryText(
        "SELECT c.case_number FROM events e JOIN cases c ON c.id = e.case_id WHERE seq = 7");
    const int64_t time = raw.QueryInt("SELECT time_ms FROM events WHERE seq = 7");
    const std::string actor = raw.QueryText("SELECT actor FROM events WHERE seq = 7");
    const std::string type = raw.QueryText("SELECT type FROM events WHERE seq = 7");
    // A forger who knows the format keeps desk_id consistent with the payload, so only the
    // broken link can give the forgery away.
    const std::string desk = raw.QueryText("SELECT COALESCE(desk_id, '') FROM events WHERE seq = 7");
    const std::string payload = desk.empty() ? "{}" : "{\"desk_id\":\"" + desk + "\"}";
    const std::string hash =
        EventHash(prev, CanonicalEventBytes(7, number, time, actor, type, payload));
    REQUIRE(raw.Exec("UPDATE events SET payload = '" + payload + "', hash = '" + hash +
                     "' WHERE seq = 7") == SQLITE_OK);
  }
  const VerifyResult result = Verify(db.path());
  CHECK_FALSE(result.ok);
  CHECK(result.first_bad_seq == 8);
  CHECK(result.problem == "prev_hash does not match event 7");
  CHECK(result.problem_kind == ChainProblem::kPrevHash);
}

TEST_CASE("The append-only triggers refuse UPDATE and DELETE of events but allow purging private") {
  TempDb db;
  Populate(db.path());
  RawDb raw(db.path());
  std::string error;
  CHECK(raw.Exec("UPDATE events SET payload = '{}' WHERE seq = 2", &error) == SQLITE_CONSTRAINT);
  CHECK_THAT(error, Catch::Contains("append-only"));
  CHECK(raw.Exec("UPDATE events SET actor = 'x', private = NULL WHERE seq = 2", &error) ==
        SQLITE_CONSTRAINT);
  CHECK(raw.Exec("DELETE FROM events WHERE seq = 12", &error) == SQLITE_CONSTRAINT);
  CHECK_THAT(error, Catch::Contains("append-only"));
  CHECK(raw.Exec("DELETE FROM events", &error) == SQLITE_CONSTRAINT);
  CHECK(raw.QueryInt("SELECT count(*) FROM events") == 12);
  // Retention may clear personal data: the chain does not hash it.
  CHECK(raw.Exec("UPDATE events SET private = NULL WHERE seq = 2", &error) == SQLITE_OK);
  CHECK(Verify(db.path()).ok);
}

TEST_CASE("Purging a note's private text keeps the chain valid") {
  TempDb db;
  {
    auto store = testing::OpenStore(db.path(), nullptr);
    absl::StatusOr<CaseRecord> c = store->CreateCase(testing::SampleReport("a"));
    REQUIRE(c.ok());
    REQUIRE(store->AddNote(c->case_number, "op", "personal words").ok());
  }
  RawDb raw(db.path());
  REQUIRE(raw.Exec("UPDATE events SET private = NULL WHERE type = 'note.added'") == SQLITE_OK);
  const VerifyResult result = Verify(db.path());
  CHECK(result.ok);
  CHECK(result.events_checked == 5);
}

TEST_CASE("VerifyAuditLog checks each hand-off's desk and status against its last event") {
  TempDb db;
  Populate(db.path());
  const int64_t id = RawDb(db.path()).QueryInt("SELECT min(id) FROM assignments");
  const std::string desk = RawDb(db.path()).QueryText(
      "SELECT desk_id FROM assignments WHERE id = " + std::to_string(id));
  for (const std::string& change :
       {std::string("desk_id = 'police-999999'"), std::string("status = 'resolved'")}) {
    INFO(change);
    {
      RawDb raw(db.path());
      REQUIRE(raw.Exec("UPDATE assignments SET " + change + " WHERE id = " + std::to_string(id)) ==
              SQLITE_OK);
    }
    const VerifyResult result = Verify(db.path());
    CHECK_FALSE(result.ok);
    CHECK(result.problem_kind == ChainProblem::kAssignment);
    CHECK(result.first_bad_seq > 0);
    CHECK_THAT(result.problem,
               Catch::StartsWith("assignment " + std::to_string(id) + " is at desk "));
    CHECK_THAT(result.problem, Catch::Contains("its last event says desk " + desk + ", pending"));
    RawDb(db.path()).Exec("UPDATE assignments SET desk_id = '" + desk +
                          "', status = 'pending' WHERE id = " + std::to_string(id));
    CHECK(Verify(db.path()).ok);
  }
}

VerifyResult VerifyWith(const std::string& path, std::vector<AuditAnchor> anchors) {
  auto store = testing::OpenStore(path, nullptr);
  absl::StatusOr<VerifyResult> result = store->VerifyAuditLog(std::move(anchors));
  REQUIRE(result.ok());
  return *result;
}

TEST_CASE("An anchor taken from a verified head is found again as the log grows") {
  TempDb db;
  Populate(db.path());
  const VerifyResult first = Verify(db.path());
  REQUIRE(first.head_seq == 12);
  {
    auto store = testing::OpenStore(db.path(), nullptr);
    REQUIRE(store->CreateCase(testing::SampleReport("later")).ok());
  }
  const VerifyResult later = VerifyWith(db.path(), {{first.head_seq, first.head_hash}});
  CHECK(later.ok);
  CHECK(later.anchors_checked == 1);
  CHECK(later.head_seq == 16);
  CHECK(later.head_hash != first.head_hash);
}

TEST_CASE("An anchor shows events cut from the log's end, which the chain alone cannot") {
  TempDb db;
  Populate(db.path());
  const std::string number =
      RawDb(db.path()).QueryText("SELECT case_number FROM cases ORDER BY id LIMIT 1");
  REQUIRE(testing::OpenStore(db.path(), nullptr)->AddNote(number, "op", "the last word").ok());
  const VerifyResult anchored = Verify(db.path());
  REQUIRE(anchored.head_seq == 13);
  {
    RawDb raw(db.path());
    REQUIRE(raw.Exec(kDropTriggers) == SQLITE_OK);
    REQUIRE(raw.Exec("DELETE FROM events WHERE seq = 13") == SQLITE_OK);
  }
  CHECK(Verify(db.path()).ok);  // the chain alone: intact, 12 events
  const VerifyResult result = VerifyWith(db.path(), {{13, anchored.head_hash}});
  CHECK_FALSE(result.ok);
  CHECK(result.problem_kind == ChainProblem::kAnchorMissing);
  CHECK(result.first_bad_seq == 13);
  CHECK(result.problem ==
        "anchored event 13 is missing: the log ends at event 12; events were removed from its "
        "end");
}

TEST_CASE("An anchor shows a log rewritten and re-hashed, which the chain alone cannot") {
  TempDb db;
  Populate(db.path());
  const VerifyResult anchored = Verify(db.path());
  {
    // A forger with the database rewrites event 7's actor and re-hashes the chain from there.
    RawDb raw(db.path());
    REQUIRE(raw.Exec(kDropTriggers) == SQLITE_OK);
    REQUIRE(raw.Exec("UPDATE events SET actor = 'someone-else' WHERE seq = 7") == SQLITE_OK);
    std::string prev = raw.QueryText("SELECT hash FROM events WHERE seq = 6");
    for (int seq = 7; seq <= 12; ++seq) {
      const std::string where =
          " FROM events e LEFT JOIN cases c ON c.id = e.case_id WHERE seq = " + std::to_string(seq);
      const std::string hash = EventHash(
          prev,
          CanonicalEventBytes(
              seq, raw.QueryText("SELECT COALESCE(c.case_number, '')" + where),
              raw.QueryInt("SELECT e.time_ms" + where), raw.QueryText("SELECT e.actor" + where),
              raw.QueryText("SELECT e.type" + where), raw.QueryText("SELECT e.payload" + where)));
      REQUIRE(raw.Exec("UPDATE events SET prev_hash = '" + prev + "', hash = '" + hash +
                       "' WHERE seq = " + std::to_string(seq)) == SQLITE_OK);
      prev = hash;
    }
  }
  CHECK(Verify(db.path()).ok);  // the chain alone: consistent again
  const VerifyResult result = VerifyWith(db.path(), {{3, "0"}, {12, anchored.head_hash}});
  CHECK_FALSE(result.ok);
  // Anchors are checked in sequence order: event 3 (an anchor with another hash) first.
  CHECK(result.first_bad_seq == 3);
  const VerifyResult rewritten = VerifyWith(db.path(), {{12, anchored.head_hash}});
  CHECK_FALSE(rewritten.ok);
  CHECK(rewritten.problem_kind == ChainProblem::kAnchorMismatch);
  CHECK(rewritten.first_bad_seq == 12);
  CHECK_THAT(rewritten.problem,
             Catch::StartsWith("event 12 is not the anchored one: its hash is "));
  CHECK_THAT(rewritten.problem, Catch::EndsWith("the log was rewritten up to here"));
}

TEST_CASE("An anchor in the range a recorded restore dropped names that restore") {
  TempDb db;
  Populate(db.path());
  {
    auto store = testing::OpenStore(db.path(), nullptr);
    // The backup ended at event 12; the database it replaced had reached event 25.
    RestoreRecord record;
    record.backup = "/backups/old.db";
    record.backup_events = 12;
    record.replaced_head_seq = 25;
    REQUIRE(store->RecordRestore(record, "hotlined-cli").ok());
  }
  const VerifyResult result = VerifyWith(db.path(), {{20, std::string(64, 'a')}});
  CHECK_FALSE(result.ok);
  CHECK(result.problem_kind == ChainProblem::kAnchorMissing);
  CHECK(result.problem ==
        "anchored event 20 is missing: the log ends at event 13; events were removed from its "
        "end (or the restore from a backup recorded at event 13 dropped it)");
  // An anchor the replaced database never reached was not dropped by that restore.
  const VerifyResult later = VerifyWith(db.path(), {{26, std::string(64, 'a')}});
  CHECK(later.problem ==
        "anchored event 26 is missing: the log ends at event 13; events were removed from its "
        "end");
}

}  // namespace
}  // namespace hotline::storage
