#include "cli/report_prompts.h"

#include <charconv>

#include "cli/enum_labels.h"
#include "proto/enum_names.h"

namespace hotline::cli {

bool AskMissingReportFields(ReportDraft& draft, Prompter& prompter, const Ui& ui,
                            const ReportPromptScope& scope) {
  v1::Report& report = draft.report;
  if (report.categories().empty()) {
    const google::protobuf::EnumDescriptor* type = v1::DistressCategory_descriptor();
    auto names = prompter.AskChoices(ui(Msg::kPromptCategories), EnumPromptChoices(type, ui));
    if (!names) return false;
    for (const std::string& name : *names) {
      report.add_categories(static_cast<v1::DistressCategory>(*proto::ParseShortName(type, name)));
    }
  }
  if (report.urgency() == v1::URGENCY_UNSPECIFIED) {
    const google::protobuf::EnumDescriptor* type = v1::Urgency_descriptor();
    auto name = prompter.AskChoice(ui(Msg::kPromptUrgency), EnumPromptChoices(type, ui));
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
      child->set_jurisdiction_code(NormalizeCode(*code));
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
  if (!reporter->anonymous() && reporter->phone().empty() && !draft.phone_asked) {
    // A caller who gives no number and no name stays anonymous (no call-back, art. 37).
    auto phone = prompter.AskOptionalLine(ui(Msg::kPromptReporterPhone));
    if (!phone) return false;
    draft.phone_asked = true;
    reporter->set_phone(NormalizePhone(*phone));
    if (reporter->phone().empty() && reporter->name().empty()) reporter->set_anonymous(true);
  }
  return true;
}

bool ClearRefusedField(std::string_view message, ReportDraft& draft) {
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos) return false;
  const std::string_view field = message.substr(0, colon);
  const auto is = [field](std::string_view path) {
    return field == path || (field.starts_with(path) && field.size() > path.size() &&
                             (field[path.size()] == '.' || field[path.size()] == '['));
  };
  v1::Report& report = draft.report;
  if (is("report.categories")) {
    report.clear_categories();
    return true;
  }
  if (is("report.urgency")) {
    report.clear_urgency();
    return true;
  }
  if (is("report.narrative")) {
    report.clear_narrative();
    return true;
  }
  // The phone itself, or the reporter as a whole (anonymous, yet a phone) when the phone is
  // all the form filled in; a refusal that may be about the name is not the form's to fix.
  v1::Reporter* reporter = report.mutable_reporter();
  if (is("report.reporter.phone") || (field == "report.reporter" && reporter->name().empty())) {
    reporter->clear_phone();
    reporter->set_anonymous(false);
    draft.phone_asked = false;
    return true;
  }
  // report.children[i].jurisdiction_code / report.children[i].age...
  static constexpr std::string_view kChild = "report.children[";
  if (!field.starts_with(kChild)) return false;
  const size_t close = field.find(']', kChild.size());
  if (close == std::string_view::npos) return false;
  int index = -1;
  const std::string_view digits = field.substr(kChild.size(), close - kChild.size());
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (error != std::errc() || end != digits.data() + digits.size() || index < 0 ||
      index >= report.children_size()) {
    return false;
  }
  const std::string_view rest = field.substr(close + 1);
  v1::Child* child = report.mutable_children(index);
  if (rest == ".jurisdiction_code") {
    child->clear_jurisdiction_code();
    return true;
  }
  if (rest == ".age" || rest.starts_with(".age.")) {
    child->clear_age();
    draft.age_given.resize(static_cast<size_t>(report.children_size()), true);
    draft.age_given[static_cast<size_t>(index)] = false;
    return true;
  }
  return false;
}

}  // namespace hotline::cli
