// Routing tests inside the table ([[expect]]), escalation chains, and the warnings that catch
// a table that would silently misroute: shadowed rules and jurisdictions without a community
// desk (issue 4).
#include <catch2/catch.hpp>
#include <set>

#include "router/loader.h"
#include "router/router.h"
#include "tests/router/loader_test_util.h"
#include "tests/router/test_util.h"

namespace hotline::router {
namespace {

using testing::Errors;
using testing::Has;
using testing::kValid;
using testing::LineContaining;
using testing::Parse;
using testing::Parsed;
using testing::ReplaceOnce;

constexpr Diagnostic::Severity kWarning = Diagnostic::Severity::kWarning;

const std::string kBeggingExpectation = R"(
[[expect]]
name = "begging in 朝阳"
categories = ["begging"]
urgency = "urgent"
jurisdiction = "110105"
age = 9
desks = ["police-110105"]
)";

TEST_CASE("a passing expectation leaves the table valid", "[expect]") {
  const Parsed p = Parse(kValid + kBeggingExpectation);
  INFO(p.status_message);
  CHECK(p.ok);
  CHECK(Errors(p) == 0);
}

TEST_CASE("a failing expectation refuses the table, at its line, saying what it got",
          "[expect]") {
  const std::string text =
      kValid + ReplaceOnce(kBeggingExpectation, "desks = [\"police-110105\"]",
                           "desks = [\"center\"]");
  const Parsed p = Parse(text);
  CHECK_FALSE(p.ok);
  const int line = LineContaining(text, "[[expect]]");
  CHECK(Has(p, line,
            {"expectation 'begging in 朝阳' failed: expected desks [center], routed to "
             "[police-110105] (rules matched: begging)"}));
  CHECK(p.status_message ==
        "t.toml:" + std::to_string(line) +
            ": expectation 'begging in 朝阳' failed: expected desks [center], routed to "
            "[police-110105] (rules matched: begging)");
}

TEST_CASE("expectations are checked like rules: unknown keys, desks, codes, vocabulary",
          "[expect]") {
  struct Case {
    std::string from, to, fragment;
  };
  const std::vector<Case> cases = {
      {"desks = [\"police-110105\"]", "desks = [\"cops\"]", "expects unknown desk 'cops'"},
      {"jurisdiction = \"110105\"\nage", "jurisdiction = \"110199\"\nage",
       "jurisdiction 110199 in expectation 'begging in 朝阳' is not listed"},
      {"urgency = \"urgent\"", "urgency = \"soon\"", "unknown urgency 'soon'"},
      {"age = 9", "age = 19", "age 19 in expectation 'begging in 朝阳' is outside 0..17"},
      {"age = 9", "colour = 9", "unknown key 'colour' in [[expect]]"},
      {"desks = [\"police-110105\"]\n", "\n", "is missing 'desks'"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.fragment) {
      const std::string expectation = ReplaceOnce(kBeggingExpectation, c.from, c.to);
      const Parsed p = Parse(kValid + expectation);
      INFO(p.status_message);
      CHECK_FALSE(p.ok);
      CHECK(p.status_message.find(c.fragment) != std::string::npos);
    }
  }
}

TEST_CASE("the default table carries a passing expectation for every rule", "[expect]") {
  auto table = testing::MustLoad(testing::DefaultTablePath());
  std::set<std::string> covered;
  for (const Expectation& e : table->expectations) {
    Facts facts = testing::Report(e.categories, e.urgency, {testing::Child(e.jurisdiction)},
                                  e.reporter_kind);
    facts.children[0].age_min = e.age_min;
    facts.children[0].age_max = e.age_max;
    facts.children[0].attends_school = e.attends_school;
    for (const RuleStep& step : Route(*table, facts).trace) {
      if (step.matched) covered.insert(step.rule_id);
    }
  }
  for (const Rule& rule : table->rules) {
    INFO("rule " << rule.id << " (line " << rule.line << ")");
    CHECK(covered.count(rule.id) == 1);
  }
}

TEST_CASE("a rule behind a stopping rule that takes all its reports is refused", "[checks]") {
  // 'begging' stops (no continue) and matches every begging report; a later begging rule
  // limited to 朝阳 can never match.
  const std::string shadowed = R"(
[[rule]]
id = "begging-chaoyang"
cites = "art. 17"
when = { categories = ["begging"], jurisdiction = ["110105"] }
targets = [ { desk = "center" } ]
)";
  std::string text = ReplaceOnce(kValid, "[[rule]]\nid = \"default\"",
                                 shadowed.substr(1) + "\n[[rule]]\nid = \"default\"");
  const Parsed p = Parse(text);
  INFO(p.status_message);
  CHECK_FALSE(p.ok);
  CHECK(Has(p, LineContaining(text, "id = \"begging-chaoyang\"") - 1,
            {"rule 'begging-chaoyang' is shadowed by rule 'begging'",
             "every report it matches stops at 'begging' first"}));

