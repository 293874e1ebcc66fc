// WatchAssignments cursors: the text a client keeps, and what the server accepts back.
#include <catch2/catch.hpp>
#include <string>

#include "server/assignment_stream.h"

namespace hotline::server {
namespace {

constexpr std::string_view kHash =
    "89abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567";

TEST_CASE("A cursor names an event by number and the start of its chain hash", "[cursor]") {
  CHECK(StreamHub::Cursor(1234, kHash) == "v2.1234.89abcdef");
  CHECK(StreamHub::Cursor(0, "") == "v2.0");
  const auto back = StreamHub::ParseCursor("v2.1234.89abcdef");
  REQUIRE(back.has_value());
  CHECK(back->seq == 1234);
  CHECK(back->hash_prefix == "89abcdef");
  const auto start = StreamHub::ParseCursor("v2.0");
  REQUIRE(start.has_value());
  CHECK(start->seq == 0);
  CHECK(start->hash_prefix.empty());
  // Every cursor the server issues reads back as the position it was made from.
  for (int64_t seq : {1LL, 9LL, 10LL, 999999999999999999LL}) {
    const auto parsed = StreamHub::ParseCursor(StreamHub::Cursor(seq, kHash));
    REQUIRE(parsed.has_value());
    CHECK(parsed->seq == seq);
    CHECK(parsed->hash_prefix == kHash.substr(0, 8));
  }
}

TEST_CASE("Text that is not a cursor the server issued is refused", "[cursor]") {
  for (const char* text :
       {"", "v2.", "v2", "v1.1234", "v3.12.89abcdef", "v2.12", "v2.12.", "v2.12.89abcde",
        "v2.12.89abcdef0", "v2.12.89ABCDEF", "v2.12.89abcdeg", "v2.0.89abcdef", "v2.012.89abcdef",
        "v2.-1.89abcdef", "v2.1x.89abcdef", "v2.1234567890123456789.89abcdef", "v2.12.89abcdef\n",
        " v2.12.89abcdef", "not-a-cursor"}) {
    INFO('"' << text << '"');
    CHECK_FALSE(StreamHub::ParseCursor(text).has_value());
  }
}

}  // namespace
}  // namespace hotline::server
