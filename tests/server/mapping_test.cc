// Mapping of wire reports to routing facts: reporter kinds, facts, hashing, traces.
#include "server/mapping.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "router/routing_table.h"
#include "tests/server/test_util.h"

namespace hotline::server {
namespace {

using testing::ValidReportRequest;

TEST_CASE("Sha256Hex matches the FIPS 180-2 test vectors", "[mapping][sha256]") {
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // Bytes, not C strings: an embedded NUL counts.
  CHECK(Sha256Hex(std::string_view("a\0b", 3)) != Sha256Hex("a"));
}

TEST_CASE("ReporterKind derives the routing table's reporter kinds", "[mapping][reporter]") {
  struct Case {
    std::string name;
    std::function<void(v1::Report&)> set;
    std::string kind;
  };
  const std::vector<Case> cases = {
      {"anonymous", [](v1::Report& r) { r.mutable_reporter()->set_anonymous(true); }, "anonymous"},
      {"anonymous wins over every other fact",
       [](v1::Report& r) {
         r.set_channel(v1::CHANNEL_AGENCY_REFERRAL);
         r.mutable_reporter()->set_anonymous(true);
         r.mutable_reporter()->set_relation(v1::REPORTER_RELATION_SELF);
         r.mutable_reporter()->set_mandated_reporter(true);
       },
       "anonymous"},
      {"the child calling",
       [](v1::Report& r) { r.mutable_reporter()->set_relation(v1::REPORTER_RELATION_SELF); },
       "self"},
      {"the child, through an agency",
       [](v1::Report& r) {
         r.set_channel(v1::CHANNEL_AGENCY_REFERRAL);
         r.mutable_reporter()->set_relation(v1::REPORTER_RELATION_SELF);
       },
       "self"},
      {"agency referral by police",
       [](v1::Report& r) {
         r.set_channel(v1::CHANNEL_AGENCY_REFERRAL);
         r.mutable_reporter()->set_relation(v1::REPORTER_RELATION_POLICE);
       },
       "agency"},
      {"agency referral by a neighbour",
       [](v1::Report& r) { r.set_channel(v1::CHANNEL_AGENCY_REFERRAL); }, "agency"},
      {"teacher",
       [](v1::Report& r) { r.mutable_reporter()->set_relation(v1::REPORTER_RELATION_TEACHER); },
       "mandated"},
      {"doctor",
       [](v1::Report& r) { r.mutable_reporter()->set_relation(v1::REPORTER_RELATION_DOCTOR); },
       "mandated"},
      {"social worker",
       [](v1::Report& r) {
         r.mutable_reporter()->set_relation(v1::REPORTER_RELATION_SOCIAL_WORKER);
       },
       "mandated"},
      {"police officer calling",
       [](v1::Report& r) { r.mutable_reporter()->set_relation(v1::REPORTER_RELATION_POLICE); },
       "mandated"},
      {"neighbour flagged mandated",
       [](v1::Report& r) { r.mutable_reporter()->set_mandated_reporter(true); }, "mandated"},
      {"neighbour", [](v1::Report&) {}, "public"},
      {"parent",
       [](v1::Report& r) { r.mutable_reporter()->set_relation(v1::REPORTER_RELATION_PARENT); },
       "public"},
      {"passer-by online",
       [](v1::Report& r) {
         r.set_channel(v1::CHANNEL_ONLINE);
         r.mutable_reporter()->set_relation(v1::REPORTER_RELATION_PASSERBY);
       },
       "public"},
      {"no reporter at all", [](v1::Report& r) { r.clear_reporter(); }, "public"},
  };
  const std::vector<std::string>& known = router::KnownReporterKinds();
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      v1::Report report = ValidReportRequest().report();  // a neighbour, by phone
      report.mutable_reporter()->clear_name();
      report.mutable_reporter()->clear_phone();
      c.set(report);
      const std::string kind = ReporterKind(report);
      CHECK(kind == c.kind);
      CHECK(std::find(known.begin(), known.end(), kind) != known.end());
    }
  }
}

TEST_CASE("ToFacts carries categories, urgency, reporter kind and each child", "[mapping][facts]") {
  v1::Report report = ValidReportRequest().report();
  report.add_categories(v1::DISTRESS_CATEGORY_LEFT_BEHIND);
  report.set_urgency(v1::URGENCY_IMMEDIATE_DANGER);
  report.mutable_reporter()->set_relation(v1::REPORTER_RELATION_TEACHER);
  // Child 0: age 9, school given, attends_school unset -> attends.
  v1::Child* explicit_no = report.add_children();
  explicit_no->set_jurisdiction_code("110105001001");
  explicit_no->set_school("former school");
  explicit_no->set_attends_school(false);
  explicit_no->mutable_age()->set_min_years(3);
  explicit_no->mutable_age()->set_max_years(5);
  v1::Child* unknown = report.add_children();
  unknown->set_jurisdiction_code("11");
  v1::Child* explicit_yes = report.add_children();
  explicit_yes->set_jurisdiction_code("1101");
  explicit_yes->set_attends_school(true);

  const router::Facts facts = ToFacts(report);
  CHECK(facts.categories == std::vector<std::string>{"begging", "left_behind"});
  CHECK(facts.urgency == "immediate_danger");
  CHECK(facts.reporter_kind == "mandated");
  REQUIRE(facts.children.size() == 4);

  CHECK(facts.children[0].jurisdiction == "110105");
  CHECK(facts.children[0].age_min == 9);
  CHECK(facts.children[0].age_max == 9);
  CHECK(facts.children[0].attends_school == true);

  CHECK(facts.children[1].jurisdiction == "110105001001");
  CHECK(facts.children[1].age_min == 3);
  CHECK(facts.children[1].age_max == 5);
  REQUIRE(facts.children[1].attends_school.has_value());
  CHECK_FALSE(*facts.children[1].attends_school);  // explicit false beats the school name

  CHECK(facts.children[2].jurisdiction == "11");
  CHECK_FALSE(facts.children[2].age_min.has_value());
  CHECK_FALSE(facts.children[2].age_max.has_value());
  CHECK_FALSE(facts.children[2].attends_school.has_value());

  CHECK(facts.children[3].attends_school == true);
}

