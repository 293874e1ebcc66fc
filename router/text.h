// Message building for router/: Cat() concatenates strings and integers with one allocation,
// Join() joins a list. Internal to router/. (Debian's Abseil has its own absl::string_view, so
// absl::StrCat does not take std::string_view; and GCC 12 warns falsely, -Wrestrict at -O3, on
// `"literal" + std::string`.)
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace hotline::router {
namespace text_internal {

inline std::string_view Piece(std::string_view s) { return s; }

template <typename Int, typename = std::enable_if_t<std::is_integral_v<Int>>>
std::string Piece(Int n) {
  return std::to_string(n);
}

template <typename... Views>
std::string CatViews(const Views&... views) {
  std::string out;
  out.reserve((std::string_view(views).size() + ... + 0));
  (out.append(std::string_view(views)), ...);
  return out;
}

}  // namespace text_internal

// Cat("desk ", id, " at line ", 12).
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  return text_internal::CatViews(text_internal::Piece(parts)...);
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
