#include "cli/durations.h"

#include <catch2/catch.hpp>

namespace hotline::cli {
namespace {

TEST_CASE("Durations as the routing table writes them", "[durations]") {
  CHECK(ParseDurationSeconds("90s") == 90);
  CHECK(ParseDurationSeconds("30m") == 1800);
  CHECK(ParseDurationSeconds("4h") == 4 * 3600);
  CHECK(ParseDurationSeconds("2d") == 2 * 86400);
  CHECK_FALSE(ParseDurationSeconds("h"));
  CHECK_FALSE(ParseDurationSeconds("1x"));
  CHECK_FALSE(ParseDurationSeconds("-1h"));
  CHECK(FormatDurationSeconds(1800) == "30m");
  CHECK(FormatDurationSeconds(4 * 3600) == "4h");
  CHECK(FormatDurationSeconds(86400) == "1d");
  CHECK(FormatDurationSeconds(90) == "90s");
}

}  // namespace
}  // namespace hotline::cli
