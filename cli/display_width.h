// Terminal width of UTF-8 text, for aligning tables: East Asian wide and fullwidth characters
// take 2 columns, combining marks and other zero-width characters 0, everything else 1.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace hotline::cli {

// Columns one code point takes: 0, 1 or 2. Control characters take 0.
int CodePointWidth(char32_t c);

// Columns `text` takes. Bytes that are not valid UTF-8 count 1 column each.
int DisplayWidth(std::string_view text);

// `text` unchanged when it fits in `max_width` columns; otherwise the longest prefix that fits
// in max_width - 1 columns followed by "…" (1 column). A combining mark stays with its base.
std::string TruncateToWidth(std::string_view text, int max_width);

// `text` followed by spaces up to `width` columns (unchanged when already as wide).
std::string PadToWidth(std::string_view text, int width);

// Decodes the code point at `pos` and advances `pos` past it. Invalid bytes decode as
// U+FFFD and advance one byte. Requires pos < text.size().
char32_t DecodeUtf8(std::string_view text, size_t& pos);

}  // namespace hotline::cli
