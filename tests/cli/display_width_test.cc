#include "cli/display_width.h"

#include <catch2/catch.hpp>

namespace hotline::cli {
namespace {

TEST_CASE("DisplayWidth counts ASCII one column each", "[display_width]") {
  CHECK(DisplayWidth("") == 0);
  CHECK(DisplayWidth("abc") == 3);
  CHECK(DisplayWidth("HL-2026-000123") == 14);
}

TEST_CASE("DisplayWidth counts Chinese and fullwidth characters two columns", "[display_width]") {
  CHECK(DisplayWidth("小明") == 4);
  CHECK(DisplayWidth("朝阳区民政局") == 12);
  CHECK(DisplayWidth("，") == 2);    // Fullwidth comma U+FF0C.
  CHECK(DisplayWidth("ＡＢ") == 4);  // Fullwidth Latin.
  CHECK(DisplayWidth("한국") == 4);  // Hangul syllables.
}

TEST_CASE("DisplayWidth of mixed text adds up", "[display_width]") {
  CHECK(DisplayWidth("desk 派出所 110105") == 5 + 6 + 7);
  CHECK(DisplayWidth("age=9;name=小明") == 11 + 4);
}

TEST_CASE("DisplayWidth counts combining marks zero columns", "[display_width]") {
  CHECK(DisplayWidth("e\u0301") == 1);         // e + combining acute.
  CHECK(DisplayWidth("a\u0300\u0301b") == 2);  // Two marks on one base.
  CHECK(DisplayWidth("\u200b") == 0);          // Zero width space.
  CHECK(DisplayWidth("か\u3099") == 2);        // Kana with combining voiced mark.
  CHECK(CodePointWidth(U'\u0301') == 0);
  CHECK(CodePointWidth(U'中') == 2);
  CHECK(CodePointWidth(U'a') == 1);
}

TEST_CASE("DisplayWidth counts an invalid byte one column", "[display_width]") {
  CHECK(DisplayWidth("\xff") == 1);
  CHECK(DisplayWidth("a\xe4\xb8") == 3);  // Truncated 3-byte sequence: two bad bytes.
}

TEST_CASE("TruncateToWidth keeps text that fits and marks cut text", "[display_width]") {
  CHECK(TruncateToWidth("abcdef", 6) == "abcdef");
  CHECK(TruncateToWidth("abcdefg", 6) == "abcde…");
  CHECK(DisplayWidth(TruncateToWidth("abcdefg", 6)) == 6);
  // A wide character that would cross the limit is left out whole.
  CHECK(TruncateToWidth("小明小明", 6) == "小明…");
  CHECK(TruncateToWidth("a小明小明", 6) == "a小明…");
  CHECK(DisplayWidth(TruncateToWidth("a小明小明", 6)) == 6);
  // A combining mark stays with its base.
  CHECK(TruncateToWidth("ae\u0301bcdef", 4) == "ae\u0301b…");
}

TEST_CASE("PadToWidth pads by display width", "[display_width]") {
  CHECK(PadToWidth("小明", 6) == "小明  ");
  CHECK(PadToWidth("abc", 2) == "abc");
}

}  // namespace
}  // namespace hotline::cli
