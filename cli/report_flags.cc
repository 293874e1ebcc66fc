#include "cli/report_flags.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "proto/enum_names.h"

namespace hotline::cli {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string NormalizeKey(std::string_view key) {
  std::string out = Lower(Trim(key));
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// Parses a non-negative decimal integer made of digits only.
std::optional<int> ParseYears(std::string_view text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.front() == '-' ||
      text.front() == '+') {
    return std::nullopt;
  }
  return value;
}

// Appends the enum values named in `lists` (each possibly comma-separated) via `add`.
template <typename E, typename Add>
std::optional<Error> ParseEnumList(std::string_view flag, const std::vector<std::string>& lists,
                                   const Ui& ui, Add add) {
  for (const std::string& list : lists) {
    for (const std::string& name : SplitList(list)) {
      Result<E> value = ParseEnumFlag<E>(flag, name, ui);
      if (!value.ok()) return Error{value.error()};
      add(value.value());
    }
  }
  return std::nullopt;
}

bool AnyChildFlag(const ReportFlags& f) {
  return !f.jurisdiction.empty() || !f.child_name.empty() || !f.child_age.empty() ||
         !f.child_sex.empty() || !f.child_address.empty() || !f.child_school.empty() ||
         !f.attends_school.empty();
}

// Fills `child` from the --child-* flags.
std::optional<Error> ChildFromFlags(const ReportFlags& f, const Ui& ui, v1::Child* child) {
  child->set_jurisdiction_code(NormalizeCode(f.jurisdiction));
  child->set_name(f.child_name);
  child->set_address(f.child_address);
  child->set_school(f.child_school);
  if (!f.child_age.empty()) {
    Result<std::optional<v1::AgeRange>> age = ParseAge("--child-age", f.child_age, ui);
    if (!age.ok()) return Error{age.error()};
    if (age.value()) *child->mutable_age() = *age.value();
  }
  if (!f.child_sex.empty()) {
    Result<v1::Sex> sex = ParseEnumFlag<v1::Sex>("--child-sex", f.child_sex, ui);
    if (!sex.ok()) return Error{sex.error()};
    child->set_sex(sex.value());
  }
  if (!f.attends_school.empty()) {
    Result<bool> attends = ParseYesNo("--attends-school", f.attends_school, ui);
    if (!attends.ok()) return Error{attends.error()};
    child->set_attends_school(attends.value());
  }
  return std::nullopt;
}

}  // namespace

std::string Trim(std::string_view text) {
  const size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return "";
  const size_t last = text.find_last_not_of(kWhitespace);
  return std::string(text.substr(first, last - first + 1));
}

