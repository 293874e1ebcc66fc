// Short, lower-case names for the contract's enums: DISTRESS_CATEGORY_BEGGING <-> "begging".
// The routing table, the CLI flags and the audit payloads use the short names. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/generated_enum_reflection.h>

namespace hotline::proto {

// The short name of `value` in `type` ("" for an unknown value).
std::string ShortName(const google::protobuf::EnumDescriptor* type, int value);

// Parses a short name ("begging"), case-insensitively, or a full name
// ("DISTRESS_CATEGORY_BEGGING"). nullopt for unknown names and for the *_UNSPECIFIED value.
std::optional<int> ParseShortName(const google::protobuf::EnumDescriptor* type,
                                  std::string_view name);

// Every short name of `type` except the *_UNSPECIFIED value, in declaration order.
std::vector<std::string> ShortNames(const google::protobuf::EnumDescriptor* type);

template <typename E>
std::string ShortName(E value) {
  return ShortName(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}

}  // namespace hotline::proto
