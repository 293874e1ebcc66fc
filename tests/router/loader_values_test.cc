// The loader checks values: durations, ages, types, vocabularies, the centre desk; it warns
// without failing; it reads files and joins every error into one status.
#include <algorithm>
#include <catch2/catch.hpp>

#include "absl/status/status.h"
#include "router/loader.h"
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

TEST_CASE("bad durations are refused", "[loader]") {
  struct Case {
    std::string from, to, fragment;
  };
  const std::vector<Case> cases = {
      {"ack_deadline = \"30m\"", "ack_deadline = \"30x\"", "malformed duration '30x'"},
      {"ack_deadline = \"30m\"", "ack_deadline = \"0m\"", "duration '0m' must be positive"},
      {"ack_deadline = \"30m\"", "ack_deadline = \"-5m\"", "malformed duration '-5m'"},
      {"ack_deadline = \"30m\"", "ack_deadline = 30", "must be a duration string"},
      {"default_ack_deadline = \"2h\"", "default_ack_deadline = \"2 h\"",
       "malformed duration '2 h'"},
      {"{ type = \"police\" }", "{ type = \"police\", deadline = \"15\" }",
       "'deadline' in a target of rule 'begging': malformed duration '15'"},
  };
  for (const Case& c : cases) {
    const std::string text = ReplaceOnce(kValid, c.from, c.to);
    const Parsed p = Parse(text);
    INFO(c.to << "\n" << Dump(p));
    CHECK_FALSE(p.ok);
    CHECK(Has(p, LineContaining(text, c.to), {c.fragment}));
  }
}

TEST_CASE("ages must be [min, max] within 0..17", "[loader]") {
  struct Case {
    std::string age, fragment;
  };
  const std::vector<Case> cases = {
      {"[0, 18]", "age 18 in rule 'begging' when is outside 0..17"},
      {"[-1, 5]", "age -1 in rule 'begging' when is outside 0..17"},
      {"[9, 3]", "age range [9, 3] in rule 'begging' when has min > max"},
      {"[3]", "must be [min, max], two integers"},
      {"\"0-5\"", "must be [min, max], two integers"},
  };
  for (const Case& c : cases) {
    const std::string text = ReplaceOnce(kValid, "categories = [\"begging\"]",
                                         "categories = [\"begging\"], age = " + c.age);
    const Parsed p = Parse(text);
    INFO(c.age << "\n" << Dump(p));
    CHECK(Has(p, 32, {c.fragment}));
  }
}

TEST_CASE("a missing version is reported at the top of the file", "[loader]") {
  const std::string text = ReplaceOnce(kValid, "version = \"t1\"\n", "");
  const Parsed p = Parse(text);
  CHECK_FALSE(p.ok);
  CHECK(Has(p, 1, {"the file is missing required key 'version'"}));
  CHECK(p.status_message == "t.toml:1: the file is missing required key 'version'");

  const Parsed empty = Parse(ReplaceOnce(kValid, "version = \"t1\"", "version = \"\""));
  CHECK(Has(empty, 1, {"'version' in the file must not be empty"}));
}

TEST_CASE("wrong types, missing keys and bad vocabulary are refused", "[loader]") {
  struct Case {
    std::string from, to;
    int line;  // 0: the line of `to`
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {"id = \"center\"", "id = 5", 0, "'id' in [[desk]] must be a string, not an integer"},
      {"id = \"center\"", "id = \"Center\"", 0, "desk id 'Center' must match [a-z0-9_.-]+"},
      {"type = \"police\"\n", "type = \"polis\"\n", 0, "unknown desk type 'polis'; known: "},
      {"cites = \"art. 17\"\n", "", 29, "rule 'begging' is missing required key 'cites'"},
      {"name = \"北京市\"\n", "", 4, "[[jurisdiction]] is missing required key 'name'"},
      {"[\"begging\"]", "[\"beging\"]", 0, "unknown category 'beging' in rule 'begging' when"},
      {"[\"begging\"] }", "[\"begging\"], urgency = [\"asap\"] }", 0, "unknown urgency 'asap'"},
      {"[\"begging\"] }", "[\"begging\"], reporter = [\"teacher\"] }", 0,
       "unknown reporter kind 'teacher'"},
      {"[\"begging\"] }", "[\"begging\"], attends_school = \"yes\" }", 0,
       "'attends_school' in rule 'begging' when must be a boolean"},
      {"[\"begging\"] }", "[\"begging\"], urgency = [] }", 0, "must not be empty"},
      {"{ type = \"police\" }", "{ type = \"nurse\" }", 0, "unknown desk type 'nurse'"},
      {"{ type = \"police\" }", "{ type = \"police\", desk = \"center\" }", 0,
       "has both 'desk' and 'type'"},
      {"{ type = \"police\" }", "{ deadline = \"1h\" }", 0, "has neither 'desk' nor 'type'"},
      {"targets = [ { type = \"police\" } ]", "targets = []", 0, "rule 'begging' has no targets"},
      {"targets = [ { type = \"police\" } ]\n", "", 29, "rule 'begging' has no targets"},
      {"[[jurisdiction]]\ncode = \"1101\"", "[jurisdiction]\ncode = \"1101\"", 8,
       "TOML syntax error"},
      {"default = true", "default = \"yes\"", 0, "'default' in rule 'default' must be a boolean"},
      {"when = { categories = [\"begging\"] }", "when = \"begging\"", 0,
       "'when' in rule 'begging' must be a table, not a string"},
  };
  for (const Case& c : cases) {
    const std::string text = ReplaceOnce(kValid, c.from, c.to);
    const Parsed p = Parse(text);
    const int line = c.line != 0 ? c.line : LineContaining(text, c.to.substr(0, c.to.find('\n')));
    INFO(c.to << "\n" << Dump(p));
    CHECK_FALSE(p.ok);
    CHECK(Has(p, line, {c.fragment}));
  }
}

