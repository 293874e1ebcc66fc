// Message building for router/: Cat() concatenates strings and integers with one allocation,
// Join() joins a list. Internal to router/. (Debian's Abseil has its own absl::string_view, so
// absl::StrCat does not take std::string_view; and GCC 12 warns falsely, -Wrestrict at -O3, on
// `"literal" + std::string`.)
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace hotline::router {
namespace text_internal {

inline std::string_view Piece(std::string_view s) { return s; }

// An integer's decimal digits, held without a heap allocation.
struct IntPiece {
  char digits[24];
  size_t size;
  operator std::string_view() const { return {digits, size}; }
};

template <typename Int, typename = std::enable_if_t<std::is_integral_v<Int>>>
IntPiece Piece(Int n) {
  IntPiece piece;
  piece.size =
      static_cast<size_t>(std::to_chars(piece.digits, piece.digits + 24, n).ptr - piece.digits);
  return piece;
}

template <typename... Views>
void AppendViews(std::string& out, const Views&... views) {
  out.reserve(out.size() + (std::string_view(views).size() + ... + 0));
  (out.append(std::string_view(views)), ...);
}

}  // namespace text_internal

// Appends like Cat() into `out`, keeping its buffer: Route() fills a reused Decision this way.
template <typename... Parts>
void AppendCat(std::string& out, const Parts&... parts) {
  text_internal::AppendViews(out, text_internal::Piece(parts)...);
}

// Cat("desk ", id, " at line ", 12).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  AppendCat(out, parts...);
  return out;
}

// Replaces `out` with Cat(parts...), reusing its buffer.
template <typename... Parts>
void AssignCat(std::string& out, const Parts&... parts) {
  out.clear();
  AppendCat(out, parts...);
}

inline std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.append(separator);
    out.append(items[i]);
  }
  return out;
}

template <typename Views>
std::string JoinViews(const Views& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out.append(separator);
    out.append(std::string_view(item));
  }
  return out;
}

}  // namespace hotline::router
