#include "cli/global_checks.h"

#include <catch2/catch.hpp>

namespace hotline::cli {
namespace {

const Ui kEnglish(Lang::kEnglish);

// Review finding: a token with "\r" (pasted from a Windows text), "\n" or a non-ASCII
// character aborted the client inside gRPC's metadata check (exit 134).
TEST_CASE("CheckToken trims the whitespace a pasted token brings", "[global_checks]") {
  for (const char* text :
       {"hl_abc-DEF_123", "hl_abc-DEF_123\r", "hl_abc-DEF_123\r\n", " \thl_abc-DEF_123\n"}) {
    INFO(text);
    Result<std::string> token = CheckToken(text, kEnglish);
    REQUIRE(token.ok());
    CHECK(token.value() == "hl_abc-DEF_123");
  }
}

TEST_CASE("CheckToken refuses what no token holds, naming the flag and the character",
          "[global_checks]") {
  const struct {
    const char* text;
    const char* what;
  } cases[] = {
      {"hl_a\rb", "U+000D at character 5"},       {"hl_a\nb", "U+000A at character 5"},
      {"hl_a b", "U+0020 at character 5"},        {"王", "U+738B at character 1"},
      {"hl_ab\xc3\xa9", "U+00E9 at character 6"}, {"hl_\x7f", "U+007F at character 4"},
      {"hl_\xff", "U+00FF at character 4"},  // not UTF-8 (from the environment)
  };
  for (const auto& c : cases) {
    INFO(c.text);
    Result<std::string> token = CheckToken(c.text, kEnglish);
    REQUIRE_FALSE(token.ok());
    CHECK(token.error().starts_with("--token/HOTLINE_TOKEN: "));
    CHECK(token.error().ends_with(c.what));
  }
}

TEST_CASE("CheckToken refuses a missing token", "[global_checks]") {
  for (const char* text : {"", " ", "\r\n"}) {
    Result<std::string> token = CheckToken(text, kEnglish);
    REQUIRE_FALSE(token.ok());
    CHECK(token.error() == "--token/HOTLINE_TOKEN: no token given; every command needs one");
  }
}

}  // namespace
}  // namespace hotline::cli
