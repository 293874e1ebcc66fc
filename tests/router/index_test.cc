// The rule index (issue 6) must never change a decision: on a generated table of 1,000 rules
// over a 4-level jurisdiction tree, Route() and RouteWithoutIndex() give the same desks, the
// same rules and the same matched steps for thousands of random reports; and RouteInto() a
// reused Decision gives exactly Route()'s decision.
#include <catch2/catch.hpp>
#include <random>
#include <sstream>

#include "router/loader.h"
#include "router/router.h"

namespace hotline::router {
namespace {

const std::vector<std::string> kCategories = {"neglect", "abuse", "begging", "dropout",
                                              "vagrancy", "illness", "poverty", "other"};
const std::vector<std::string> kUrgencies = {"immediate_danger", "urgent", "routine"};
const std::vector<std::string> kTypes = {"community", "police", "school"};

struct Generated {
  std::string text;
  std::vector<std::string> leaf_codes;
  std::vector<std::string> all_codes;
};

// Province 11, 3 cities, 3 districts each, 3 streets each, 3 communities each.
Generated Generate(int rules, std::mt19937& rng) {
  Generated g;
  std::ostringstream t;
  t << "version = \"generated\"\n";
  const auto jurisdiction = [&](const std::string& code) {
    t << "[[jurisdiction]]\ncode = \"" << code << "\"\nname = \"j" << code << "\"\n";
    g.all_codes.push_back(code);
  };
  jurisdiction("11");
  for (int c = 1; c <= 3; ++c) {
    const std::string city = "110" + std::to_string(c);
    jurisdiction(city);
    for (int d = 1; d <= 3; ++d) {
      const std::string district = city + "0" + std::to_string(d);
      jurisdiction(district);
      for (int s = 1; s <= 3; ++s) {
        const std::string street = district + "00" + std::to_string(s);
        jurisdiction(street);
        for (int k = 1; k <= 3; ++k) {
          const std::string community = street + "00" + std::to_string(k);
          jurisdiction(community);
          g.leaf_codes.push_back(community);
        }
      }
    }
  }
  t << "[[desk]]\nid = \"center\"\nname = \"c\"\ntype = \"center\"\njurisdiction = \"11\"\n";
  int desk = 0;
  for (const std::string& code : g.all_codes) {
    if (code.size() < 6) continue;
    for (const std::string& type : kTypes) {
      t << "[[desk]]\nid = \"d" << desk++ << "\"\nname = \"n\"\ntype = \"" << type
        << "\"\njurisdiction = \"" << code << "\"\n";
    }
  }
  std::uniform_int_distribution<int> coin(0, 99);
  const auto pick = [&](const std::vector<std::string>& from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
  };
  size_t stopping = 0;
  for (int r = 0; r < rules; ++r) {
    t << "[[rule]]\nid = \"r" << r << "\"\ncites = \"art. 1\"\n";
    std::string when;
    const auto add = [&](const std::string& part) { when += (when.empty() ? "" : ", ") + part; };
    if (coin(rng) < 80) add("categories = [\"" + pick(kCategories) + "\", \"" + pick(kCategories) + "\"]");
    if (coin(rng) < 30) add("urgency = [\"" + pick(kUrgencies) + "\"]");
    if (coin(rng) < 20) add("age = [0, " + std::to_string(coin(rng) % 18) + "]");
    // Mostly continuing rules, so evaluation runs deep into the table. A stopping rule gets a
    // community of its own and attends_school, which no continuing rule has, so no rule is
    // shadowed (the loader refuses shadowed rules).
    if (coin(rng) < 6 && stopping < g.leaf_codes.size()) {
      add("jurisdiction = [\"" + g.leaf_codes[stopping++] + "\"]");
      add("attends_school = true");
    } else {
      t << "continue = true\n";
      if (coin(rng) < 60) add("jurisdiction = [\"" + pick(g.all_codes) + "\"]");
    }
    if (when.empty()) add("urgency = [\"immediate_danger\", \"urgent\", \"routine\"]");
    t << "when = { " << when << " }\ntargets = [ { type = \"" << pick(kTypes) << "\" } ]\n";
  }
  t << "[[rule]]\nid = \"default\"\ncites = \"art. 1\"\ndefault = true\n"
       "targets = [ { desk = \"center\" } ]\n";
  g.text = t.str();
  return g;
}

std::vector<std::string> Targets(const Decision& d) {
  std::vector<std::string> out;
  for (const RoutedTarget& t : d.targets) out.push_back(t.desk_id + "/" + t.rule_id);
  return out;
}

std::vector<std::string> MatchedSteps(const Decision& d) {
  std::vector<std::string> out;
  for (const RuleStep& s : d.trace) {
    if (s.matched) out.push_back(std::to_string(s.child_index) + ":" + s.rule_id + ":" + s.reason);
  }
  return out;
}

TEST_CASE("the rule index never changes a decision", "[index]") {
  std::mt19937 rng(20261128);
  const Generated g = Generate(1000, rng);
  std::vector<Diagnostic> diagnostics;
  auto table = ParseRoutingTable(g.text, "generated.toml", &diagnostics);
  INFO((table.ok() ? std::string() : std::string(table.status().message())));
  REQUIRE(table.ok());
  REQUIRE((*table)->rules.size() == 1001);

  std::uniform_int_distribution<int> coin(0, 99);
  size_t skipped_total = 0;
  Decision reused;  // as the server routes: one Decision, report after report
  for (int i = 0; i < 3000; ++i) {
    Facts facts;
    facts.categories = {kCategories[coin(rng) % kCategories.size()]};
    if (coin(rng) < 30) facts.categories.push_back(kCategories[coin(rng) % kCategories.size()]);
    facts.urgency = kUrgencies[coin(rng) % kUrgencies.size()];
    facts.reporter_kind = "public";
    const int children = coin(rng) < 20 ? 2 : 1;
    for (int c = 0; c < children; ++c) {
      ChildFacts child;
      // Leaves mostly, and now and then a code higher up the tree.
      child.jurisdiction = coin(rng) < 80 ? g.leaf_codes[coin(rng) % g.leaf_codes.size()]
                                          : g.all_codes[coin(rng) % g.all_codes.size()];
      if (coin(rng) < 70) child.age_min = child.age_max = coin(rng) % 18;
      if (coin(rng) < 50) child.attends_school = coin(rng) < 50;
      facts.children.push_back(child);
    }
    const Decision indexed = Route(**table, facts);
    const Decision scanned = RouteWithoutIndex(**table, facts);
    INFO("report " << i);
    REQUIRE(Targets(indexed) == Targets(scanned));
    REQUIRE(MatchedSteps(indexed) == MatchedSteps(scanned));
    REQUIRE(indexed.trace.size() <= scanned.trace.size());
    RouteInto(**table, facts, reused);
    REQUIRE(reused == indexed);
    skipped_total += scanned.trace.size() - indexed.trace.size();
  }
  // The index must actually leave rules out, or it is not doing its job.
  CHECK(skipped_total > 3000 * 100);
}

TEST_CASE("small tables keep the full trace", "[index]") {
  std::mt19937 rng(7);
  const Generated g = Generate(20, rng);
  auto table = ParseRoutingTable(g.text, "small.toml");
  REQUIRE(table.ok());
  Facts facts;
  facts.categories = {"begging"};
  facts.urgency = "routine";
  facts.reporter_kind = "public";
  ChildFacts child;
  child.jurisdiction = g.leaf_codes.front();
  facts.children.push_back(child);
  const Decision d = Route(**table, facts);
  // Every rule up to the first stopping match is listed, matched or not.
  CHECK(d.trace.size() == RouteWithoutIndex(**table, facts).trace.size());
  CHECK(d.trace.front().rule_id == "r0");
}

}  // namespace
}  // namespace hotline::router
