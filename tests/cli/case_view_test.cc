#include "cli/case_view.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>

namespace hotline::cli {
namespace {

const Ui kEnglish(Lang::kEnglish);

void UseUtc() {
  setenv("TZ", "UTC", 1);
  tzset();
}

v1::Case RoutedCase() {
  v1::Case c;
  c.set_case_number("HL-2026-000007");
  c.set_kind(v1::CASE_KIND_REPORT);
  c.set_status(v1::CASE_STATUS_ROUTED);
  c.mutable_create_time()->set_seconds(1767225600);  // 2026-01-01 00:00 UTC
  v1::Report* r = c.mutable_report();
  r->set_urgency(v1::URGENCY_URGENT);
  r->add_categories(v1::DISTRESS_CATEGORY_BEGGING);
  r->add_categories(v1::DISTRESS_CATEGORY_VAGRANCY);
  v1::Assignment* a = c.add_assignments();
  a->set_desk_id("police-110105");
  a->set_desk_name("朝阳分局");
  a->set_desk_type("police");
  a->mutable_ack_deadline()->set_seconds(1767229200);  // 01:00 UTC
  a->set_resolution("type police resolved at 110105");
  c.mutable_routing()->set_table_version("v3");
  return c;
}

TEST_CASE("RenderSubmittedReport shows the case and its desks", "[case_view]") {
  UseUtc();
  CHECK(RenderSubmittedReport(RoutedCase(), kEnglish, TableStyle{}) ==
        "Case        HL-2026-000007\n"
        "Status      routed\n"
        "Urgency     urgent\n"
        "Categories  begging, vagrancy\n"
        "\n"
        "DESK ID        DESK      TYPE    DEADLINE          RESOLUTION\n"
        "police-110105  朝阳分局  police  2026-01-01 01:00  type police resolved at 110105\n"
        "routed by table v3\n");
}

TEST_CASE("RenderCaseList shows one aligned row per case", "[case_view]") {
  UseUtc();
  google::protobuf::RepeatedPtrField<v1::Case> cases;
  *cases.Add() = RoutedCase();
  v1::Case* inquiry = cases.Add();
  inquiry->set_case_number("HL-2026-000008");
  inquiry->set_kind(v1::CASE_KIND_INQUIRY);
  inquiry->set_status(v1::CASE_STATUS_CLOSED);
  CHECK(RenderCaseList(cases, kEnglish, TableStyle{}) ==
        "NUMBER          CREATED           KIND     STATUS  URGENCY  CATEGORIES         DESKS\n"
        "HL-2026-000007  2026-01-01 00:00  report   routed  urgent   begging, vagrancy  "
        "police-110105\n"
        "HL-2026-000008  -                 inquiry  closed  -        -                  -\n");
  CHECK(RenderCaseList({}, kEnglish, TableStyle{}) == "no cases\n");
}

TEST_CASE("RenderHistory shortens hashes and prints the payload below", "[case_view]") {
  UseUtc();
  google::protobuf::RepeatedPtrField<v1::AuditEvent> events;
  v1::AuditEvent* e = events.Add();
  e->set_seq(12);
  e->mutable_time()->set_seconds(1767225605);
  e->set_actor("op1");
  e->set_type("note.added");
  e->set_payload_json("{\"private_sha256\":\"ab\"}");
  e->set_hash(std::string(64, 'f'));
  e->set_private_text("called back");
  const std::string text = RenderHistory(events, false, kEnglish, TableStyle{});
  CHECK(text ==
        "SEQ  TIME                 ACTOR  TYPE        HASH\n"
        "12   2026-01-01 00:00:05  op1    note.added  ffffffffffff\n"
        "    {\"private_sha256\":\"ab\"}\n"
        "    text: called back\n");
  CHECK(RenderHistory(events, true, kEnglish, TableStyle{}).find(std::string(64, 'f')) !=
        std::string::npos);
}

TEST_CASE(
    "RenderAssignments with status leads with the id and adds outcome and replaces "
    "columns only when used",
    "[case_view]") {
  UseUtc();
  v1::Case c = RoutedCase();
  c.mutable_assignments(0)->set_id(41);
  c.mutable_assignments(0)->set_status(v1::ASSIGNMENT_STATUS_PENDING);
  CHECK(RenderAssignments(c.assignments(), true, kEnglish, TableStyle{}) ==
        "ID  DESK ID        DESK      TYPE    STATUS   DEADLINE          RESOLUTION\n"
        "41  police-110105  朝阳分局  police  pending  2026-01-01 01:00  "
        "type police resolved at 110105\n");

  c.mutable_assignments(0)->set_status(v1::ASSIGNMENT_STATUS_DECLINED);
  v1::Assignment* successor = c.add_assignments();
  successor->set_id(42);
  successor->set_desk_id("center");
  successor->set_desk_type("center");
  successor->set_status(v1::ASSIGNMENT_STATUS_RESOLVED);
  successor->set_replaces_assignment_id(41);
  successor->set_outcome("child_safe");
  successor->mutable_ack_deadline()->set_seconds(1767232800);  // 02:00 UTC
  successor->mutable_overdue_time()->set_seconds(1767232801);
  successor->set_resolution("declined by police-110105");
  CHECK(RenderAssignments(c.assignments(), true, kEnglish, TableStyle{}) ==
        "ID  DESK ID        DESK      TYPE    STATUS    DEADLINE                  OUTCOME     "
        "REPLACES  RESOLUTION\n"
        "41  police-110105  朝阳分局  police  declined  2026-01-01 01:00          -           -"
        "         type police resolved at 110105\n"
        "42  center         -         center  resolved  2026-01-01 02:00 overdue  child_safe  "
        "#41       declined by police-110105\n");
  // Without status (what `hotline report` prints) the table stays as it was.
  CHECK(RenderAssignments(c.assignments(), false, kEnglish, TableStyle{}).rfind("DESK ID", 0) == 0);
}

TEST_CASE("RenderCaseSummary and RenderCase show the feedback state", "[case_view]") {
  UseUtc();
  v1::Case c = RoutedCase();
  c.set_status(v1::CASE_STATUS_RESOLVED);
  c.set_feedback(v1::FEEDBACK_STATE_DUE);
  CHECK(RenderCaseSummary(c, kEnglish) ==
        "Case      HL-2026-000007\n"
        "Kind      report\n"
        "Status    resolved\n"
        "Feedback  due\n");
  CHECK(RenderCase(c, Ui(Lang::kChinese), TableStyle{}).find("结果反馈  待反馈\n") !=
        std::string::npos);
  c.clear_feedback();
  CHECK(RenderCaseSummary(c, kEnglish).find("Feedback") == std::string::npos);
}

TEST_CASE("AgeText", "[case_view]") {
  v1::Child child;
  CHECK(AgeText(child, kEnglish) == "unknown");
  child.mutable_age()->set_min_years(6);
  child.mutable_age()->set_max_years(8);
  CHECK(AgeText(child, kEnglish) == "6-8");
  child.mutable_age()->set_max_years(6);
  CHECK(AgeText(child, Ui(Lang::kChinese)) == "6");
}

}  // namespace
}  // namespace hotline::cli
