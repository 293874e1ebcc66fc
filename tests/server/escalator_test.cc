// Escalation with an injected clock (issue 4): a real store on a temporary file, a ManualClock
// moved by hand, and Escalator::RunDue — no waiting. Deadlines count from the moment each
// hand-off is created.
#include <catch2/catch.hpp>

#include "router/loader.h"
#include "server/escalator.h"
#include "server/mapping.h"
#include "storage/clock.h"
#include "storage/store.h"
#include "tests/server/test_util.h"

namespace hotline::server {
namespace {

constexpr int64_t kStart = 1'790'000'000'000;  // 2026-09, arbitrary
constexpr int64_t kMinute = 60'000;

// Police must acknowledge within 10 minutes; the chain goes to the community worker (20
// minutes), then to the centre (30 minutes), whose own hand-off can only become overdue.
// Abuse goes to the police and the community worker at once, with no chain.
constexpr std::string_view kTable = R"(version = "esc"
[[jurisdiction]]
code = "11"
name = "北京市"
[[jurisdiction]]
code = "1101"
name = "市辖区"
[[jurisdiction]]
code = "110105"
name = "朝阳区"
[[desk]]
id = "center"
name = "中心"
type = "center"
jurisdiction = "11"
ack_deadline = "30m"
[[desk]]
id = "police-110105"
name = "朝阳分局"
type = "police"
jurisdiction = "110105"
ack_deadline = "10m"
[[desk]]
id = "community-110105"
name = "朝阳社区"
type = "community"
jurisdiction = "110105"
ack_deadline = "20m"
[[rule]]
id = "begging"
cites = "art. 17"
when = { categories = ["begging"] }
targets = [ { type = "police" } ]
escalate = [ { type = "community" } ]
[[rule]]
id = "abuse"
cites = "art. 6"
when = { categories = ["abuse"] }
targets = [ { type = "police" }, { type = "community" } ]
[[rule]]
id = "default"
cites = "art. 33"
default = true
targets = [ { desk = "center" } ]
)";

struct Env {
  testing::TempDir dir;
  storage::ManualClock clock{kStart};
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<RoutingSnapshot> routing;
  std::unique_ptr<Escalator> escalator;

  Env() {
    storage::StoreOptions options;
    options.path = (dir.path() / "h.db").string();
    options.clock = &clock;
    auto opened = storage::Store::Open(options);
    REQUIRE(opened.ok());
    store = *std::move(opened);
    auto table = router::ParseRoutingTable(kTable, "esc.toml");
    REQUIRE(table.ok());
    storage::NewRoutingTable stored;
    stored.label = "esc";
    stored.text = std::string(kTable);
    stored.author = "admin";
    stored.comment = "the escalation table";
    REQUIRE(store->ApplyRoutingTable(stored).ok());
    routing = std::make_unique<RoutingSnapshot>(ActiveTable{*table, 1});
    escalator = std::make_unique<Escalator>(store.get(), routing.get(), &clock);
  }

  storage::CaseRecord Submit(const std::string& request_id,
                             v1::DistressCategory category = v1::DISTRESS_CATEGORY_BEGGING) {
    v1::SubmitReportRequest request = testing::ValidReportRequest();
    request.set_request_id(request_id);
    request.mutable_report()->mutable_children(0)->set_jurisdiction_code("110105");
    request.mutable_report()->clear_categories();
    request.mutable_report()->add_categories(category);
    const router::Decision decision = router::Route(*routing->Get(), ToFacts(request.report()));
    auto c = store->CreateCase(ToNewCase(request, decision, "op"));
    REQUIRE(c.ok());
    return *c;
  }

