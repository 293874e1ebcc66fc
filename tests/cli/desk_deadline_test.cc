#include "cli/desk_deadline.h"

#include <catch2/catch.hpp>

namespace hotline::cli {
namespace {

constexpr std::string_view kTable = R"(version = "t"
default_ack_deadline = "8h"

[[desk]]
id = "center"
name = "centre"
type = "center"
jurisdiction = "11"

[[desk]]
id = "police-110105"   # a comment
name = "police"
type = "police"
jurisdiction = "110105"
ack_deadline="30m"
)";

// Review finding: `desks put police-110105 …` without --ack-deadline sent 0 ("the table
// default") and so silently dropped the desk's ack_deadline = "30m".
TEST_CASE("ReadDeskDeadline tells a desk's own deadline from the table default",
          "[desk_deadline]") {
  std::optional<DeskDeadline> police = ReadDeskDeadline(kTable, "police-110105");
  REQUIRE(police);
  CHECK(police->desk_found);
  CHECK(police->own_seconds == 1800);
  CHECK(police->default_seconds == 8 * 3600);

  std::optional<DeskDeadline> center = ReadDeskDeadline(kTable, "center");
  REQUIRE(center);
  CHECK(center->desk_found);
  CHECK_FALSE(center->own_seconds);

  std::optional<DeskDeadline> added = ReadDeskDeadline(kTable, "school-110105");
  REQUIRE(added);
  CHECK_FALSE(added->desk_found);
  CHECK_FALSE(added->own_seconds);
}

TEST_CASE("ReadDeskDeadline: no default_ack_deadline means 4h", "[desk_deadline]") {
  std::optional<DeskDeadline> d = ReadDeskDeadline("[[desk]]\nid = \"a\"\n", "a");
  REQUIRE(d);
  CHECK(d->default_seconds == 4 * 3600);
}

TEST_CASE("ReadDeskDeadline refuses what it cannot read", "[desk_deadline]") {
  CHECK_FALSE(ReadDeskDeadline("[[desk]\n", "a"));
  CHECK_FALSE(ReadDeskDeadline("[[desk]]\nid = \"a\"\nack_deadline = \"soon\"\n", "a"));
  CHECK_FALSE(ReadDeskDeadline("default_ack_deadline = 5\n", "a"));
}

TEST_CASE("Durations as the routing table writes them", "[desk_deadline]") {
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
