#include "cli/report_prompts.h"

#include "proto/enum_names.h"

namespace hotline::cli {

bool AskMissingReportFields(ReportDraft& draft, Prompter& prompter, const Ui& ui,
                            const ReportPromptScope& scope) {
  v1::Report& report = draft.report;
  if (report.categories().empty()) {
    const google::protobuf::EnumDescriptor* type = v1::DistressCategory_descriptor();
    auto names = prompter.AskChoices(ui(Msg::kPromptCategories), proto::ShortNames(type));
    if (!names) return false;
    for (const std::string& name : *names) {
      report.add_categories(static_cast<v1::DistressCategory>(*proto::ParseShortName(type, name)));
    }
  }
  if (report.urgency() == v1::URGENCY_UNSPECIFIED) {
    const google::protobuf::EnumDescriptor* type = v1::Urgency_descriptor();
    auto name = prompter.AskChoice(ui(Msg::kPromptUrgency), proto::ShortNames(type));
    if (!name) return false;
    report.set_urgency(static_cast<v1::Urgency>(*proto::ParseShortName(type, *name)));
  }
  if (report.children().empty()) {
    report.add_children();
    draft.age_given.assign(1, false);
  }
  draft.age_given.resize(static_cast<size_t>(report.children_size()), false);
  for (int i = 0; i < report.children_size(); ++i) {
    v1::Child* child = report.mutable_children(i);
    const int number = i + 1;
    if (child->jurisdiction_code().empty()) {
      auto code = prompter.AskLine(ui.Format(Msg::kPromptJurisdiction, number));
      if (!code) return false;
      child->set_jurisdiction_code(*code);
    }
    if (!draft.age_given[static_cast<size_t>(i)]) {
      auto answer = prompter.AskLine(ui.Format(Msg::kPromptAge, number), [&](const std::string& a) {
        Result<std::optional<v1::AgeRange>> age = ParseAge(ui(Msg::kLabelAge), a, ui);
        return age.ok() ? std::string() : age.error();
      });
      if (!answer) return false;
      Result<std::optional<v1::AgeRange>> age = ParseAge(ui(Msg::kLabelAge), *answer, ui);
      if (age.value()) *child->mutable_age() = *age.value();
      draft.age_given[static_cast<size_t>(i)] = true;
    }
  }
  if (!scope.narrative_and_reporter) return true;
  if (report.narrative().empty()) {
    auto narrative = prompter.AskLine(ui(Msg::kPromptNarrative));
    if (!narrative) return false;
    report.set_narrative(*narrative);
  }
  v1::Reporter* reporter = report.mutable_reporter();
  if (!reporter->anonymous() && reporter->phone().empty()) {
    auto phone = prompter.AskLine(ui(Msg::kPromptReporterPhone));
    if (!phone) return false;
    reporter->set_phone(*phone);
  }
  return true;
}

}  // namespace hotline::cli
