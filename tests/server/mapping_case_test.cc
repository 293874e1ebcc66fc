// ToNewCase (what the store is given) and ToCaseProto (what each caller sees of a case):
// personal data stays in `detail` and out of everything else; views redact as documented.
#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "router/router.h"
#include "server/mapping.h"
#include "tests/server/test_util.h"

namespace hotline::server {
namespace {

using google::protobuf::util::MessageDifferencer;
using testing::kChildName;
using testing::kGuardianPhone;
using testing::kNarrative;
using testing::kReporterName;
using testing::kReporterOrganization;
using testing::kReporterPhone;
using testing::SmallTable;
using testing::ValidInquiryRequest;
using testing::ValidReportRequest;

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

storage::NewCase NewReportCase(const v1::SubmitReportRequest& request) {
  auto table = SmallTable();
  const router::Decision decision = router::Route(*table, ToFacts(request.report()));
  return ToNewCase(request, decision, "wang.li");
}

// Every field of a NewCase except `detail`, concatenated.
std::string AllButDetail(const storage::NewCase& c) {
  std::string out = c.request_id + "|" + c.request_fingerprint + "|" + c.kind + "|" + c.actor +
                    "|" + c.channel + "|" + c.urgency + "|" + c.routing_version + "|" +
                    c.routing_trace;
  for (const std::string& s : c.categories) out += "|" + s;
  for (const std::string& s : c.jurisdictions) out += "|" + s;
  for (const storage::NewAssignment& a : c.assignments) {
    out += "|" + a.desk_id + "|" + a.desk_type + "|" + a.desk_name + "|" + a.rule_id + "|" +
           a.resolution;
  }
  return out;
}

TEST_CASE("ToNewCase for a report: routing facts as short names and the report as detail",
          "[mapping][new_case]") {
  const v1::SubmitReportRequest request = ValidReportRequest();
  const storage::NewCase c = NewReportCase(request);
  CHECK(c.request_id == request.request_id());
  CHECK(c.kind == "report");
  CHECK(c.actor == "wang.li");
  CHECK(c.channel == "phone");
  CHECK(c.urgency == "urgent");
  CHECK(c.categories == std::vector<std::string>{"begging"});
  CHECK(c.jurisdictions == std::vector<std::string>{"110105"});
  CHECK(c.routing_version == "t1");
  CHECK(c.feedback_wanted);  // art. 37: a named reporter is owed feedback
  REQUIRE(c.assignments.size() == 1);
  CHECK(c.assignments[0].desk_id == "police-110105");
  CHECK(c.assignments[0].desk_type == "police");
  CHECK(c.assignments[0].rule_id == "begging");
  CHECK(c.assignments[0].ack_deadline_seconds == 30 * 60);  // the desk's "30m"

  // detail is the report itself, and the fingerprint is its hash.
  v1::Report stored;
  REQUIRE(stored.ParseFromString(c.detail));
  CHECK(MessageDifferencer::Equals(stored, request.report()));
  CHECK(c.request_fingerprint == Sha256Hex(c.detail));
  CHECK(c.request_fingerprint.size() == 64);

  // The trace is the decision's, with no personal data.
  v1::RoutingTrace trace;
  REQUIRE(trace.ParseFromString(c.routing_trace));
  CHECK(trace.table_version() == "t1");
  REQUIRE(trace.steps_size() >= 1);
  CHECK(trace.steps(0).rule_id() == "begging");
  CHECK(trace.steps(0).matched());
}

TEST_CASE("ToNewCase keeps personal data in detail only", "[mapping][new_case]") {
  const storage::NewCase c = NewReportCase(ValidReportRequest());
  for (std::string_view personal :
       {kReporterName, kReporterPhone, kReporterOrganization, kChildName, kNarrative,
        kGuardianPhone, std::string_view("metro exit B")}) {
    INFO(personal);
    CHECK(Contains(c.detail, personal));  // the control: it is in the report
    CHECK_FALSE(Contains(AllButDetail(c), personal));
  }
}

TEST_CASE("ToNewCase: an anonymous reporter is owed no feedback", "[mapping][new_case]") {
  v1::SubmitReportRequest request = ValidReportRequest();
  request.mutable_report()->mutable_reporter()->Clear();
  request.mutable_report()->mutable_reporter()->set_anonymous(true);
  CHECK_FALSE(NewReportCase(request).feedback_wanted);
}

TEST_CASE("the request fingerprint is stable and follows the report body", "[mapping][new_case]") {
  const v1::SubmitReportRequest request = ValidReportRequest();
  const std::string fingerprint = NewReportCase(request).request_fingerprint;

  SECTION("identical requests") {
    CHECK(NewReportCase(request).request_fingerprint == fingerprint);
  }
  SECTION("the same report built in another order and copied") {
    v1::SubmitReportRequest other;
    v1::Report* report = other.mutable_report();
    report->set_narrative(std::string(kNarrative));
    report->add_services_needed(v1::SERVICE_RESCUE);
    report->set_urgency(v1::URGENCY_URGENT);
    report->add_categories(v1::DISTRESS_CATEGORY_BEGGING);
    *report->add_guardians() = request.report().guardians(0);
    *report->add_children() = request.report().children(0);
    *report->mutable_reporter() = request.report().reporter();
    report->set_channel(v1::CHANNEL_PHONE);
    other.set_request_id(request.request_id());
    CHECK(NewReportCase(other).request_fingerprint == fingerprint);
  }
  SECTION("another request_id with the same report: the body is what is fingerprinted") {
    v1::SubmitReportRequest other = request;
    other.set_request_id("another-id");
    CHECK(NewReportCase(other).request_fingerprint == fingerprint);
  }
  SECTION("categories and services are sets: their order is not part of the request") {
    v1::SubmitReportRequest a = request;
    a.mutable_report()->add_categories(v1::DISTRESS_CATEGORY_NEGLECT);
    a.mutable_report()->add_services_needed(v1::SERVICE_MEDICAL);
    v1::SubmitReportRequest b = request;
    b.mutable_report()->clear_categories();
    b.mutable_report()->add_categories(v1::DISTRESS_CATEGORY_NEGLECT);
    b.mutable_report()->add_categories(v1::DISTRESS_CATEGORY_BEGGING);
    b.mutable_report()->clear_services_needed();
    b.mutable_report()->add_services_needed(v1::SERVICE_MEDICAL);
    b.mutable_report()->add_services_needed(v1::SERVICE_RESCUE);
    const storage::NewCase ca = NewReportCase(a);
    const storage::NewCase cb = NewReportCase(b);
    CHECK(ca.request_fingerprint == cb.request_fingerprint);
    CHECK(ca.request_fingerprint != fingerprint);  // one more category is another report
    // Each keeps the order it was given in.
    CHECK(ca.detail != cb.detail);
    CHECK(ca.categories == std::vector<std::string>{"begging", "neglect"});
    CHECK(cb.categories == std::vector<std::string>{"neglect", "begging"});
  }
  SECTION("a different narrative") {
    v1::SubmitReportRequest other = request;
    other.mutable_report()->set_narrative(std::string(kNarrative) + ".");
    CHECK(NewReportCase(other).request_fingerprint != fingerprint);
  }
  SECTION("a different child age") {
    v1::SubmitReportRequest other = request;
    other.mutable_report()->mutable_children(0)->mutable_age()->set_max_years(10);
    CHECK(NewReportCase(other).request_fingerprint != fingerprint);
  }
  SECTION("a different reporter phone") {
    v1::SubmitReportRequest other = request;
    other.mutable_report()->mutable_reporter()->set_phone("13800000001");
    CHECK(NewReportCase(other).request_fingerprint != fingerprint);
  }
}

TEST_CASE("ToNewCase for an inquiry: no routing, no feedback", "[mapping][new_case]") {
  const v1::SubmitInquiryRequest request = ValidInquiryRequest();
  const storage::NewCase c = ToNewCase(request, "wang.li");
  CHECK(c.request_id == "inq-1");
  CHECK(c.kind == "inquiry");
  CHECK(c.actor == "wang.li");
  CHECK(c.channel == "online");
  CHECK(c.urgency.empty());
  CHECK(c.categories.empty());
  CHECK(c.jurisdictions.empty());
  CHECK(c.assignments.empty());
  CHECK(c.routing_version.empty());
  CHECK(c.routing_trace.empty());
  CHECK_FALSE(c.feedback_wanted);
  v1::Inquiry stored;
  REQUIRE(stored.ParseFromString(c.detail));
  CHECK(MessageDifferencer::Equals(stored, request.inquiry()));
  CHECK(c.request_fingerprint == Sha256Hex(c.detail));
  CHECK_FALSE(Contains(AllButDetail(c), kReporterPhone));

  v1::SubmitInquiryRequest changed = request;
  changed.mutable_inquiry()->set_answer("another answer");
  CHECK(ToNewCase(changed, "wang.li").request_fingerprint != c.request_fingerprint);
}

// A stored report as the store returns it: built from ToNewCase's output.
storage::CaseRecord StoredReport() {
  const storage::NewCase c = NewReportCase(ValidReportRequest());
  storage::CaseRecord r;
  r.id = 7;
  r.case_number = "HL-2026-000007";
  r.kind = "report";
  r.status = "routed";
  r.channel = c.channel;
  r.urgency = c.urgency;
  r.categories = c.categories;
  r.jurisdictions = c.jurisdictions;
  r.created_by = "wang.li";
  r.request_id = c.request_id;
  r.created_ms = 1772323200000;  // 2026-03-01T00:00:00Z
  r.updated_ms = 1772323200000;
  r.detail = c.detail;
  r.routing_version = c.routing_version;
  r.routing_trace = c.routing_trace;
  r.feedback_wanted = c.feedback_wanted;
  r.routing_table_version = 3;
  storage::AssignmentRecord a;
  a.id = 11;
  a.case_id = 7;
  a.desk_id = "police-110105";
  a.desk_type = "police";
  a.desk_name = "朝阳分局";
  a.rule_id = "begging";
  a.status = "pending";
  a.created_ms = r.created_ms;
  a.ack_deadline_ms = r.created_ms + 1800 * 1000;
  a.updated_ms = r.created_ms;
  a.case_number = r.case_number;
  r.assignments.push_back(a);
  return r;
}

std::string Serialized(const v1::Case& c) {
  std::string out;
  REQUIRE(c.SerializeToString(&out));
  return out;
}

TEST_CASE("ToCaseProto kFull shows everything", "[mapping][case_view]") {
  const v1::Case c = ToCaseProto(StoredReport(), CaseView::kFull);
  CHECK(c.id() == 7);
  CHECK(c.case_number() == "HL-2026-000007");
  CHECK(c.kind() == v1::CASE_KIND_REPORT);
  CHECK(c.status() == v1::CASE_STATUS_ROUTED);
  CHECK(c.create_time().seconds() == 1772323200);
  CHECK_FALSE(c.has_close_time());
  CHECK(c.created_by() == "wang.li");
  CHECK(c.feedback() == v1::FEEDBACK_STATE_PENDING);
  CHECK(c.routing_table_version() == 3);
  REQUIRE(c.has_report());
  CHECK(MessageDifferencer::Equals(c.report(), ValidReportRequest().report()));
  CHECK(c.report().reporter().phone() == kReporterPhone);
  CHECK(c.report().reporter().name() == kReporterName);
  REQUIRE(c.has_routing());
  CHECK(c.routing().table_version() == "t1");
  REQUIRE(c.assignments_size() == 1);
  CHECK(c.assignments(0).id() == 11);
  CHECK(c.assignments(0).status() == v1::ASSIGNMENT_STATUS_PENDING);
  CHECK(c.assignments(0).ack_deadline().seconds() == 1772323200 + 1800);
  CHECK(Contains(Serialized(c), kReporterPhone));
}

TEST_CASE("ToCaseProto kRedactReporter removes the reporter's identity (art. 74)",
          "[mapping][case_view]") {
  const v1::Case c = ToCaseProto(StoredReport(), CaseView::kRedactReporter);
  REQUIRE(c.has_report());
  const v1::Reporter& reporter = c.report().reporter();
  CHECK(reporter.name().empty());
  CHECK(reporter.phone().empty());
  CHECK(reporter.organization().empty());
  CHECK(reporter.relation() == v1::REPORTER_RELATION_NEIGHBOR);  // not identity: kept
  const std::string bytes = Serialized(c);
  CHECK_FALSE(Contains(bytes, kReporterPhone));
  CHECK_FALSE(Contains(bytes, kReporterName));
  CHECK_FALSE(Contains(bytes, kReporterOrganization));
  // What the desk needs to act on stays.
  CHECK(c.report().narrative() == kNarrative);
  CHECK(c.report().children(0).name() == kChildName);
  CHECK(c.report().guardians(0).phone() == kGuardianPhone);
  CHECK(c.has_routing());
  CHECK(c.assignments_size() == 1);
}

TEST_CASE("ToCaseProto kRedactReporter removes an inquiry's contact", "[mapping][case_view]") {
  const storage::NewCase n = ToNewCase(ValidInquiryRequest(), "wang.li");
  storage::CaseRecord r;
  r.case_number = "HL-2026-000008";
  r.kind = "inquiry";
  r.status = "closed";
  r.channel = n.channel;
  r.detail = n.detail;

  const v1::Case full = ToCaseProto(r, CaseView::kFull);
  REQUIRE(full.has_inquiry());
  CHECK(full.inquiry().contact().phone() == kReporterPhone);
  CHECK(full.feedback() == v1::FEEDBACK_STATE_NOT_NEEDED);

  const v1::Case redacted = ToCaseProto(r, CaseView::kRedactReporter);
  REQUIRE(redacted.has_inquiry());
  CHECK(redacted.inquiry().question() == ValidInquiryRequest().inquiry().question());
  const std::string bytes = Serialized(redacted);
  CHECK_FALSE(Contains(bytes, kReporterPhone));
  CHECK_FALSE(Contains(bytes, kReporterName));

  const v1::Case summary = ToCaseProto(r, CaseView::kSummary);
  CHECK(summary.detail_case() == v1::Case::DETAIL_NOT_SET);
  CHECK_FALSE(Contains(Serialized(summary), kReporterPhone));
}

TEST_CASE("ToCaseProto kSummary drops the detail and the trace", "[mapping][case_view]") {
  const v1::Case c = ToCaseProto(StoredReport(), CaseView::kSummary);
  CHECK(c.case_number() == "HL-2026-000007");
  CHECK_FALSE(c.has_routing());
  // What the case is about stays: channel, urgency, categories, children's codes.
  REQUIRE(c.has_report());
  CHECK(c.report().channel() == v1::CHANNEL_PHONE);
  CHECK(c.report().urgency() == v1::URGENCY_URGENT);
  REQUIRE(c.report().categories_size() == 1);
  CHECK(c.report().categories(0) == v1::DISTRESS_CATEGORY_BEGGING);
  REQUIRE(c.report().children_size() == 1);
  CHECK(c.report().children(0).jurisdiction_code() == "110105");
  // The detail does not.
  CHECK_FALSE(c.report().has_reporter());
  CHECK(c.report().narrative().empty());
  CHECK(c.report().guardians_size() == 0);
  CHECK(c.report().children(0).name().empty());
  CHECK_FALSE(c.report().children(0).has_age());
  const std::string bytes = Serialized(c);
  for (std::string_view personal :
       {kReporterName, kReporterPhone, kChildName, kNarrative, kGuardianPhone}) {
    INFO(personal);
    CHECK_FALSE(Contains(bytes, personal));
  }
  CHECK(c.assignments_size() == 1);
}

TEST_CASE("FeedbackStateOf follows art. 37", "[mapping][feedback]") {
  storage::CaseRecord r = StoredReport();
  CHECK(FeedbackStateOf(r) == v1::FEEDBACK_STATE_PENDING);
  r.status = "resolved";
  CHECK(FeedbackStateOf(r) == v1::FEEDBACK_STATE_DUE);
  r.status = "closed";
  CHECK(FeedbackStateOf(r) == v1::FEEDBACK_STATE_DUE);
  r.feedback_ms = r.created_ms + 1;
  CHECK(FeedbackStateOf(r) == v1::FEEDBACK_STATE_GIVEN);
  r.feedback_wanted = false;
  CHECK(FeedbackStateOf(r) == v1::FEEDBACK_STATE_NOT_NEEDED);
}

}  // namespace
}  // namespace hotline::server
