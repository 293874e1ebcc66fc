// config/routing.toml, the default table: it loads, and every rule routes as the guideline says.
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "router/loader.h"
#include "router/router.h"
#include "tests/router/test_util.h"

namespace hotline::router {
namespace {

using namespace std::chrono_literals;
using testing::Child;
using testing::DeskIds;
using testing::Report;
using testing::StepFor;
using testing::TargetFor;

const RoutingTable& DefaultTable() {
  static const std::shared_ptr<const RoutingTable> table =
      testing::MustLoad(testing::DefaultTablePath());
  return *table;
}

ChildFacts Pupil(std::string code, bool attends_school) {
  ChildFacts child = Child(std::move(code), 12, 12);
  child.attends_school = attends_school;
  return child;
}

constexpr char kJianwai1[] = "110105001001";   // 建外街道永安里东社区
constexpr char kJingshan1[] = "110101002001";  // 景山街道隆福寺社区

struct Case {
  std::string name;
  Facts facts;
  std::vector<std::string> desks;  // exactly these, in this order
};

std::vector<Case> Cases() {
  const std::string community = std::string("community-") + kJianwai1;
  return {
      // The example: begging, urgent, a district code -> the district police only.
      {"begging", Report({"begging"}, "urgent", {Child("110105")}), {"police-110105"}},
      {"begging from a community",
       Report({"begging"}, "routine", {Child(kJianwai1)}),
       {"police-110105"}},
      {"immediate danger",
       Report({"other"}, "immediate_danger", {Child(kJianwai1)}),
       {"police-110105", community}},
      {"begging and dropout reach police, school and community at once",
       Report({"begging", "dropout"}, "urgent", {Child(kJianwai1)}),
       {"police-110105", "school-110105", community}},
      {"dropout", Report({"dropout"}, "routine", {Child(kJianwai1)}), {"school-110105", community}},
      {"pupil in psychological crisis",
       Report({"psychological_crisis"}, "urgent", {Pupil(kJianwai1, true)}),
       {"school-110105", community, "center"}},
      {"psychological crisis out of school",
       Report({"psychological_crisis"}, "urgent", {Pupil(kJianwai1, false)}),
       {community, "center"}},
      {"illness falls back to the centre",
       Report({"illness"}, "urgent", {Child(kJianwai1)}),
       {"center"}},
      {"disability", Report({"disability"}, "routine", {Child(kJianwai1)}), {"center", community}},
      {"no household registration",
       Report({"no_household_registration"}, "routine", {Child(kJianwai1)}),
       {"police-110105", community}},
      {"poverty", Report({"poverty"}, "routine", {Child(kJianwai1)}), {community}},
      {"vagrancy",
       Report({"vagrancy"}, "routine", {Child(kJingshan1)}),
       {"police-110101", std::string("community-") + kJingshan1}},
      {"other goes to the centre", Report({"other"}, "routine", {Child(kJianwai1)}), {"center"}},
      {"two children in two districts",
       Report({"neglect"}, "routine", {Child(kJianwai1), Child(kJingshan1)}),
       {community, std::string("community-") + kJingshan1}},
      {"danger, abuse and dropout",
       Report({"abuse", "dropout"}, "immediate_danger", {Child(kJingshan1)}),
       {"police-110101", std::string("community-") + kJingshan1, "school-110101"}},
  };
}

TEST_CASE("the default table loads with exactly the intended warnings", "[default]") {
  std::vector<Diagnostic> diagnostics;
  auto table = LoadRoutingTableFile(testing::DefaultTablePath());
  REQUIRE(table.ok());
  std::ifstream in(testing::DefaultTablePath());
  std::stringstream text;
  text << in.rdbuf();
  REQUIRE(ParseRoutingTable(text.str(), "routing.toml", &diagnostics).ok());
  // No medical and no disabled-federation desk yet: those three targets fall back to the centre.
  REQUIRE(diagnostics.size() == 3);
  for (const Diagnostic& d : diagnostics) CHECK(d.severity == Diagnostic::Severity::kWarning);
  CHECK(diagnostics[0].message.find("rule 'psychological-crisis' targets type medical but there "
                                    "is no medical desk anywhere") != std::string::npos);
  CHECK(diagnostics[1].message.find("rule 'illness' targets type medical") != std::string::npos);
  CHECK(diagnostics[2].message.find("rule 'disability' targets type disabled_federation") !=
        std::string::npos);

  const RoutingTable& t = **table;
  CHECK(t.version == "2026-11-28.1");
  CHECK(t.default_ack_deadline == 4h);
  CHECK(t.jurisdictions.size() == 16);
  CHECK(t.rules.back().is_default);
  for (const Rule& rule : t.rules) {
    INFO(rule.id);
    CHECK(rule.cites.rfind("art. ", 0) == 0);
    CHECK_FALSE(rule.description.empty());
  }
  // One community desk per community, one police and one school desk per district.
  for (const Jurisdiction& j : t.jurisdictions) {
    INFO(j.code);
    if (j.code.size() == 12) CHECK(t.FindDesk("community-" + j.code) != nullptr);
    if (j.code.size() == 6) {
      CHECK(t.FindDesk("police-" + j.code)->type == "police");
      CHECK(t.FindDesk("school-" + j.code)->type == "school");
    }
  }
  CHECK(t.FindDesk("center")->type == "center");
}

TEST_CASE("the default table routes each case to exactly the expected desks", "[default]") {
  std::set<std::string> matched_rules;
  for (const Case& c : Cases()) {
    INFO(c.name);
    const Decision d = Route(DefaultTable(), c.facts);
    CHECK(d.table_version == "2026-11-28.1");
    CHECK(DeskIds(d) == c.desks);
    for (const RuleStep& step : d.trace) {
      if (step.matched) matched_rules.insert(step.rule_id);
    }
  }
  // Categories that share a rule: each of them reaches that rule.
  const std::vector<std::pair<std::string, std::string>> shared = {
      {"trafficking", "serious-harm"},       {"sexual_abuse", "serious-harm"},
      {"domestic_violence", "serious-harm"}, {"abuse", "serious-harm"},
      {"unknown_identity", "serious-harm"},  {"instigated_crime", "serious-harm"},
      {"exploitation", "serious-harm"},      {"neglect", "guardianship-gap"},
      {"abandonment", "guardianship-gap"},   {"left_unattended", "guardianship-gap"},
      {"left_behind", "guardianship-gap"},   {"living_alone", "guardianship-gap"},
      {"migrant", "guardianship-gap"},       {"guardian_incapacity", "guardianship-gap"},
  };
  for (const auto& [category, rule] : shared) {
    INFO(category);
    const Decision d = Route(DefaultTable(), Report({category}, "routine", {Child(kJingshan1)}));
    CHECK(StepFor(d, rule).matched);
    const std::vector<std::string> community_only = {std::string("community-") + kJingshan1};
    const std::vector<std::string> police_community = {"police-110101", community_only.front()};
    CHECK(DeskIds(d) == (rule == "serious-harm" ? police_community : community_only));
    matched_rules.insert(rule);
  }
  // Every rule of the table was exercised.
  for (const Rule& rule : DefaultTable().rules) {
    INFO(rule.id);
    CHECK(matched_rules.count(rule.id) == 1);
  }
}

TEST_CASE("RouteInto a reused Decision decides exactly as Route", "[default]") {
  // The server routes every report into one Decision per thread. Each case, in both orders,
  // follows one with more or fewer steps, desks and children (two children: twice the steps),
  // so leftovers of the previous decision would show.
  std::vector<Case> cases = Cases();
  const std::vector<Case> forward = cases;
  cases.insert(cases.end(), forward.rbegin(), forward.rend());
  Decision reused;
  size_t shrank = 0;
  for (const Case& c : cases) {
    INFO(c.name);
    const size_t steps_before = reused.trace.size();
    RouteInto(DefaultTable(), c.facts, reused);
    const Decision fresh = Route(DefaultTable(), c.facts);
    CHECK(reused == fresh);
    CHECK(DeskIds(reused) == c.desks);
    if (reused.trace.size() < steps_before) ++shrank;
  }
  CHECK(shrank >= 2);
}

TEST_CASE("the default table resolves types up the jurisdiction chain", "[default]") {
  const Decision d = Route(DefaultTable(), Report({"vagrancy"}, "routine", {Child(kJianwai1)}));
  const RoutedTarget& police = TargetFor(d, "police-110105");
  CHECK(police.resolution == "type police resolved at 110105 for child 1");
  CHECK_FALSE(police.fell_back_to_center);
  CHECK(police.rule_id == "vagrancy");
  const RoutedTarget& community = TargetFor(d, std::string("community-") + kJianwai1);
  CHECK(community.resolution == "type community resolved at 110105001001 for child 1");
  CHECK(community.desk_name == "建外街道永安里东社区儿童保护专干");

  // A report located only at district level finds no community desk: the centre takes it.
  const Decision district =
      Route(DefaultTable(), Report({"poverty"}, "routine", {Child("110105")}));
  REQUIRE(DeskIds(district) == std::vector<std::string>{"center"});
  CHECK(district.targets[0].fell_back_to_center);
  CHECK(district.targets[0].resolution ==
        "no community desk from 110105 up to 11; fell back to centre desk center");
}

TEST_CASE("a type without a desk falls back to the centre, and says so", "[default]") {
  const Decision d = Route(DefaultTable(), Report({"illness"}, "urgent", {Child(kJianwai1)}));
  REQUIRE(d.targets.size() == 1);
  const RoutedTarget& t = d.targets[0];
  CHECK(t.desk_id == "center");
  CHECK(t.desk_type == "center");
  CHECK(t.rule_id == "illness");
  CHECK(t.fell_back_to_center);
  CHECK(t.resolution ==
        "no medical desk from 110105001001 up to 11; fell back to centre desk center");
  CHECK(StepFor(d, "illness").reason == "categories [illness] matched");
  CHECK(StepFor(d, "default").reason == "not needed: child 1 already matched [illness]");
  CHECK_FALSE(StepFor(d, "default").matched);
}

TEST_CASE("the default rule takes what nothing else took", "[default]") {
  const Decision d = Route(DefaultTable(), Report({"other"}, "routine", {Child(kJianwai1)}));
  REQUIRE(d.targets.size() == 1);
  CHECK(d.targets[0].rule_id == "default");
  CHECK(d.targets[0].resolution == "desk center named by the rule");
  CHECK_FALSE(d.targets[0].fell_back_to_center);
  CHECK(d.targets[0].ack_deadline == 1h);  // the centre desk's own deadline
  CHECK(d.trace.size() == DefaultTable().rules.size());
  CHECK(StepFor(d, "default").matched);
  CHECK(StepFor(d, "default").reason == "default: no earlier rule matched child 1");
  CHECK(StepFor(d, "immediate-danger").reason == "urgency routine is not in [immediate_danger]");
  CHECK(StepFor(d, "begging").reason == "categories [other] are not in [begging]");
}

TEST_CASE("deadlines: the target's, else the desk's, else the table default", "[default]") {
  const Decision d = Route(DefaultTable(), Report({"abuse", "dropout", "begging"},
                                                  "immediate_danger", {Child(kJianwai1)}));
  CHECK(DeskIds(d) == std::vector<std::string>{
                          "police-110105", std::string("community-") + kJianwai1, "school-110105"});
  CHECK(TargetFor(d, "police-110105").ack_deadline == 15min);  // target of immediate-danger
  CHECK(TargetFor(d, std::string("community-") + kJianwai1).ack_deadline == 30min);
  CHECK(TargetFor(d, "school-110105").ack_deadline == 8h);  // the desk's

  const Decision calm =
      Route(DefaultTable(), Report({"begging", "neglect"}, "routine", {Child(kJianwai1)}));
  CHECK(TargetFor(calm, "police-110105").ack_deadline == 30min);  // the desk's
  CHECK(TargetFor(calm, std::string("community-") + kJianwai1).ack_deadline ==
        4h);  // community desks have none: the table default
}

TEST_CASE("a desk chosen twice is kept once, from the first rule", "[default]") {
  const Decision d =
      Route(DefaultTable(), Report({"trafficking"}, "immediate_danger", {Child(kJianwai1)}));
  REQUIRE(d.targets.size() == 2);
  CHECK(d.targets[0].rule_id == "immediate-danger");
  CHECK(d.targets[1].rule_id == "immediate-danger");
  CHECK(StepFor(d, "immediate-danger").matched);
  CHECK(StepFor(d, "immediate-danger").reason == "urgency immediate_danger matched");
  CHECK(StepFor(d, "serious-harm").matched);
  CHECK(StepFor(d, "serious-harm").reason == "categories [trafficking] matched");
}

TEST_CASE("several children: each is evaluated, desks are shared", "[default]") {
  const Decision d =
      Route(DefaultTable(), Report({"other"}, "routine", {Child(kJianwai1), Child(kJingshan1)}));
  CHECK(DeskIds(d) == std::vector<std::string>{"center"});
  CHECK(d.targets[0].child_index == 0);
  CHECK(d.trace.size() == 2 * DefaultTable().rules.size());
  CHECK(StepFor(d, "default", 0).matched);
  CHECK(StepFor(d, "default", 1).matched);

  const Decision two = Route(
      DefaultTable(), Report({"left_behind"}, "routine", {Child(kJianwai1), Child(kJingshan1)}));
  REQUIRE(two.targets.size() == 2);
  CHECK(two.targets[0].child_index == 0);
  CHECK(two.targets[1].child_index == 1);
  CHECK(two.targets[1].resolution == "type community resolved at 110101002001 for child 2");
}

TEST_CASE("psychological crisis: why the pupil rule did or did not match", "[default]") {
  ChildFacts unknown = Child(kJianwai1);
  const Decision d = Route(DefaultTable(), Report({"psychological_crisis"}, "urgent", {unknown}));
  CHECK(StepFor(d, "pupil-psychological-crisis").reason ==
        "whether the child attends school is unknown");
  CHECK(DeskIds(d) == std::vector<std::string>{std::string("community-") + kJianwai1, "center"});

  const Decision out =
      Route(DefaultTable(), Report({"psychological_crisis"}, "urgent", {Pupil(kJianwai1, false)}));
  CHECK(StepFor(out, "pupil-psychological-crisis").reason == "child does not attend school");

  const Decision in =
      Route(DefaultTable(), Report({"psychological_crisis"}, "urgent", {Pupil(kJianwai1, true)}));
  CHECK(StepFor(in, "pupil-psychological-crisis").reason ==
        "categories [psychological_crisis] matched; child attends school");
}

}  // namespace
}  // namespace hotline::router
