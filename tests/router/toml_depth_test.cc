// Keys with too many dotted parts are refused before toml++ sees them: it nests a table per
// part, recursively, and a key of ~31,000 parts overflowed the stack (the server died on one
// ExplainRoute call with a two-line draft).
#include "router/toml_depth.h"

#include <catch2/catch.hpp>
#include <string>

#include "router/loader.h"

namespace hotline::router {
namespace {

std::string Key(int parts, const std::string& part = "a") {
  std::string key = part;
  for (int i = 1; i < parts; ++i) key += "." + part;
  return key;
}

TEST_CASE("a key of up to 16 parts passes, one of 17 is refused with its line", "[toml_depth]") {
  CHECK_FALSE(FindTooDeepKey("x = 1\n" + Key(16) + " = 1\n"));
  const auto deep = FindTooDeepKey("x = 1\n\n" + Key(17) + " = 1\n");
  REQUIRE(deep);
  CHECK(deep->line == 3);
  CHECK(deep->message ==
        "a key has more than 16 dotted parts; each part nests a table, and no more are taken");
}

TEST_CASE("every place a key can stand is checked", "[toml_depth]") {
  const std::string deep = Key(17);
  CHECK(FindTooDeepKey("[" + deep + "]\n"));
  CHECK(FindTooDeepKey("[[" + deep + "]]\n"));
  CHECK(FindTooDeepKey("x = { " + deep + " = 1 }\n"));
  CHECK(FindTooDeepKey("x = { y = 2, " + deep + " = 1 }\n"));
  CHECK(FindTooDeepKey("x = [{ " + deep + " = 1 }]\n"));
  CHECK(FindTooDeepKey(Key(17, "\"a\"") + " = 1\n"));  // quoted parts
  CHECK(FindTooDeepKey(Key(17, "'a'") + " = 1\n"));
  CHECK(FindTooDeepKey(Key(17, "a ") + " = 1\n"));  // spaces around the dots
  // After every kind of string, on the same line and the next.
  CHECK(FindTooDeepKey("x = \"a\\\"b\" \n" + deep + " = 1\n"));
  CHECK(FindTooDeepKey("x = '''a''''' \n" + deep + " = 1\n"));
  CHECK(FindTooDeepKey("x = \"\"\"a\"\"\"\"\" \n" + deep + " = 1\n"));
  CHECK(FindTooDeepKey("x = \"\"\"a\\\n  b\"\"\"\n" + deep + " = 1\n"));
  CHECK(FindTooDeepKey("x = { a = \"}\", " + deep + " = 1 }\n"));
}

TEST_CASE("dots in strings, comments and values are not key parts", "[toml_depth]") {
  const std::string dots(40, '.');
  CHECK_FALSE(FindTooDeepKey("# " + dots + "\nx = 1\n"));
  CHECK_FALSE(FindTooDeepKey("x = \"" + dots + "\"  # " + dots + "\n"));
  CHECK_FALSE(FindTooDeepKey("x = '" + dots + "'\n"));
  CHECK_FALSE(FindTooDeepKey("x = \"\"\"\n" + dots + "\n\"\" " + dots + "\n\"\"\"\n"));
  CHECK_FALSE(FindTooDeepKey("x = '''\n" + dots + "\n'' " + dots + "\n'''\n"));
  CHECK_FALSE(FindTooDeepKey("x = \"a\\\"" + dots + "\"\n"));
  CHECK_FALSE(FindTooDeepKey("\"" + dots + "\" = 1\n"));  // one quoted part
  CHECK_FALSE(
      FindTooDeepKey("x = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, "
                     "12.5, 13.5, 14.5, 15.5, 16.5, 17.5]\n"));
  CHECK_FALSE(FindTooDeepKey("t = 1979-05-27T00:32:00.999999-07:00\n"));
  // The line count goes on through multi-line strings.
  const auto deep = FindTooDeepKey("x = \"\"\"\n\n\"\"\"\n" + Key(17) + " = 1\n");
  REQUIRE(deep);
  CHECK(deep->line == 4);
}

TEST_CASE("a routing table with a key of 40,000 parts is refused, not parsed",
          "[toml_depth][loader]") {
  for (const std::string& text :
       {"version = \"x\"\n" + Key(40000) + " = 1\n", "version = \"x\"\n[" + Key(40000) + "]\n"}) {
    std::vector<Diagnostic> diagnostics;
    auto table = ParseRoutingTable(text, "deep.toml", &diagnostics);
    REQUIRE_FALSE(table.ok());
    CHECK(std::string(table.status().message()) ==
          "deep.toml:2: a key has more than 16 dotted parts; each part nests a table, and no "
          "more are taken");
    REQUIRE(diagnostics.size() == 1);
    CHECK(diagnostics[0].line == 2);
  }
}

TEST_CASE("the deepest nesting that passes the check parses without harm", "[toml_depth][loader]") {
  // 255 inline tables (toml++ takes 256 levels of values) each under a key of 16 parts:
  // about 4,000 levels of tables, the most the check lets through.
  std::string text = "version = \"x\"\nx = ";
  for (int i = 0; i < 255; ++i) text += "{ " + Key(16) + " = ";
  text += "1";
  for (int i = 0; i < 255; ++i) text += " }";
  text += "\n";
  CHECK_FALSE(FindTooDeepKey(text));
  auto table = ParseRoutingTable(text, "deep.toml");
  REQUIRE_FALSE(table.ok());  // not a routing table, but refused with messages, not a crash
  CHECK(std::string(table.status().message()).find("deep.toml:") == 0);
}

}  // namespace
}  // namespace hotline::router