TEST_CASE("every category and urgency maps to a name the routing table knows", "[mapping][facts]") {
  const std::vector<std::string>& categories = router::KnownCategories();
  const std::vector<std::string>& urgencies = router::KnownUrgencies();
  for (int value = 1; v1::DistressCategory_IsValid(value); ++value) {
    v1::Report report;
    report.add_categories(static_cast<v1::DistressCategory>(value));
    report.set_urgency(v1::URGENCY_ROUTINE);
    const router::Facts facts = ToFacts(report);
    INFO("category " << value << " -> " << facts.categories.at(0));
    CHECK(std::find(categories.begin(), categories.end(), facts.categories.at(0)) !=
          categories.end());
  }
  for (int value = 1; v1::Urgency_IsValid(value); ++value) {
    v1::Report report;
    report.set_urgency(static_cast<v1::Urgency>(value));
    const router::Facts facts = ToFacts(report);
    INFO("urgency " << value << " -> " << facts.urgency);
    CHECK(std::find(urgencies.begin(), urgencies.end(), facts.urgency) != urgencies.end());
  }
}

TEST_CASE("ToTraceProto and AddDecisionAssignments copy the decision", "[mapping][trace]") {
  router::Decision decision;
  decision.table_version = "t9";
  decision.trace.push_back({1, "begging", true, "categories [begging] matched"});
  decision.trace.push_back({1, "default", false, "an earlier rule matched"});
  router::RoutedTarget target;
  target.desk_id = "police-110105";
  target.desk_type = "police";
  target.desk_name = "朝阳分局";
  target.rule_id = "begging";
  target.resolution = "type police resolved at 110105 for child 2";
  decision.targets.push_back(target);

  const v1::RoutingTrace trace = ToTraceProto(decision);
  CHECK(trace.table_version() == "t9");
  REQUIRE(trace.steps_size() == 2);
  CHECK(trace.steps(0).child_index() == 1);
  CHECK(trace.steps(0).rule_id() == "begging");
  CHECK(trace.steps(0).matched());
  CHECK(trace.steps(0).reason() == "categories [begging] matched");
  CHECK_FALSE(trace.steps(1).matched());

  google::protobuf::RepeatedPtrField<v1::Assignment> assignments;
  AddDecisionAssignments(decision, &assignments);
  REQUIRE(assignments.size() == 1);
  CHECK(assignments[0].desk_id() == "police-110105");
  CHECK(assignments[0].desk_type() == "police");
  CHECK(assignments[0].desk_name() == "朝阳分局");
  CHECK(assignments[0].status() == v1::ASSIGNMENT_STATUS_PENDING);
  CHECK(assignments[0].rule_id() == "begging");
  CHECK(assignments[0].resolution() == target.resolution);
  CHECK(assignments[0].id() == 0);  // the contract shows no ids for a decision not stored
}

// Retention erases every free-text field a caller could have typed personal data into,
// and keeps the facts statistics need. An inquiry's topic (free text, up to 200 characters)
// was kept before.
TEST_CASE("RedactPersonalData keeps no free text of an inquiry", "[mapping][retention]") {
  v1::Inquiry inquiry = testing::ValidInquiryRequest().inquiry();
  inquiry.set_topic("王小明的监护权");
  v1::Inquiry redacted;
  REQUIRE(redacted.ParseFromString(RedactPersonalData("inquiry", inquiry.SerializeAsString())));
  CHECK(redacted.topic().empty());
  CHECK(redacted.question().empty());
  CHECK(redacted.answer().empty());
  CHECK_FALSE(redacted.has_contact());
  CHECK(redacted.channel() == inquiry.channel());
}

TEST_CASE("RedactPersonalData keeps a report's routing facts only", "[mapping][retention]") {
  v1::Report report = ValidReportRequest().report();
  report.mutable_reporter()->set_name("李四");
  report.mutable_reporter()->set_phone("13800000000");
  report.mutable_children(0)->set_name("王小明");
  report.mutable_children(0)->set_address("永安里 3 号");
  report.mutable_children(0)->set_school("永安里小学");
  report.set_narrative("在地铁口乞讨");
  v1::Report redacted;
  REQUIRE(redacted.ParseFromString(RedactPersonalData("report", report.SerializeAsString())));
  CHECK(redacted.reporter().name().empty());
  CHECK(redacted.reporter().phone().empty());
  CHECK(redacted.children(0).name().empty());
  CHECK(redacted.children(0).address().empty());
  CHECK(redacted.children(0).school().empty());
  CHECK(redacted.narrative().empty());
  CHECK(redacted.children(0).jurisdiction_code() == report.children(0).jurisdiction_code());
  CHECK(redacted.categories_size() == report.categories_size());
  CHECK(redacted.urgency() == report.urgency());
}

}  // namespace
}  // namespace hotline::server
