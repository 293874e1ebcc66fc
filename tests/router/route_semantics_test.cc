// Route() semantics on testdata/semantics.toml: stopping rules, each condition's reason,
// resolution and fallback, several children, and tables built by hand.
#include <catch2/catch.hpp>

#include "router/router.h"
#include "tests/router/test_util.h"

namespace hotline::router {
namespace {

using namespace std::chrono_literals;
using testing::Child;
using testing::DeskIds;
using testing::HasStep;
using testing::Report;
using testing::StepFor;
using testing::TargetFor;

const RoutingTable& Table() {
  static const std::shared_ptr<const RoutingTable> table =
      testing::MustLoad(testing::TestdataPath("semantics.toml"));
  return *table;
}

constexpr char kChaoyang[] = "110105001001";
constexpr char kDongcheng[] = "110101001001";

TEST_CASE("a matching rule without continue stops evaluation for the child", "[route]") {
  const Decision d = Route(Table(), Report({"begging"}, "urgent", {Child(kChaoyang)}));
  CHECK(DeskIds(d) == std::vector<std::string>{"police-110105"});
  REQUIRE(d.trace.size() == 3);
  CHECK(d.trace[0].reason == "categories [begging] are not in [neglect]");
  CHECK(d.trace[1].reason == "categories [begging] are not in [abuse]");
  CHECK(d.trace[2].matched);
  CHECK(d.trace[2].reason ==
        "categories [begging] matched; jurisdiction 110105001001 is under 110105");
  CHECK_FALSE(HasStep(d, "begging-anywhere"));
  CHECK_FALSE(HasStep(d, "default"));
  CHECK(d.targets[0].ack_deadline == 20min);  // the desk's own deadline

  // With continue = true the next rules are still evaluated: neglect of an infant, then begging.
  const Decision both =
      Route(Table(), Report({"neglect", "begging"}, "urgent", {Child(kChaoyang, 1, 1)}));
  CHECK(DeskIds(both) == std::vector<std::string>{"community-110105001001", "police-110105"});
  CHECK(both.trace.size() == 3);
}

TEST_CASE("misses give the first failing condition in words", "[route]") {
  SECTION("jurisdiction, then the next rule matches at a shorter prefix") {
    const Decision d = Route(Table(), Report({"begging"}, "urgent", {Child(kDongcheng)}));
    CHECK(StepFor(d, "chaoyang-begging").reason ==
          "jurisdiction 110101001001 is not under [110105]");
    CHECK(StepFor(d, "begging-anywhere").reason ==
          "categories [begging] matched; urgency urgent matched");
    REQUIRE(DeskIds(d) == std::vector<std::string>{"police-11"});
    CHECK(d.targets[0].resolution == "type police resolved at 11 for child 1");
    CHECK(d.targets[0].ack_deadline == 2h);  // no target or desk deadline: the table's
  }
  SECTION("urgency") {
    const Decision d = Route(Table(), Report({"begging"}, "routine", {Child(kDongcheng)}));
    CHECK(StepFor(d, "begging-anywhere").reason ==
          "urgency routine is not in [urgent, immediate_danger]");
    CHECK(DeskIds(d) == std::vector<std::string>{"center"});
    const Decision none = Route(Table(), Report({"begging"}, "", {Child(kDongcheng)}));
    CHECK(StepFor(none, "begging-anywhere").reason ==
          "urgency (none) is not in [urgent, immediate_danger]");
  }
  SECTION("age") {
    CHECK(StepFor(Route(Table(), Report({"neglect"}, "routine", {Child(kChaoyang)})), "infants")
              .reason == "child age unknown");
    CHECK(
        StepFor(Route(Table(), Report({"neglect"}, "routine", {Child(kChaoyang, 3, 5)})), "infants")
            .reason == "child age 3-5 does not overlap [0, 2]");
  }
  SECTION("reporter") {
    const Decision d = Route(Table(), Report({"abuse"}, "urgent", {Child(kChaoyang)}, "public"));
    CHECK(StepFor(d, "mandated-abuse").reason == "reporter public is not in [mandated]");
    CHECK(DeskIds(d) == std::vector<std::string>{"center"});
  }
  SECTION("attends school") {
    ChildFacts pupil = Child(kDongcheng);
    pupil.attends_school = true;
    const Decision d = Route(Table(), Report({"dropout"}, "routine", {pupil}));
    CHECK(StepFor(d, "out-of-school").reason == "child attends school");
    CHECK(DeskIds(d) == std::vector<std::string>{"center"});
  }
  SECTION("a category outside the vocabulary never matches") {
    const Decision d = Route(Table(), Report({"mystery"}, "urgent", {Child(kChaoyang)}));
    CHECK(StepFor(d, "infants").reason == "categories [mystery] are not in [neglect]");
    CHECK(DeskIds(d) == std::vector<std::string>{"center"});
  }
}

TEST_CASE("matches say what matched and the default is then not needed", "[route]") {
  const Decision d = Route(Table(), Report({"neglect"}, "routine", {Child(kChaoyang, 2, 4)}));
  CHECK(StepFor(d, "infants").reason == "categories [neglect] matched; age 2-4 overlaps [0, 2]");
  CHECK(StepFor(d, "default").reason == "not needed: child 1 already matched [infants]");
  CHECK_FALSE(StepFor(d, "default").matched);
  REQUIRE(d.targets.size() == 1);
  CHECK(d.targets[0].ack_deadline == 10min);  // the target's deadline
  CHECK(d.trace.size() == Table().rules.size());

  const Decision exact = Route(Table(), Report({"neglect"}, "routine", {Child(kChaoyang, 2, 2)}));
  CHECK(StepFor(exact, "infants").reason == "categories [neglect] matched; age 2 overlaps [0, 2]");

  const Decision judge =
      Route(Table(), Report({"abuse"}, "urgent", {Child(kChaoyang)}, "mandated"));
  CHECK(StepFor(judge, "mandated-abuse").reason ==
        "categories [abuse] matched; reporter mandated matched");
  const RoutedTarget& t = TargetFor(judge, "judge");
  CHECK(t.resolution == "desk judge named by the rule");
  CHECK(t.desk_type == "judicial");
  CHECK(t.desk_name == "朝阳区人民法院少年庭");
}

TEST_CASE("types without a desk on the child's chain fall back to the centre", "[route]") {
  ChildFacts child = Child(kChaoyang);
  child.attends_school = false;
  const Decision d = Route(Table(), Report({"dropout"}, "routine", {child}));
  REQUIRE(d.targets.size() == 1);
  CHECK(d.targets[0].desk_id == "center");
  CHECK(d.targets[0].rule_id == "out-of-school");
  CHECK(d.targets[0].fell_back_to_center);
  CHECK(d.targets[0].resolution ==
        "no school desk from 110105001001 up to 11; fell back to centre desk center");
  CHECK_FALSE(HasStep(d, "default"));  // out-of-school stops

  const Decision malformed = Route(Table(), Report({"vagrancy"}, "urgent", {Child("11010x")}));
  REQUIRE(malformed.targets.size() == 1);
  CHECK(malformed.targets[0].resolution ==
        "no police desk: child jurisdiction '11010x' is malformed; fell back to centre desk "
        "center");
}

TEST_CASE("every child is evaluated and targets are deduplicated across children", "[route]") {
  const Decision d =
      Route(Table(),
            Report({"neglect"}, "routine",
                   {Child(kChaoyang, 1, 1), Child(kDongcheng, 10, 10), Child(kDongcheng, 11, 11)}));
  CHECK(DeskIds(d) == std::vector<std::string>{"community-110105001001", "center"});
  CHECK(d.targets[0].child_index == 0);
  CHECK(d.targets[1].child_index == 1);  // child 2 chose the same desk: not repeated
  CHECK(StepFor(d, "infants", 0).matched);
  CHECK(StepFor(d, "infants", 1).reason == "child age 10 does not overlap [0, 2]");
  CHECK(StepFor(d, "default", 1).reason == "default: no earlier rule matched child 2");
  CHECK(StepFor(d, "default", 2).matched);
  CHECK(d.trace.size() == 3 * Table().rules.size());
}

TEST_CASE("a table built by hand routes like the loaded one", "[route]") {
  RoutingTable hand = Table();
  hand.compiled.reset();
  hand.desk_index.clear();
  hand.jurisdiction_index.clear();
  hand.type_code_index.clear();
  const std::vector<Facts> reports = {
      Report({"begging"}, "urgent", {Child(kDongcheng)}),
      Report({"neglect", "begging"}, "urgent", {Child(kChaoyang, 0, 1), Child(kDongcheng)}),
      Report({"abuse"}, "urgent", {Child(kChaoyang)}, "mandated"),
  };
  for (const Facts& facts : reports) {
    const Decision a = Route(Table(), facts);
    const Decision b = Route(hand, facts);
    CHECK(DeskIds(a) == DeskIds(b));
    REQUIRE(a.trace.size() == b.trace.size());
    for (size_t i = 0; i < a.trace.size(); ++i) CHECK(a.trace[i].reason == b.trace[i].reason);
  }
  CHECK(hand.FindDesk("judge")->type == "judicial");
  CHECK(hand.ResolveType("police", kChaoyang)->id == "police-110105");

  BuildIndexes(hand);
  CHECK(hand.compiled != nullptr);
  CHECK(hand.desk_index.size() == Table().desks.size());
}

TEST_CASE("a hand-built table without a default still reaches the centre", "[route]") {
  RoutingTable hand = Table();
  hand.rules.pop_back();  // drop the default rule
  BuildIndexes(hand);
  const Decision d = Route(hand, Report({"other"}, "routine", {Child(kChaoyang)}));
  REQUIRE(d.targets.size() == 1);
  CHECK(d.targets[0].desk_id == "center");
  CHECK(d.targets[0].fell_back_to_center);
  CHECK(d.targets[0].resolution ==
        "no rule matched child 1 and the table has no default rule; fell back to centre desk "
        "center");
}

}  // namespace
}  // namespace hotline::router
