// String concatenation for messages and SQL text. (Debian's Abseil has its own string_view,
// so absl::StrCat does not take std::string_view.) Thread-safe.
#pragma once

#include <concepts>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace hotline::storage {
namespace str_internal {

inline void Put(std::string& out, const std::string& s) { out += s; }
inline void Put(std::string& out, std::string_view s) { out += s; }
inline void Put(std::string& out, const char* s) { out += s; }
inline void Put(std::string& out, char c) { out += c; }
inline void Put(std::string& out, absl::string_view s) { out.append(s.data(), s.size()); }
template <std::integral T>
void Put(std::string& out, T value) {
  out += std::to_string(value);
}

}  // namespace str_internal

// Appends each argument (strings, string views, integers in decimal) to `out`.
template <typename... Args>
void AppendTo(std::string* out, const Args&... args) {
  (str_internal::Put(*out, args), ...);
}

// The arguments concatenated.
template <typename... Args>
std::string Concat(const Args&... args) {
  std::string out;
  AppendTo(&out, args...);
  return out;
}

}  // namespace hotline::storage