  SECTION("not when the earlier rule continues") {
    const std::string continuing =
        ReplaceOnce(text, "when = { categories = [\"begging\"] }\n",
                    "when = { categories = [\"begging\"] }\ncontinue = true\n");
    const Parsed q = Parse(continuing);
    REQUIRE(q.ok);
    for (const Diagnostic& d : q.diagnostics) CHECK(d.message.find("shadowed") == std::string::npos);
  }
  SECTION("not when the later rule can match something the earlier cannot") {
    const std::string wider = ReplaceOnce(text, "categories = [\"begging\"], jurisdiction",
                                          "categories = [\"begging\", \"vagrancy\"], jurisdiction");
    const Parsed q = Parse(wider);
    REQUIRE(q.ok);
    for (const Diagnostic& d : q.diagnostics) CHECK(d.message.find("shadowed") == std::string::npos);
  }
}

TEST_CASE("a leaf jurisdiction without a community desk at or above it is a warning",
          "[checks]") {
  std::string text = ReplaceOnce(
      kValid, "[[desk]]\nid = \"police-110105\"",
      "[[desk]]\nid = \"community-1101\"\nname = \"市辖区社区\"\ntype = \"community\"\n"
      "jurisdiction = \"1101\"\n\n[[desk]]\nid = \"police-110105\"");
  text = ReplaceOnce(text, "targets = [ { type = \"police\" } ]",
                     "targets = [ { type = \"police\" }, { type = \"community\" } ]");
  SECTION("covered from above: no warning") {
    const Parsed p = Parse(text);
    REQUIRE(p.ok);
    for (const Diagnostic& d : p.diagnostics) {
      CHECK(d.message.find("no community desk") == std::string::npos);
    }
  }
  SECTION("a second district outside it warns") {
    const std::string other = ReplaceOnce(
        text, "[[jurisdiction]]\ncode = \"110105\"",
        "[[jurisdiction]]\ncode = \"12\"\nname = \"天津市\"\n\n[[jurisdiction]]\ncode = \"110105\"");
    const Parsed p = Parse(other);
    INFO(p.status_message);
    REQUIRE(p.ok);
    CHECK(Has(p, LineContaining(other, "code = \"12\"") - 1,
              {"jurisdiction 12 (天津市) has no community desk at or above it"}, kWarning));
  }
}

TEST_CASE("escalation follows the rule's chain, then the centre desk", "[escalate]") {
  const std::string text = ReplaceOnce(
      kValid, "targets = [ { type = \"police\" } ]",
      "targets = [ { type = \"police\" } ]\nescalate = [ { type = \"police\" }, { desk = \"center\", "
      "deadline = \"10m\" } ]");
  std::vector<Diagnostic> diagnostics;
  auto table = ParseRoutingTable(text, "t.toml", &diagnostics);
  REQUIRE(table.ok());
  const RoutingTable& t = **table;
  REQUIRE(t.FindRule("begging") != nullptr);
  CHECK(t.FindRule("begging")->escalation.size() == 2);

  // Step 1 would be the police desk itself: it is the overdue desk, so step 2 takes it.
  auto first = EscalationTarget(t, "begging", "police-110105", {"110105"}, {}, {});
  REQUIRE(first);
  CHECK(first->desk_id == "center");
  CHECK(first->ack_deadline == std::chrono::minutes(10));
  CHECK(first->resolution ==
        "escalated from police-110105 (not acknowledged by its deadline): step 2 of rule "
        "'begging': desk center named by the rule");

  // The centre desk overdue after the police already held the case: nothing is left.
  CHECK_FALSE(EscalationTarget(t, "begging", "center", {"110105"}, {"police-110105"}, {}));
  // ... but a chain step the case has not seen yet is still taken, even from the centre.
  auto from_center = EscalationTarget(t, "begging", "center", {"110105"}, {}, {});
  REQUIRE(from_center);
  CHECK(from_center->desk_id == "police-110105");

  // The chain is used up and the centre held the case before (it handed it on): the centre
  // takes it again, as the last resort. Not while it holds an open hand-off of the case.
  auto again = EscalationTarget(t, "begging", "police-110105", {"110105"},
                                {"police-110105", "center"}, {"police-110105"});
  REQUIRE(again);
  CHECK(again->desk_id == "center");
  CHECK_FALSE(EscalationTarget(t, "begging", "police-110105", {"110105"},
                               {"police-110105", "center"}, {"police-110105", "center"}));

  // A rule without a chain goes to the centre desk and says so.
  auto fallback = EscalationTarget(t, "default", "police-110105", {"110105"}, {}, {});
  REQUIRE(fallback);
  CHECK(fallback->desk_id == "center");
  CHECK(fallback->resolution ==
        "escalated from police-110105 (not acknowledged by its deadline): rule 'default' has "
        "no escalation chain; the centre desk center takes it");

  // A rule that is gone from the table (the table changed since) still reaches the centre.
  auto gone = EscalationTarget(t, "no-such-rule", "police-110105", {"110105"}, {}, {});
  REQUIRE(gone);
  CHECK(gone->resolution.find("rule 'no-such-rule' is not in table t1") != std::string::npos);

  // An escalate entry naming an unknown desk is an error like a target's.
  const Parsed bad = Parse(ReplaceOnce(text, "{ desk = \"center\", deadline", "{ desk = \"cops\", deadline"));
  CHECK_FALSE(bad.ok);
  CHECK(bad.status_message.find("names unknown desk 'cops'") != std::string::npos);
}

}  // namespace
}  // namespace hotline::router
