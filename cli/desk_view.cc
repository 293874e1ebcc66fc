#include "cli/desk_view.h"

#include "cli/case_view.h"
#include "cli/desk_flags.h"
#include "cli/display_width.h"
#include "cli/key_value.h"
#include "cli/output.h"

namespace hotline::cli {
namespace {

// Watch lines line up while cursors are at most "v2.1234567.89abcdef" and event types at
// most "assignment.acknowledged" wide.
constexpr int kCursorWidth = 19;
constexpr int kEventTypeWidth = 23;
constexpr std::string_view kWatchGap = "  ";

std::string IdText(int64_t id) { return id == 0 ? std::string() : "#" + std::to_string(id); }

std::string DeskText(const v1::Assignment& a) {
  if (a.desk_name().empty() || a.desk_name() == a.desk_id()) return a.desk_id();
  return a.desk_id() + " (" + a.desk_name() + ")";
}

std::string DeadlineText(const v1::Assignment& a, int64_t now_seconds, const Ui& ui) {
  std::string text = FormatLocalTime(a.ack_deadline());
  if (IsOverdue(a, now_seconds)) text += (text.empty() ? "" : " ") + ui(Msg::kOverdue);
  return text;
}

// Joins `fields` with the watch gap; an empty field prints "-".
std::string JoinFields(std::initializer_list<std::string> fields) {
  std::string out;
  for (const std::string& field : fields) {
    if (!out.empty()) out += kWatchGap;
    out += field.empty() ? "-" : OneLine(field);
  }
  return out;
}

std::string UpdatesText(const v1::GetAssignmentResponse& r, const Ui& ui, const TableStyle& style) {
  if (r.updates().empty()) return ui(Msg::kNoUpdates) + "\n";
  Table table({ui(Msg::kColSeq), ui(Msg::kColTime), ui(Msg::kColActor), ui(Msg::kColKind)});
  for (const v1::AssignmentUpdate& u : r.updates()) {
    table.AddRow({std::to_string(u.seq()), FormatLocalTime(u.time(), true), u.actor(),
                  UpdateKindName(u.kind())},
                 u.text());
  }
  return table.Render(style);
}

}  // namespace

bool IsOverdue(const v1::Assignment& a, int64_t now_seconds) {
  if (a.status() != v1::ASSIGNMENT_STATUS_PENDING) return false;
  if (a.has_overdue_time()) return true;
  return a.has_ack_deadline() && a.ack_deadline().seconds() < now_seconds;
}

std::string RenderAssignmentList(
    const google::protobuf::RepeatedPtrField<v1::AssignmentWithCase>& assignments,
    int64_t now_seconds, const Ui& ui, const TableStyle& style) {
  if (assignments.empty()) return ui(Msg::kNoAssignmentsListed) + "\n";
  Table table({ui(Msg::kColId), ui(Msg::kColDeskId), ui(Msg::kColCase), ui(Msg::kColUrgency),
               ui(Msg::kColCategories), ui(Msg::kColStatus), ui(Msg::kColDeadline)});
  for (const v1::AssignmentWithCase& item : assignments) {
    const v1::Assignment& a = item.assignment();
    const v1::CaseSummary& c = item.case_summary();
    table.AddRow({std::to_string(a.id()), a.desk_id(),
                  a.case_number().empty() ? c.case_number() : a.case_number(),
                  EnumText(c.urgency(), ui), CategoryNames(c.categories(), ui),
                  EnumText(a.status(), ui), DeadlineText(a, now_seconds, ui)});
  }
  return table.Render(style);
}

std::string RenderAssignmentDetail(const v1::GetAssignmentResponse& r, int64_t now_seconds,
                                   const Ui& ui, const TableStyle& style) {
  const v1::Assignment& a = r.assignment();
  KeyValueBlock block;
  block.Add(ui(Msg::kLabelAssignment), IdText(a.id()));
  block.Add(ui(Msg::kLabelDesk), DeskText(a));
  block.Add(ui(Msg::kLabelDeskType), DeskTypeLabel(a.desk_type(), ui));
  block.Add(ui(Msg::kLabelStatus), EnumText(a.status(), ui));
  block.Add(ui(Msg::kLabelCase), a.case_number());
  block.Add(ui(Msg::kLabelRule), a.rule_id());
  block.Add(ui(Msg::kLabelCreated), FormatLocalTime(a.create_time()));
  block.Add(ui(Msg::kLabelUpdated), FormatLocalTime(a.update_time()));
  block.Add(ui(Msg::kLabelAckDeadline), DeadlineText(a, now_seconds, ui));
  block.Add(ui(Msg::kLabelOverdueSince), FormatLocalTime(a.overdue_time()));
  block.Add(ui(Msg::kLabelResolution), a.resolution());
  block.Add(ui(Msg::kLabelReplaces), IdText(a.replaces_assignment_id()));
  block.Add(ui(Msg::kLabelOutcome), a.outcome());
  std::string out = block.Render();
  // The case block opens with its own "Case" line.
  if (r.has_case_()) out += "\n" + RenderCase(r.case_(), ui, style);
  return out + "\n" + ui(Msg::kSectionUpdates) + "\n" + UpdatesText(r, ui, style);
}

std::string RenderAssignmentChange(const v1::AssignmentChange& change, const Ui& ui) {
  const v1::Assignment& a = change.assignment();
  std::string out = ui.Format(Msg::kAssignmentChange, a.id(), a.desk_id(), EnumText(a.status(), ui),
                              a.case_number(), EnumText(change.case_status(), ui));
  if (change.has_successor() && change.successor().id() != 0) {
    const v1::Assignment& s = change.successor();
    out += ui.Format(Msg::kAssignmentSuccessor, s.id(), s.desk_id(), s.resolution());
  }
  return OneLine(out);
}

std::string RenderPostedUpdate(const v1::AssignmentUpdate& update, const Ui& ui) {
  return ui.Format(Msg::kUpdatePosted, update.seq(), update.assignment_id(),
                   UpdateKindName(update.kind()));
}

std::string WatchLine(const v1::WatchAssignmentsResponse& r, const Ui& ui) {
  const std::string cursor =
      PadToWidth(r.cursor().empty() ? "-" : OneLine(r.cursor()), kCursorWidth);
  if (r.has_heartbeat()) {
    return JoinFields({FormatLocalTime(r.heartbeat().time(), true), cursor, ui(Msg::kHeartbeat)});
  }
  const v1::AssignmentEvent& e = r.event();
  const v1::Assignment& a = e.assignment();
  const v1::CaseSummary& c = e.case_summary();
  std::string status = EnumText(a.status(), ui);
  if (e.update_kind() != v1::UPDATE_KIND_UNSPECIFIED) {
    status += (status.empty() ? "" : " ") + UpdateKindName(e.update_kind());
  }
  const std::string type = PadToWidth(e.type().empty() ? "-" : OneLine(e.type()), kEventTypeWidth);
  return JoinFields({FormatLocalTime(e.time(), true), cursor, type, IdText(a.id()), a.desk_id(),
                     a.case_number().empty() ? c.case_number() : a.case_number(),
                     EnumText(c.urgency(), ui), CategoryNames(c.categories(), ui), status});
}

std::string WatchJsonLine(const v1::WatchAssignmentsResponse& r) { return ToJson(r) + "\n"; }

std::string RenderCaseAccess(const google::protobuf::RepeatedPtrField<v1::CaseAccess>& accesses,
                             const Ui& ui, const TableStyle& style) {
  if (accesses.empty()) return ui(Msg::kNoAccesses) + "\n";
  Table table({ui(Msg::kColSeq), ui(Msg::kColTime), ui(Msg::kColActor), ui(Msg::kColRole),
               ui(Msg::kColRpc)});
  for (const v1::CaseAccess& access : accesses) {
    table.AddRow({std::to_string(access.seq()), FormatLocalTime(access.time(), true),
                  access.actor(), access.role(), access.rpc()});
  }
  return table.Render(style);
}

}  // namespace hotline::cli