TEST_CASE("a table without a centre desk is refused", "[loader]") {
  const std::string text = ReplaceOnce(kValid, "type = \"center\"", "type = \"civil_affairs\"");
  const Parsed p = Parse(text);
  INFO(Dump(p));
  // Pointed at the last desk, where a centre desk would be added.
  CHECK(Has(p, 22, {"no desk of type \"center\""}));
  CHECK(Errors(p) == 1);
}

TEST_CASE("warnings do not fail the load", "[loader]") {
  std::string text =
      ReplaceOnce(kValid, "{ type = \"police\" }", "{ type = \"police\" }, { type = \"medical\" }");
  text = ReplaceOnce(text, "[[rule]]\nid = \"begging\"",
                     "[[desk]]\nid = \"school-110105\"\nname = \"学校\"\ntype = \"school\"\n"
                     "jurisdiction = \"110105\"\n\n[[rule]]\nid = \"begging\"");
  const Parsed p = Parse(text);
  INFO(Dump(p));
  CHECK(p.ok);
  CHECK(Errors(p) == 0);
  REQUIRE(p.diagnostics.size() == 2);
  CHECK(Has(p, 29, {"desk 'school-110105' is never targeted, neither by id nor by type school"},
            Diagnostic::Severity::kWarning));
  CHECK(Has(p, LineContaining(text, "medical"),
            {"rule 'begging' targets type medical but there is no medical desk anywhere",
             "fall back to the centre"},
            Diagnostic::Severity::kWarning));
  CHECK(p.diagnostics[0].ToString() ==
        "t.toml:29: warning: desk 'school-110105' is never targeted, neither by id nor by "
        "type school");
}

TEST_CASE("every error is collected, in file order, into one status", "[loader]") {
  std::string text = ReplaceOnce(kValid, "code = \"1101\"", "code = \"1101\"\ncolour = 1");
  text = ReplaceOnce(text, "type = \"police\"\n", "type = \"polis\"\n");
  text = ReplaceOnce(text, "default = true\n", "");
  const Parsed p = Parse(text);
  INFO(Dump(p));
  CHECK(Errors(p) == 3);
  CHECK(p.status_message ==
        "t.toml:10: unknown key 'colour' in [[jurisdiction]]; allowed keys: code, name\n"
        "t.toml:26: unknown desk type 'polis'; known: community, police, school, center, "
        "medical, judicial, procuratorate, civil_affairs, women_federation, youth_league, "
        "disabled_federation, education_bureau\n"
        "t.toml:36: no default rule: the last [[rule]] ('default') must have default = true");
}

TEST_CASE("LoadRoutingTableFile reports files it cannot read and joins errors", "[loader]") {
  auto missing = LoadRoutingTableFile(testing::TestdataPath("no-such-file.toml"));
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);

  auto directory = LoadRoutingTableFile(std::string(HOTLINE_ROUTER_TESTDATA));
  CHECK(directory.status().code() == absl::StatusCode::kFailedPrecondition);

  const std::string path = testing::TestdataPath("broken.toml");
  auto broken = LoadRoutingTableFile(path);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.status().code() == absl::StatusCode::kInvalidArgument);
  const std::string message(broken.status().message());
  CHECK(message.find(path + ":3: malformed jurisdiction code '1'") != std::string::npos);
  CHECK(message.find(path + ":12: unknown desk type 'polis'") != std::string::npos);
  CHECK(message.find(path + ":21: a target of rule 'begging' names unknown desk 'cops'") !=
        std::string::npos);
  CHECK(message.find(path + ":18: no default rule") != std::string::npos);
  CHECK(std::count(message.begin(), message.end(), '\n') == 3);
}

TEST_CASE("Diagnostic::ToString formats file, line and severity", "[loader]") {
  Diagnostic d{Diagnostic::Severity::kError, "r.toml", 7, "boom"};
  CHECK(d.ToString() == "r.toml:7: boom");
  d.line = 0;
  CHECK(d.ToString() == "r.toml: boom");
  d.severity = Diagnostic::Severity::kWarning;
  CHECK(d.ToString() == "r.toml: warning: boom");
}
}  // namespace
}  // namespace hotline::router
