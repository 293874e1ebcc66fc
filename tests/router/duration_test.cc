// Durations in the routing table: "90s", "30m", "4h", "2d".
#include "router/duration.h"

#include <catch2/catch.hpp>

namespace hotline::router {
namespace {

using namespace std::chrono_literals;

TEST_CASE("durations parse with s, m, h and d", "[duration]") {
  CHECK(*ParseDuration("90s") == 90s);
  CHECK(*ParseDuration("30m") == 30min);
  CHECK(*ParseDuration("4h") == 4h);
  CHECK(*ParseDuration("2d") == 48h);
  CHECK(*ParseDuration("007m") == 7min);
}

TEST_CASE("malformed, zero and huge durations are refused", "[duration]") {
  for (const char* bad :
       {"", "m", "30", "30x", "-5m", "+5m", "3.5h", " 5m", "5m ", "5 m", "1h30m"}) {
    INFO(bad);
    auto d = ParseDuration(bad);
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().message().find("malformed duration") != std::string::npos);
  }
  CHECK(ParseDuration("0s").status().message() == "duration '0s' must be positive");
  CHECK(ParseDuration("99999999999999999999d").status().message().find("ten years") !=
        std::string::npos);
  CHECK(ParseDuration("4000d").status().message().find("ten years") != std::string::npos);
}

TEST_CASE("durations format with the largest exact unit", "[duration]") {
  CHECK(FormatDuration(90s) == "90s");
  CHECK(FormatDuration(30min) == "30m");
  CHECK(FormatDuration(4h) == "4h");
  CHECK(FormatDuration(48h) == "2d");
  CHECK(FormatDuration(0s) == "0s");
}

}  // namespace
}  // namespace hotline::router
