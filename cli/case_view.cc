#include "cli/case_view.h"

#include <algorithm>
#include <vector>

#include "cli/display_width.h"
#include "cli/durations.h"
#include "cli/key_value.h"
#include "cli/output.h"

namespace hotline::cli {
namespace {

std::string YesNo(bool value, const Ui& ui) { return ui(value ? Msg::kYes : Msg::kNo); }

std::string DesksText(const Assignments& assignments) {
  std::vector<std::string> ids;
  for (const v1::Assignment& a : assignments) {
    if (std::find(ids.begin(), ids.end(), a.desk_id()) == ids.end()) ids.push_back(a.desk_id());
  }
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

std::string ServicesText(const v1::Report& report, const Ui& ui) {
  std::string out;
  for (int s : report.services_needed()) {
    out += (out.empty() ? "" : ", ") + EnumText(static_cast<v1::Service>(s), ui);
  }
  return out;
}

void AddReporter(KeyValueBlock& block, Msg heading, const v1::Reporter& r, const Ui& ui) {
  block.Heading(ui(heading));
  if (r.anonymous()) block.Add(ui(Msg::kLabelAnonymous), ui(Msg::kYes));
  block.Add(ui(Msg::kLabelName), r.name());
  block.Add(ui(Msg::kLabelPhone), r.phone());
  block.Add(ui(Msg::kLabelRelation), EnumText(r.relation(), ui));
  if (r.mandated_reporter()) block.Add(ui(Msg::kLabelMandated), ui(Msg::kYes));
  block.Add(ui(Msg::kLabelOrganization), r.organization());
  block.EndGroup();
}

void AddReport(KeyValueBlock& block, const v1::Report& report, const Ui& ui) {
  block.Add(ui(Msg::kLabelChannel), EnumText(report.channel(), ui));
  block.Add(ui(Msg::kLabelUrgency), EnumText(report.urgency(), ui));
  block.Add(ui(Msg::kLabelCategories), CategoriesText(report, ui));
  block.Add(ui(Msg::kLabelServices), ServicesText(report, ui));
  block.Add(ui(Msg::kLabelNarrative), report.narrative());
  for (int i = 0; i < report.children_size(); ++i) {
    const v1::Child& child = report.children(i);
    block.Heading(ui.Format(Msg::kLabelChild, i + 1));
    block.Add(ui(Msg::kLabelName), child.name());
    block.Add(ui(Msg::kLabelAge), AgeText(child, ui));
    block.Add(ui(Msg::kLabelSex), EnumText(child.sex(), ui));
    block.Add(ui(Msg::kLabelJurisdiction), child.jurisdiction_code());
    block.Add(ui(Msg::kLabelAddress), child.address());
    block.Add(ui(Msg::kLabelSchool), child.school());
    if (child.has_attends_school()) {
      block.Add(ui(Msg::kLabelAttendsSchool), YesNo(child.attends_school(), ui));
    }
  }
  for (int i = 0; i < report.guardians_size(); ++i) {
    const v1::Guardian& g = report.guardians(i);
    block.Heading(ui.Format(Msg::kLabelGuardian, i + 1));
    block.Add(ui(Msg::kLabelName), g.name());
    block.Add(ui(Msg::kLabelRelation), g.relation());
    block.Add(ui(Msg::kLabelPhone), g.phone());
    block.Add(ui(Msg::kLabelAddress), g.address());
    block.Add(ui(Msg::kLabelSituation), g.situation());
  }
  block.EndGroup();
  if (report.has_reporter()) AddReporter(block, Msg::kLabelReporter, report.reporter(), ui);
}

void AddInquiry(KeyValueBlock& block, const v1::Inquiry& inquiry, const Ui& ui) {
  block.Add(ui(Msg::kLabelChannel), EnumText(inquiry.channel(), ui));
  block.Add(ui(Msg::kLabelTopic), inquiry.topic());
  block.Add(ui(Msg::kLabelQuestion), inquiry.question());
  block.Add(ui(Msg::kLabelAnswer), inquiry.answer());
  if (inquiry.has_contact()) AddReporter(block, Msg::kLabelContact, inquiry.contact(), ui);
}

void AddOutcome(KeyValueBlock& block, const v1::Case& c, const Ui& ui) {
  block.Add(ui(Msg::kLabelOutcome), c.outcome());
  block.Add(ui(Msg::kLabelSummary), c.outcome_summary());
  block.Add(ui(Msg::kLabelClosed), FormatLocalTime(c.close_time()));
  block.Add(ui(Msg::kLabelPurged), FormatLocalTime(c.purge_time()));
  block.Add(ui(Msg::kLabelFeedback), EnumText(c.feedback(), ui));
}

std::string DeadlineText(const v1::Assignment& a, const Ui& ui) {
  std::string text = FormatLocalTime(a.ack_deadline());
  if (a.has_overdue_time()) text += (text.empty() ? "" : " ") + ui(Msg::kOverdue);
  return text;
}

}  // namespace

std::string AgeText(const v1::Child& child, const Ui& ui) {
  if (!child.has_age()) return ui(Msg::kUnknown);
  const v1::AgeRange& age = child.age();
  if (age.min_years() == age.max_years()) return std::to_string(age.min_years());
  return std::to_string(age.min_years()) + "-" + std::to_string(age.max_years());
}

std::string CategoryNames(const google::protobuf::RepeatedField<int>& categories, const Ui& ui) {
  std::string out;
  for (int c : categories) {
    out += (out.empty() ? "" : ", ") + EnumText(static_cast<v1::DistressCategory>(c), ui);
  }
  return out;
}

std::string CategoriesText(const v1::Report& report, const Ui& ui) {
  return CategoryNames(report.categories(), ui);
}

std::string RenderAssignments(const Assignments& assignments, bool with_status, const Ui& ui,
                              const TableStyle& style) {
  if (assignments.empty()) return ui(Msg::kNoAssignments) + "\n";
  const auto any = [&](auto has) {
    return std::any_of(assignments.begin(), assignments.end(), has);
  };
  const bool outcomes =
      with_status && any([](const v1::Assignment& a) { return !a.outcome().empty(); });
  const bool successors =
      with_status && any([](const v1::Assignment& a) { return a.replaces_assignment_id() != 0; });
  std::vector<std::string> headers;
  if (with_status) headers.push_back(ui(Msg::kColId));
  for (Msg m : {Msg::kColDeskId, Msg::kColDeskName, Msg::kColType}) headers.push_back(ui(m));
  if (with_status) headers.push_back(ui(Msg::kColStatus));
  headers.push_back(ui(Msg::kColDeadline));
  if (outcomes) headers.push_back(ui(Msg::kColOutcome));
  if (successors) headers.push_back(ui(Msg::kColReplaces));
  headers.push_back(ui(Msg::kColResolution));
  Table table(std::move(headers));
  for (const v1::Assignment& a : assignments) {
    std::vector<std::string> row;
    if (with_status) row.push_back(a.id() == 0 ? "" : std::to_string(a.id()));
    row.push_back(a.desk_id());
    row.push_back(a.desk_name());
    row.push_back(DeskTypeLabel(a.desk_type(), ui));
    if (with_status) row.push_back(EnumText(a.status(), ui));
    row.push_back(DeadlineText(a, ui));
    if (outcomes) row.push_back(a.outcome());
    if (successors) {
      row.push_back(
          a.replaces_assignment_id() == 0 ? "" : "#" + std::to_string(a.replaces_assignment_id()));
    }
    row.push_back(a.resolution());
    table.AddRow(std::move(row));
  }
  return table.Render(style);
}

std::string RenderTrace(const v1::RoutingTrace& trace, const Ui& ui, const TableStyle& style) {
  Table table({ui(Msg::kColChild), ui(Msg::kColRule), ui(Msg::kColMatched), ui(Msg::kColReason)});
  for (const v1::RoutingTrace::RuleStep& step : trace.steps()) {
    table.AddRow({std::to_string(step.child_index() + 1), step.rule_id(), YesNo(step.matched(), ui),
                  step.reason()});
  }
  return table.Render(style);
}

std::string RenderSubmittedReport(const v1::Case& c, const Ui& ui, const TableStyle& style) {
  KeyValueBlock block;
  block.Add(ui(Msg::kLabelCase), c.case_number());
  block.Add(ui(Msg::kLabelStatus), EnumText(c.status(), ui));
  block.Add(ui(Msg::kLabelUrgency), EnumText(c.report().urgency(), ui));
  block.Add(ui(Msg::kLabelCategories), CategoriesText(c.report(), ui));
  return block.Render() + "\n" + RenderAssignments(c.assignments(), false, ui, style) +
         ui.Format(Msg::kRoutedBy, c.routing().table_version()) + "\n";
}

std::string RenderCaseSummary(const v1::Case& c, const Ui& ui) {
  KeyValueBlock block;
  block.Add(ui(Msg::kLabelCase), c.case_number());
  block.Add(ui(Msg::kLabelKind), EnumText(c.kind(), ui));
  block.Add(ui(Msg::kLabelStatus), EnumText(c.status(), ui));
  AddOutcome(block, c, ui);
  return block.Render();
}

std::string RenderCase(const v1::Case& c, const Ui& ui, const TableStyle& style) {
  KeyValueBlock block;
  block.Add(ui(Msg::kLabelCase), c.case_number());
  block.Add(ui(Msg::kLabelKind), EnumText(c.kind(), ui));
  block.Add(ui(Msg::kLabelStatus), EnumText(c.status(), ui));
  block.Add(ui(Msg::kLabelCreated), FormatLocalTime(c.create_time()));
  block.Add(ui(Msg::kLabelUpdated), FormatLocalTime(c.update_time()));
  block.Add(ui(Msg::kLabelCreatedBy), c.created_by());
  block.Add(ui(Msg::kLabelRequestId), c.request_id());
  if (c.has_report()) AddReport(block, c.report(), ui);
  if (c.has_inquiry()) AddInquiry(block, c.inquiry(), ui);
  AddOutcome(block, c, ui);
  std::string out = block.Render();
  if (c.kind() != v1::CASE_KIND_INQUIRY || !c.assignments().empty()) {
    out += "\n" + ui(Msg::kSectionAssignments) + "\n" +
           RenderAssignments(c.assignments(), true, ui, style);
  }
  if (c.has_routing()) {
    out += "\n" + ui.Format(Msg::kSectionRouting, c.routing().table_version()) + "\n" +
           RenderTrace(c.routing(), ui, style);
  }
  return out;
}

std::string RenderExplanation(const v1::ExplainRouteResponse& r, const Ui& ui,
                              const TableStyle& style) {
  std::string out = ui(Msg::kSectionTargetDesks) + "\n";
  if (r.assignments().empty()) {
    out += ui(Msg::kNoAssignments) + "\n";
  } else {
    Table table({ui(Msg::kColDeskId), ui(Msg::kColDeskName), ui(Msg::kColType),
                 ui(Msg::kColDeadline), ui(Msg::kColRule), ui(Msg::kColResolution)});
    for (const v1::Assignment& a : r.assignments()) {
      // The time the desk would have to acknowledge, were the report stored now.
      const int64_t seconds = a.ack_deadline().seconds() - a.create_time().seconds();
      table.AddRow({a.desk_id(), a.desk_name(), DeskTypeLabel(a.desk_type(), ui),
                    a.has_ack_deadline() ? FormatDurationSeconds(seconds) : "-", a.rule_id(),
                    a.resolution()});
    }
    out += table.Render(style);
  }
  return out + "\n" + ui.Format(Msg::kSectionRouting, r.routing().table_version()) + "\n" +
         RenderTrace(r.routing(), ui, style);
}

std::string RenderCaseList(const google::protobuf::RepeatedPtrField<v1::Case>& cases, const Ui& ui,
                           const TableStyle& style) {
  if (cases.empty()) return ui(Msg::kNoCases) + "\n";
  Table table({ui(Msg::kColNumber), ui(Msg::kColCreated), ui(Msg::kColKind), ui(Msg::kColStatus),
               ui(Msg::kColUrgency), ui(Msg::kColCategories), ui(Msg::kColDesks)});
  for (const v1::Case& c : cases) {
    table.AddRow({c.case_number(), FormatLocalTime(c.create_time()), EnumText(c.kind(), ui),
                  EnumText(c.status(), ui), EnumText(c.report().urgency(), ui),
                  CategoriesText(c.report(), ui), DesksText(c.assignments())});
  }
  return table.Render(style);
}

std::string RenderHistory(const google::protobuf::RepeatedPtrField<v1::AuditEvent>& events,
                          bool full_hash, const Ui& ui, const TableStyle& style) {
  if (events.empty()) return ui(Msg::kNoEvents) + "\n";
  TableStyle hash_style = style;
  if (full_hash) {  // Whole hashes are never shortened.
    for (const v1::AuditEvent& e : events) {
      hash_style.max_cell_width = std::max(hash_style.max_cell_width, DisplayWidth(e.hash()));
    }
  }
  Table table({ui(Msg::kColSeq), ui(Msg::kColTime), ui(Msg::kColActor), ui(Msg::kColType),
               ui(Msg::kColHash)});
  for (const v1::AuditEvent& e : events) {
    std::string detail = e.payload_json();
    if (!e.private_text().empty()) {
      detail +=
          (detail.empty() ? "" : "\n") + ui.Format(Msg::kEventText, OneLine(e.private_text()));
    }
    table.AddRow({std::to_string(e.seq()), FormatLocalTime(e.time(), true), e.actor(), e.type(),
                  ShortHash(e.hash(), full_hash)},
                 std::move(detail));
  }
  return table.Render(hash_style);
}

}  // namespace hotline::cli
