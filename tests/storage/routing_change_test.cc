// Every open hand-off is on a desk of the routing table in force. A decision carries the
// version that made it, and the store refuses to write it once another version is in force
// (the server decides again); a version that leaves out a desk with open hand-offs is
// refused. Before, DisableDesk could return while reports routed on the old table were still
// being stored on the desk it had just emptied, and applying or rolling back a table dropped
// a busy desk silently.
#include <catch2/catch.hpp>
#include <string>

#include "storage/store.h"
#include "tests/storage/test_util.h"

namespace hotline::storage {
namespace {

using testing::kMarch2026;

NewAssignment Desk(const std::string& id, int64_t version) {
  NewAssignment a{id, "police", "Desk " + id, "r1", "named", 600};
  a.routing_table_version = version;
  return a;
}

int64_t OpenOn(Store& store, const std::string& desk) {
  auto open = store.CountOpenAssignments();
  REQUIRE(open.ok());
  auto it = open->find(desk);
  return it == open->end() ? 0 : it->second;
}

TEST_CASE("a case routed on a version no longer in force is refused, and nothing is stored",
          "[routing_change]") {
  ManualClock clock(kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock);
  testing::ApplyTableVersions(*store, 2);
  const int64_t events = *store->CountEvents();

  NewCase stale = testing::SampleReport("req-1");
  stale.routing_table_version = 1;
  absl::StatusOr<CaseRecord> refused = store->CreateCase(stale);
  REQUIRE_FALSE(refused.ok());
  CHECK(IsRoutingTableChanged(refused.status()));
  CHECK(refused.status().code() == absl::StatusCode::kAborted);
  CHECK(std::string(refused.status().message()) ==
        "routing table version 2 came into force after version 1 made this decision; decide "
        "again on the new version");
  CHECK(*store->CountEvents() == events);
  CHECK(store->ListCases({}, 10, 0)->cases.empty());

  NewCase current = testing::SampleReport("req-1");
  current.routing_table_version = 2;
  absl::StatusOr<CaseRecord> created = store->CreateCase(current);
  REQUIRE(created.ok());
  CHECK(created->routing_table_version == 2);

  // A retry of the stored request answers with the stored case, whatever the version now.
  testing::ApplyTableVersions(*store, 3);
  absl::StatusOr<CaseRecord> replayed = store->CreateCase(current);
  REQUIRE(replayed.ok());
  CHECK(replayed->replayed);
  CHECK(replayed->case_number == created->case_number);

  // Other refusals are not marked.
  CHECK_FALSE(IsRoutingTableChanged(absl::AbortedError("stale")));
  CHECK_FALSE(IsRoutingTableChanged(absl::OkStatus()));
}

TEST_CASE("a hand-off to a desk named by an older version is refused, the old one stays",
          "[routing_change]") {
  ManualClock clock(kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock);
  testing::ApplyTableVersions(*store, 1);
  NewCase report = testing::SampleReport("req-1", {"police-110105"});
  report.routing_table_version = 1;
  absl::StatusOr<CaseRecord> c = store->CreateCase(report);
  REQUIRE(c.ok());
  const int64_t id = c->assignments[0].id;
  testing::ApplyTableVersions(*store, 2);
  const int64_t events = *store->CountEvents();

  SECTION("transfer") {
    auto change =
        store->HandOffAssignment(id, "police", "transferred", "not ours", Desk("police-110101", 1));
    REQUIRE_FALSE(change.ok());
    CHECK(IsRoutingTableChanged(change.status()));
    CHECK(store->GetAssignment(id)->status == "pending");
    CHECK(OpenOn(*store, "police-110101") == 0);
    CHECK(*store->CountEvents() == events);
    REQUIRE(
        store->HandOffAssignment(id, "police", "transferred", "not ours", Desk("police-110101", 2))
            .ok());
    CHECK(OpenOn(*store, "police-110101") == 1);
  }
  SECTION("escalation") {
    clock.Advance(601000);
    auto change = store->EscalateAssignment(id, Desk("police-110101", 1));
    REQUIRE_FALSE(change.ok());
    CHECK(IsRoutingTableChanged(change.status()));
    CHECK(store->GetAssignment(id)->status == "pending");
    CHECK(*store->CountEvents() == events);
    REQUIRE(store->EscalateAssignment(id, Desk("police-110101", 2)).ok());
    CHECK(store->GetAssignment(id)->status == "escalated");
  }
  SECTION("reopening") {
    REQUIRE(store->CloseCase(c->case_number, "sup", "referred", "", true).ok());
    const int64_t closed_events = *store->CountEvents();
    auto reopened = store->ReopenCase(c->case_number, "sup", "back", Desk("center", 1));
    REQUIRE_FALSE(reopened.ok());
    CHECK(IsRoutingTableChanged(reopened.status()));
    CHECK(store->GetCase(c->case_number)->status == "closed");
    CHECK(*store->CountEvents() == closed_events);
    REQUIRE(store->ReopenCase(c->case_number, "sup", "back", Desk("center", 2)).ok());
  }
}

TEST_CASE("a version that leaves out a desk holding open hand-offs is refused",
          "[routing_change]") {
  ManualClock clock(kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock);
  testing::ApplyTableVersions(*store, 1);
  NewCase report = testing::SampleReport("req-1", {"police-110105", "edu-110105"});
  report.routing_table_version = 1;
  REQUIRE(store->CreateCase(report).ok());
  const int64_t events = *store->CountEvents();

  NewRoutingTable t;
  t.label = "t2";
  t.text = "version = \"t2\"\n";
  t.author = "admin";
  t.comment = "drop two desks";
  t.removed_desk_ids = {"police-110105", "quiet-desk", "edu-110105"};
  absl::StatusOr<RoutingTableRecord> refused = store->ApplyRoutingTable(t);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(refused.status().message()) ==
        "this version leaves out desks that still hold open hand-offs: police-110105 (1), "
        "edu-110105 (1); disable each desk first, naming a replacement desk to take its "
        "hand-offs over, or keep it in the table");
  CHECK(store->ListRoutingTables()->size() == 1);
  CHECK(*store->CountEvents() == events);

  // A desk without open hand-offs may go.
  t.removed_desk_ids = {"quiet-desk"};
  absl::StatusOr<RoutingTableRecord> applied = store->ApplyRoutingTable(t);
  REQUIRE(applied.ok());
  CHECK(applied->version == 2);
}

}  // namespace
}  // namespace hotline::storage
