#include "storage/desk_ranges.h"

#include <algorithm>

#include "storage/str_util.h"

namespace hotline::storage {

std::vector<std::vector<std::string>> DeskParts(const std::vector<std::string>& desks) {
  std::vector<std::string> distinct = desks;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<std::vector<std::string>> parts;
  for (size_t first = 0; first < distinct.size(); first += kDesksPerStatement) {
    const size_t last = std::min(distinct.size(), first + kDesksPerStatement);
    parts.emplace_back(distinct.begin() + static_cast<std::ptrdiff_t>(first),
                       distinct.begin() + static_cast<std::ptrdiff_t>(last));
  }
  return parts;
}

std::string DeskArms(std::string_view arm, size_t count, int first_param) {
  const size_t at = arm.find("?D");
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    AppendTo(&out, i == 0 ? "" : " UNION ALL ", arm.substr(0, at), "?",
             first_param + static_cast<int>(i), arm.substr(at + 2));
  }
  return out;
}

}  // namespace hotline::storage