std::string NarrowDigits(std::string_view text) {
  // U+FF10..U+FF19 are "\xEF\xBC\x90".."\xEF\xBC\x99" in UTF-8.
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (i + 2 < text.size() && text[i] == '\xEF' && text[i + 1] == '\xBC' &&
        text[i + 2] >= '\x90' && text[i + 2] <= '\x99') {
      out += static_cast<char>('0' + (text[i + 2] - '\x90'));
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

std::string NormalizeCode(std::string_view text) { return NarrowDigits(Trim(text)); }

std::string NormalizePhone(std::string_view text) {
  std::string out;
  const std::string trimmed = NarrowDigits(Trim(text));
  for (size_t i = 0; i < trimmed.size(); ++i) {
    const char c = trimmed[i];
    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') continue;
    // The ideographic space and the full-width forms of the separators above.
    bool wide_separator = false;
    for (std::string_view wide : {"\u3000", "\uFF0D", "\uFF0E", "\uFF08", "\uFF09"}) {
      if (trimmed.compare(i, wide.size(), wide) == 0) {
        i += wide.size() - 1;
        wide_separator = true;
        break;
      }
    }
    if (!wide_separator) out += c;
  }
  return out;
}

std::vector<std::string> SplitList(std::string_view input) {
  // Chinese input methods type "，" or "、" for a comma, and full-width digits.
  std::string text = NarrowDigits(input);
  for (std::string_view wide : {"，", "、"}) {
    for (size_t at = text.find(wide); at != std::string::npos; at = text.find(wide, at)) {
      text.replace(at, wide.size(), ",");
    }
  }
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = Trim(std::string_view(text).substr(start, end - start));
    if (!item.empty()) out.push_back(std::move(item));
    start = end + 1;
  }
  return out;
}

std::string EnumChoices(const google::protobuf::EnumDescriptor* type) {
  return Join(proto::ShortNames(type));
}

Result<int> ParseEnumValue(const google::protobuf::EnumDescriptor* type, std::string_view flag,
                           std::string_view text, const Ui& ui) {
  std::optional<int> value = proto::ParseShortName(type, Trim(text));
  if (!value) return Error{ui.Format(Msg::kUnknownEnumValue, flag, text, EnumChoices(type))};
  return *value;
}

Result<std::optional<v1::AgeRange>> ParseAge(std::string_view flag, std::string_view text,
                                             const Ui& ui) {
  std::string trimmed = NarrowDigits(Trim(text));
  if (const size_t wide_dash = trimmed.find("\uFF0D"); wide_dash != std::string::npos) {
    trimmed.replace(wide_dash, 3, "-");
  }
  if (Lower(trimmed) == "unknown") return std::optional<v1::AgeRange>();
  const Error bad{ui.Format(Msg::kBadAge, flag, text)};
  const size_t dash = trimmed.find('-');
  std::optional<int> min = ParseYears(Trim(std::string_view(trimmed).substr(0, dash)));
  std::optional<int> max = min;
  if (dash != std::string::npos) {
    max = ParseYears(Trim(std::string_view(trimmed).substr(dash + 1)));
  }
  if (!min || !max) return bad;
  v1::AgeRange age;
  age.set_min_years(*min);
  age.set_max_years(*max);
  return std::optional<v1::AgeRange>(age);
}

Result<bool> ParseYesNo(std::string_view flag, std::string_view text, const Ui& ui) {
  const std::string value = Lower(Trim(text));
  if (value == "yes" || value == "y" || value == "true" || value == "1") return true;
  if (value == "no" || value == "n" || value == "false" || value == "0") return false;
  return Error{ui.Format(Msg::kBadYesNo, flag, text)};
}

Result<KeyValues> ParseKeyValues(std::string_view flag, std::string_view spec, const Ui& ui) {
  KeyValues out;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t end = spec.find(';', start);
    if (end == std::string_view::npos) end = spec.size();
    const std::string_view segment = spec.substr(start, end - start);
    start = end + 1;
    if (Trim(segment).empty()) continue;
    const size_t eq = segment.find('=');
    if (eq == std::string_view::npos) return Error{ui.Format(Msg::kBadKeyValue, flag, segment)};
    std::string key = NormalizeKey(segment.substr(0, eq));
    if (key.empty()) return Error{ui.Format(Msg::kBadKeyValue, flag, segment)};
    for (const auto& [existing, unused] : out) {
      if (existing == key) return Error{ui.Format(Msg::kDuplicateKey, flag, key)};
    }
    out.emplace_back(std::move(key), Trim(segment.substr(eq + 1)));
  }
  return out;
}

const std::vector<std::string>& ChildKeys() {
  static const std::vector<std::string> keys = {
      "name", "age", "sex", "jurisdiction", "address", "school", "attends_school"};
  return keys;
}

const std::vector<std::string>& GuardianKeys() {
  static const std::vector<std::string> keys = {"name", "relation", "phone", "address",
                                                "situation"};
  return keys;
}

Result<v1::Child> ParseChildSpec(std::string_view spec, const Ui& ui, bool* age_given) {
  static constexpr std::string_view kFlag = "--child";
  *age_given = false;
  Result<KeyValues> pairs = ParseKeyValues(kFlag, spec, ui);
  if (!pairs.ok()) return Error{pairs.error()};
  v1::Child child;
  for (const auto& [key, value] : pairs.value()) {
    if (key == "name") {
      child.set_name(value);
    } else if (key == "age") {
      Result<std::optional<v1::AgeRange>> age = ParseAge(kFlag, value, ui);
      if (!age.ok()) return Error{age.error()};
      if (age.value()) *child.mutable_age() = *age.value();
      *age_given = true;
    } else if (key == "sex") {
      Result<v1::Sex> sex = ParseEnumFlag<v1::Sex>(kFlag, value, ui);
      if (!sex.ok()) return Error{sex.error()};
      child.set_sex(sex.value());
    } else if (key == "jurisdiction" || key == "jurisdiction_code") {
      child.set_jurisdiction_code(NormalizeCode(value));
    } else if (key == "address") {
      child.set_address(value);
    } else if (key == "school") {
      child.set_school(value);
    } else if (key == "attends_school") {
      Result<bool> attends = ParseYesNo(kFlag, value, ui);
      if (!attends.ok()) return Error{attends.error()};
      child.set_attends_school(attends.value());
    } else {
      return Error{ui.Format(Msg::kUnknownKey, kFlag, key, Join(ChildKeys()))};
    }
  }
  return child;
}

