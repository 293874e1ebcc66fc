#include "cli/enum_labels.h"

#include <array>
#include <utility>

namespace hotline::cli {
namespace {

using Label = std::pair<std::string_view, std::string_view>;

// Every value the CLI shows (tests/cli/enum_labels_test.cc checks none is missing).
constexpr std::array kEnumLabels = {
    Label{"CHANNEL_PHONE", "电话"},
    Label{"CHANNEL_ONLINE", "网络"},
    Label{"CHANNEL_WALK_IN", "来访"},
    Label{"CHANNEL_LETTER", "信件"},
    Label{"CHANNEL_AGENCY_REFERRAL", "单位转介"},
    Label{"URGENCY_IMMEDIATE_DANGER", "紧急危险"},
    Label{"URGENCY_URGENT", "紧急"},
    Label{"URGENCY_ROUTINE", "一般"},
    Label{"DISTRESS_CATEGORY_NEGLECT", "忽视"},
    Label{"DISTRESS_CATEGORY_ABANDONMENT", "遗弃"},
    Label{"DISTRESS_CATEGORY_ABUSE", "虐待"},
    Label{"DISTRESS_CATEGORY_EXPLOITATION", "剥削"},
    Label{"DISTRESS_CATEGORY_TRAFFICKING", "拐卖"},
    Label{"DISTRESS_CATEGORY_DOMESTIC_VIOLENCE", "家庭暴力"},
    Label{"DISTRESS_CATEGORY_SEXUAL_ABUSE", "性侵害"},
    Label{"DISTRESS_CATEGORY_BEGGING", "乞讨"},
    Label{"DISTRESS_CATEGORY_VAGRANCY", "流浪"},
    Label{"DISTRESS_CATEGORY_LEFT_UNATTENDED", "无人照料"},
    Label{"DISTRESS_CATEGORY_LEFT_BEHIND", "留守"},
    Label{"DISTRESS_CATEGORY_LIVING_ALONE", "独居"},
    Label{"DISTRESS_CATEGORY_MIGRANT", "流动"},
    Label{"DISTRESS_CATEGORY_DROPOUT", "辍学"},
    Label{"DISTRESS_CATEGORY_PSYCHOLOGICAL_CRISIS", "心理危机"},
    Label{"DISTRESS_CATEGORY_ILLNESS", "疾病"},
    Label{"DISTRESS_CATEGORY_GUARDIAN_INCAPACITY", "监护缺失"},
    Label{"DISTRESS_CATEGORY_INSTIGATED_CRIME", "被教唆犯罪"},
    Label{"DISTRESS_CATEGORY_NO_HOUSEHOLD_REGISTRATION", "无户籍"},
    Label{"DISTRESS_CATEGORY_DISABILITY", "残疾"},
    Label{"DISTRESS_CATEGORY_POVERTY", "贫困"},
    Label{"DISTRESS_CATEGORY_UNKNOWN_IDENTITY", "身份不明"},
    Label{"DISTRESS_CATEGORY_OTHER", "其他"},
    Label{"REPORTER_RELATION_SELF", "本人"},
    Label{"REPORTER_RELATION_PARENT", "父母"},
    Label{"REPORTER_RELATION_RELATIVE", "亲属"},
    Label{"REPORTER_RELATION_NEIGHBOR", "邻居"},
    Label{"REPORTER_RELATION_TEACHER", "教师"},
    Label{"REPORTER_RELATION_DOCTOR", "医生"},
    Label{"REPORTER_RELATION_SOCIAL_WORKER", "社工"},
    Label{"REPORTER_RELATION_POLICE", "民警"},
    Label{"REPORTER_RELATION_PASSERBY", "路人"},
    Label{"REPORTER_RELATION_OTHER", "其他"},
    Label{"SEX_FEMALE", "女"},
    Label{"SEX_MALE", "男"},
    Label{"SEX_UNKNOWN", "不详"},
    Label{"SERVICE_RESCUE", "现场救助"},
    Label{"SERVICE_SHELTER", "临时照料"},
    Label{"SERVICE_MEDICAL", "医疗救治"},
    Label{"SERVICE_COUNSELING", "心理疏导"},
    Label{"SERVICE_LEGAL_AID", "法律援助"},
    Label{"SERVICE_FINANCIAL_ASSISTANCE", "经济救助"},
    Label{"SERVICE_EDUCATION", "教育帮扶"},
    Label{"SERVICE_FAMILY_SUPPORT", "家庭监护指导"},
    Label{"SERVICE_HOUSEHOLD_REGISTRATION", "户籍登记"},
    Label{"SERVICE_OTHER", "其他"},
    Label{"CASE_KIND_REPORT", "报告"},
    Label{"CASE_KIND_INQUIRY", "咨询"},
    Label{"CASE_STATUS_RECEIVED", "已接收"},
    Label{"CASE_STATUS_ROUTED", "已分派"},
    Label{"CASE_STATUS_IN_PROGRESS", "办理中"},
    Label{"CASE_STATUS_RESOLVED", "已办结"},
    Label{"CASE_STATUS_CLOSED", "已结案"},
    Label{"ASSIGNMENT_STATUS_PENDING", "待签收"},
    Label{"ASSIGNMENT_STATUS_ACKNOWLEDGED", "已签收"},
    Label{"ASSIGNMENT_STATUS_RESOLVED", "已办结"},
    Label{"ASSIGNMENT_STATUS_DECLINED", "已退回"},
    Label{"ASSIGNMENT_STATUS_TRANSFERRED", "已转交"},
    Label{"ASSIGNMENT_STATUS_WITHDRAWN", "已撤回"},
    Label{"ASSIGNMENT_STATUS_ESCALATED", "已升级"},
    Label{"FEEDBACK_STATE_NOT_NEEDED", "无需反馈"},
    Label{"FEEDBACK_STATE_PENDING", "办理中"},
    Label{"FEEDBACK_STATE_DUE", "待反馈"},
    Label{"FEEDBACK_STATE_GIVEN", "已反馈"},
    Label{"UPDATE_KIND_INVESTIGATION_FINDING", "调查情况"},
    Label{"UPDATE_KIND_HOME_VISIT", "入户走访"},
    Label{"UPDATE_KIND_ACTION_TAKEN", "处置措施"},
    Label{"UPDATE_KIND_NOTE", "备注"},
};

// router::KnownDeskTypes() (tests/cli/enum_labels_test.cc checks none is missing).
constexpr std::array kDeskTypeLabels = {
    Label{"community", "社区"},
    Label{"police", "公安"},
    Label{"school", "学校"},
    Label{"center", "保护中心"},
    Label{"medical", "医疗"},
    Label{"judicial", "法院"},
    Label{"procuratorate", "检察院"},
    Label{"civil_affairs", "民政"},
    Label{"women_federation", "妇联"},
    Label{"youth_league", "团委"},
    Label{"disabled_federation", "残联"},
    Label{"education_bureau", "教育局"},
};

template <size_t N>
std::string_view Find(const std::array<Label, N>& labels, std::string_view key) {
  for (const Label& label : labels) {
    if (label.first == key) return label.second;
  }
  return {};
}

}  // namespace

std::string_view ChineseEnumLabel(std::string_view full_name) {
  return Find(kEnumLabels, full_name);
}

std::string_view ChineseDeskType(std::string_view type) { return Find(kDeskTypeLabels, type); }

std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int value, const Ui& ui) {
  if (value == 0) return "";
  if (ui.lang() == Lang::kChinese) {
    if (const google::protobuf::EnumValueDescriptor* v = type->FindValueByNumber(value)) {
      if (std::string_view zh = ChineseEnumLabel(v->name()); !zh.empty()) return std::string(zh);
    }
  }
  return proto::ShortName(type, value);
}

std::vector<Choice> EnumPromptChoices(const google::protobuf::EnumDescriptor* type, const Ui& ui) {
  std::vector<Choice> out;
  for (int i = 0; i < type->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* value = type->value(i);
    if (value->number() == 0) continue;
    Choice choice{
        proto::ShortName(type, value->number()), EnumLabel(type, value->number(), ui), {}};
    if (std::string_view zh = ChineseEnumLabel(value->name()); !zh.empty()) {
      choice.aliases.emplace_back(zh);
    }
    out.push_back(std::move(choice));
  }
  return out;
}

std::string DeskTypeLabel(std::string_view type, const Ui& ui) {
  if (ui.lang() == Lang::kChinese) {
    if (std::string_view zh = ChineseDeskType(type); !zh.empty()) return std::string(zh);
  }
  return std::string(type);
}

}  // namespace hotline::cli
