// Cases on fresh in-memory stores: create, read back, numbering, idempotency, listing,
// notes, closing, history.
#include <catch2/catch.hpp>
#include <set>

#include "storage/crypto.h"
#include "storage/store.h"
#include "tests/storage/test_util.h"

namespace hotline::storage {
namespace {

using testing::kMarch2026;
using testing::SampleInquiry;
using testing::SampleReport;

std::vector<std::string> Types(const std::vector<EventRecord>& events) {
  std::vector<std::string> types;
  for (const EventRecord& e : events) types.push_back(e.type);
  return types;
}

TEST_CASE("CreateCase stores a report with its assignments and events in order") {
  ManualClock clock(kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock);
  const NewCase input = SampleReport("req-1");

  absl::StatusOr<CaseRecord> created = store->CreateCase(input);
  REQUIRE(created.ok());
  CHECK(created->case_number == "HL-2026-000001");
  CHECK(created->status == "routed");
  CHECK_FALSE(created->replayed);
  CHECK(created->created_ms == kMarch2026);
  CHECK(created->closed_ms == 0);
  CHECK(created->detail == input.detail);
  REQUIRE(created->assignments.size() == 2);
  CHECK(created->assignments[0].desk_id == "police-110105");
  CHECK(created->assignments[1].desk_id == "edu-110105");
  for (const AssignmentRecord& a : created->assignments) {
    CHECK(a.status == "pending");
    CHECK(a.case_id == created->id);
    CHECK(a.ack_deadline_ms == kMarch2026 + 600'000);
  }

  absl::StatusOr<CaseRecord> read = store->GetCase("HL-2026-000001");
  REQUIRE(read.ok());
  CHECK(read->id == created->id);
  CHECK(read->kind == "report");
  CHECK(read->channel == "phone");
  CHECK(read->urgency == "immediate");
  CHECK(read->created_by == "op-anna");
  CHECK(read->request_id == "req-1");
  CHECK(read->categories == input.categories);
  CHECK(read->jurisdictions == input.jurisdictions);
  CHECK(read->detail == input.detail);
  CHECK(read->routing_version == "v7");
  CHECK(read->routing_trace == "trace-bytes");
  REQUIRE(read->assignments.size() == 2);
  CHECK(read->assignments[1].desk_name == "Desk edu-110105");
  CHECK(read->assignments[1].resolution == "jurisdiction");

  absl::StatusOr<std::vector<EventRecord>> history = store->GetCaseHistory("HL-2026-000001");
  REQUIRE(history.ok());
  CHECK(Types(*history) == std::vector<std::string>{"report.received", "case.routed",
                                                    "assignment.created", "assignment.created"});
  for (size_t i = 0; i < history->size(); ++i) {
    const EventRecord& e = (*history)[i];
    CHECK(e.seq == static_cast<int64_t>(i) + 1);
    CHECK(e.case_number == "HL-2026-000001");
    CHECK(e.actor == "op-anna");
    CHECK(e.time_ms == kMarch2026);
    if (i > 0) CHECK(e.prev_hash == (*history)[i - 1].hash);
  }
  CHECK((*history)[0].prev_hash == std::string(64, '0'));
  CHECK((*history)[0].payload ==
        "{\"request_id\":\"req-1\",\"kind\":\"report\",\"channel\":\"phone\","
        "\"urgency\":\"immediate\",\"categories\":[\"abuse\",\"neglect\"],"
        "\"jurisdictions\":[\"110105\",\"110105001\"],\"detail_sha256\":\"" +
            Sha256Hex(input.detail) + "\"}");
  CHECK((*history)[1].payload ==
        "{\"table_version\":\"v7\",\"desks\":[\"police-110105\",\"edu-110105\"],"
        "\"rules\":[\"r1\"]}");
  CHECK((*history)[2].payload ==
        "{\"assignment_id\":" + std::to_string(created->assignments[0].id) +
            ",\"desk_id\":\"police-110105\",\"desk_type\":\"police\",\"rule_id\":\"r1\","
            "\"ack_deadline_ms\":" +
            std::to_string(kMarch2026 + 600'000) + ",\"resolution\":\"jurisdiction\"}");
  // Personal data never enters the hashed bytes.
  for (const EventRecord& e : *history) CHECK(e.payload.find("Li") == std::string::npos);
}

void CheckSameAssignment(const AssignmentRecord& a, const AssignmentRecord& b) {
  CHECK(a.id == b.id);
  CHECK(a.case_id == b.case_id);
  CHECK(a.desk_id == b.desk_id);
  CHECK(a.desk_type == b.desk_type);
  CHECK(a.desk_name == b.desk_name);
  CHECK(a.rule_id == b.rule_id);
  CHECK(a.resolution == b.resolution);
  CHECK(a.status == b.status);
  CHECK(a.created_ms == b.created_ms);
  CHECK(a.ack_deadline_ms == b.ack_deadline_ms);
  CHECK(a.updated_ms == b.updated_ms);
  CHECK(a.case_number == b.case_number);
  CHECK(a.replaces_id == b.replaces_id);
  CHECK(a.outcome == b.outcome);
  CHECK(a.overdue_ms == b.overdue_ms);
}

// CreateCase builds the record it returns from what it inserted (it does not read it back):
// it must be exactly what a later read finds.
void CheckSameCase(const CaseRecord& a, const CaseRecord& b) {
  CHECK(a.id == b.id);
  CHECK(a.case_number == b.case_number);
  CHECK(a.kind == b.kind);
  CHECK(a.status == b.status);
  CHECK(a.channel == b.channel);
  CHECK(a.urgency == b.urgency);
  CHECK(a.categories == b.categories);
  CHECK(a.jurisdictions == b.jurisdictions);
  CHECK(a.created_by == b.created_by);
  CHECK(a.request_id == b.request_id);
  CHECK(a.created_ms == b.created_ms);
  CHECK(a.updated_ms == b.updated_ms);
  CHECK(a.closed_ms == b.closed_ms);
  CHECK(a.detail == b.detail);
  CHECK(a.routing_version == b.routing_version);
  CHECK(a.routing_trace == b.routing_trace);
  CHECK(a.outcome == b.outcome);
  CHECK(a.outcome_summary == b.outcome_summary);
  CHECK(a.feedback_wanted == b.feedback_wanted);
  CHECK(a.feedback_ms == b.feedback_ms);
  CHECK(a.routing_table_version == b.routing_table_version);
  CHECK(a.reopened_ms == b.reopened_ms);
  REQUIRE(a.assignments.size() == b.assignments.size());
  for (size_t i = 0; i < a.assignments.size(); ++i) {
    CheckSameAssignment(a.assignments[i], b.assignments[i]);
  }
}

TEST_CASE("The case CreateCase returns is the case a read finds") {
  ManualClock clock(kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock);
  NewCase report = SampleReport("req-same", {"police-110105", "edu-110105", "cw-110105"});
  report.categories = {"neglect", "begging", "neglect"};  // stored once each
  report.jurisdictions = {"110105", "110105"};
  report.feedback_wanted = true;
  report.routing_table_version = 3;
  testing::ApplyTableVersions(*store, 3);
  absl::StatusOr<CaseRecord> created = store->CreateCase(report);
  REQUIRE(created.ok());
  CHECK(created->categories == std::vector<std::string>{"neglect", "begging"});
  absl::StatusOr<CaseRecord> read = store->GetCase(created->case_number);
  REQUIRE(read.ok());
  CheckSameCase(*created, *read);

  absl::StatusOr<CaseRecord> inquiry = store->CreateCase(SampleInquiry("req-same-inquiry"));
  REQUIRE(inquiry.ok());
  absl::StatusOr<CaseRecord> read_inquiry = store->GetCase(inquiry->case_number);
  REQUIRE(read_inquiry.ok());
  CheckSameCase(*inquiry, *read_inquiry);

  // The replayed answer (read back) is the same case too.
  absl::StatusOr<CaseRecord> replayed = store->CreateCase(report);
  REQUIRE(replayed.ok());
  CHECK(replayed->replayed);
  CheckSameCase(*created, *replayed);
}

TEST_CASE("An inquiry is recorded closed and answered, with one event") {
  ManualClock clock(kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock);
  absl::StatusOr<CaseRecord> c = store->CreateCase(SampleInquiry("inq-1"));
  REQUIRE(c.ok());
  CHECK(c->status == "closed");
  CHECK(c->closed_ms == c->created_ms);
  CHECK(c->outcome == "answered");
  CHECK(c->assignments.empty());
  absl::StatusOr<std::vector<EventRecord>> history = store->GetCaseHistory(c->case_number);
  REQUIRE(history.ok());
  REQUIRE(Types(*history) == std::vector<std::string>{"inquiry.recorded"});
  CHECK((*history)[0].payload ==
        "{\"request_id\":\"inq-1\",\"channel\":\"chat\",\"detail_sha256\":\"" +
            Sha256Hex("where can I get help") + "\"}");
}

TEST_CASE("Case numbers count per UTC year and restart at 000001 in a new year") {
  ManualClock clock(1767225599000);  // 2025-12-31T23:59:59Z
  auto store = testing::OpenStore(":memory:", &clock);
  CHECK(store->CreateCase(SampleReport("a"))->case_number == "HL-2025-000001");
  CHECK(store->CreateCase(SampleInquiry("b"))->case_number == "HL-2025-000002");
  clock.Set(1767225600000);  // 2026-01-01T00:00:00Z
  CHECK(store->CreateCase(SampleReport("c"))->case_number == "HL-2026-000001");
  CHECK(store->CreateCase(SampleReport("d"))->case_number == "HL-2026-000002");
  clock.Set(1767225599000);
  CHECK(store->CreateCase(SampleReport("e"))->case_number == "HL-2025-000003");
}

TEST_CASE("A repeated request_id replays the stored case and writes nothing") {
  ManualClock clock(kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock);
  absl::StatusOr<CaseRecord> first = store->CreateCase(SampleReport("req-1"));
  REQUIRE(first.ok());
  const int64_t events = *store->CountEvents();
  clock.Advance(5000);

  absl::StatusOr<CaseRecord> again = store->CreateCase(SampleReport("req-1"));
  REQUIRE(again.ok());
  CHECK(again->replayed);
  CHECK(again->case_number == first->case_number);
  CHECK(again->created_ms == first->created_ms);
  CHECK(again->assignments.size() == 2);
  CHECK(*store->CountEvents() == events);
  CHECK(store->ListCases({}, 10, 0)->cases.size() == 1);

  NewCase changed = SampleReport("req-1");
  changed.request_fingerprint = "another body";
  absl::StatusOr<CaseRecord> conflict = store->CreateCase(changed);
  REQUIRE(conflict.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK_THAT(std::string(conflict.status().message()), Catch::Contains("req-1"));
  CHECK_THAT(std::string(conflict.status().message()), Catch::Contains(first->case_number));
  CHECK(*store->CountEvents() == events);

  // Another principal sending the same request id, same body or not, gets neither the case
  // nor its number: a request id is its sender's.
  for (const char* fingerprint : {"", "another body"}) {
    NewCase other = SampleReport("req-1");
    other.actor = "operator-2";
    if (*fingerprint != '\0') other.request_fingerprint = fingerprint;
    absl::StatusOr<CaseRecord> refused = store->CreateCase(other);
    REQUIRE(refused.status().code() == absl::StatusCode::kAlreadyExists);
    const std::string message(refused.status().message());
    CHECK_THAT(message, Catch::Contains("req-1") && Catch::Contains("another caller"));
    CHECK_THAT(message, !Catch::Contains(first->case_number));
    CHECK(*store->CountEvents() == events);
  }
  CHECK(store->ListCases({}, 10, 0)->cases.size() == 1);
}

TEST_CASE("CreateCase rejects malformed input") {
  auto store = testing::OpenStore(":memory:", nullptr);
  NewCase c = SampleReport("x");
  c.kind = "complaint";
  CHECK(store->CreateCase(c).status().code() == absl::StatusCode::kInvalidArgument);
  c = SampleReport("x");
  c.assignments.clear();
  CHECK(store->CreateCase(c).status().code() == absl::StatusCode::kInvalidArgument);
  c = SampleReport("");
  CHECK(store->CreateCase(c).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(*store->CountEvents() == 0);
}

// A filter with one field set.
CaseFilter F(std::string CaseFilter::*field, std::string value) {
  CaseFilter f;
  f.*field = std::move(value);
  return f;
}

std::vector<std::string> Numbers(const CasePage& page) {
  std::vector<std::string> out;
  for (const CaseRecord& c : page.cases) out.push_back(c.case_number);
  return out;
}

TEST_CASE("ListCases filters, newest first") {
  // Each filter on categories, jurisdictions or assignments is read as a list of matches
  // (few) or tested case by case (many, here from one match): both must give the same.
  const int many = GENERATE(10000, 1);
  INFO("list_many_matches " << many);
  ManualClock clock(kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock, many);
  NewCase a = SampleReport("a", {"police-110105"});  // 000001
  NewCase b = SampleReport("b", {"edu-310101"});     // 000002
  b.urgency = "routine";
  b.categories = {"bullying"};
  b.jurisdictions = {"310101"};
  b.actor = "op-zoe";
  NewCase c = SampleInquiry("c");                                   // 000003
  NewCase d = SampleReport("d", {"police-110105", "health-1101"});  // 000004
  d.jurisdictions = {"1101%"};
  for (const NewCase& n : {a, b, c, d}) REQUIRE(store->CreateCase(n).ok());
  REQUIRE(store->CloseCase("HL-2026-000001", "sup", "referred", "", true).ok());

  const auto list = [&](CaseFilter f) {
    absl::StatusOr<CasePage> page = store->ListCases(f, 100, 0);
    REQUIRE(page.ok());
    CHECK(page->next_before_id == 0);
    for (const CaseRecord& r : page->cases) CHECK(r.detail.empty());
    return Numbers(*page);
  };
  using V = std::vector<std::string>;
  CHECK(list({}) == V{"HL-2026-000004", "HL-2026-000003", "HL-2026-000002", "HL-2026-000001"});
  CHECK(list(F(&CaseFilter::status, "closed")) == V{"HL-2026-000003", "HL-2026-000001"});
  CHECK(list(F(&CaseFilter::status, "routed")) == V{"HL-2026-000004", "HL-2026-000002"});
  CHECK(list(F(&CaseFilter::kind, "inquiry")) == V{"HL-2026-000003"});
  CHECK(list(F(&CaseFilter::urgency, "routine")) == V{"HL-2026-000002"});
  CHECK(list(F(&CaseFilter::category, "bullying")) == V{"HL-2026-000002"});
  CHECK(list(F(&CaseFilter::category, "abuse")) == V{"HL-2026-000004", "HL-2026-000001"});
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, "3101")) == V{"HL-2026-000002"});
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, "110105")) == V{"HL-2026-000001"});
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, "1101")) == V{"HL-2026-000004", "HL-2026-000001"});
  // '%' and '_' are plain characters, not wildcards.
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, "1101%")) == V{"HL-2026-000004"});
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, "%")) == V{});
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, "11_1")) == V{});
  // The prefix is read as a range of codes: its end is exact, also at digit and byte limits.
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, "310")) == V{"HL-2026-000002"});
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, "3100")) == V{});
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, "31019")) == V{});
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, "110105")) == V{"HL-2026-000001"});
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, "11010")) == V{"HL-2026-000001"});
  CHECK(list(F(&CaseFilter::desk_id, "police-110105")) == V{"HL-2026-000004", "HL-2026-000001"});
  CHECK(list(F(&CaseFilter::desk_id, "edu-310101")) == V{"HL-2026-000002"});
  CHECK(list(F(&CaseFilter::created_by, "op-zoe")) == V{"HL-2026-000002"});
  CHECK(list(F(&CaseFilter::created_by, "op-ben")) == V{"HL-2026-000003"});
  CaseFilter both = F(&CaseFilter::status, "routed");
  both.urgency = "immediate";
  CHECK(list(both) == V{"HL-2026-000004"});
  CHECK(list(F(&CaseFilter::desk_id, "nobody")) == V{});
  // Overdue: a pending assignment whose deadline (600 s after creation) has come; the closed
  // case's assignments were withdrawn.
  CaseFilter overdue;
  overdue.overdue_at_ms = kMarch2026 + 600'000;
  CHECK(list(overdue) == V{"HL-2026-000004", "HL-2026-000002"});
  overdue.overdue_at_ms = kMarch2026 + 599'999;
  CHECK(list(overdue) == V{});
  overdue.category = "bullying";
  overdue.overdue_at_ms = kMarch2026 + 600'000;
  CHECK(list(overdue) == V{"HL-2026-000002"});

  absl::StatusOr<CasePage> one = store->ListCases(F(&CaseFilter::category, "abuse"), 10, 0);
  REQUIRE(one.ok());
  REQUIRE(one->cases.size() == 2);
  CHECK(one->cases[0].categories == V{"abuse", "neglect"});
  CHECK(one->cases[0].assignments.size() == 2);

  // The store takes any bytes as a code (the server allows digits only): a prefix ending in
  // 0xFF bytes ends its range above them, and an all-0xFF prefix has no end at all.
  NewCase e = SampleReport("e");  // 000005
  e.jurisdictions = {std::string("9\xff\xff") + "1", "\xff\xff"};
  REQUIRE(store->CreateCase(e).ok());
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, "9")) == V{"HL-2026-000005"});
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, std::string("9\xff\xff"))) == V{"HL-2026-000005"});
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, std::string("\xff"))) == V{"HL-2026-000005"});
  CHECK(list(F(&CaseFilter::jurisdiction_prefix, std::string("9\xff\xfe"))) == V{});
}