Result<v1::Guardian> ParseGuardianSpec(std::string_view spec, const Ui& ui) {
  static constexpr std::string_view kFlag = "--guardian";
  Result<KeyValues> pairs = ParseKeyValues(kFlag, spec, ui);
  if (!pairs.ok()) return Error{pairs.error()};
  v1::Guardian guardian;
  for (const auto& [key, value] : pairs.value()) {
    if (key == "name") {
      guardian.set_name(value);
    } else if (key == "relation") {
      guardian.set_relation(value);
    } else if (key == "phone") {
      guardian.set_phone(NormalizePhone(value));
    } else if (key == "address") {
      guardian.set_address(value);
    } else if (key == "situation") {
      guardian.set_situation(value);
    } else {
      return Error{ui.Format(Msg::kUnknownKey, kFlag, key, Join(GuardianKeys()))};
    }
  }
  return guardian;
}

std::vector<std::string> MissingReportFlags(const ReportFlags& flags, const ReportDraft& draft,
                                            bool routing_only, const Ui& ui) {
  const v1::Report& report = draft.report;
  std::vector<std::string> missing;
  if (report.categories().empty()) missing.emplace_back("--category");
  if (report.urgency() == v1::URGENCY_UNSPECIFIED) missing.emplace_back("--urgency");
  // The --child-* flags describe the first child (when any is given), each --child the next.
  const int from_flags = AnyChildFlag(flags) ? 1 : 0;
  if (report.children().empty()) missing.emplace_back("--jurisdiction");
  for (int i = 0; i < report.children_size(); ++i) {
    if (!report.children(i).jurisdiction_code().empty()) continue;
    missing.push_back(i < from_flags ? std::string("--jurisdiction")
                                     : ui.Format(Msg::kChildSpecJurisdiction, i - from_flags + 1));
  }
  if (routing_only) return missing;
  if (Trim(report.narrative()).empty()) missing.emplace_back("--narrative");
  if (!report.reporter().anonymous() && report.reporter().phone().empty()) {
    missing.push_back(ui(Msg::kPhoneOrAnonymous));
  }
  return missing;
}

std::string MissingFlagsLine(const std::vector<std::string>& missing, const Ui& ui) {
  return ui.Format(Msg::kFlagsMissing, Join(missing));
}

Result<ReportDraft> BuildReport(const ReportFlags& f, const Ui& ui) {
  ReportDraft draft;
  v1::Report& report = draft.report;
  if (!f.channel.empty()) {
    Result<v1::Channel> channel = ParseEnumFlag<v1::Channel>("--channel", f.channel, ui);
    if (!channel.ok()) return Error{channel.error()};
    report.set_channel(channel.value());
  }
  if (auto e = ParseEnumList<v1::DistressCategory>(
          "--category", f.categories, ui,
          [&](v1::DistressCategory c) { report.add_categories(c); })) {
    return *e;
  }
  if (!f.urgency.empty()) {
    Result<v1::Urgency> urgency = ParseEnumFlag<v1::Urgency>("--urgency", f.urgency, ui);
    if (!urgency.ok()) return Error{urgency.error()};
    report.set_urgency(urgency.value());
  }
  if (AnyChildFlag(f)) {
    if (auto e = ChildFromFlags(f, ui, report.add_children())) return *e;
    draft.age_given.push_back(!f.child_age.empty());
  }
  for (const std::string& spec : f.children) {
    bool age_given = false;
    Result<v1::Child> child = ParseChildSpec(spec, ui, &age_given);
    if (!child.ok()) return Error{child.error()};
    *report.add_children() = std::move(child).value();
    draft.age_given.push_back(age_given);
  }
  for (const std::string& spec : f.guardians) {
    Result<v1::Guardian> guardian = ParseGuardianSpec(spec, ui);
    if (!guardian.ok()) return Error{guardian.error()};
    *report.add_guardians() = std::move(guardian).value();
  }
  if (auto e = ParseEnumList<v1::Service>("--service", f.services, ui,
                                          [&](v1::Service s) { report.add_services_needed(s); })) {
    return *e;
  }
  report.set_narrative(f.narrative);
  v1::Reporter* reporter = report.mutable_reporter();
  reporter->set_anonymous(f.anonymous);
  reporter->set_name(f.reporter_name);
  reporter->set_phone(NormalizePhone(f.reporter_phone));
  reporter->set_mandated_reporter(f.mandated);
  reporter->set_organization(f.organization);
  if (!f.reporter_relation.empty()) {
    Result<v1::ReporterRelation> relation =
        ParseEnumFlag<v1::ReporterRelation>("--reporter-relation", f.reporter_relation, ui);
    if (!relation.ok()) return Error{relation.error()};
    reporter->set_relation(relation.value());
  }
  return draft;
}

}  // namespace hotline::cli
