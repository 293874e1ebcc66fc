// What the CLI shows for enum values and desk types: in Chinese, the Chinese name (the
// guideline's own terms where it has one: 忽视, 遗弃, 监护缺失 …); in English, the short name
// the flags and the routing table use ("begging"). JSON output keeps the enum names.
#pragma once

#include <google/protobuf/generated_enum_reflection.h>

#include <string>
#include <string_view>
#include <vector>

#include "cli/i18n.h"
#include "cli/prompt.h"
#include "proto/enum_names.h"

namespace hotline::cli {

// The Chinese name of enum value `full_name` ("URGENCY_URGENT"), or "" when there is none.
std::string_view ChineseEnumLabel(std::string_view full_name);
// The Chinese name of a desk type ("police"), or "" when there is none.
std::string_view ChineseDeskType(std::string_view type);

// `value` of `type` as the UI shows it; "" for the *_UNSPECIFIED value (0).
std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int value, const Ui& ui);
// A desk type as the UI shows it (an unknown type as it is).
std::string DeskTypeLabel(std::string_view type, const Ui& ui);

// The values of `type` (but *_UNSPECIFIED) as a prompt offers them: named by their short
// names, shown as EnumLabel shows them, and accepted by the Chinese name in either language.
std::vector<Choice> EnumPromptChoices(const google::protobuf::EnumDescriptor* type, const Ui& ui);

template <typename E>
std::string EnumText(E value, const Ui& ui) {
  return EnumLabel(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value), ui);
}

}  // namespace hotline::cli
