// Desk work through the public Store API on a file database with a manual clock: the
// assignment lifecycle and the case status that follows it, hand-offs, closing and reopening,
// feedback to the reporter, access events, desk event streams, assignment lists, the commit
// listener, and the desk_id column under the audit-log verifier.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "storage/crypto.h"
#include "storage/desk_writes.h"
#include "storage/store.h"
#include "tests/storage/test_util.h"

namespace hotline::storage {
namespace {

using testing::kMarch2026;
using testing::RawDb;
using testing::SampleInquiry;
using testing::SampleReport;
using testing::TempDb;

// A store on a fresh database file, its clock at kMarch2026. The store closes before the
// file is removed.
struct Env {
  TempDb db;
  ManualClock clock{kMarch2026};
  std::unique_ptr<Store> store = testing::OpenStore(db.path(), &clock);
};

std::string Str(int64_t v) { return std::to_string(v); }

// The case numbers of the first page (100) ListCases gives for `filter`.
std::vector<std::string> ListedNumbers(Store& store, const CaseFilter& filter) {
  absl::StatusOr<CasePage> page = store.ListCases(filter, 100, 0);
  REQUIRE(page.ok());
  std::vector<std::string> numbers;
  for (const CaseRecord& c : page->cases) numbers.push_back(c.case_number);
  return numbers;
}

CaseRecord MustCreate(Store& store, const NewCase& c) {
  absl::StatusOr<CaseRecord> created = store.CreateCase(c);
  INFO(created.status().ToString());
  REQUIRE(created.ok());
  return *std::move(created);
}

std::vector<EventRecord> History(Store& store, const std::string& case_number) {
  absl::StatusOr<std::vector<EventRecord>> history = store.GetCaseHistory(case_number);
  INFO(history.status().ToString());
  REQUIRE(history.ok());
  return *std::move(history);
}

std::vector<std::string> Types(const std::vector<EventRecord>& events) {
  std::vector<std::string> types;
  for (const EventRecord& e : events) types.push_back(e.type);
  return types;
}

std::vector<int64_t> Seqs(const std::vector<EventRecord>& events) {
  std::vector<int64_t> seqs;
  for (const EventRecord& e : events) seqs.push_back(e.seq);
  return seqs;
}

std::vector<int64_t> Ids(const std::vector<AssignmentRecord>& assignments) {
  std::vector<int64_t> ids;
  for (const AssignmentRecord& a : assignments) ids.push_back(a.id);
  return ids;
}

int64_t Events(Store& store) {
  absl::StatusOr<int64_t> n = store.CountEvents();
  REQUIRE(n.ok());
  return *n;
}

void CheckStatus(const absl::Status& status, absl::StatusCode code, const std::string& message) {
  INFO(status.ToString());
  CHECK(status.code() == code);
  CHECK(std::string(status.message()) == message);
}

void CheckVerified(Store& store) {
  absl::StatusOr<VerifyResult> result = store.VerifyAuditLog();
  REQUIRE(result.ok());
  INFO(result->problem << " at " << result->first_bad_seq);
  CHECK(result->ok);
  CHECK(result->events_checked == Events(store));
}

NewAssignment Desk(const std::string& id, const std::string& type, int64_t deadline_s = 3600) {
  return NewAssignment{id, type, "Desk " + id, "r1", "chosen for " + id, deadline_s};
}

// A report to one desk that both desk actions (acknowledge, resolve) leave resolved.
CaseRecord ResolvedReport(Store& store, const std::string& request_id, bool feedback_wanted) {
  NewCase input = SampleReport(request_id, {"police-110105"});
  input.feedback_wanted = feedback_wanted;
  const CaseRecord c = MustCreate(store, input);
  REQUIRE(store.AcknowledgeAssignment(c.assignments[0].id, "officer").ok());
  absl::StatusOr<AssignmentChange> resolved =
      store.ResolveAssignment(c.assignments[0].id, "officer", "referred", "");
  REQUIRE(resolved.ok());
  REQUIRE(resolved->case_status == "resolved");
  return c;
}

TEST_CASE("Acknowledge takes a pending assignment up once and moves the case to in_progress") {
  Env env;
  Store& store = *env.store;
  const CaseRecord c = MustCreate(store, SampleReport("a"));
  REQUIRE(c.assignments.size() == 2);
  const int64_t police = c.assignments[0].id;
  const int64_t edu = c.assignments[1].id;
  REQUIRE(Events(store) == 4);

  env.clock.Advance(1000);
  absl::StatusOr<AssignmentChange> ack = store.AcknowledgeAssignment(police, "officer-wang");
  REQUIRE(ack.ok());
  CHECK(ack->changed);
  CHECK(ack->assignment.id == police);
  CHECK(ack->assignment.status == "acknowledged");
  CHECK(ack->assignment.desk_id == "police-110105");
  CHECK(ack->assignment.case_number == c.case_number);
  CHECK(ack->assignment.updated_ms == kMarch2026 + 1000);
  CHECK_FALSE(ack->successor.has_value());
  CHECK(ack->case_status == "in_progress");

  std::vector<EventRecord> history = History(store, c.case_number);
  REQUIRE(history.size() == 6);
  const EventRecord& acked = history[4];
  CHECK(acked.seq == 5);
  CHECK(acked.type == "assignment.acknowledged");
  CHECK(acked.actor == "officer-wang");
  CHECK(acked.time_ms == kMarch2026 + 1000);
  CHECK(acked.desk_id == "police-110105");
  CHECK(acked.private_data.empty());
  CHECK(acked.payload == "{\"status\":\"acknowledged\",\"late\":\"no\",\"assignment_id\":" +
                             Str(police) + ",\"desk_id\":\"police-110105\"}");
  const EventRecord& changed = history[5];
  CHECK(changed.type == "case.status_changed");
  CHECK(changed.actor == "officer-wang");
  CHECK(changed.desk_id.empty());
  CHECK(changed.payload == "{\"from\":\"routed\",\"to\":\"in_progress\"}");

  absl::StatusOr<CaseRecord> read = store.GetCase(c.case_number);
  REQUIRE(read.ok());
  CHECK(read->status == "in_progress");
  CHECK(read->updated_ms == kMarch2026 + 1000);
  REQUIRE(read->assignments.size() == 2);
  CHECK(read->assignments[0].status == "acknowledged");
  CHECK(read->assignments[1].status == "pending");

  SECTION("acknowledging again changes and writes nothing") {
    env.clock.Advance(1000);
    absl::StatusOr<AssignmentChange> again = store.AcknowledgeAssignment(police, "officer-li");
    REQUIRE(again.ok());
    CHECK_FALSE(again->changed);
    CHECK(again->assignment.status == "acknowledged");
    CHECK(again->assignment.updated_ms == kMarch2026 + 1000);
    CHECK(again->case_status == "in_progress");
    CHECK(Events(store) == 6);
    CHECK(store.GetAssignment(police)->updated_ms == kMarch2026 + 1000);
  }

  SECTION("an acknowledgement after the deadline is marked late; the case stays in_progress") {
    env.clock.Set(kMarch2026 + 600'001);
    absl::StatusOr<AssignmentChange> late = store.AcknowledgeAssignment(edu, "teacher-zhao");
    REQUIRE(late.ok());
    CHECK(late->changed);
    CHECK(late->case_status == "in_progress");
    history = History(store, c.case_number);
    REQUIRE(history.size() == 7);  // no second case.status_changed
    CHECK(history[6].type == "assignment.acknowledged");
    CHECK(history[6].desk_id == "edu-110105");
    CHECK(history[6].payload == "{\"status\":\"acknowledged\",\"late\":\"yes\",\"assignment_id\":" +
                                    Str(edu) + ",\"desk_id\":\"edu-110105\"}");
  }

  SECTION("an unknown assignment is NOT_FOUND and an empty actor INVALID_ARGUMENT") {
    CheckStatus(store.AcknowledgeAssignment(9999, "x").status(), absl::StatusCode::kNotFound,
                "assignment 9999 not found");
    CHECK(store.AcknowledgeAssignment(edu, "").status().code() ==
          absl::StatusCode::kInvalidArgument);
    CHECK(Events(store) == 6);
  }
  CheckVerified(store);
}

TEST_CASE("Updates are posted only on an acknowledged assignment, the text kept private") {
  Env env;
  Store& store = *env.store;
  const CaseRecord c = MustCreate(store, SampleReport("a"));
  const int64_t police = c.assignments[0].id;

  CheckStatus(store.PostAssignmentUpdate(police, "officer", "home_visit", "visited").status(),
              absl::StatusCode::kFailedPrecondition,
              "assignment " + Str(police) +
                  " is pending; updates are posted on an acknowledged assignment");
  CHECK(Events(store) == 4);

  REQUIRE(store.AcknowledgeAssignment(police, "officer").ok());
  const int64_t before = Events(store);
  env.clock.Advance(5000);
  const std::string text = "Visited the family at home; the child Li was there.";
  absl::StatusOr<EventRecord> update =
      store.PostAssignmentUpdate(police, "officer-wang", "home_visit", text);
  REQUIRE(update.ok());
  CHECK(update->seq == before + 1);
  CHECK(update->type == "assignment.updated");
  CHECK(update->case_number == c.case_number);
  CHECK(update->case_id == c.id);
  CHECK(update->actor == "officer-wang");
  CHECK(update->time_ms == kMarch2026 + 5000);
  CHECK(update->desk_id == "police-110105");
  CHECK(update->private_data == text);
  CHECK(update->payload ==
        "{\"kind\":\"home_visit\",\"status\":\"acknowledged\",\"assignment_id\":" + Str(police) +
            ",\"desk_id\":\"police-110105\",\"private_sha256\":\"" + Sha256Hex(text) + "\"}");
  CHECK(update->payload.find("Li") == std::string::npos);

  // Stored as returned; the assignment was touched, its status unchanged.
  const std::vector<EventRecord> history = History(store, c.case_number);
  REQUIRE(history.size() == static_cast<size_t>(before + 1));
  CHECK(history.back().private_data == text);
  CHECK(history.back().hash == update->hash);
  absl::StatusOr<AssignmentRecord> a = store.GetAssignment(police);
  REQUIRE(a.ok());
  CHECK(a->status == "acknowledged");
  CHECK(a->updated_ms == kMarch2026 + 5000);
  CHECK(store.GetCase(c.case_number)->status == "in_progress");

  CHECK(store.PostAssignmentUpdate(police, "officer", "", "x").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(store.PostAssignmentUpdate(police, "officer", "note", "").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(Events(store) == before + 1);
  CheckVerified(store);
}

TEST_CASE("Resolve needs an acknowledged assignment, and the case resolves when all are resolved") {
  Env env;
  Store& store = *env.store;
  const CaseRecord c = MustCreate(store, SampleReport("a"));
  const int64_t police = c.assignments[0].id;
  const int64_t edu = c.assignments[1].id;

  CheckStatus(store.ResolveAssignment(police, "officer", "referred", "").status(),
              absl::StatusCode::kFailedPrecondition,
              "assignment " + Str(police) + " is pending; acknowledge it before resolving it");
  CHECK(Events(store) == 4);

  REQUIRE(store.AcknowledgeAssignment(police, "officer").ok());
  REQUIRE(Events(store) == 6);
  env.clock.Advance(2000);
  absl::StatusOr<AssignmentChange> first =
      store.ResolveAssignment(police, "officer-wang", "referred", "Handed to the family court.");
  REQUIRE(first.ok());
  CHECK(first->changed);
  CHECK(first->assignment.status == "resolved");
  CHECK(first->assignment.outcome == "referred");
  CHECK(first->assignment.updated_ms == kMarch2026 + 2000);
  CHECK(first->case_status == "in_progress");  // edu's part is still pending
  CHECK(store.GetAssignment(police)->outcome == "referred");
  std::vector<EventRecord> history = History(store, c.case_number);
  REQUIRE(history.size() == 7);  // no case.status_changed: still in_progress
  CHECK(history[6].type == "assignment.resolved");
  CHECK(history[6].desk_id == "police-110105");
  CHECK(history[6].private_data == "Handed to the family court.");
  CHECK(history[6].payload ==
        "{\"status\":\"resolved\",\"outcome\":\"referred\",\"assignment_id\":" + Str(police) +
            ",\"desk_id\":\"police-110105\",\"private_sha256\":\"" +
            Sha256Hex("Handed to the family court.") + "\"}");

  REQUIRE(store.AcknowledgeAssignment(edu, "teacher").ok());
  env.clock.Advance(2000);
  absl::StatusOr<AssignmentChange> last =
      store.ResolveAssignment(edu, "teacher", "re_enrolled", "");
  REQUIRE(last.ok());
  CHECK(last->case_status == "resolved");
  history = History(store, c.case_number);
  REQUIRE(history.size() == 10);
  CHECK(history[8].type == "assignment.resolved");
  // No summary: no private part and no private_sha256.
  CHECK(history[8].private_data.empty());
  CHECK(history[8].payload ==
        "{\"status\":\"resolved\",\"outcome\":\"re_enrolled\","
        "\"assignment_id\":" +
            Str(edu) + ",\"desk_id\":\"edu-110105\"}");
  CHECK(history[9].type == "case.status_changed");
  CHECK(history[9].payload == "{\"from\":\"in_progress\",\"to\":\"resolved\"}");
  absl::StatusOr<CaseRecord> read = store.GetCase(c.case_number);
  REQUIRE(read.ok());
  CHECK(read->status == "resolved");
  CHECK(read->closed_ms == 0);  // resolved is not closed
  CHECK(read->assignments[1].outcome == "re_enrolled");

  CheckStatus(store.ResolveAssignment(police, "officer", "referred", "").status(),
              absl::StatusCode::kFailedPrecondition,
              "assignment " + Str(police) +
                  " is resolved; only an acknowledged assignment can be resolved");
  CheckStatus(
      store.AcknowledgeAssignment(police, "officer").status(),
      absl::StatusCode::kFailedPrecondition,
      "assignment " + Str(police) + " is resolved; only a pending assignment can be acknowledged");
  CHECK(store.ResolveAssignment(edu, "teacher", "", "").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(Events(store) == 10);
  CheckVerified(store);
}

TEST_CASE("Declining or transferring hands the work to a successor that replaces it") {
  Env env;
  Store& store = *env.store;
  const CaseRecord c = MustCreate(store, SampleReport("a"));
  const int64_t police = c.assignments[0].id;
  const int64_t edu = c.assignments[1].id;
  env.clock.Advance(2000);
  const int64_t now = kMarch2026 + 2000;

  absl::StatusOr<AssignmentChange> declined =
      store.HandOffAssignment(police, "officer-wang", "declined", "Not a police matter.",
                              Desk("community-110105001001", "community", 3600));
  REQUIRE(declined.ok());
  CHECK(declined->changed);
  CHECK(declined->assignment.id == police);
  CHECK(declined->assignment.status == "declined");
  CHECK(declined->assignment.updated_ms == now);
  REQUIRE(declined->successor.has_value());
  const AssignmentRecord& next = *declined->successor;
  CHECK(next.id > edu);
  CHECK(next.case_id == c.id);
  CHECK(next.case_number == c.case_number);
  CHECK(next.desk_id == "community-110105001001");
  CHECK(next.desk_type == "community");
  CHECK(next.desk_name == "Desk community-110105001001");
  CHECK(next.rule_id == "r1");
  CHECK(next.status == "pending");
  CHECK(next.replaces_id == police);
  CHECK(next.created_ms == now);
  CHECK(next.ack_deadline_ms == now + 3'600'000);
  CHECK(declined->case_status == "routed");

  std::vector<EventRecord> history = History(store, c.case_number);
  REQUIRE(history.size() == 6);  // routed before and after: no case.status_changed
  CHECK(history[4].type == "assignment.declined");
  CHECK(history[4].desk_id == "police-110105");
  CHECK(history[4].actor == "officer-wang");
  CHECK(history[4].private_data == "Not a police matter.");
  CHECK(history[4].payload ==
        "{\"status\":\"declined\",\"to_desk_id\":\"community-110105001001\",\"assignment_id\":" +
            Str(police) + ",\"desk_id\":\"police-110105\",\"private_sha256\":\"" +
            Sha256Hex("Not a police matter.") + "\"}");
  CHECK(history[5].type == "assignment.created");
  CHECK(history[5].desk_id == "community-110105001001");
  CHECK(history[5].actor == "officer-wang");
  CHECK(history[5].private_data.empty());
  CHECK(history[5].payload ==
        "{\"assignment_id\":" + Str(next.id) +
            ",\"desk_id\":\"community-110105001001\",\"desk_type\":\"community\","
            "\"rule_id\":\"r1\",\"ack_deadline_ms\":" +
            Str(now + 3'600'000) +
            ",\"resolution\":\"chosen for community-110105001001\",\"replaces_assignment_id\":" +
            Str(police) + "}");

  absl::StatusOr<AssignmentRecord> stored = store.GetAssignment(next.id);
  REQUIRE(stored.ok());
  CHECK(stored->replaces_id == police);
  CHECK(stored->status == "pending");
  CHECK(store.GetAssignment(police)->status == "declined");

  // Transfer the other desk's (acknowledged) work: the case goes back to routed.
  REQUIRE(store.AcknowledgeAssignment(edu, "teacher").ok());
  REQUIRE(History(store, c.case_number).size() == 8);
  absl::StatusOr<AssignmentChange> transferred =
      store.HandOffAssignment(edu, "teacher", "transferred", "The school desk handles this.",
                              Desk("school-110105", "school"));
  REQUIRE(transferred.ok());
  CHECK(transferred->assignment.status == "transferred");
  REQUIRE(transferred->successor.has_value());
  CHECK(transferred->successor->replaces_id == edu);
  CHECK(transferred->successor->desk_id == "school-110105");
  CHECK(transferred->successor->status == "pending");
  CHECK(transferred->case_status == "routed");
  history = History(store, c.case_number);
  REQUIRE(history.size() == 11);
  CHECK(history[8].type == "assignment.transferred");
  CHECK(history[8].desk_id == "edu-110105");
  CHECK(history[8].private_data == "The school desk handles this.");
  CHECK(history[8].payload ==
        "{\"status\":\"transferred\",\"to_desk_id\":\"school-110105\",\"assignment_id\":" +
            Str(edu) + ",\"desk_id\":\"edu-110105\",\"private_sha256\":\"" +
            Sha256Hex("The school desk handles this.") + "\"}");
  CHECK(history[9].type == "assignment.created");
  CHECK(history[9].desk_id == "school-110105");
  CHECK(history[10].type == "case.status_changed");
  CHECK(history[10].payload == "{\"from\":\"in_progress\",\"to\":\"routed\"}");

  absl::StatusOr<CaseRecord> read = store.GetCase(c.case_number);
  REQUIRE(read.ok());
  CHECK(read->status == "routed");
  REQUIRE(read->assignments.size() == 4);
  CHECK(read->assignments[0].status == "declined");
  CHECK(read->assignments[1].status == "transferred");
  CHECK(read->assignments[2].replaces_id == police);
  CHECK(read->assignments[3].replaces_id == edu);

  const int64_t events = Events(store);
  SECTION("the successor must be another desk") {
    CheckStatus(store
                    .HandOffAssignment(next.id, "worker", "declined", "r",
                                       Desk("community-110105001001", "community"))
                    .status(),
                absl::StatusCode::kInvalidArgument,
                "the successor desk must differ from community-110105001001");
  }
  SECTION("a desk that already holds the case is not handed it again") {
    for (const char* how : {"transferred", "declined"}) {
      CheckStatus(
          store.HandOffAssignment(next.id, "worker", how, "r", Desk("school-110105", "school"))
              .status(),
          absl::StatusCode::kFailedPrecondition,
          "desk school-110105 already holds case " + c.case_number + " (assignment " +
              Str(read->assignments[3].id) + ", pending); choose another desk");
    }
  }
  SECTION("a hand-off is declined or transferred, nothing else") {
    CheckStatus(
        store.HandOffAssignment(next.id, "worker", "resolved", "r", Desk("center", "center"))
            .status(),
        absl::StatusCode::kInvalidArgument, "a hand-off is declined or transferred");
  }
  SECTION("a declined assignment cannot be handed off again") {
    CheckStatus(
        store.HandOffAssignment(police, "officer", "declined", "r", Desk("center", "center"))
            .status(),
        absl::StatusCode::kFailedPrecondition,
        "assignment " + Str(police) +
            " is declined; only a pending or acknowledged assignment can be declined");
  }
  SECTION("a reason is required") {
    CHECK(store.HandOffAssignment(next.id, "worker", "declined", "", Desk("center", "center"))
              .status()
              .code() == absl::StatusCode::kInvalidArgument);
  }
  CHECK(Events(store) == events);
  CHECK(store.GetAssignment(next.id)->status == "pending");
  CheckVerified(store);
}

TEST_CASE("Declining without a successor needs another open assignment on the case") {
  Env env;
  Store& store = *env.store;

  SECTION("the only assignment cannot be declined into nothing") {
    const CaseRecord c = MustCreate(store, SampleReport("one", {"police-110105"}));
    const int64_t id = c.assignments[0].id;
    CheckStatus(
        store.HandOffAssignment(id, "officer", "declined", "not ours", NewAssignment{}).status(),
        absl::StatusCode::kFailedPrecondition,
        "assignment " + Str(id) +
            " is pending and no other desk is left to take the case; transfer it to a "
            "named desk instead");
    CHECK(store.GetAssignment(id)->status == "pending");
    CHECK(Events(store) == 3);
  }

  SECTION("with another desk still open it is allowed, and the last one is refused") {
    const CaseRecord c = MustCreate(store, SampleReport("two"));
    const int64_t police = c.assignments[0].id;
    const int64_t edu = c.assignments[1].id;
    REQUIRE(store.AcknowledgeAssignment(police, "officer").ok());
    REQUIRE(Events(store) == 6);

    // A transfer always names its successor.
    CheckStatus(
        store.HandOffAssignment(police, "officer", "transferred", "r", NewAssignment{}).status(),
        absl::StatusCode::kInvalidArgument, "a transfer needs the desk it goes to");

    absl::StatusOr<AssignmentChange> declined =
        store.HandOffAssignment(police, "officer", "declined", "not ours", NewAssignment{});
    REQUIRE(declined.ok());
    CHECK(declined->assignment.status == "declined");
    CHECK_FALSE(declined->successor.has_value());
    CHECK(declined->case_status == "routed");  // only edu's pending part is left
    const std::vector<EventRecord> history = History(store, c.case_number);
    REQUIRE(history.size() == 8);
    CHECK(history[6].type == "assignment.declined");
    CHECK(history[6].desk_id == "police-110105");
    CHECK(history[6].payload ==
          "{\"status\":\"declined\",\"to_desk_id\":\"\",\"assignment_id\":" + Str(police) +
              ",\"desk_id\":\"police-110105\",\"private_sha256\":\"" + Sha256Hex("not ours") +
              "\"}");
    CHECK(history[7].type == "case.status_changed");
    CHECK(history[7].payload == "{\"from\":\"in_progress\",\"to\":\"routed\"}");
    REQUIRE(store.GetCase(c.case_number)->assignments.size() == 2);

    CheckStatus(
        store.HandOffAssignment(edu, "teacher", "declined", "not ours", NewAssignment{}).status(),
        absl::StatusCode::kFailedPrecondition,
        "assignment " + Str(edu) +
            " is pending and no other desk is left to take the case; transfer it to a "
            "named desk instead");
    CHECK(store.GetAssignment(edu)->status == "pending");
    CHECK(Events(store) == 8);
  }
  CheckVerified(store);
}

TEST_CASE("Closing withdraws open work per desk, and every desk action on it is then refused") {
  Env env;
  Store& store = *env.store;
  const CaseRecord c = MustCreate(store, SampleReport("a"));
  const int64_t police = c.assignments[0].id;
  const int64_t edu = c.assignments[1].id;
  REQUIRE(store.AcknowledgeAssignment(police, "officer").ok());
  REQUIRE(Events(store) == 6);

  env.clock.Advance(1000);
  absl::StatusOr<CaseRecord> closed = store.CloseCase(c.case_number, "sup", "duplicate", "", true);
  REQUIRE(closed.ok());
  CHECK(closed->status == "closed");
  const std::vector<EventRecord> history = History(store, c.case_number);
  REQUIRE(Types(history) == std::vector<std::string>{"report.received", "case.routed",
                                                     "assignment.created", "assignment.created",
                                                     "assignment.acknowledged",
                                                     "case.status_changed", "assignment.withdrawn",
                                                     "assignment.withdrawn", "case.closed"});
  CHECK(history[6].desk_id == "police-110105");
  CHECK(history[6].payload == "{\"assignment_id\":" + Str(police) +
                                  ",\"desk_id\":\"police-110105\",\"reason\":\"case closed\"}");
  CHECK(history[7].desk_id == "edu-110105");
  CHECK(history[7].payload == "{\"assignment_id\":" + Str(edu) +
                                  ",\"desk_id\":\"edu-110105\",\"reason\":\"case closed\"}");
  CHECK(history[8].desk_id.empty());

  // Refused for the hand-off's own status (withdrawn), not the case's: see the next test.
  const std::string edu_refused = "assignment " + Str(edu) + " is withdrawn; ";
  const std::string police_refused = "assignment " + Str(police) + " is withdrawn; ";
  CheckStatus(store.AcknowledgeAssignment(edu, "teacher").status(),
              absl::StatusCode::kFailedPrecondition,
              edu_refused + "only a pending assignment can be acknowledged");
  CheckStatus(store.PostAssignmentUpdate(police, "officer", "note", "late news").status(),
              absl::StatusCode::kFailedPrecondition,
              police_refused + "updates are posted on an acknowledged assignment");
  CheckStatus(store.ResolveAssignment(police, "officer", "referred", "").status(),
              absl::StatusCode::kFailedPrecondition,
              police_refused + "only an acknowledged assignment can be resolved");
  CheckStatus(
      store
          .HandOffAssignment(police, "officer", "transferred", "r", Desk("school-110105", "school"))
          .status(),
      absl::StatusCode::kFailedPrecondition,
      police_refused + "only a pending or acknowledged assignment can be transferred");
  CHECK(Events(store) == 9);
  CHECK(store.GetCase(c.case_number)->assignments.size() == 2);
  CheckVerified(store);
}

TEST_CASE(
    "Review (agency side): an action on a hand-off passed on names its status, not the case's") {
  // A desk that transferred a case may no longer see it; refusing its late acknowledgement
  // with "case HL-... is closed" told it how the case went on.
  Env env;
  Store& store = *env.store;
  const CaseRecord c = MustCreate(store, SampleReport("a", {"police-110105"}));
  const int64_t police = c.assignments[0].id;
  absl::StatusOr<AssignmentChange> moved = store.HandOffAssignment(
      police, "officer", "transferred", "r", Desk("school-110105", "school"));
  REQUIRE(moved.ok());
  REQUIRE(moved->successor);
  const int64_t school = moved->successor->id;
  const std::string refused = "assignment " + Str(police) + " is transferred; ";
  const auto check_refusals = [&] {
    CheckStatus(store.AcknowledgeAssignment(police, "officer").status(),
                absl::StatusCode::kFailedPrecondition,
                refused + "only a pending assignment can be acknowledged");
    CheckStatus(store.PostAssignmentUpdate(police, "officer", "note", "late news").status(),
                absl::StatusCode::kFailedPrecondition,
                refused + "updates are posted on an acknowledged assignment");
    CheckStatus(store.ResolveAssignment(police, "officer", "referred", "").status(),
                absl::StatusCode::kFailedPrecondition,
                refused + "only an acknowledged assignment can be resolved");
    CheckStatus(
        store.HandOffAssignment(police, "officer", "declined", "r", Desk("center", "center"))
            .status(),
        absl::StatusCode::kFailedPrecondition,
        refused + "only a pending or acknowledged assignment can be declined");
  };
  check_refusals();  // the case is open
  REQUIRE(store.AcknowledgeAssignment(school, "teacher").ok());
  REQUIRE(store.ResolveAssignment(school, "teacher", "child_safe", "").ok());
  REQUIRE(store.CloseCase(c.case_number, "sup", "child_safe", "", false).ok());
  check_refusals();  // closed: the same words
}

TEST_CASE("ReopenCase reopens resolved and closed reports only") {
  Env env;
  Store& store = *env.store;
  const NewAssignment centre{"center", "center", "Centre", "default", "reopened by supervisor",
                             1800};

  SECTION("routed and in_progress reports and inquiries are refused") {
    const CaseRecord c = MustCreate(store, SampleReport("a"));
    CheckStatus(store.ReopenCase(c.case_number, "sup", "again", centre).status(),
                absl::StatusCode::kFailedPrecondition,
                "case " + c.case_number + " is routed; only a resolved or closed case is reopened");
    REQUIRE(store.AcknowledgeAssignment(c.assignments[0].id, "officer").ok());
    CheckStatus(
        store.ReopenCase(c.case_number, "sup", "again", centre).status(),
        absl::StatusCode::kFailedPrecondition,
        "case " + c.case_number + " is in_progress; only a resolved or closed case is reopened");
    const CaseRecord inquiry = MustCreate(store, SampleInquiry("q"));
    REQUIRE(inquiry.status == "closed");
    CheckStatus(store.ReopenCase(inquiry.case_number, "sup", "again", centre).status(),
                absl::StatusCode::kFailedPrecondition,
                "case " + inquiry.case_number + " is an inquiry; only reports are reopened");
    CHECK(Events(store) == 7);
    CHECK(store.GetCase(c.case_number)->assignments.size() == 2);
    CHECK(store.ReopenCase("HL-2026-000099", "sup", "again", centre).status().code() ==
          absl::StatusCode::kNotFound);
    CHECK(store.ReopenCase(c.case_number, "sup", "", centre).status().code() ==
          absl::StatusCode::kInvalidArgument);
    CHECK(store.ReopenCase(c.case_number, "sup", "again", NewAssignment{}).status().code() ==
          absl::StatusCode::kInvalidArgument);
  }

  SECTION("a resolved report") {
    const CaseRecord c = ResolvedReport(store, "a", false);
    const int64_t before = Events(store);
    env.clock.Advance(60'000);
    const int64_t now = kMarch2026 + 60'000;
    absl::StatusOr<CaseRecord> reopened =
        store.ReopenCase(c.case_number, "sup-chen", "The mother called again.", centre);
    REQUIRE(reopened.ok());
    CHECK(reopened->status == "routed");
    CHECK(reopened->closed_ms == 0);
    CHECK(reopened->updated_ms == now);
    REQUIRE(reopened->assignments.size() == 2);
    CHECK(reopened->assignments[0].status == "resolved");
    const AssignmentRecord& added = reopened->assignments[1];
    CHECK(added.desk_id == "center");
    CHECK(added.status == "pending");
    CHECK(added.replaces_id == 0);
    CHECK(added.created_ms == now);
    CHECK(added.ack_deadline_ms == now + 1'800'000);
    const std::vector<EventRecord> history = History(store, c.case_number);
    REQUIRE(history.size() == static_cast<size_t>(before + 2));
    const EventRecord& e = history[before];
    CHECK(e.type == "case.reopened");
    CHECK(e.actor == "sup-chen");
    CHECK(e.desk_id.empty());
    CHECK(e.private_data == "The mother called again.");
    CHECK(e.payload ==
          "{\"from\":\"resolved\",\"desk_id_assigned\":\"center\",\"private_sha256\":\"" +
              Sha256Hex("The mother called again.") + "\"}");
    CHECK(history[before + 1].type == "assignment.created");
    CHECK(history[before + 1].desk_id == "center");
    absl::StatusOr<CaseRecord> read = store.GetCase(c.case_number);
    REQUIRE(read.ok());
    CHECK(read->status == "routed");
    CHECK(read->assignments.size() == 2);
  }

  SECTION("a closed report") {
    const CaseRecord c = MustCreate(store, SampleReport("a"));
    env.clock.Advance(1000);
    REQUIRE(store.CloseCase(c.case_number, "sup", "no_action", "Nothing to do.", true).ok());
    REQUIRE(store.GetCase(c.case_number)->closed_ms == kMarch2026 + 1000);
    env.clock.Advance(1000);
    absl::StatusOr<CaseRecord> reopened =
        store.ReopenCase(c.case_number, "sup", "New facts.", centre);
    REQUIRE(reopened.ok());
    CHECK(reopened->status == "routed");
    CHECK(reopened->closed_ms == 0);
    CHECK(reopened->outcome.empty());
    CHECK(reopened->outcome_summary.empty());
    REQUIRE(reopened->assignments.size() == 3);
    CHECK(reopened->assignments[2].desk_id == "center");
    CHECK(reopened->assignments[2].status == "pending");
    const std::vector<EventRecord> history = History(store, c.case_number);
    REQUIRE(history.size() == 9);
    CHECK(history[7].type == "case.reopened");
    CHECK(history[7].payload ==
          "{\"from\":\"closed\",\"desk_id_assigned\":\"center\","
          "\"private_sha256\":\"" +
              Sha256Hex("New facts.") + "\"}");
    CHECK(history[8].type == "assignment.created");
    // Desk work is possible again.
    absl::StatusOr<AssignmentChange> ack =
        store.AcknowledgeAssignment(reopened->assignments[2].id, "duty");
    REQUIRE(ack.ok());
    CHECK(ack->case_status == "in_progress");
  }
  CheckVerified(store);
}

TEST_CASE("Feedback is due on resolved or closed reports whose reporter wants it, once") {
  Env env;
  Store& store = *env.store;
  const CaseRecord wanted = ResolvedReport(store, "wanted", true);
  const CaseRecord anonymous = ResolvedReport(store, "anonymous", false);
  NewCase open_input = SampleReport("open", {"police-110105"});
  open_input.feedback_wanted = true;
  const CaseRecord open = MustCreate(store, open_input);
  NewCase inquiry_input = SampleInquiry("inquiry");
  inquiry_input.feedback_wanted = true;  // inquiries never owe feedback
  const CaseRecord inquiry = MustCreate(store, inquiry_input);
  CHECK(wanted.feedback_wanted);
  CHECK_FALSE(anonymous.feedback_wanted);
  CHECK(open.feedback_wanted);
  CHECK_FALSE(inquiry.feedback_wanted);

  const auto due = [&store] {
    CaseFilter filter;
    filter.feedback_due = true;
    return ListedNumbers(store, filter);
  };
  CHECK(due() == std::vector<std::string>{wanted.case_number});

  CheckStatus(store.RecordFeedback(open.case_number, "op", "told").status(),
              absl::StatusCode::kFailedPrecondition,
              "case " + open.case_number + " is routed; feedback is due once it is resolved");
  CheckStatus(
      store.RecordFeedback(anonymous.case_number, "op", "told").status(),
      absl::StatusCode::kFailedPrecondition,
      "case " + anonymous.case_number + " owes no feedback (anonymous reporter or an inquiry)");
  CheckStatus(
      store.RecordFeedback(inquiry.case_number, "op", "told").status(),
      absl::StatusCode::kFailedPrecondition,
      "case " + inquiry.case_number + " owes no feedback (anonymous reporter or an inquiry)");
  const int64_t before = Events(store);

  env.clock.Advance(86'400'000);
  const int64_t now = kMarch2026 + 86'400'000;
  absl::StatusOr<CaseRecord> given =
      store.RecordFeedback(wanted.case_number, "op-anna", "Told the mother the outcome.");
  REQUIRE(given.ok());
  CHECK(given->feedback_ms == now);
  CHECK(given->updated_ms == now);
  CHECK(given->status == "resolved");
  CHECK(store.GetCase(wanted.case_number)->feedback_ms == now);
  const std::vector<EventRecord> history = History(store, wanted.case_number);
  CHECK(history.back().seq == before + 1);
  CHECK(history.back().type == "feedback.given");
  CHECK(history.back().actor == "op-anna");
  CHECK(history.back().desk_id.empty());
  CHECK(history.back().private_data == "Told the mother the outcome.");
  CHECK(history.back().payload ==
        "{\"private_sha256\":\"" + Sha256Hex("Told the mother the outcome.") + "\"}");
  CHECK(due().empty());

  CheckStatus(store.RecordFeedback(wanted.case_number, "op", "again").status(),
              absl::StatusCode::kFailedPrecondition,
              "feedback for case " + wanted.case_number + " was already recorded");
  CHECK(store.RecordFeedback(open.case_number, "op", "").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(Events(store) == before + 1);

  // Closing the open report makes its feedback due too.
  REQUIRE(store.CloseCase(open.case_number, "sup", "no_action", "", true).ok());
  CHECK(due() == std::vector<std::string>{open.case_number});
  REQUIRE(store.RecordFeedback(open.case_number, "op", "Told the caller.").ok());
  CHECK(due().empty());
  CheckVerified(store);
}

TEST_CASE("RecordCaseAccess appends a case.viewed event with role and rpc") {
  Env env;
  Store& store = *env.store;
  const CaseRecord c = MustCreate(store, SampleReport("a"));
  env.clock.Advance(42);
  absl::StatusOr<EventRecord> viewed =
      store.RecordCaseAccess(c.id, "auditor-xu", "auditor", "GetCase");
  REQUIRE(viewed.ok());
  CHECK(viewed->seq == 5);
  CHECK(viewed->type == "case.viewed");
  CHECK(viewed->case_id == c.id);
  CHECK(viewed->case_number == c.case_number);
  CHECK(viewed->actor == "auditor-xu");
  CHECK(viewed->time_ms == kMarch2026 + 42);
  CHECK(viewed->desk_id.empty());
  CHECK(viewed->private_data.empty());
  CHECK(viewed->payload == "{\"role\":\"auditor\",\"rpc\":\"GetCase\"}");
  const std::vector<EventRecord> history = History(store, c.case_number);
  REQUIRE(history.size() == 5);
  CHECK(history[4].hash == viewed->hash);
  CHECK(history[4].payload == viewed->payload);

  CHECK(store.RecordCaseAccess(9999, "auditor-xu", "auditor", "GetCase").status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(store.RecordCaseAccess(c.id, "", "auditor", "GetCase").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(Events(store) == 5);
  CheckVerified(store);
}

TEST_CASE("ListDeskEvents returns a desk's events in seq order after a point, up to a limit") {
  Env env;
  Store& store = *env.store;
  // seq 1-4: report.received, case.routed, created police (3), created edu (4).
  const CaseRecord one = MustCreate(store, SampleReport("one"));
  // seq 5-8: ..., created police (7), created school (8).
  const CaseRecord two = MustCreate(store, SampleReport("two", {"police-110105", "school-110105"}));
  // seq 9 acknowledged (police), 10 case.status_changed; seq 11 note.
  REQUIRE(store.AcknowledgeAssignment(one.assignments[0].id, "officer").ok());
  REQUIRE(store.AddNote(one.case_number, "op", "a note").ok());
  REQUIRE(Events(store) == 11);

  const auto list = [&store](const std::vector<std::string>& desks, int64_t after, int limit) {
    absl::StatusOr<std::vector<EventRecord>> events = store.ListDeskEvents(desks, after, limit);
    INFO(events.status().ToString());
    REQUIRE(events.ok());
    return *std::move(events);
  };
  const std::vector<EventRecord> police = list({"police-110105"}, 0, 100);
  CHECK(Seqs(police) == std::vector<int64_t>{3, 7, 9});
  CHECK(Types(police) == std::vector<std::string>{"assignment.created", "assignment.created",
                                                  "assignment.acknowledged"});
  REQUIRE(police.size() == 3);
  CHECK(police[0].case_number == one.case_number);
  CHECK(police[1].case_number == two.case_number);
  for (const EventRecord& e : police) CHECK(e.desk_id == "police-110105");

  CHECK(Seqs(list({"police-110105", "school-110105"}, 0, 100)) == std::vector<int64_t>{3, 7, 8, 9});
  CHECK(Seqs(list({"school-110105", "edu-110105"}, 0, 100)) == std::vector<int64_t>{4, 8});
  CHECK(Seqs(list({"police-110105", "school-110105"}, 3, 100)) == std::vector<int64_t>{7, 8, 9});
  CHECK(Seqs(list({"police-110105", "school-110105"}, 7, 2)) == std::vector<int64_t>{8, 9});
  CHECK(Seqs(list({"police-110105", "school-110105"}, 0, 2)) == std::vector<int64_t>{3, 7});
  CHECK(list({"police-110105"}, 9, 100).empty());
  CHECK(list({"nobody"}, 0, 100).empty());
  // A desk named twice is read once.
  CHECK(Seqs(list({"police-110105", "school-110105", "police-110105"}, 0, 100)) ==
        std::vector<int64_t>{3, 7, 8, 9});
  // More desks than one statement reads (100): the parts are merged in seq order and limited.
  // In name order, edu and police fall in the first part and school in the second.
  std::vector<std::string> many;
  for (int i = 0; i < 150; ++i) many.push_back("q-desk-" + std::to_string(i));
  many[20] = "school-110105";
  many[140] = "police-110105";
  many[149] = "edu-110105";
  CHECK(Seqs(list(many, 0, 100)) == std::vector<int64_t>{3, 4, 7, 8, 9});
  CHECK(Seqs(list(many, 0, 3)) == std::vector<int64_t>{3, 4, 7});
  CHECK(Seqs(list(many, 4, 2)) == std::vector<int64_t>{7, 8});

  CHECK(store.ListDeskEvents({}, 0, 10).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(store.ListDeskEvents({"police-110105"}, 0, 0).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(store.ListDeskEvents({"police-110105"}, 0, 10001).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Due hand-offs come in deadline order; those marked overdue stay out of the sweep") {
  Env env;
  Store& store = *env.store;
  const int64_t t0 = kMarch2026;
  // Deadlines 600 s after creation: one at t0+600 s (two desks), two at t0+601 s.
  const CaseRecord one = MustCreate(store, SampleReport("one"));
  env.clock.Advance(1000);
  const CaseRecord two = MustCreate(store, SampleReport("two", {"police-110105"}));
  const int64_t d1 = t0 + 600'000, d2 = t0 + 601'000;
  const auto due = [&store](int64_t now) {
    absl::StatusOr<std::vector<AssignmentRecord>> list = store.ListDueAssignments(now, 10);
    REQUIRE(list.ok());
    std::vector<int64_t> ids;
    for (const AssignmentRecord& a : *list) ids.push_back(a.id);
    return ids;
  };
  const auto overdue_cases = [&store](int64_t at) {
    CaseFilter f;
    f.overdue_at_ms = at;
    return ListedNumbers(store, f);
  };
  using Counts = std::map<std::string, int64_t>;
  const auto open = [&store] {
    absl::StatusOr<Counts> counts = store.CountOpenAssignments();
    REQUIRE(counts.ok());
    return *counts;
  };
  CHECK(open() == Counts{{"edu-110105", 1}, {"police-110105", 2}});
  CHECK(*store.NextAckDeadline() == d1);
  CHECK(due(d1 - 1).empty());
  CHECK(due(d1) == std::vector<int64_t>{one.assignments[0].id, one.assignments[1].id});
  CHECK(due(d2) ==
        std::vector<int64_t>{one.assignments[0].id, one.assignments[1].id, two.assignments[0].id});
  CHECK(overdue_cases(d1) == std::vector<std::string>{one.case_number});

  // Both of case one's hand-offs are marked overdue (nobody to escalate to): pending still,
  // so the case list keeps finding them, but the sweep and the next deadline step over them.
  env.clock.Advance(600'000);
  REQUIRE(store.EscalateAssignment(one.assignments[0].id, {}).ok());
  REQUIRE(store.EscalateAssignment(one.assignments[1].id, {}).ok());
  CHECK(*store.NextAckDeadline() == d2);
  CHECK(due(d2) == std::vector<int64_t>{two.assignments[0].id});
  CHECK(overdue_cases(d2) == std::vector<std::string>{two.case_number, one.case_number});
  // Acknowledged, a hand-off is no longer pending: not due, not overdue.
  REQUIRE(store.AcknowledgeAssignment(two.assignments[0].id, "officer").ok());
  REQUIRE(store.AcknowledgeAssignment(one.assignments[0].id, "officer").ok());
  CHECK(*store.NextAckDeadline() == 0);
  CHECK(due(d2).empty());
  CHECK(overdue_cases(d2) == std::vector<std::string>{one.case_number});  // its edu hand-off
  CHECK(open() == Counts{{"edu-110105", 1}, {"police-110105", 2}});       // pending or acknowledged
  REQUIRE(store.AcknowledgeAssignment(one.assignments[1].id, "teacher").ok());
  CHECK(overdue_cases(d2).empty());
  REQUIRE(store.ResolveAssignment(one.assignments[0].id, "officer", "done", "").ok());
  CHECK(open() == Counts{{"edu-110105", 1}, {"police-110105", 1}});
}

TEST_CASE("ReadDeskFeed gives each event its assignment as of the event and its case's summary") {
  Env env;
  Store& store = *env.store;
  const CaseRecord one = MustCreate(store, SampleReport("one"));  // seq 3 police, 4 edu
  const CaseRecord two = MustCreate(store, SampleReport("two", {"police-110105", "school-110105"}));
  REQUIRE(store.AcknowledgeAssignment(one.assignments[0].id, "officer").ok());  // seq 9

  absl::StatusOr<DeskFeed> feed = store.ReadDeskFeed({"police-110105", "school-110105"}, 0, 100);
  INFO(feed.status().ToString());
  REQUIRE(feed.ok());
  CHECK(Seqs(feed->events) == std::vector<int64_t>{3, 7, 8, 9});
  REQUIRE(feed->assignments.size() == 4);
  // Each event's own assignment as of the event: police of case one is acknowledged by seq 9,
  // and pending at its seq 3 "created".
  CHECK(feed->assignments[0].id == one.assignments[0].id);
  CHECK(feed->assignments[0].status == "pending");
  CHECK(feed->assignments[1].id == two.assignments[0].id);
  CHECK(feed->assignments[1].status == "pending");
  CHECK(feed->assignments[2].id == two.assignments[1].id);
  CHECK(feed->assignments[2].desk_id == "school-110105");
  CHECK(feed->assignments[3].id == one.assignments[0].id);
  CHECK(feed->assignments[3].status == "acknowledged");
  CHECK(feed->assignments[3].case_number == one.case_number);
  // One summary per case of the page, with its lists and without its detail.
  REQUIRE(feed->cases.size() == 2);
  const CaseRecord& first = feed->cases.at(one.id);
  CHECK(first.case_number == one.case_number);
  CHECK(first.categories == one.categories);
  CHECK(first.jurisdictions == one.jurisdictions);
  CHECK(first.detail.empty());
  CHECK(feed->cases.at(two.id).case_number == two.case_number);

  // Paged and limited like ListDeskEvents.
  absl::StatusOr<DeskFeed> rest = store.ReadDeskFeed({"police-110105"}, 3, 1);
  REQUIRE(rest.ok());
  CHECK(Seqs(rest->events) == std::vector<int64_t>{7});
  CHECK(rest->assignments.size() == 1);
  CHECK(rest->cases.size() == 1);
  CHECK(store.ReadDeskFeed({"police-110105"}, 9, 10)->events.empty());
  CHECK(store.ReadDeskFeed({}, 0, 10).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(store.ReadDeskFeed({"police-110105"}, 0, 0).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Review (agency side): a replayed event shows its assignment as it was then") {
  // The stream gave a replayed "assignment.created" of a hand-off resolved since the outcome
  // and update time of the row as it is now.
  Env env;
  Store& store = *env.store;
  const CaseRecord c = MustCreate(store, SampleReport("a", {"police-110105", "center"}));
  const int64_t police = c.assignments[0].id;
  const int64_t center = c.assignments[1].id;
  const int64_t created = kMarch2026;
  env.clock.Advance(1000);
  REQUIRE(store.AcknowledgeAssignment(police, "officer").ok());
  env.clock.Advance(1000);
  REQUIRE(store.PostAssignmentUpdate(police, "officer", "note", "met the child").ok());
  env.clock.Advance(1000);
  REQUIRE(store.ResolveAssignment(police, "officer", "child_safe", "home again").ok());
  env.clock.Advance(600'000);  // past the centre's deadline: nobody left, it is marked overdue
  const int64_t overdue = env.clock.NowMillis();
  REQUIRE(store.EscalateAssignment(center, {}).ok());
  env.clock.Advance(1000);
  REQUIRE(store.AcknowledgeAssignment(center, "sup").ok());

  absl::StatusOr<DeskFeed> feed = store.ReadDeskFeed({"police-110105", "center"}, 0, 100);
  INFO(feed.status().ToString());
  REQUIRE(feed.ok());
  struct Seen {
    std::string type;
    int64_t id;
    std::string status;
    std::string outcome;
    int64_t updated_ms;
    int64_t overdue_ms;
    bool operator==(const Seen&) const = default;
  };
  std::vector<Seen> seen;
  for (size_t i = 0; i < feed->events.size(); ++i) {
    const AssignmentRecord& a = feed->assignments[i];
    CHECK(a.updated_ms == feed->events[i].time_ms);
    seen.push_back({feed->events[i].type, a.id, a.status, a.outcome, a.updated_ms, a.overdue_ms});
  }
  const std::vector<Seen> want = {
      {"assignment.created", police, "pending", "", created, 0},
      {"assignment.created", center, "pending", "", created, 0},
      {"assignment.acknowledged", police, "acknowledged", "", created + 1000, 0},
      {"assignment.updated", police, "acknowledged", "", created + 2000, 0},
      {"assignment.resolved", police, "resolved", "child_safe", created + 3000, 0},
      {"assignment.overdue", center, "pending", "", overdue, overdue},
      {"assignment.acknowledged", center, "acknowledged", "", overdue + 1000, overdue},
  };
  REQUIRE(seen.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO(i << ": " << seen[i].type << " of " << seen[i].id);
    CHECK(seen[i] == want[i]);
  }
}

TEST_CASE("ListAssignments lists a desk's assignments by status, newest first, in pages") {
  Env env;
  Store& store = *env.store;
  const CaseRecord one = MustCreate(store, SampleReport("one"));  // 1 police, 2 edu
  const CaseRecord two =
      MustCreate(store, SampleReport("two", {"police-110105", "school-110105"}));        // 3, 4
  const CaseRecord three = MustCreate(store, SampleReport("three", {"police-110105"}));  // 5
  const int64_t p1 = one.assignments[0].id;
  const int64_t p2 = two.assignments[0].id;
  const int64_t s2 = two.assignments[1].id;
  const int64_t p3 = three.assignments[0].id;
  REQUIRE(p1 < p2);
  REQUIRE(p2 < s2);
  REQUIRE(s2 < p3);
  REQUIRE(store.AcknowledgeAssignment(p1, "officer").ok());

  const auto list = [&store](std::vector<std::string> desks, std::vector<std::string> statuses,
                             int page_size, int64_t before) {
    AssignmentFilter filter;
    filter.desk_ids = std::move(desks);
    filter.statuses = std::move(statuses);
    absl::StatusOr<AssignmentPage> page = store.ListAssignments(filter, page_size, before);
    INFO(page.status().ToString());
    REQUIRE(page.ok());
    return *std::move(page);
  };

  AssignmentPage all = list({"police-110105"}, {}, 100, 0);
  CHECK(Ids(all.assignments) == std::vector<int64_t>{p3, p2, p1});
  CHECK(all.next_before_id == 0);
  REQUIRE(all.assignments.size() == 3);
  CHECK(all.assignments[0].case_number == three.case_number);
  CHECK(all.assignments[2].status == "acknowledged");

  const AssignmentPage first = list({"police-110105"}, {}, 2, 0);
  CHECK(Ids(first.assignments) == std::vector<int64_t>{p3, p2});
  CHECK(first.next_before_id == p2);
  const AssignmentPage second = list({"police-110105"}, {}, 2, first.next_before_id);
  CHECK(Ids(second.assignments) == std::vector<int64_t>{p1});
  CHECK(second.next_before_id == 0);
  CHECK(list({"police-110105"}, {}, 3, 0).next_before_id == 0);  // exactly one full page

  CHECK(Ids(list({"police-110105"}, {"acknowledged"}, 100, 0).assignments) ==
        std::vector<int64_t>{p1});
  CHECK(Ids(list({"police-110105"}, {"pending"}, 100, 0).assignments) ==
        std::vector<int64_t>{p3, p2});
  CHECK(Ids(list({"police-110105"}, {"pending", "acknowledged"}, 100, 0).assignments) ==
        std::vector<int64_t>{p3, p2, p1});
  CHECK(list({"police-110105"}, {"resolved"}, 100, 0).assignments.empty());
  CHECK(Ids(list({"police-110105", "school-110105"}, {"pending"}, 100, 0).assignments) ==
        std::vector<int64_t>{p3, s2, p2});
  CHECK(Ids(list({"edu-110105"}, {}, 100, 0).assignments) ==
        std::vector<int64_t>{one.assignments[1].id});

  // Several desks are merged newest first, and paged across desks.
  const int64_t e1 = one.assignments[1].id;
  const std::vector<std::string> three_desks = {"police-110105", "school-110105", "edu-110105"};
  CHECK(Ids(list(three_desks, {}, 100, 0).assignments) == std::vector<int64_t>{p3, s2, p2, e1, p1});
  const AssignmentPage across = list(three_desks, {}, 2, 0);
  CHECK(Ids(across.assignments) == std::vector<int64_t>{p3, s2});
  CHECK(across.next_before_id == s2);
  const AssignmentPage rest = list(three_desks, {}, 2, across.next_before_id);
  CHECK(Ids(rest.assignments) == std::vector<int64_t>{p2, e1});
  CHECK(rest.next_before_id == e1);
  CHECK(Ids(list(three_desks, {}, 2, rest.next_before_id).assignments) == std::vector<int64_t>{p1});
  // A desk named twice is read once.
  CHECK(Ids(list({"school-110105", "police-110105", "school-110105"}, {}, 100, 0).assignments) ==
        std::vector<int64_t>{p3, s2, p2, p1});
  // More desks than one statement reads (100): edu and police fall in the first part by name
  // and school in the second; the parts are merged and the page cut after merging.
  std::vector<std::string> many;
  for (int i = 0; i < 150; ++i) many.push_back("q-desk-" + std::to_string(i));
  many[10] = "school-110105";
  many[70] = "police-110105";
  many[130] = "edu-110105";
  const AssignmentPage merged = list(many, {"pending", "acknowledged"}, 3, 0);
  CHECK(Ids(merged.assignments) == std::vector<int64_t>{p3, s2, p2});
  CHECK(merged.next_before_id == p2);
  CHECK(Ids(list(many, {}, 100, merged.next_before_id).assignments) ==
        std::vector<int64_t>{e1, p1});

  AssignmentFilter none;
  CHECK(store.ListAssignments(none, 10, 0).status().code() == absl::StatusCode::kInvalidArgument);
  AssignmentFilter police;
  police.desk_ids = {"police-110105"};
  CHECK(store.ListAssignments(police, 0, 0).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(store.ListAssignments(police, 1001, 0).status().code() ==
        absl::StatusCode::kInvalidArgument);

  absl::StatusOr<AssignmentRecord> one_a = store.GetAssignment(p2);
  REQUIRE(one_a.ok());
  CHECK(one_a->case_number == two.case_number);
  CHECK(one_a->desk_id == "police-110105");
}

// What a commit listener saw, and on which threads.
struct Seen {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int64_t> seqs;
  std::vector<std::thread::id> threads;

  std::function<void(int64_t)> Listener() {
    return [this](int64_t seq) {
      {
        std::lock_guard<std::mutex> lock(mu);
        seqs.push_back(seq);
        threads.push_back(std::this_thread::get_id());
      }
      cv.notify_all();
    };
  }
  // True once the listener was called with `seq` (waits up to 10 s).
  bool WaitFor(int64_t seq) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10),
                       [&] { return std::find(seqs.begin(), seqs.end(), seq) != seqs.end(); });
  }
  std::vector<int64_t> Seqs() {
    std::lock_guard<std::mutex> lock(mu);
    return seqs;
  }
  std::vector<std::thread::id> Threads() {
    std::lock_guard<std::mutex> lock(mu);
    return threads;
  }
};

TEST_CASE("The commit listener hears the head seq after each commit, on the writer thread") {
  Seen first, second;  // outlive the store
  Env env;
  Store& store = *env.store;
  store.SetCommitListener(first.Listener());

  const CaseRecord c = MustCreate(store, SampleReport("a"));
  REQUIRE(first.WaitFor(4));
  REQUIRE(store.AcknowledgeAssignment(c.assignments[0].id, "officer").ok());
  REQUIRE(first.WaitFor(6));
  REQUIRE(store.AddNote(c.case_number, "op", "n").ok());
  REQUIRE(first.WaitFor(7));
  CHECK(first.Seqs() == std::vector<int64_t>{4, 6, 7});
  CHECK(*store.HeadSeq() == 7);
  for (const std::thread::id& id : first.Threads()) CHECK(id != std::this_thread::get_id());

  // Removed: nothing more is heard.
  store.SetCommitListener({});
  REQUIRE(store.AddNote(c.case_number, "op", "n").ok());  // seq 8
  // Replaced: the new listener hears the next commit.
  store.SetCommitListener(second.Listener());
  REQUIRE(store.AddNote(c.case_number, "op", "n").ok());  // seq 9
  REQUIRE(second.WaitFor(9));
  CHECK(first.Seqs() == std::vector<int64_t>{4, 6, 7});
  CHECK(second.Seqs().back() == 9);
  store.SetCommitListener({});
}

// Desk work of every kind on one case and a few more, for the verifier.
void RunScenario(Store& store, ManualClock& clock) {
  NewCase input = SampleReport("a", {"police-110105", "edu-110105", "school-110105"});
  input.feedback_wanted = true;
  const CaseRecord c = MustCreate(store, input);
  const int64_t police = c.assignments[0].id;
  const int64_t edu = c.assignments[1].id;
  const int64_t school = c.assignments[2].id;
  clock.Advance(1000);
  REQUIRE(store.AcknowledgeAssignment(police, "officer").ok());
  REQUIRE(store.PostAssignmentUpdate(police, "officer", "home_visit", "private words").ok());
  REQUIRE(store
              .HandOffAssignment(edu, "teacher", "declined", "not ours",
                                 Desk("community-110105001001", "community"))
              .ok());
  REQUIRE(store.HandOffAssignment(school, "teacher", "declined", "not ours", NewAssignment{}).ok());
  REQUIRE(store.ResolveAssignment(police, "officer", "referred", "summary").ok());
  absl::StatusOr<CaseRecord> read = store.GetCase(c.case_number);
  REQUIRE(read.ok());
  REQUIRE(read->assignments.size() == 4);
  const int64_t community = read->assignments[3].id;
  REQUIRE(store.AcknowledgeAssignment(community, "worker").ok());
  REQUIRE(store.ResolveAssignment(community, "worker", "support", "").ok());
  REQUIRE(store.GetCase(c.case_number)->status == "resolved");
  REQUIRE(store.RecordFeedback(c.case_number, "op", "told them").ok());
  REQUIRE(store.ReopenCase(c.case_number, "sup", "again", Desk("center", "center")).ok());
  REQUIRE(store.RecordCaseAccess(c.id, "auditor", "auditor", "GetCase").ok());
  REQUIRE(store.CloseCase(c.case_number, "sup", "resolved", "done", true).ok());
  REQUIRE(store.AddNote(c.case_number, "op", "after close").ok());
}

constexpr const char* kDropTriggers =
    "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;";

TEST_CASE("VerifyAuditLog checks each event's desk_id against its payload") {
  TempDb db;
  {
    ManualClock clock(kMarch2026);
    auto store = testing::OpenStore(db.path(), &clock);
    RunScenario(*store, clock);
    CheckVerified(*store);
    absl::StatusOr<VerifyResult> result = store->VerifyAuditLog();
    REQUIRE(result.ok());
    CHECK(result->events_checked == 22);
  }
  {
    // The append-only trigger covers desk_id.
    RawDb raw(db.path());
    std::string error;
    CHECK(raw.Exec("UPDATE events SET desk_id = 'x' WHERE seq = 3", &error) == SQLITE_CONSTRAINT);
    CHECK_THAT(error, Catch::Contains("append-only"));
  }

  int64_t bad = 0;
  {
    RawDb raw(db.path());
    REQUIRE(raw.Exec(kDropTriggers) == SQLITE_OK);
    SECTION("an assignment event moved to another desk") {
      bad = raw.QueryInt("SELECT min(seq) FROM events WHERE type = 'assignment.acknowledged'");
      REQUIRE(raw.QueryText("SELECT desk_id FROM events WHERE seq = " + Str(bad)) ==
              "police-110105");
      REQUIRE(raw.Exec("UPDATE events SET desk_id = 'edu-110105' WHERE seq = " + Str(bad)) ==
              SQLITE_OK);
    }
    SECTION("an assignment event taken off its desk") {
      bad = raw.QueryInt("SELECT min(seq) FROM events WHERE type = 'assignment.updated'");
      REQUIRE(raw.Exec("UPDATE events SET desk_id = NULL WHERE seq = " + Str(bad)) == SQLITE_OK);
    }
    SECTION("a case event put on a desk") {
      bad = raw.QueryInt("SELECT min(seq) FROM events WHERE type = 'case.reopened'");
      REQUIRE(raw.Exec("UPDATE events SET desk_id = 'center' WHERE seq = " + Str(bad)) ==
              SQLITE_OK);
    }
  }
  REQUIRE(bad > 1);
  auto store = testing::OpenStore(db.path(), nullptr);
  absl::StatusOr<VerifyResult> result = store->VerifyAuditLog();
  REQUIRE(result.ok());
  CHECK_FALSE(result->ok);
  CHECK(result->first_bad_seq == bad);
  CHECK(result->problem == "desk_id does not match the payload");
  CHECK(result->events_checked == bad - 1);
}

TEST_CASE("DeriveCaseStatus follows the assignments") {
  const auto derive = [](std::vector<std::string> statuses) {
    CaseRecord c;
    c.status = "routed";
    for (std::string& s : statuses) {
      AssignmentRecord a;
      a.status = std::move(s);
      c.assignments.push_back(std::move(a));
    }
    return DeriveCaseStatus(c);
  };
  CHECK(derive({}) == "routed");
  CHECK(derive({"pending"}) == "routed");
  CHECK(derive({"pending", "pending"}) == "routed");
  CHECK(derive({"declined", "pending"}) == "routed");
  CHECK(derive({"escalated", "pending"}) == "routed");
  CHECK(derive({"transferred", "withdrawn", "declined"}) == "routed");
  CHECK(derive({"acknowledged"}) == "in_progress");
  CHECK(derive({"pending", "acknowledged"}) == "in_progress");
  CHECK(derive({"resolved", "pending"}) == "in_progress");
  CHECK(derive({"resolved", "acknowledged"}) == "in_progress");
  CHECK(derive({"resolved"}) == "resolved");
  CHECK(derive({"resolved", "resolved"}) == "resolved");
  CHECK(derive({"resolved", "declined", "transferred"}) == "resolved");
  CHECK(derive({"withdrawn", "resolved"}) == "resolved");
}

}  // namespace
}  // namespace hotline::storage
