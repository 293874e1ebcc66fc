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

namespace hotline::cli {
namespace {

// Review finding: "--server 127.0.0.1:117836" connected to port 52300 (117836 - 65536), an
// empty address failed as "UNKNOWN: Failed to create secure client channel", and " host:port"
// or "http://host:port" were looked up in the DNS (exit 4: try again).
TEST_CASE("CheckServer accepts host:port, [IPv6]:port and unix:PATH", "[global_checks]") {
  for (const char* address :
       {"127.0.0.1:50051", "localhost:1", "hotline.example.org:65535", "[::1]:50051",
        "[fe80::1%eth0]:443", "unix:/run/hotline.sock", "unix:relative.sock"}) {
    INFO(address);
    Result<std::string> server = CheckServer(address, kEnglish);
    REQUIRE(server.ok());
    CHECK(server.value() == address);
  }
}

TEST_CASE("CheckServer names the flag, the address and the reason", "[global_checks]") {
  const struct {
    const char* address;
    const char* reason;
  } cases[] = {
      {"127.0.0.1:117836", "the port must be a number from 1 to 65535"},
      {"127.0.0.1:99999", "the port must be a number from 1 to 65535"},
      {"127.0.0.1:-1", "the port must be a number from 1 to 65535"},
      {"127.0.0.1:+1", "the port must be a number from 1 to 65535"},
      {"127.0.0.1:0", "the port must be a number from 1 to 65535"},
      {"127.0.0.1:abc", "the port must be a number from 1 to 65535"},
      {"127.0.0.1:", "the port must be a number from 1 to 65535"},
      {"", "no address given"},
      {" 127.0.0.1:50051", "an address has no spaces or control characters"},
      {"127.0.0.1:50051\r", "an address has no spaces or control characters"},
      {"http://127.0.0.1:50051", "give the address without a scheme such as http://"},
      {"127.0.0.1", "is not host:port"},
      {":50051", "is not host:port"},
      {"host/path:50051", "is not host:port"},
      {"::1:50051", "an IPv6 address goes in brackets: [::1]:50051"},
      {"[::1:50051", "an IPv6 address goes in brackets: [::1]:50051"},
      {"[]:50051", "an IPv6 address goes in brackets: [::1]:50051"},
      {"unix:", "names no socket file"},
  };
  for (const auto& c : cases) {
    INFO(c.address);
    Result<std::string> server = CheckServer(c.address, kEnglish);
    REQUIRE_FALSE(server.ok());
    CHECK(server.error() == std::string("--server/HOTLINE_SERVER: \"") + c.address +
                                "\": " + c.reason +
                                " (host:port, [IPv6]:port or unix:PATH, e.g. 127.0.0.1:50051)");
  }
}

}  // namespace
}  // namespace hotline::cli