TEST_CASE("ListCases pages by id across pages") {
  auto store = testing::OpenStore(":memory:", nullptr);
  std::vector<std::string> all;
  for (int i = 0; i < 7; ++i) {
    absl::StatusOr<CaseRecord> c = store->CreateCase(SampleReport("r" + std::to_string(i)));
    REQUIRE(c.ok());
    all.insert(all.begin(), c->case_number);  // newest first
  }
  std::vector<std::string> seen;
  std::vector<size_t> sizes;
  int64_t before = 0;
  for (int guard = 0; guard < 10; ++guard) {
    absl::StatusOr<CasePage> page = store->ListCases({}, 3, before);
    REQUIRE(page.ok());
    sizes.push_back(page->cases.size());
    for (const CaseRecord& c : page->cases) seen.push_back(c.case_number);
    if (page->next_before_id == 0) break;
    CHECK(page->next_before_id == page->cases.back().id);
    before = page->next_before_id;
  }
  CHECK(sizes == std::vector<size_t>{3, 3, 1});
  CHECK(seen == all);

  // Exactly a full last page: no phantom next page.
  absl::StatusOr<CasePage> exact = store->ListCases({}, 7, 0);
  REQUIRE(exact.ok());
  CHECK(exact->cases.size() == 7);
  CHECK(exact->next_before_id == 0);

  CHECK(store->ListCases({}, 0, 0).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(store->ListCases({}, 1001, 0).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(store->ListCases({}, 10, -1).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("AddNote stores the text privately and commits to it by hash") {
  ManualClock clock(kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock);
  REQUIRE(store->CreateCase(SampleReport("a")).ok());
  clock.Advance(60'000);
  const std::string text = "Called back; the child (Li, 9) is safe with an aunt.";
  absl::StatusOr<EventRecord> note = store->AddNote("HL-2026-000001", "op-anna", text);
  REQUIRE(note.ok());
  CHECK(note->type == "note.added");
  CHECK(note->seq == 5);
  CHECK(note->time_ms == kMarch2026 + 60'000);
  CHECK(note->private_data == text);
  CHECK(note->payload == "{\"private_sha256\":\"" + Sha256Hex(text) + "\"}");

  absl::StatusOr<std::vector<EventRecord>> history = store->GetCaseHistory("HL-2026-000001");
  REQUIRE(history.ok());
  REQUIRE(history->size() == 5);
  CHECK(history->back().private_data == text);
  CHECK(history->back().hash == note->hash);
  CHECK(store->GetCase("HL-2026-000001")->updated_ms == kMarch2026 + 60'000);

  CHECK(store->AddNote("HL-2026-999999", "op-anna", "x").status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(store->AddNote("HL-2026-000001", "op-anna", "").status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(store->VerifyAuditLog()->ok);
}

TEST_CASE("CloseCase refuses open assignments unless withdrawing them") {
  ManualClock clock(kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock);
  absl::StatusOr<CaseRecord> c = store->CreateCase(SampleReport("a"));
  REQUIRE(c.ok());
  const int64_t events = *store->CountEvents();

  absl::StatusOr<CaseRecord> refused =
      store->CloseCase(c->case_number, "sup", "resolved", "", false);
  REQUIRE(refused.status().code() == absl::StatusCode::kFailedPrecondition);
  const std::string message(refused.status().message());
  CHECK_THAT(message,
             Catch::Contains(std::to_string(c->assignments[0].id) + " (police-110105, pending)"));
  CHECK_THAT(message,
             Catch::Contains(std::to_string(c->assignments[1].id) + " (edu-110105, pending)"));
  CHECK(*store->CountEvents() == events);
  CHECK(store->GetCase(c->case_number)->status == "routed");

  clock.Advance(1000);
  absl::StatusOr<CaseRecord> closed =
      store->CloseCase(c->case_number, "sup", "resolved", "Family support arranged.", true);
  REQUIRE(closed.ok());
  CHECK(closed->status == "closed");
  CHECK(closed->closed_ms == kMarch2026 + 1000);
  CHECK(closed->outcome == "resolved");
  CHECK(closed->outcome_summary == "Family support arranged.");
  for (const AssignmentRecord& a : closed->assignments) {
    CHECK(a.status == "withdrawn");
    CHECK(a.updated_ms == kMarch2026 + 1000);
  }
  absl::StatusOr<std::vector<EventRecord>> history = store->GetCaseHistory(c->case_number);
  REQUIRE(history.ok());
  REQUIRE(history->size() == 7);
  CHECK((*history)[4].type == "assignment.withdrawn");
  CHECK((*history)[4].payload == "{\"assignment_id\":" + std::to_string(c->assignments[0].id) +
                                     ",\"desk_id\":\"police-110105\",\"reason\":\"case closed\"}");
  CHECK((*history)[5].type == "assignment.withdrawn");
  CHECK((*history)[6].type == "case.closed");
  CHECK((*history)[6].actor == "sup");
  CHECK((*history)[6].payload == "{\"outcome\":\"resolved\",\"summary_sha256\":\"" +
                                     Sha256Hex("Family support arranged.") + "\"}");

  absl::StatusOr<CaseRecord> twice = store->CloseCase(c->case_number, "sup", "resolved", "", true);
  CHECK(twice.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(twice.status().message()), Catch::Contains("already closed"));
  CHECK(*store->CountEvents() == events + 3);

  CHECK(store->CloseCase("HL-2026-000042", "sup", "resolved", "", true).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(store->VerifyAuditLog()->ok);
}

TEST_CASE("CloseCase without a summary leaves summary_sha256 out") {
  auto store = testing::OpenStore(":memory:", nullptr);
  absl::StatusOr<CaseRecord> c = store->CreateCase(SampleReport("a"));
  REQUIRE(c.ok());
  REQUIRE(store->CloseCase(c->case_number, "sup", "duplicate", "", true).ok());
  absl::StatusOr<std::vector<EventRecord>> history = store->GetCaseHistory(c->case_number);
  REQUIRE(history.ok());
  CHECK(history->back().payload == "{\"outcome\":\"duplicate\"}");
}

TEST_CASE("GetCase and GetCaseHistory of an unknown case are NOT_FOUND") {
  auto store = testing::OpenStore(":memory:", nullptr);
  CHECK(store->GetCase("HL-2026-000001").status().code() == absl::StatusCode::kNotFound);
  CHECK(store->GetCaseHistory("HL-2026-000001").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE("VerifyAuditLog accepts a fresh chain") {
  ManualClock clock(kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock);
  absl::StatusOr<VerifyResult> empty = store->VerifyAuditLog();
  REQUIRE(empty.ok());
  CHECK(empty->ok);
  CHECK(empty->events_checked == 0);
  CHECK(empty->head_hash == std::string(64, '0'));

  REQUIRE(store->CreateCase(SampleReport("a")).ok());
  REQUIRE(store->CreateCase(SampleInquiry("b")).ok());
  absl::StatusOr<EventRecord> note = store->AddNote("HL-2026-000001", "op", "n");
  REQUIRE(note.ok());
  absl::StatusOr<VerifyResult> result = store->VerifyAuditLog();
  REQUIRE(result.ok());
  CHECK(result->ok);
  CHECK(result->first_bad_seq == 0);
  CHECK(result->problem.empty());
  CHECK(result->events_checked == *store->CountEvents());
  CHECK(result->head_hash == note->hash);
}

}  // namespace
}  // namespace hotline::storage