  storage::CaseRecord Load(const std::string& number) {
    auto c = store->GetCase(number);
    REQUIRE(c.ok());
    return *c;
  }
};

TEST_CASE("an unacknowledged hand-off escalates along the chain at each deadline",
          "[escalator]") {
  Env env;
  const storage::CaseRecord c = env.Submit("esc-1");
  REQUIRE(c.assignments.size() == 1);
  CHECK(c.assignments[0].desk_id == "police-110105");
  CHECK(c.assignments[0].ack_deadline_ms == kStart + 10 * kMinute);

  // Not due yet: nothing happens, and the next deadline is the police's.
  env.clock.Advance(10 * kMinute - 1);
  CHECK(*env.escalator->RunDue() == 0);
  CHECK(*env.store->NextAckDeadline() == kStart + 10 * kMinute);

  // Due: escalated to the community worker, whose 20 minutes start now.
  env.clock.Advance(1);
  CHECK(*env.escalator->RunDue() == 1);
  storage::CaseRecord after = env.Load(c.case_number);
  REQUIRE(after.assignments.size() == 2);
  CHECK(after.assignments[0].status == "escalated");
  const storage::AssignmentRecord& community = after.assignments[1];
  CHECK(community.desk_id == "community-110105");
  CHECK(community.status == "pending");
  CHECK(community.replaces_id == after.assignments[0].id);
  CHECK(community.ack_deadline_ms == kStart + 10 * kMinute + 20 * kMinute);
  CHECK(community.resolution ==
        "escalated from police-110105 (not acknowledged by its deadline): step 1 of rule "
        "'begging': type community resolved at 110105 for child 1");
  CHECK(*env.escalator->RunDue() == 0);  // nothing twice

  // The chain is used up: the centre desk takes it, with its own 30 minutes.
  env.clock.Advance(20 * kMinute);
  CHECK(*env.escalator->RunDue() == 1);
  after = env.Load(c.case_number);
  REQUIRE(after.assignments.size() == 3);
  CHECK(after.assignments[1].status == "escalated");
  CHECK(after.assignments[2].desk_id == "center");
  CHECK(after.assignments[2].ack_deadline_ms == kStart + 30 * kMinute + 30 * kMinute);
  CHECK(after.assignments[2].resolution ==
        "escalated from community-110105 (not acknowledged by its deadline): the escalation "
        "chain of rule 'begging' is used up; the centre desk center takes it");

  // Nobody is left after the centre: its hand-off stays pending and is marked overdue once.
  env.clock.Advance(30 * kMinute);
  CHECK(*env.escalator->RunDue() == 1);
  after = env.Load(c.case_number);
  REQUIRE(after.assignments.size() == 3);
  CHECK(after.assignments[2].status == "pending");
  CHECK(after.assignments[2].overdue_ms == kStart + 60 * kMinute);
  CHECK(*env.escalator->RunDue() == 0);
  CHECK(*env.store->NextAckDeadline() == 0);

  auto history = env.store->GetCaseHistory(c.case_number);
  REQUIRE(history.ok());
  std::vector<std::string> types;
  for (const storage::EventRecord& e : *history) types.push_back(e.type);
  CHECK(types == std::vector<std::string>{"report.received", "case.routed", "assignment.created",
                                          "assignment.escalated", "assignment.created",
                                          "assignment.escalated", "assignment.created",
                                          "assignment.overdue"});
  CHECK((*history)[3].actor == "system");
  CHECK(env.store->VerifyAuditLog()->ok);
}

// The hand-off a desk of the table would get, as the server builds it for a transfer.
storage::NewAssignment HandOffTo(const std::string& desk, const std::string& rule,
                                 int64_t deadline_seconds) {
  storage::NewAssignment a;
  a.desk_id = desk;
  a.desk_type = desk == "center" ? "center" : desk.substr(0, desk.find('-'));
  a.desk_name = desk;
  a.rule_id = rule;
  a.resolution = "transferred by hand";
  a.ack_deadline_seconds = deadline_seconds;
  a.routing_table_version = 1;
  return a;
}

size_t OpenOn(const storage::CaseRecord& c, const std::string& desk) {
  size_t n = 0;
  for (const storage::AssignmentRecord& a : c.assignments) {
    if (a.desk_id == desk && storage::IsOpenAssignmentStatus(a.status)) ++n;
  }
  return n;
}

TEST_CASE("the centre desk, the last resort, takes a case back that it handed on", "[escalator]") {
  // Review finding: police -> (escalated) community -> (escalated) centre; the centre
  // transfers it back to the police, who miss their deadline again. Every chain desk held
  // the case, and so did the centre: the police hand-off was only marked overdue, and nobody
  // was handed the case.
  Env env;
  const storage::CaseRecord c = env.Submit("esc-back");
  env.clock.Advance(10 * kMinute);
  REQUIRE(*env.escalator->RunDue() == 1);
  env.clock.Advance(20 * kMinute);
  REQUIRE(*env.escalator->RunDue() == 1);
  storage::CaseRecord now = env.Load(c.case_number);
  REQUIRE(now.assignments.size() == 3);
  REQUIRE(now.assignments[2].desk_id == "center");
  auto back = env.store->HandOffAssignment(now.assignments[2].id, "centre-agent", "transferred",
                                           "the police station must go",
                                           HandOffTo("police-110105", "begging", 600));
  REQUIRE(back.ok());
  REQUIRE(back->successor);

  env.clock.Advance(10 * kMinute);
  CHECK(*env.escalator->RunDue() == 1);
  now = env.Load(c.case_number);
  REQUIRE(now.assignments.size() == 5);
  CHECK(now.assignments[3].status == "escalated");
  CHECK(now.assignments[3].overdue_ms == 0);
  CHECK(now.assignments[4].desk_id == "center");
  CHECK(now.assignments[4].status == "pending");
  CHECK(now.assignments[4].resolution ==
        "escalated from police-110105 (not acknowledged by its deadline): the escalation "
        "chain of rule 'begging' is used up; the centre desk center takes it");

  // The centre's own hand-off, overdue: nobody left, as before.
  env.clock.Advance(30 * kMinute);
  CHECK(*env.escalator->RunDue() == 1);
  now = env.Load(c.case_number);
  CHECK(now.assignments.size() == 5);
  CHECK(now.assignments[4].overdue_ms != 0);
  CHECK(env.store->VerifyAuditLog()->ok);
}

TEST_CASE("an escalation never gives a desk a second open hand-off of a case", "[escalator]") {
  // Abuse: police and the community worker. The community worker transfers its hand-off to
  // the centre; then the police miss their deadline, and the centre (the chain's end) already
  // holds the case.
  Env env;
  const storage::CaseRecord c = env.Submit("esc-twice", v1::DISTRESS_CATEGORY_ABUSE);
  REQUIRE(c.assignments.size() == 2);
  const storage::AssignmentRecord police = c.assignments[0];
  REQUIRE(police.desk_id == "police-110105");
  REQUIRE(c.assignments[1].desk_id == "community-110105");

  SECTION("chosen on an earlier read: the store refuses it, and nothing changes") {
    // The escalator read the case before the transfer and chose the centre (review finding:
    // 3 in 60 such races left the centre with two open hand-offs).
    env.clock.Advance(10 * kMinute);
    REQUIRE(env.store
                ->HandOffAssignment(c.assignments[1].id, "community-worker", "transferred",
                                    "needs the centre", HandOffTo("center", "abuse", 1800))
                .ok());
    auto late = env.store->EscalateAssignment(police.id, HandOffTo("center", "abuse", 1800));
    REQUIRE_FALSE(late.ok());
    CHECK(absl::IsAborted(late.status()));
    CHECK_FALSE(storage::IsRoutingTableChanged(late.status()));
    CHECK(std::string(late.status().message()).find("desk center took case") == 0);
    const storage::CaseRecord now = env.Load(c.case_number);
    CHECK(now.assignments.size() == 3);
    CHECK(now.assignments[0].status == "pending");
  }

  SECTION("the escalator reads again: the police hand-off is marked overdue") {
    REQUIRE(env.store
                ->HandOffAssignment(c.assignments[1].id, "community-worker", "transferred",
                                    "needs the centre", HandOffTo("center", "abuse", 1800))
                .ok());
    env.clock.Advance(10 * kMinute);
    CHECK(*env.escalator->RunDue() == 1);
    const storage::CaseRecord now = env.Load(c.case_number);
    CHECK(OpenOn(now, "center") == 1);
    CHECK(now.assignments.size() == 3);
    CHECK(now.assignments[0].status == "pending");
    CHECK(now.assignments[0].overdue_ms == kStart + 10 * kMinute);
  }
}

TEST_CASE("an acknowledged hand-off never escalates", "[escalator]") {
  Env env;
  const storage::CaseRecord c = env.Submit("esc-2");
  REQUIRE(env.store->AcknowledgeAssignment(c.assignments[0].id, "officer").ok());
  env.clock.Advance(24 * 60 * kMinute);
  CHECK(*env.escalator->RunDue() == 0);
  CHECK(env.Load(c.case_number).assignments.size() == 1);
  CHECK(*env.store->NextAckDeadline() == 0);
}

TEST_CASE("every hand-off that fell due while nobody looked is escalated in one run",
          "[escalator]") {
  Env env;
  std::vector<std::string> numbers;
  for (int i = 0; i < 600; ++i) numbers.push_back(env.Submit("esc-many-" + std::to_string(i)).case_number);
  env.clock.Advance(11 * kMinute);  // e.g. the server was down
  CHECK(*env.escalator->RunDue() == 600);  // more than one batch of 500
  for (const std::string& n : numbers) {
    const storage::CaseRecord c = env.Load(n);
    REQUIRE(c.assignments.size() == 2);
    CHECK(c.assignments[1].desk_id == "community-110105");
  }
}

}  // namespace
}  // namespace hotline::server
