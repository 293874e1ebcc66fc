#include "proto/enum_names.h"

#include <cctype>

namespace hotline::proto {
namespace {

// The common prefix of a contract enum: the name of its zero value without "UNSPECIFIED".
std::string_view Prefix(const google::protobuf::EnumDescriptor* type) {
  static constexpr std::string_view kUnspecified = "UNSPECIFIED";
  const google::protobuf::EnumValueDescriptor* zero = type->FindValueByNumber(0);
  if (zero == nullptr) return {};
  std::string_view name = zero->name();
  if (name.size() < kUnspecified.size() ||
      name.substr(name.size() - kUnspecified.size()) != kUnspecified) {
    return {};
  }
  return name.substr(0, name.size() - kUnspecified.size());
}

}  // namespace

std::string ShortName(const google::protobuf::EnumDescriptor* type, int value) {
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByNumber(value);
  if (v == nullptr) return "";
  std::string_view name = v->name();
  std::string_view prefix = Prefix(type);
  if (name.substr(0, prefix.size()) == prefix) name.remove_prefix(prefix.size());
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<int> ParseShortName(const google::protobuf::EnumDescriptor* type,
                                  std::string_view name) {
  std::string upper(name);
  for (char& c : upper) {
    c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const google::protobuf::EnumValueDescriptor* v = type->FindValueByName(upper);
  if (v == nullptr) v = type->FindValueByName(std::string(Prefix(type)) + upper);
  if (v == nullptr || v->number() == 0) return std::nullopt;
  return v->number();
}

std::vector<std::string> ShortNames(const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> out;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) out.push_back(ShortName(type, type->value(i)->number()));
  }
  return out;
}

}  // namespace hotline::proto
