// Every enum value and desk type the CLI shows has a Chinese name, and English shows the
// short names the flags and the routing table use.
#include "cli/enum_labels.h"

#include <catch2/catch.hpp>
#include <set>

#include "hotline/v1/case.pb.h"
#include "hotline/v1/desk.pb.h"
#include "router/routing_table.h"

namespace hotline::cli {
namespace {

const Ui kEnglish(Lang::kEnglish);
const Ui kChinese(Lang::kChinese);

TEST_CASE("Every value of every enum the CLI shows has one Chinese name", "[enum_labels]") {
  for (const google::protobuf::EnumDescriptor* type :
       {v1::Channel_descriptor(), v1::Urgency_descriptor(), v1::DistressCategory_descriptor(),
        v1::ReporterRelation_descriptor(), v1::Sex_descriptor(), v1::Service_descriptor(),
        v1::CaseKind_descriptor(), v1::CaseStatus_descriptor(), v1::AssignmentStatus_descriptor(),
        v1::FeedbackState_descriptor(), v1::UpdateKind_descriptor()}) {
    std::set<std::string> names;  // two values of one enum must not read the same
    for (int i = 1; i < type->value_count(); ++i) {
      const google::protobuf::EnumValueDescriptor* value = type->value(i);
      INFO(value->full_name());
      const std::string zh = EnumLabel(type, value->number(), kChinese);
      CHECK_FALSE(ChineseEnumLabel(value->name()).empty());
      CHECK(zh == ChineseEnumLabel(value->name()));
      CHECK(names.insert(zh).second);
      CHECK(EnumLabel(type, value->number(), kEnglish) == proto::ShortName(type, value->number()));
    }
  }
}

TEST_CASE("Every desk type of the routing table has a Chinese name", "[enum_labels]") {
  std::set<std::string> names;
  for (const std::string& type : router::KnownDeskTypes()) {
    INFO(type);
    CHECK_FALSE(ChineseDeskType(type).empty());
    CHECK(names.insert(DeskTypeLabel(type, kChinese)).second);
    CHECK(DeskTypeLabel(type, kEnglish) == type);
  }
  CHECK(DeskTypeLabel("no_such_type", kChinese) == "no_such_type");
}

TEST_CASE("EnumText shows nothing for an unset value and the UI's name otherwise",
          "[enum_labels]") {
  CHECK(EnumText(v1::URGENCY_UNSPECIFIED, kChinese).empty());
  CHECK(EnumText(v1::URGENCY_UNSPECIFIED, kEnglish).empty());
  CHECK(EnumText(v1::DISTRESS_CATEGORY_NEGLECT, kChinese) == "忽视");
  CHECK(EnumText(v1::DISTRESS_CATEGORY_LEFT_BEHIND, kEnglish) == "left_behind");
  CHECK(EnumText(v1::ASSIGNMENT_STATUS_PENDING, kChinese) == "待签收");
  CHECK(EnumText(static_cast<v1::CaseStatus>(99), kEnglish) ==
        proto::ShortName(v1::CaseStatus_descriptor(), 99));
}

}  // namespace
}  // namespace hotline::cli
