// SummarizeChanges, on the default table and edits of it: every kind of change is named once,
// and what did not change is not named.
#include "router/table_text.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "router/loader.h"
#include "tests/router/test_util.h"

namespace hotline::router {
namespace {

std::string DefaultText() {
  std::ifstream in(testing::DefaultTablePath());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

RoutingTable Parse(const std::string& text) {
  auto table = ParseRoutingTable(text, "table.toml");
  REQUIRE(table.ok());
  return **table;
}

// `text` with the first `from` replaced by `to`.
std::string Edit(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

const std::string kFirstExpectation =
    "name = \"immediate danger: police and the community worker\"\n"
    "categories = [\"other\"]\n"
    "urgency = \"immediate_danger\"\n"
    "jurisdiction = \"110105001001\"\n"
    "age = 7\n"
    "desks = [\"police-110105\", \"community-110105001001\"]\n";

TEST_CASE("SummarizeChanges names a changed expectation, not one whose desks were reordered",
          "[table_text]") {
  const std::string text = DefaultText();
  const RoutingTable before = Parse(text);
  CHECK(SummarizeChanges(before, before).empty());

  const RoutingTable reordered =
      Parse(Edit(text, "desks = [\"police-110105\", \"community-110105001001\"]\n",
                 "desks = [\"community-110105001001\", \"police-110105\"]\n"));
  CHECK(SummarizeChanges(before, reordered).empty());

  // The same test now expects a 9-year-old: still passes (age is not in the rule), but the
  // reviewer of the change must see that a test changed.
  const RoutingTable changed =
      Parse(Edit(text, kFirstExpectation, Edit(kFirstExpectation, "age = 7", "age = 9")));
  CHECK(SummarizeChanges(before, changed) ==
        std::vector<std::string>{
            "expectation changed: immediate danger: police and the community worker"});

  const RoutingTable removed = Parse(Edit(text, "[[expect]]\n" + kFirstExpectation, ""));
  CHECK(SummarizeChanges(before, removed) ==
        std::vector<std::string>{
            "expectation removed: immediate danger: police and the community worker"});
  CHECK(SummarizeChanges(removed, before) ==
        std::vector<std::string>{
            "expectation added: immediate danger: police and the community worker"});
}

}  // namespace
}  // namespace hotline::router
