// The loader refuses every broken table with "file:line: message", and collects all errors.
#include "router/loader.h"

#include <catch2/catch.hpp>

#include "tests/router/loader_test_util.h"
#include "tests/router/test_util.h"

namespace hotline::router {
namespace {

using testing::Dump;
using testing::Errors;
using testing::Has;
using testing::kValid;
using testing::LineContaining;
using testing::Parse;
using testing::Parsed;
using testing::ReplaceOnce;

TEST_CASE("a valid table loads without diagnostics", "[loader]") {
  const Parsed p = Parse(kValid);
  INFO(Dump(p));
  CHECK(p.ok);
  CHECK(p.diagnostics.empty());
  auto table = ParseRoutingTable(kValid, "t.toml");
  REQUIRE(table.ok());
  CHECK((*table)->version == "t1");
  CHECK((*table)->source == "t.toml");
  CHECK((*table)->default_ack_deadline == std::chrono::hours(2));
  CHECK((*table)->desks.size() == 2);
  CHECK((*table)->rules.size() == 2);
  CHECK((*table)->rules[0].line == LineContaining(kValid, "id = \"begging\"") - 1);
  CHECK((*table)->FindDesk("police-110105")->ack_deadline == std::chrono::minutes(30));
  CHECK((*table)->compiled != nullptr);
}

TEST_CASE("unknown keys are refused at every level, naming the allowed keys", "[loader]") {
  struct Case {
    std::string after;     // an existing line to append the unknown key after
    std::string expected;  // where, and the allowed keys
  };
  const std::vector<Case> cases = {
      {"version = \"t1\"", "the top level; allowed keys: version, default_ack_deadline"},
      {"name = \"朝阳区\"", "[[jurisdiction]]; allowed keys: code, name"},
      {"name = \"朝阳分局\"", "[[desk]]; allowed keys: id, name, type, jurisdiction, ack_deadline"},
      {"cites = \"art. 17\"",
       "[[rule]]; allowed keys: id, description, cites, continue, default, when, targets"},
  };
  for (const Case& c : cases) {
    const std::string text = ReplaceOnce(kValid, c.after, c.after + "\ncolour = \"red\"");
    const Parsed p = Parse(text);
    INFO(Dump(p));
    CHECK_FALSE(p.ok);
    CHECK(Has(p, LineContaining(text, "colour"), {"unknown key 'colour' in " + c.expected}));
  }

  SECTION("in when") {
    const std::string text =
        ReplaceOnce(kValid, "categories = [\"begging\"]", "categories = [\"begging\"], colour = 1");
    const Parsed p = Parse(text);
    CHECK(Has(p, LineContaining(text, "colour"),
              {"unknown key 'colour' in rule 'begging' when",
               "categories, urgency, jurisdiction, age, reporter, attends_school"}));
  }
  SECTION("in a target") {
    const std::string text =
        ReplaceOnce(kValid, "{ type = \"police\" }", "{ type = \"police\", colour = 1 }");
    const Parsed p = Parse(text);
    CHECK(Has(p, LineContaining(text, "colour"),
              {"unknown key 'colour' in a target of rule 'begging'", "desk, type, deadline"}));
  }
}

TEST_CASE("a target naming an unknown desk is refused", "[loader]") {
  const std::string text = ReplaceOnce(kValid, "desk = \"center\"", "desk = \"centre\"");
  const Parsed p = Parse(text);
  INFO(Dump(p));
  CHECK_FALSE(p.ok);
  CHECK(Has(p, 39, {"a target of rule 'default' names unknown desk 'centre'"}));
  CHECK(LineContaining(text, "\"centre\"") == 39);
}

TEST_CASE("malformed jurisdiction codes are refused wherever they appear", "[loader]") {
  SECTION("jurisdiction.code") {
    const std::string text = ReplaceOnce(kValid, "code = \"1101\"", "code = \"11x1\"");
    const Parsed p = Parse(text);
    CHECK(Has(p, 9, {"malformed jurisdiction code '11x1'", "2, 4, 6, 9 or 12 digits"}));
  }
  SECTION("desk.jurisdiction") {
    const std::string text =
        ReplaceOnce(kValid, "jurisdiction = \"110105\"", "jurisdiction = \"1101050\"");
    const Parsed p = Parse(text);
    CHECK(Has(p, LineContaining(text, "1101050"), {"malformed jurisdiction code '1101050'"}));
  }
  SECTION("when.jurisdiction") {
    const std::string text = ReplaceOnce(kValid, "categories = [\"begging\"]",
                                         "categories = [\"begging\"], jurisdiction = [\"11010\"]");
    const Parsed p = Parse(text);
    CHECK(Has(p, LineContaining(text, "11010\""),
              {"malformed jurisdiction code '11010'", "rule 'begging' when"}));
  }
  SECTION("unlisted parent, unlisted desk jurisdiction, unlisted rule prefix") {
    std::string text = ReplaceOnce(kValid, "code = \"1101\"", "code = \"1102\"");
    text = ReplaceOnce(text, "jurisdiction = \"11\"", "jurisdiction = \"12\"");
    text = ReplaceOnce(text, "categories = [\"begging\"]",
                       "categories = [\"begging\"], jurisdiction = [\"1101\"]");
    const Parsed p = Parse(text);
    INFO(Dump(p));
    CHECK(Has(p, 12, {"jurisdiction 110105 (朝阳区): its parent 1101 is not listed"}));
    CHECK(Has(p, 20, {"desk 'center': jurisdiction 12 is not listed"}));
    CHECK(Has(p, 32, {"jurisdiction 1101 in rule 'begging' when is not listed"}));
    CHECK(Errors(p) == 3);
  }
}

TEST_CASE("the default rule must exist, be unique, last, unconditional and final", "[loader]") {
  SECTION("missing") {
    const std::string text = ReplaceOnce(kValid, "default = true\n", "");
    const Parsed p = Parse(text);
    CHECK_FALSE(p.ok);
    // Pointed at the last rule, the one that should carry default = true.
    CHECK(Has(p, 35, {"no default rule"}));
    CHECK(p.status_message ==
          "t.toml:35: no default rule: the last [[rule]] ('default') must have "
          "default = true");
  }
  SECTION("not last") {
    const std::string text = ReplaceOnce(kValid, "when = { categories = [\"begging\"] }\n",
                                         "when = { categories = [\"begging\"] }\ndefault = true\n");
    const Parsed p = Parse(text);
    INFO(Dump(p));
    // The begging rule now has both `when` and default = true, and the other default follows.
    CHECK(Has(p, 29, {"default rule 'begging' must be the last rule", "'default' (line 36)"}));
    CHECK(Has(p, 32, {"default rule 'begging' must not have 'when'"}));
    CHECK(Has(p, 36, {"more than one default rule: 'default' and 'begging' (line 29)"}));
  }
  SECTION("continue = true") {
    const std::string text =
        ReplaceOnce(kValid, "default = true", "default = true\ncontinue = true");
    const Parsed p = Parse(text);
    CHECK(Has(p, LineContaining(text, "continue = true"),
              {"default rule 'default' must not have continue = true"}));
  }
}

TEST_CASE("duplicate ids and codes name the line of the first", "[loader]") {
  SECTION("desk id") {
    const std::string text = ReplaceOnce(kValid, "id = \"police-110105\"", "id = \"center\"");
    const Parsed p = Parse(text);
    INFO(Dump(p));
    CHECK(Has(p, 22, {"duplicate desk id 'center' (first defined at line 16)"}));
  }
  SECTION("rule id") {
    const std::string text = ReplaceOnce(kValid, "id = \"default\"", "id = \"begging\"");
    const Parsed p = Parse(text);
    CHECK(Has(p, 35, {"duplicate rule id 'begging' (first defined at line 29)"}));
  }
  SECTION("jurisdiction code") {
    const std::string text = ReplaceOnce(kValid, "code = \"1101\"", "code = \"11\"");
    const Parsed p = Parse(text);
    CHECK(Has(p, 8, {"duplicate jurisdiction code 11 (first defined at line 4)"}));
  }
}

TEST_CASE("TOML syntax errors carry their line", "[loader]") {
  const std::string text = ReplaceOnce(kValid, "name = \"朝阳分局\"", "name = \"朝阳分局");
  const Parsed p = Parse(text);
  INFO(Dump(p));
  CHECK_FALSE(p.ok);
  REQUIRE(p.diagnostics.size() == 1);
  CHECK(p.diagnostics[0].line == 24);
  CHECK(p.diagnostics[0].message.find("TOML syntax error") == 0);
  CHECK(p.status_message.find("t.toml:24: TOML syntax error") == 0);
}
}  // namespace
}  // namespace hotline::router
