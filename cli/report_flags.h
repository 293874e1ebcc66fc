// The flags that describe a report (shared by `hotline report` and `hotline rules explain`)
// and their conversion into a hotline.v1.Report. Only the syntax of each flag is checked here
// (enum names, ages, key=value lists); the server validates the content. Thread-compatible.
#pragma once

#include <google/protobuf/generated_enum_reflection.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/i18n.h"
#include "cli/result.h"
#include "hotline/v1/case.pb.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hotline::cli {

// Report flags as typed. An empty string means "not given".
struct ReportFlags {
  std::string channel = "phone";
  std::vector<std::string> categories;  // Each may hold a comma-separated list.
  std::string urgency;
  // One child described by the --child-* flags.
  std::string jurisdiction;
  std::string child_name;
  std::string child_age;
  std::string child_sex;
  std::string child_address;
  std::string child_school;
  std::string attends_school;
  // Further children and guardians as "key=value;key=value".
  std::vector<std::string> children;
  std::vector<std::string> guardians;
  std::vector<std::string> services;  // Each may hold a comma-separated list.
  std::string narrative;
  std::string reporter_name;
  std::string reporter_phone;
  std::string reporter_relation;
  std::string organization;
  bool mandated = false;
  bool anonymous = false;
};

// A report built from flags, with what the prompts need to know.
struct ReportDraft {
  v1::Report report;
  // Per entry of report.children: whether an age (possibly "unknown") was given.
  std::vector<bool> age_given;
  // The reporter's phone was asked for (an empty answer leaves it empty).
  bool phone_asked = false;
};

// Registers the report flags on `command`, writing into `flags` (which must outlive it).
// Defined with the commands (it needs CLI11).
void AddReportFlags(CLI::App& command, ReportFlags& flags, const Ui& ui);

// The required flags the report `draft` (built from `flags`) leaves out, in flag order, as a
// script is told of them: --category, --urgency, each child's jurisdiction (--jurisdiction,
// or jurisdiction= in the Nth --child), and unless `routing_only` --narrative and the
// reporter's phone (or --anonymous). Empty when none is missing.
std::vector<std::string> MissingReportFlags(const ReportFlags& flags, const ReportDraft& draft,
                                            bool routing_only, const Ui& ui);

// The one usage error that names every missing required flag in `missing`.
std::string MissingFlagsLine(const std::vector<std::string>& missing, const Ui& ui);

// The report the flags describe. Fails (a usage error) on an unknown enum name, a malformed
// age, yes/no or key=value list. Children: the --child-* flags (when any is given) first,
// then each --child in order.
Result<ReportDraft> BuildReport(const ReportFlags& flags, const Ui& ui);

// "9" -> 9..9, "6-8" -> 6..8, "unknown" (any case) -> nullopt. Only the syntax is checked:
// the range itself is the server's to validate. `flag` names the flag in the message.
Result<std::optional<v1::AgeRange>> ParseAge(std::string_view flag, std::string_view text,
                                             const Ui& ui);

// "yes"/"no" (also true/false, y/n, 1/0; any case).
Result<bool> ParseYesNo(std::string_view flag, std::string_view text, const Ui& ui);

// "name=小明;age=9" -> {{"name","小明"},{"age","9"}}, keys lower-cased with '-' read as '_',
// keys and values trimmed, empty segments skipped. Fails on a segment without '=', an empty
// key or a key given twice. Values may contain '='.
using KeyValues = std::vector<std::pair<std::string, std::string>>;
Result<KeyValues> ParseKeyValues(std::string_view flag, std::string_view spec, const Ui& ui);

// Keys accepted by --child and --guardian, in help order.
const std::vector<std::string>& ChildKeys();
const std::vector<std::string>& GuardianKeys();

// A --child spec (keys: ChildKeys()). `age_given` is set when the spec has an age key.
Result<v1::Child> ParseChildSpec(std::string_view spec, const Ui& ui, bool* age_given);
// A --guardian spec (keys: GuardianKeys()).
Result<v1::Guardian> ParseGuardianSpec(std::string_view spec, const Ui& ui);

// A jurisdiction code as typed: trimmed, full-width digits read as ASCII ones (the server
// checks the code).
std::string NormalizeCode(std::string_view text);

// The value of `type` named by `text` (short name, case-insensitive, or full name). Fails on
// an unknown name and on the *_UNSPECIFIED value, listing the valid short names.
Result<int> ParseEnumValue(const google::protobuf::EnumDescriptor* type, std::string_view flag,
                           std::string_view text, const Ui& ui);

template <typename E>
Result<E> ParseEnumFlag(std::string_view flag, std::string_view text, const Ui& ui) {
  Result<int> r = ParseEnumValue(google::protobuf::GetEnumDescriptor<E>(), flag, text, ui);
  if (!r.ok()) return Error{r.error()};
  return static_cast<E>(r.value());
}

// The valid short names of `type`, joined with ", ".
std::string EnumChoices(const google::protobuf::EnumDescriptor* type);

// "a, b,,c " -> {"a","b","c"}; "，" and "、" also separate, and full-width digits are read
// as ASCII ones (NarrowDigits).
std::vector<std::string> SplitList(std::string_view text);

// `text` with the full-width digits "０".."９" (U+FF10..U+FF19, what Chinese input methods
// type by default) replaced by "0".."9". Every number, code, phone and choice the CLI reads
// goes through it; free text (names, narratives) does not.
std::string NarrowDigits(std::string_view text);

// `text` without leading and trailing whitespace.
std::string Trim(std::string_view text);

// A phone number as people write it, "010-6500 1234", "(010) 65001234" or "138 0000 0000",
// without the spaces (also U+3000), dashes, dots and brackets between its digits (also their
// full-width forms "－", "．", "（", "）"), and with full-width digits read as ASCII ones.
// Only that spelling is changed: the server checks what is left.
std::string NormalizePhone(std::string_view text);

}  // namespace hotline::cli
