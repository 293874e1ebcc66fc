#include "cli/desk_view.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <sstream>

#include "cli/display_width.h"

namespace hotline::cli {
namespace {

const Ui kEnglish(Lang::kEnglish);
const Ui kChinese(Lang::kChinese);
constexpr int64_t kMidnight = 1767225600;  // 2026-01-01 00:00 UTC
constexpr int64_t kHour = 3600;

void UseUtc() {
  setenv("TZ", "UTC", 1);
  tzset();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Display column at which `needle` starts in `line`.
int ColumnOf(const std::string& line, const std::string& needle) {
  const size_t at = line.find(needle);
  REQUIRE(at != std::string::npos);
  return DisplayWidth(line.substr(0, at));
}

v1::AssignmentWithCase Item(int64_t id, const std::string& desk, v1::AssignmentStatus status,
                            int64_t deadline) {
  v1::AssignmentWithCase item;
  v1::Assignment* a = item.mutable_assignment();
  a->set_id(id);
  a->set_desk_id(desk);
  a->set_status(status);
  a->set_case_number("HL-2026-0000" + std::to_string(id));
  a->mutable_ack_deadline()->set_seconds(deadline);
  v1::CaseSummary* c = item.mutable_case_summary();
  c->set_case_number(a->case_number());
  c->set_urgency(v1::URGENCY_URGENT);
  c->add_categories(v1::DISTRESS_CATEGORY_BEGGING);
  c->add_categories(v1::DISTRESS_CATEGORY_VAGRANCY);
  return item;
}

google::protobuf::RepeatedPtrField<v1::AssignmentWithCase> ThreeAssignments() {
  google::protobuf::RepeatedPtrField<v1::AssignmentWithCase> items;
  // Pending, deadline passed: overdue.
  *items.Add() = Item(42, "police-110105", v1::ASSIGNMENT_STATUS_PENDING, kMidnight + kHour);
  // Acknowledged after the deadline: not overdue.
  *items.Add() = Item(43, "center", v1::ASSIGNMENT_STATUS_ACKNOWLEDGED, kMidnight + kHour);
  // Pending, deadline still ahead.
  *items.Add() = Item(44, "school-110105", v1::ASSIGNMENT_STATUS_PENDING, kMidnight + 3 * kHour);
  return items;
}

TEST_CASE("IsOverdue: pending past the deadline, or marked by the server", "[desk_view]") {
  v1::Assignment a;
  a.set_status(v1::ASSIGNMENT_STATUS_PENDING);
  CHECK_FALSE(IsOverdue(a, kMidnight));  // No deadline.
  a.mutable_ack_deadline()->set_seconds(kMidnight);
  CHECK_FALSE(IsOverdue(a, kMidnight));  // Exactly at the deadline.
  CHECK(IsOverdue(a, kMidnight + 1));
  a.set_status(v1::ASSIGNMENT_STATUS_ACKNOWLEDGED);
  CHECK_FALSE(IsOverdue(a, kMidnight + 1));
  a.set_status(v1::ASSIGNMENT_STATUS_ESCALATED);
  CHECK_FALSE(IsOverdue(a, kMidnight + 1));
  a.set_status(v1::ASSIGNMENT_STATUS_PENDING);
  a.mutable_ack_deadline()->set_seconds(kMidnight + kHour);
  CHECK_FALSE(IsOverdue(a, kMidnight));
  a.mutable_overdue_time()->set_seconds(kMidnight);  // The server says so.
  CHECK(IsOverdue(a, kMidnight));
}

TEST_CASE("RenderAssignmentList marks overdue pending assignments", "[desk_view]") {
  UseUtc();
  CHECK(RenderAssignmentList(ThreeAssignments(), kMidnight + 2 * kHour, kEnglish, TableStyle{}) ==
        "ID  DESK ID        CASE            URGENCY  CATEGORIES         STATUS        DEADLINE\n"
        "42  police-110105  HL-2026-000042  urgent   begging, vagrancy  pending       "
        "2026-01-01 01:00 overdue\n"
        "43  center         HL-2026-000043  urgent   begging, vagrancy  acknowledged  "
        "2026-01-01 01:00\n"
        "44  school-110105  HL-2026-000044  urgent   begging, vagrancy  pending       "
        "2026-01-01 03:00\n");
  // An hour earlier nothing is overdue yet.
  CHECK(
      RenderAssignmentList(ThreeAssignments(), kMidnight, kEnglish, TableStyle{}).find("overdue") ==
      std::string::npos);
  CHECK(RenderAssignmentList({}, kMidnight, kEnglish, TableStyle{}) == "no assignments\n");
}

TEST_CASE("RenderAssignmentList aligns Chinese headers and marks by display width", "[desk_view]") {
  UseUtc();
  const std::vector<std::string> lines = Lines(
      RenderAssignmentList(ThreeAssignments(), kMidnight + 2 * kHour, kChinese, TableStyle{}));
  REQUIRE(lines.size() == 4);
  // Statuses, urgency and categories in Chinese too (enum_labels.h).
  CHECK(lines[0] ==
        "编号  机构编号       案件编号        紧急程度  困境类别    状态    签收时限");
  CHECK(lines[1] ==
        "42    police-110105  HL-2026-000042  紧急      乞讨, 流浪  待签收  "
        "2026-01-01 01:00 已逾期");
  for (const std::string& line : lines) CHECK(line.back() != ' ');
  CHECK(ColumnOf(lines[1], "police") == ColumnOf(lines[0], "机构编号"));
  CHECK(ColumnOf(lines[2], "HL-2026-000043") == ColumnOf(lines[0], "案件编号"));
  CHECK(ColumnOf(lines[1], "乞讨") == ColumnOf(lines[0], "困境类别"));
  CHECK(ColumnOf(lines[2], "已签收") == ColumnOf(lines[0], "状态"));
  CHECK(ColumnOf(lines[2], "2026-01-01") == ColumnOf(lines[0], "签收时限"));
  CHECK(lines[3].find("已逾期") == std::string::npos);
  CHECK(RenderAssignmentList({}, kMidnight, kChinese, TableStyle{}) == "没有分派\n");
}

v1::WatchAssignmentsResponse CreatedEvent() {
  v1::WatchAssignmentsResponse r;
  r.set_cursor("v2.12.89abcdef");
  v1::AssignmentEvent* e = r.mutable_event();
  e->set_seq(12);
  e->set_type("assignment.created");
  e->mutable_time()->set_seconds(kMidnight + 5);
  e->set_actor("op1");
  *e->mutable_assignment() =
      Item(42, "police-110105", v1::ASSIGNMENT_STATUS_PENDING, 0).assignment();
  *e->mutable_case_summary() =
      Item(42, "police-110105", v1::ASSIGNMENT_STATUS_PENDING, 0).case_summary();
  return r;
}

TEST_CASE("WatchLine prints one event on one line", "[desk_view]") {
  UseUtc();
  CHECK(WatchLine(CreatedEvent(), kEnglish) ==
        "2026-01-01 00:00:05  v2.12.89abcdef       assignment.created       #42  police-110105  "
        "HL-2026-000042  urgent  begging, vagrancy  pending");
}

TEST_CASE("WatchLine adds the update kind and keeps fields on one line", "[desk_view]") {
  UseUtc();
  v1::WatchAssignmentsResponse r = CreatedEvent();
  r.set_cursor("v2.1234567.89abcdef");
  v1::AssignmentEvent* e = r.mutable_event();
  e->set_type("assignment.updated");
  e->set_update_kind(v1::UPDATE_KIND_HOME_VISIT);
  e->mutable_assignment()->set_status(v1::ASSIGNMENT_STATUS_ACKNOWLEDGED);
  e->mutable_assignment()->set_desk_id("desk\nwith break");
  CHECK(WatchLine(r, kEnglish) ==
        "2026-01-01 00:00:05  v2.1234567.89abcdef  assignment.updated       #42  desk with break  "
        "HL-2026-000042  urgent  begging, vagrancy  acknowledged home-visit");
}

TEST_CASE("WatchLine prints '-' for missing fields and lines up event types", "[desk_view]") {
  UseUtc();
  v1::WatchAssignmentsResponse r;
  r.mutable_event()->set_type("assignment.acknowledged");
  const std::string line = WatchLine(r, kEnglish);
  CHECK(line == "-  -                    assignment.acknowledged  -  -  -  -  -  -");
  v1::WatchAssignmentsResponse created = CreatedEvent();
  created.set_cursor("");
  created.mutable_event()->clear_time();
  CHECK(ColumnOf(WatchLine(created, kEnglish), "#42") == ColumnOf(line, "  -  -  -") + 2);
}

TEST_CASE("WatchLine prints heartbeats", "[desk_view]") {
  UseUtc();
  v1::WatchAssignmentsResponse r;
  r.set_cursor("v2.12.89abcdef");
  r.mutable_heartbeat()->mutable_time()->set_seconds(kMidnight + 20);
  CHECK(WatchLine(r, kEnglish) == "2026-01-01 00:00:20  v2.12.89abcdef       heartbeat");
  CHECK(WatchLine(r, kChinese) == "2026-01-01 00:00:20  v2.12.89abcdef       心跳");
}

TEST_CASE("WatchJsonLine is one JSON object per line that reads back", "[desk_view]") {
  v1::WatchAssignmentsResponse heartbeat;
  heartbeat.set_cursor("v2.12.89abcdef");
  heartbeat.mutable_heartbeat()->mutable_time()->set_seconds(kMidnight);
  for (const v1::WatchAssignmentsResponse& r : {CreatedEvent(), heartbeat}) {
    const std::string line = WatchJsonLine(r);
    INFO(line);
    REQUIRE(line.size() > 2);
    CHECK(line.front() == '{');
    CHECK(line.substr(line.size() - 2) == "}\n");
    CHECK(line.find('\n') == line.size() - 1);
    CHECK(line.find("\"cursor\":\"v2.12.89abcdef\"") != std::string::npos);
    v1::WatchAssignmentsResponse back;
    REQUIRE(google::protobuf::util::JsonStringToMessage(line, &back).ok());
    CHECK(google::protobuf::util::MessageDifferencer::Equals(back, r));
  }
  CHECK(WatchJsonLine(heartbeat) ==
        "{\"cursor\":\"v2.12.89abcdef\",\"heartbeat\":{\"time\":\"2026-01-01T00:00:00Z\"}}\n");
  CHECK(WatchJsonLine(CreatedEvent()).find("\"event\":{\"seq\":\"12\"") != std::string::npos);
}

TEST_CASE("RenderAssignmentChange names the new status and any successor", "[desk_view]") {
  v1::AssignmentChange ack;
  ack.mutable_assignment()->set_id(42);
  ack.mutable_assignment()->set_desk_id("police-110105");
  ack.mutable_assignment()->set_case_number("HL-2026-000007");
  ack.mutable_assignment()->set_status(v1::ASSIGNMENT_STATUS_ACKNOWLEDGED);
  ack.set_case_status(v1::CASE_STATUS_IN_PROGRESS);
  CHECK(RenderAssignmentChange(ack, kEnglish) ==
        "assignment #42 (police-110105): acknowledged; case HL-2026-000007: in_progress");

  v1::AssignmentChange decline = ack;
  decline.mutable_assignment()->set_status(v1::ASSIGNMENT_STATUS_DECLINED);
  decline.set_case_status(v1::CASE_STATUS_ROUTED);
  v1::Assignment* s = decline.mutable_successor();
  s->set_id(43);
  s->set_desk_id("center");
  s->set_resolution("declined by police-110105:\nno next target");
  CHECK(RenderAssignmentChange(decline, kEnglish) ==
        "assignment #42 (police-110105): declined; case HL-2026-000007: routed; taken over by "
        "#43 (center): declined by police-110105: no next target");
  CHECK(RenderAssignmentChange(decline, kChinese) ==
        "分派 #42（police-110105）：已退回；案件 HL-2026-000007：已分派；由 #43（center）接办："
        "declined by police-110105: no next target");
}

TEST_CASE("RenderPostedUpdate", "[desk_view]") {
  v1::AssignmentUpdate u;
  u.set_seq(57);
  u.set_assignment_id(42);
  u.set_kind(v1::UPDATE_KIND_INVESTIGATION_FINDING);
  CHECK(RenderPostedUpdate(u, kEnglish) == "update 57 posted on assignment #42 (finding)");
}

TEST_CASE("RenderAssignmentDetail shows the assignment, its case and its updates", "[desk_view]") {
  UseUtc();
  v1::GetAssignmentResponse r;
  v1::Assignment* a = r.mutable_assignment();
  *a = Item(43, "center", v1::ASSIGNMENT_STATUS_PENDING, kMidnight).assignment();
  a->set_desk_name("市未保中心");
  a->set_replaces_assignment_id(42);
  a->set_resolution("declined by police-110105");
  r.mutable_case_()->set_case_number(a->case_number());
  r.mutable_case_()->set_feedback(v1::FEEDBACK_STATE_PENDING);
  *r.mutable_case_()->add_assignments() = *a;
  const std::string text = RenderAssignmentDetail(r, kMidnight + kHour, kEnglish, TableStyle{});
  INFO(text);
  CHECK(text.rfind("Assignment    #43\n"
                   "Desk          center (市未保中心)\n"
                   "Status        pending\n"
                   "Case          HL-2026-000043\n"
                   "Ack deadline  2026-01-01 00:00 overdue\n"
                   "Resolution    declined by police-110105\n"
                   "Replaces      #42\n"
                   "\n"
                   "Case      HL-2026-000043\n"  // The case block, aligned on its own.
                   "Feedback  pending\n",
                   0) == 0);
  CHECK(text.find("REPLACES") != std::string::npos);  // The case's assignments table.
  CHECK(text.substr(text.size() - 19) == "Updates\nno updates\n");

  v1::AssignmentUpdate* u = r.add_updates();
  u->set_seq(57);
  u->mutable_time()->set_seconds(kMidnight + 61);
  u->set_actor("police-cy");
  u->set_kind(v1::UPDATE_KIND_HOME_VISIT);
  u->set_text(std::string(100, 'x') + "\nsecond line");
  const std::string with_update =
      RenderAssignmentDetail(r, kMidnight + kHour, kEnglish, TableStyle{});
  // The text is printed below its row, whole (never shortened).
  CHECK(with_update.substr(with_update.find("Updates\n")) ==
        "Updates\n"
        "SEQ  TIME                 ACTOR      KIND\n"
        "57   2026-01-01 00:01:01  police-cy  home-visit\n"
        "    " +
            std::string(100, 'x') +
            "\n"
            "    second line\n");
}

TEST_CASE("RenderCaseAccess lists the reads of a case", "[desk_view]") {
  UseUtc();
  google::protobuf::RepeatedPtrField<v1::CaseAccess> accesses;
  v1::CaseAccess* a = accesses.Add();
  a->set_seq(9);
  a->mutable_time()->set_seconds(kMidnight + 1);
  a->set_actor("police-cy");
  a->set_role("agency");
  a->set_rpc("Desk.GetAssignment");
  a = accesses.Add();
  a->set_seq(10);
  a->mutable_time()->set_seconds(kMidnight + 2);
  a->set_actor("王丽");
  a->set_role("supervisor");
  a->set_rpc("GetCase");
  CHECK(RenderCaseAccess(accesses, kEnglish, TableStyle{}) ==
        "SEQ  TIME                 ACTOR      ROLE        RPC\n"
        "9    2026-01-01 00:00:01  police-cy  agency      Desk.GetAssignment\n"
        "10   2026-01-01 00:00:02  王丽       supervisor  GetCase\n");
  CHECK(RenderCaseAccess({}, kEnglish, TableStyle{}) == "no reads recorded\n");
  CHECK(RenderCaseAccess({}, kChinese, TableStyle{}) == "没有查阅记录\n");
}

}  // namespace
}  // namespace hotline::cli
