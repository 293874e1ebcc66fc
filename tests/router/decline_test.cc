// NextTargetAfterDecline: where the work goes when a desk declines, on the default table and
// on small tables written here: the rule's next target (named or resolved per child), excluded
// desks skipped, the centre desk when the rule has nothing further, nothing when the centre
// itself declines or is excluded.
#include <catch2/catch.hpp>

#include "router/loader.h"
#include "router/router.h"
#include "tests/router/test_util.h"

namespace hotline::router {
namespace {

using namespace std::chrono_literals;

const RoutingTable& DefaultTable() {
  static const std::shared_ptr<const RoutingTable> table =
      testing::MustLoad(testing::DefaultTablePath());
  return *table;
}

constexpr char kJianwai1[] = "110105001001";   // 建外街道永安里东社区
constexpr char kJingshan1[] = "110101002001";  // 景山街道隆福寺社区
constexpr char kYabao[] = "110105002002";      // 朝外街道雅宝里社区

TEST_CASE("decline on the default table: the rule's next target by type", "[decline]") {
  const RoutingTable& t = DefaultTable();
  REQUIRE(t.version == "2026-11-28.1");

  SECTION("police declines immediate danger: the community worker of the child") {
    auto next = NextTargetAfterDecline(t, "immediate-danger", "police-110105", {kJianwai1}, {});
    REQUIRE(next);
    CHECK(next->desk_id == "community-110105001001");
    CHECK(next->desk_type == "community");
    CHECK(next->desk_name == "建外街道永安里东社区儿童保护专干");
    CHECK(next->rule_id == "immediate-danger");
    CHECK(next->ack_deadline == 30min);  // the target's own deadline
    CHECK_FALSE(next->fell_back_to_center);
    CHECK(next->resolution ==
          "declined by police-110105: next target of rule 'immediate-danger': type community "
          "resolved at 110105001001 for child 1");
  }
  SECTION("school declines a dropout: the community worker, with the table's deadline") {
    auto next = NextTargetAfterDecline(t, "dropout", "school-110105", {kYabao}, {});
    REQUIRE(next);
    CHECK(next->desk_id == "community-110105002002");
    CHECK(next->ack_deadline == 4h);  // no target or desk deadline: the table default
    CHECK(next->resolution ==
          "declined by school-110105: next target of rule 'dropout': type community resolved at "
          "110105002002 for child 1");
  }
  SECTION("the first child's community is excluded: the second child's is taken") {
    auto next = NextTargetAfterDecline(t, "immediate-danger", "police-110105",
                                       {kJianwai1, kJingshan1}, {"community-110105001001"});
    REQUIRE(next);
    CHECK(next->desk_id == "community-110101002001");
    CHECK(next->resolution ==
          "declined by police-110105: next target of rule 'immediate-danger': type community "
          "resolved at 110101002001 for child 2");
  }
}

TEST_CASE("decline on the default table: the centre desk when nothing further is left",
          "[decline]") {
  const RoutingTable& t = DefaultTable();

  SECTION("the next target's desk is excluded") {
    auto next = NextTargetAfterDecline(t, "immediate-danger", "police-110105", {kJianwai1},
                                       {"community-110105001001"});
    REQUIRE(next);
    CHECK(next->desk_id == "center");
    CHECK(next->desk_type == "center");
    CHECK(next->rule_id == "immediate-danger");
    CHECK(next->ack_deadline == 1h);  // the centre desk's own deadline
    CHECK(next->fell_back_to_center);
    CHECK(next->resolution ==
          "declined by police-110105: rule 'immediate-danger' has no further target; the "
          "centre desk center takes it");
  }
  SECTION("the declining desk was the rule's last target") {
    auto next = NextTargetAfterDecline(t, "immediate-danger", "community-110105001001", {kJianwai1},
                                       {"police-110105"});
    REQUIRE(next);
    CHECK(next->desk_id == "center");
    CHECK(next->resolution ==
          "declined by community-110105001001: rule 'immediate-danger' has no further target; "
          "the centre desk center takes it");
  }
  SECTION("the only further target has no desk of its type") {
    auto next = NextTargetAfterDecline(t, "psychological-crisis", "community-110105001001",
                                       {kJianwai1}, {});
    REQUIRE(next);
    CHECK(next->desk_id == "center");
    CHECK(next->resolution ==
          "declined by community-110105001001: rule 'psychological-crisis' has no further "
          "target; the centre desk center takes it");
  }
  SECTION("a rule that is no longer in the table") {
    auto next = NextTargetAfterDecline(t, "gone-rule", "police-110105", {kJianwai1}, {});
    REQUIRE(next);
    CHECK(next->desk_id == "center");
    CHECK(next->rule_id == "gone-rule");
    CHECK(next->ack_deadline == 1h);
    CHECK(next->resolution ==
          "declined by police-110105: rule 'gone-rule' is not in table 2026-11-28.1; the centre "
          "desk center takes it");
  }
  SECTION("no jurisdiction at all: the first centre desk") {
    auto next = NextTargetAfterDecline(t, "begging", "police-110105", {}, {});
    REQUIRE(next);
    CHECK(next->desk_id == "center");
    CHECK(next->resolution ==
          "declined by police-110105: rule 'begging' has no further target; the centre desk "
          "center takes it");
  }
}

TEST_CASE("decline on the default table: nothing when the centre declines or is excluded",
          "[decline]") {
  const RoutingTable& t = DefaultTable();
  CHECK_FALSE(NextTargetAfterDecline(t, "default", "center", {kJianwai1}, {}));
  CHECK_FALSE(NextTargetAfterDecline(t, "begging", "center", {kJianwai1}, {}));
  CHECK_FALSE(NextTargetAfterDecline(t, "gone-rule", "center", {kJianwai1}, {}));
  CHECK_FALSE(NextTargetAfterDecline(t, "begging", "police-110105", {"110105"}, {"center"}));
  CHECK_FALSE(NextTargetAfterDecline(t, "immediate-danger", "police-110105", {kJianwai1},
                                     {"community-110105001001", "center"}));
}

// Named desks and types mixed in one rule, and a district centre desk beside the city's.
constexpr char kTable[] = R"(version = "d1"
default_ack_deadline = "2h"

[[jurisdiction]]
code = "11"
name = "北京市"

[[jurisdiction]]
code = "1101"
name = "市辖区"

[[jurisdiction]]
code = "110101"
name = "东城区"

[[jurisdiction]]
code = "110105"
name = "朝阳区"

[[jurisdiction]]
code = "110105001"
name = "建外街道"

[[jurisdiction]]
code = "110105001001"
name = "永安里东社区"

[[desk]]
id = "center"
name = "市未保中心"
type = "center"
jurisdiction = "11"
ack_deadline = "1h"

[[desk]]
id = "center-110105"
name = "朝阳区未保站"
type = "center"
jurisdiction = "110105"

[[desk]]
id = "police-110105"
name = "朝阳分局"
type = "police"
jurisdiction = "110105"
ack_deadline = "30m"

[[desk]]
id = "police-110101"
name = "东城分局"
type = "police"
jurisdiction = "110101"

[[desk]]
id = "judge"
name = "少年庭"
type = "judicial"
jurisdiction = "110105"
ack_deadline = "3h"

[[desk]]
id = "school-110105"
name = "朝阳区教委"
type = "school"
jurisdiction = "110105"

[[desk]]
id = "community-110105001001"
name = "永安里东社区"
type = "community"
jurisdiction = "110105001001"

[[rule]]
id = "named"
cites = "art. 1"
continue = true
when = { categories = ["abuse"] }
targets = [ { desk = "police-110105" }, { desk = "judge", deadline = "45m" }, { type = "community" }, { desk = "school-110105" } ]

[[rule]]
id = "typed"
cites = "art. 2"
when = { categories = ["begging"] }
targets = [ { type = "police" }, { desk = "judge" } ]

[[rule]]
id = "default"
cites = "art. 33"
default = true
targets = [ { desk = "center" } ]
)";

const RoutingTable& SmallTable() {
  static const std::shared_ptr<const RoutingTable> table = [] {
    auto parsed = ParseRoutingTable(kTable, "d.toml");
    INFO(parsed.status().ToString());
    REQUIRE(parsed.ok());
    return *parsed;
  }();
  return *table;
}

TEST_CASE("decline of a desk named by the rule: the next named desk", "[decline]") {
  const RoutingTable& t = SmallTable();
  auto next = NextTargetAfterDecline(t, "named", "police-110105", {kJianwai1}, {});
  REQUIRE(next);
  CHECK(next->desk_id == "judge");
  CHECK(next->desk_type == "judicial");
  CHECK(next->desk_name == "少年庭");
  CHECK(next->rule_id == "named");
  CHECK(next->ack_deadline == 45min);  // the target's deadline beats the desk's 3h
  CHECK_FALSE(next->fell_back_to_center);
  CHECK(next->resolution ==
        "declined by police-110105: next target of rule 'named': desk judge named by the rule");
}

TEST_CASE("decline skips excluded desks, named or resolved", "[decline]") {
  const RoutingTable& t = SmallTable();

  SECTION("the named desk excluded: the type after it") {
    auto next = NextTargetAfterDecline(t, "named", "police-110105", {kJianwai1}, {"judge"});
    REQUIRE(next);
    CHECK(next->desk_id == "community-110105001001");
    CHECK(next->ack_deadline == 2h);
    CHECK(next->resolution ==
          "declined by police-110105: next target of rule 'named': type community resolved at "
          "110105001001 for child 1");
  }
  SECTION("no desk of the type for the child: the named desk after it") {
    auto next = NextTargetAfterDecline(t, "named", "police-110105", {"110101"}, {"judge"});
    REQUIRE(next);
    CHECK(next->desk_id == "school-110105");
    CHECK(next->ack_deadline == 2h);
    CHECK(next->resolution ==
          "declined by police-110105: next target of rule 'named': desk school-110105 named by "
          "the rule");
  }
  SECTION("every later target excluded: the child's centre desk") {
    auto next = NextTargetAfterDecline(t, "named", "police-110105", {kJianwai1},
                                       {"judge", "community-110105001001", "school-110105"});
    REQUIRE(next);
    CHECK(next->desk_id == "center-110105");
    CHECK(next->rule_id == "named");
    CHECK(next->ack_deadline == 2h);  // the district centre has no deadline of its own
    CHECK(next->fell_back_to_center);
    CHECK(next->resolution ==
          "declined by police-110105: rule 'named' has no further target; the centre desk "
          "center-110105 takes it");
  }
  SECTION("a middle desk declines: only the targets after it count") {
    auto next = NextTargetAfterDecline(t, "named", "judge", {kJianwai1}, {});
    REQUIRE(next);
    CHECK(next->desk_id == "community-110105001001");
    CHECK(next->resolution ==
          "declined by judge: next target of rule 'named': type community resolved at "
          "110105001001 for child 1");
  }
}

TEST_CASE("decline of the rule's last target goes to the centre desk of the first child",
          "[decline]") {
  const RoutingTable& t = SmallTable();
  auto chaoyang = NextTargetAfterDecline(t, "named", "school-110105", {kJianwai1, "110101"}, {});
  REQUIRE(chaoyang);
  CHECK(chaoyang->desk_id == "center-110105");
  CHECK(chaoyang->resolution ==
        "declined by school-110105: rule 'named' has no further target; the centre desk "
        "center-110105 takes it");
  auto dongcheng = NextTargetAfterDecline(t, "named", "school-110105", {"110101", kJianwai1}, {});
  REQUIRE(dongcheng);
  CHECK(dongcheng->desk_id == "center");
  CHECK(dongcheng->ack_deadline == 1h);
  CHECK(dongcheng->resolution ==
        "declined by school-110105: rule 'named' has no further target; the centre desk center "
        "takes it");
  // The district centre excluded: nothing (the city centre is not tried).
  CHECK_FALSE(NextTargetAfterDecline(t, "named", "school-110105", {kJianwai1}, {"center-110105"}));
  CHECK_FALSE(NextTargetAfterDecline(t, "named", "center-110105", {kJianwai1}, {}));
}

TEST_CASE("decline of a desk chosen by type: the rule's target after that type", "[decline]") {
  const RoutingTable& t = SmallTable();
  auto next = NextTargetAfterDecline(t, "typed", "police-110101", {"110101"}, {});
  REQUIRE(next);
  CHECK(next->desk_id == "judge");
  CHECK(next->ack_deadline == 3h);  // no target deadline: the desk's
  CHECK(next->resolution ==
        "declined by police-110101: next target of rule 'typed': desk judge named by the rule");

  // A desk the rule never chose: nothing follows it in the rule.
  auto stranger = NextTargetAfterDecline(t, "typed", "school-110105", {"110101"}, {});
  REQUIRE(stranger);
  CHECK(stranger->desk_id == "center");
  CHECK(stranger->resolution ==
        "declined by school-110105: rule 'typed' has no further target; the centre desk center "
        "takes it");

  // A desk no longer in the table, with the rule still naming nothing after it.
  auto unknown = NextTargetAfterDecline(t, "typed", "police-999", {"110101"}, {});
  REQUIRE(unknown);
  CHECK(unknown->desk_id == "center");
  CHECK(unknown->resolution ==
        "declined by police-999: rule 'typed' has no further target; the centre desk center "
        "takes it");
}

TEST_CASE("decline names the child whose code resolved the next desk", "[decline]") {
  // RoutedTarget::child_index is "the child whose facts chose it (0-based)"; the resolution
  // text says "for child 2", so child_index should be 1.
  auto next = NextTargetAfterDecline(DefaultTable(), "immediate-danger", "police-110105",
                                     {kJianwai1, kJingshan1}, {"community-110105001001"});
  REQUIRE(next);
  REQUIRE(next->resolution.ends_with("for child 2"));
  CHECK(next->child_index == 1);
}

}  // namespace
}  // namespace hotline::router
