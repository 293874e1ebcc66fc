#include "cli/desk_flags.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <utility>

#include "cli/report_flags.h"
#include "proto/enum_names.h"

namespace hotline::cli {
namespace {

constexpr int kMaxPageSize = 500;  // what the List rpcs accept

struct KindName {
  v1::UpdateKind kind;
  std::string_view name;
};

constexpr std::array<KindName, 4> kKindNames = {{
    {v1::UPDATE_KIND_INVESTIGATION_FINDING, "finding"},
    {v1::UPDATE_KIND_HOME_VISIT, "home-visit"},
    {v1::UPDATE_KIND_ACTION_TAKEN, "action"},
    {v1::UPDATE_KIND_NOTE, "note"},
}};

// Lower case, '_' read as '-'.
std::string Normalize(std::string_view text) {
  std::string out = Trim(text);
  for (char& c : out) {
    c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

template <typename T>
void AppendUnique(std::vector<T>& items, T item) {
  if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(std::move(item));
}

}  // namespace

Result<int64_t> ParseAssignmentId(std::string_view name, std::string_view text, const Ui& ui) {
  const Error bad{ui.Format(Msg::kBadAssignmentId, name, text)};
  std::string digits = NarrowDigits(Trim(text));
  if (!digits.empty() && digits.front() == '#') digits.erase(0, 1);
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad;
  }
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value <= 0) return bad;
  return value;
}

const std::vector<std::string>& UpdateKindNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const KindName& k : kKindNames) out.emplace_back(k.name);
    return out;
  }();
  return names;
}

Result<v1::UpdateKind> ParseUpdateKind(std::string_view flag, std::string_view text, const Ui& ui) {
  const std::string wanted = Normalize(text);
  for (const KindName& k : kKindNames) {
    if (wanted == k.name) return k.kind;
  }
  if (std::optional<int> value = proto::ParseShortName(v1::UpdateKind_descriptor(), wanted)) {
    return static_cast<v1::UpdateKind>(*value);
  }
  return Error{ui.Format(Msg::kUnknownEnumValue, flag, text, fmt::join(UpdateKindNames(), ", "))};
}

std::string UpdateKindName(v1::UpdateKind kind) {
  if (kind == v1::UPDATE_KIND_UNSPECIFIED) return "";
  for (const KindName& k : kKindNames) {
    if (k.kind == kind) return std::string(k.name);
  }
  return proto::ShortName(kind);
}

Result<std::vector<v1::AssignmentStatus>> ParseAssignmentStatuses(
    std::string_view flag, const std::vector<std::string>& lists, const Ui& ui) {
  std::vector<v1::AssignmentStatus> out;
  for (const std::string& list : lists) {
    for (const std::string& name : SplitList(list)) {
      Result<v1::AssignmentStatus> status = ParseEnumFlag<v1::AssignmentStatus>(flag, name, ui);
      if (!status.ok()) return Error{status.error()};
      AppendUnique(out, status.value());
    }
  }
  return out;
}

std::vector<std::string> SplitDeskIds(const std::vector<std::string>& lists) {
  std::vector<std::string> out;
  for (const std::string& list : lists) {
    for (std::string& id : SplitList(list)) AppendUnique(out, std::move(id));
  }
  return out;
}

Result<int> ParseBoundedInt(std::string_view flag, std::string_view text, int min, int max,
                            const Ui& ui) {
  const std::string trimmed = NarrowDigits(Trim(text));
  int value = 0;
  const auto [end, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
  if (trimmed.empty() || ec == std::errc::invalid_argument ||
      end != trimmed.data() + trimmed.size()) {
    return Error{ui.Format(Msg::kBadNumber, flag, text)};
  }
  if (ec == std::errc() && value >= min && value <= max) return value;
  if (ec == std::errc() && value < min && max == std::numeric_limits<int>::max()) {
    return Error{ui.Format(Msg::kBadMinimum, flag, min)};
  }
  return Error{ui.Format(Msg::kBadRange, flag, trimmed, min, max)};
}

Result<int> ParsePageSize(std::string_view text, const Ui& ui) {
  if (Trim(text).empty()) return 0;
  return ParseBoundedInt("--limit", text, 1, kMaxPageSize, ui);
}

Result<std::string> RequireText(std::string_view flag, std::string_view text, const Ui& ui) {
  std::string trimmed = Trim(text);
  if (trimmed.empty()) return Error{ui.Format(Msg::kFlagEmpty, flag)};
  return trimmed;
}

}  // namespace hotline::cli
