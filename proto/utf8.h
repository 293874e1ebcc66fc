// UTF-8 validity and length, shared by request parsing and validation. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace hotline::proto {

// Unicode code points in `text`, or -1 when it is not valid UTF-8 (truncated sequences,
// overlong forms, surrogates and values past U+10FFFF are invalid).
inline int Utf8Length(std::string_view text) {
  int count = 0;
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t extra;
    uint32_t cp;
    if (c < 0x80) {
      extra = 0, cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, cp = c & 0x07;
    } else {
      return -1;
    }
    if (i + extra >= text.size() && extra > 0) return -1;  // truncated sequence
    for (size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return -1;
    }
    i += extra + 1;
    ++count;
  }
  return count;
}

}  // namespace hotline::proto
