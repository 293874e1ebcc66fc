// Helpers shared by the router tests: loading the tables under test, finding diagnostics and
// lines in TOML text.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "router/loader.h"
#include "router/router.h"

namespace hotline::router::testing {

inline std::string DefaultTablePath() {
  return std::string(HOTLINE_SOURCE_DIR) + "/config/routing.toml";
}

inline std::string TestdataPath(std::string_view name) {
  return std::string(HOTLINE_ROUTER_TESTDATA) + "/" + std::string(name);
}

// Loads a table that must be valid; the test fails otherwise.
inline std::shared_ptr<const RoutingTable> MustLoad(const std::string& path) {
  auto table = LoadRoutingTableFile(path);
  INFO(table.status().ToString());
  REQUIRE(table.ok());
  return *table;
}

// 1-based line of the only occurrence of `needle` in `text`; fails the test unless unique.
inline int LineContaining(const std::string& text, std::string_view needle) {
  const size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(needle, at + 1) == std::string::npos);
  int line = 1;
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

// `text` with the only occurrence of `from` replaced by `to`.
inline std::string ReplaceOnce(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(from, at + 1) == std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

inline std::vector<std::string> DeskIds(const Decision& decision) {
  std::vector<std::string> ids;
  for (const RoutedTarget& t : decision.targets) ids.push_back(t.desk_id);
  return ids;
}

inline const RoutedTarget& TargetFor(const Decision& decision, const std::string& desk_id) {
  for (const RoutedTarget& t : decision.targets) {
    if (t.desk_id == desk_id) return t;
  }
  FAIL("no target " << desk_id);
  return decision.targets.front();  // not reached
}

inline const RuleStep& StepFor(const Decision& decision, const std::string& rule_id,
                               int child_index = 0) {
  for (const RuleStep& s : decision.trace) {
    if (s.rule_id == rule_id && s.child_index == child_index) return s;
  }
  FAIL("no trace step for rule " << rule_id << " child " << child_index);
  return decision.trace.front();  // not reached
}

inline bool HasStep(const Decision& decision, const std::string& rule_id, int child_index = 0) {
  for (const RuleStep& s : decision.trace) {
    if (s.rule_id == rule_id && s.child_index == child_index) return true;
  }
  return false;
}

inline ChildFacts Child(std::string code) {
  ChildFacts child;
  child.jurisdiction = std::move(code);
  return child;
}

inline ChildFacts Child(std::string code, int age_min, int age_max) {
  ChildFacts child = Child(std::move(code));
  child.age_min = age_min;
  child.age_max = age_max;
  return child;
}

inline Facts Report(std::vector<std::string> categories, std::string urgency,
                    std::vector<ChildFacts> children, std::string reporter = "public") {
  Facts facts;
  facts.categories = std::move(categories);
  facts.urgency = std::move(urgency);
  facts.reporter_kind = std::move(reporter);
  facts.children = std::move(children);
  return facts;
}

}  // namespace hotline::router::testing
