// ValidateSubmitReport / ValidateReport: every rule of case.proto's Report. Each refusal is
// INVALID_ARGUMENT whose message starts with the exact field path and says why.
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "server/validation.h"
#include "tests/server/test_util.h"

namespace hotline::server {
namespace {

using testing::IsAccepted;
using testing::IsRefused;
using testing::Repeat;
using testing::SmallTable;
using testing::ValidReportRequest;

using Mutation = std::function<void(v1::SubmitReportRequest&)>;

struct Variant {
  std::string name;
  Mutation mutate;
  std::string field;   // the exact field path the message starts with
  std::string reason;  // a fragment of the reason
};

v1::Reporter& Reporter(v1::SubmitReportRequest& r) {
  return *r.mutable_report()->mutable_reporter();
}
v1::Child& Child0(v1::SubmitReportRequest& r) { return *r.mutable_report()->mutable_children(0); }
v1::Guardian& Guardian0(v1::SubmitReportRequest& r) {
  return *r.mutable_report()->mutable_guardians(0);
}

const std::string kBadUtf8 = "ab\xc3\x28";  // a lead byte followed by a non-continuation byte

TEST_CASE("a complete report passes", "[validation][report]") {
  auto table = SmallTable();
  CHECK_THAT(ValidateSubmitReport(ValidReportRequest(), *table), IsAccepted());
}

TEST_CASE("reports at the edges of the rules pass", "[validation][report]") {
  auto table = SmallTable();
  const std::vector<std::pair<std::string, Mutation>> variants = {
      {"anonymous reporter without name or phone",
       [](auto& r) {
         Reporter(r).Clear();
         Reporter(r).set_anonymous(true);
       }},
      {"phone with a leading +", [](auto& r) { Reporter(r).set_phone("+8613800000000"); }},
      {"5-digit phone", [](auto& r) { Reporter(r).set_phone("12355"); }},
      // Punctuation next to the refused controls in UTF-8 (U+2014, U+2026, U+201C, U+2065 is
      // unassigned but not a control, U+00A0) and line breaks where text may have them.
      {"punctuation beside the bidirectional controls",
       [](auto& r) {
         Child0(r).set_name("王\u2014小明\u2026\u201C\u00A0");
         r.mutable_report()->set_narrative("第一行\n第二行\r\n\t第三行\u2065x");
       }},
      {"reporter without contact fields but with a relation",
       [](auto& r) { Reporter(r).set_relation(v1::REPORTER_RELATION_PASSERBY); }},
      {"age range 0-17",
       [](auto& r) {
         Child0(r).mutable_age()->set_min_years(0);
         Child0(r).mutable_age()->set_max_years(17);
       }},
      {"unknown age", [](auto& r) { Child0(r).clear_age(); }},
      {"12-digit community code", [](auto& r) { Child0(r).set_jurisdiction_code("110105001001"); }},
      {"province code", [](auto& r) { Child0(r).set_jurisdiction_code("11"); }},
      {"20 children",
       [](auto& r) {
         for (int i = 1; i < 20; ++i) *r.mutable_report()->add_children() = Child0(r);
       }},
      {"no guardians", [](auto& r) { r.mutable_report()->clear_guardians(); }},
      {"guardian without phone", [](auto& r) { Guardian0(r).clear_phone(); }},
      {"10 distinct categories",
       [](auto& r) {
         for (int c : {1, 2, 3, 4, 5, 6, 7, 9, 10}) {
           r.mutable_report()->add_categories(v1::DistressCategory(c));
         }
       }},
      {"no services", [](auto& r) { r.mutable_report()->clear_services_needed(); }},
      {"narrative of 20,000 Chinese characters (60,000 bytes: the limit counts code points)",
       [](auto& r) { r.mutable_report()->set_narrative(Repeat("乞", 20000)); }},
      {"name of 100 four-byte characters",
       [](auto& r) { Reporter(r).set_name(Repeat("\xF0\x9F\x98\x80", 100)); }},
      {"request_id of 64 characters", [](auto& r) { r.set_request_id(Repeat("a", 64)); }},
  };
  for (const auto& [name, mutate] : variants) {
    DYNAMIC_SECTION(name) {
      v1::SubmitReportRequest request = ValidReportRequest();
      mutate(request);
      CHECK_THAT(ValidateSubmitReport(request, *table), IsAccepted());
    }
  }
}

TEST_CASE("every broken report field is refused, naming the field and the reason",
          "[validation][report]") {
  auto table = SmallTable();
  const std::vector<Variant> variants = {
      // request
      {"no request_id", [](auto& r) { r.clear_request_id(); }, "request_id", "is required"},
      {"request_id with a space", [](auto& r) { r.set_request_id("req 1"); }, "request_id",
       "may contain only letters, digits and _ . : -"},
      {"request_id with a slash", [](auto& r) { r.set_request_id("a/b"); }, "request_id",
       "may contain only"},
      {"request_id of 65 characters", [](auto& r) { r.set_request_id(Repeat("a", 65)); },
       "request_id", "is longer than 64 characters"},
      {"no report", [](auto& r) { r.clear_report(); }, "report", "is required"},
      // channel
      {"no channel", [](auto& r) { r.mutable_report()->set_channel(v1::CHANNEL_UNSPECIFIED); },
       "report.channel", "is required"},
      {"unknown channel", [](auto& r) { r.mutable_report()->set_channel(v1::Channel(99)); },
       "report.channel", "unknown value 99"},
      // reporter
      {"no reporter", [](auto& r) { r.mutable_report()->clear_reporter(); }, "report.reporter",
       "is required"},
      {"no phone, not anonymous", [](auto& r) { Reporter(r).clear_phone(); },
       "report.reporter.phone", "is required unless the reporter is anonymous"},
      {"phone with letters", [](auto& r) { Reporter(r).set_phone("1380000abcd"); },
       "report.reporter.phone", "must be 5 to 20 digits"},
      {"phone of 4 digits", [](auto& r) { Reporter(r).set_phone("1234"); }, "report.reporter.phone",
       "must be 5 to 20 digits"},
      {"phone of only +", [](auto& r) { Reporter(r).set_phone("+"); }, "report.reporter.phone",
       "must be 5 to 20 digits"},
      {"phone of 21 digits", [](auto& r) { Reporter(r).set_phone(Repeat("1", 21)); },
       "report.reporter.phone", "must be 5 to 20 digits with an optional leading '+'"},
      {"phone of 22 characters", [](auto& r) { Reporter(r).set_phone("+" + Repeat("1", 21)); },
       "report.reporter.phone", "is 22 characters long; the limit is 21"},
      {"anonymous with a phone",
       [](auto& r) {
         Reporter(r).clear_name();
         Reporter(r).set_anonymous(true);
       },
       "report.reporter", "name and phone must be empty for an anonymous reporter"},
      {"anonymous with a name",
       [](auto& r) {
         Reporter(r).clear_phone();
         Reporter(r).set_anonymous(true);
       },
       "report.reporter", "name and phone must be empty for an anonymous reporter"},
      {"reporter name of 101 characters", [](auto& r) { Reporter(r).set_name(Repeat("名", 101)); },
       "report.reporter.name", "is 101 characters long; the limit is 100"},
      {"reporter name not UTF-8", [](auto& r) { Reporter(r).set_name(kBadUtf8); },
       "report.reporter.name", "is not valid UTF-8"},
      {"child name with a NUL", [](auto& r) { Child0(r).set_name(std::string("a\0b", 3)); },
       "report.children[0].name", "contains the control character U+0000 at byte 1"},
      {"organization of 201 characters",
       [](auto& r) { Reporter(r).set_organization(Repeat("o", 201)); },
       "report.reporter.organization", "is 201 characters long; the limit is 200"},
      {"unknown relation", [](auto& r) { Reporter(r).set_relation(v1::ReporterRelation(42)); },
       "report.reporter.relation", "unknown value 42"},
      // children
      {"no children", [](auto& r) { r.mutable_report()->clear_children(); }, "report.children",
       "at least one child is required"},
      {"21 children",
       [](auto& r) {
         for (int i = 1; i < 21; ++i) *r.mutable_report()->add_children() = Child0(r);
       },
       "report.children", "21 given; at most 20"},
      {"age 19", [](auto& r) { Child0(r).mutable_age()->set_max_years(19); },
       "report.children[0].age.max_years", "19 is not a minor's age (0-17)"},
      {"age 18 in both bounds",
       [](auto& r) {
         Child0(r).mutable_age()->set_min_years(18);
         Child0(r).mutable_age()->set_max_years(18);
       },
       "report.children[0].age.min_years", "18 is not a minor's age (0-17)"},
      {"negative age", [](auto& r) { Child0(r).mutable_age()->set_min_years(-1); },
       "report.children[0].age.min_years", "-1 is not a minor's age"},
      {"min age above max age",
       [](auto& r) {
         Child0(r).mutable_age()->set_min_years(10);
         Child0(r).mutable_age()->set_max_years(9);
       },
       "report.children[0].age", "min_years 10 is greater than max_years 9"},
      {"second child aged 18",
       [](auto& r) {
         v1::Child* second = r.mutable_report()->add_children();
         *second = Child0(r);
         second->mutable_age()->set_max_years(18);
       },
       "report.children[1].age.max_years", "18 is not a minor's age"},
      {"unknown sex", [](auto& r) { Child0(r).set_sex(v1::Sex(7)); }, "report.children[0].sex",
       "unknown value 7"},
      {"no jurisdiction", [](auto& r) { Child0(r).clear_jurisdiction_code(); },
       "report.children[0].jurisdiction_code", "is required"},
      {"7-digit jurisdiction", [](auto& r) { Child0(r).set_jurisdiction_code("1101051"); },
       "report.children[0].jurisdiction_code", "must be a GB/T 2260 code of 2, 4, 6, 9 or 12"},
      {"jurisdiction with a letter", [](auto& r) { Child0(r).set_jurisdiction_code("11010x"); },
       "report.children[0].jurisdiction_code", "must be a GB/T 2260 code"},
      {"unknown jurisdiction", [](auto& r) { Child0(r).set_jurisdiction_code("120101"); },
       "report.children[0].jurisdiction_code",
       "120101 is not a jurisdiction the routing table knows"},
      {"unknown community under a known district",
       [](auto& r) { Child0(r).set_jurisdiction_code("110105001002"); },
       "report.children[0].jurisdiction_code", "110105001002 is not a jurisdiction"},
      {"child name of 101 characters", [](auto& r) { Child0(r).set_name(Repeat("x", 101)); },
       "report.children[0].name", "is 101 characters long; the limit is 100"},
      {"child address of 501 characters", [](auto& r) { Child0(r).set_address(Repeat("x", 501)); },
       "report.children[0].address", "is 501 characters long; the limit is 500"},
      {"child school of 201 characters", [](auto& r) { Child0(r).set_school(Repeat("x", 201)); },
       "report.children[0].school", "is 201 characters long; the limit is 200"},
      {"child address not UTF-8", [](auto& r) { Child0(r).set_address(kBadUtf8); },
       "report.children[0].address", "is not valid UTF-8"},
      // guardians
      {"11 guardians",
       [](auto& r) {
         for (int i = 1; i < 11; ++i) *r.mutable_report()->add_guardians() = Guardian0(r);
       },
       "report.guardians", "11 given; at most 10"},
      {"guardian phone with letters", [](auto& r) { Guardian0(r).set_phone("call me"); },
       "report.guardians[0].phone", "must be 5 to 20 digits"},
      {"guardian relation of 51 characters",
       [](auto& r) { Guardian0(r).set_relation(Repeat("r", 51)); }, "report.guardians[0].relation",
       "is 51 characters long; the limit is 50"},
      {"guardian situation of 2,001 characters",
       [](auto& r) { Guardian0(r).set_situation(Repeat("s", 2001)); },
       "report.guardians[0].situation", "is 2001 characters long; the limit is 2000"},
      {"second guardian name too long",
       [](auto& r) { r.mutable_report()->add_guardians()->set_name(Repeat("n", 101)); },
       "report.guardians[1].name", "is 101 characters long"},
      // categories
      {"no category", [](auto& r) { r.mutable_report()->clear_categories(); }, "report.categories",
       "at least one is required"},
      {"unspecified category",
       [](auto& r) { r.mutable_report()->set_categories(0, v1::DISTRESS_CATEGORY_UNSPECIFIED); },
       "report.categories[0]", "must not be DISTRESS_CATEGORY_UNSPECIFIED"},
      {"unknown category (raw int)",
       [](auto& r) { r.mutable_report()->add_categories(v1::DistressCategory(99)); },
       "report.categories[1]", "unknown value 99"},
      {"repeated category",
       [](auto& r) { r.mutable_report()->add_categories(v1::DISTRESS_CATEGORY_BEGGING); },
       "report.categories[1]", "is repeated"},
      {"11 categories",
       [](auto& r) {
         for (int c = 1; c <= 10; ++c) r.mutable_report()->add_categories(v1::DistressCategory(c));
       },
       "report.categories", "11 given; at most 10"},
      // urgency
      {"missing urgency", [](auto& r) { r.mutable_report()->clear_urgency(); }, "report.urgency",
       "is required"},
      {"unknown urgency", [](auto& r) { r.mutable_report()->set_urgency(v1::Urgency(9)); },
       "report.urgency", "unknown value 9"},
      // services
      {"unspecified service",
       [](auto& r) { r.mutable_report()->set_services_needed(0, v1::SERVICE_UNSPECIFIED); },
       "report.services_needed[0]", "must not be SERVICE_UNSPECIFIED"},
      {"repeated service",
       [](auto& r) { r.mutable_report()->add_services_needed(v1::SERVICE_RESCUE); },
       "report.services_needed[1]", "is repeated"},
      {"unknown service", [](auto& r) { r.mutable_report()->add_services_needed(v1::Service(77)); },
       "report.services_needed[1]", "unknown value 77"},
      {"11 services",
       [](auto& r) {
         for (int s = 2; s <= 10; ++s) r.mutable_report()->add_services_needed(v1::Service(s));
         r.mutable_report()->add_services_needed(v1::Service(11));
       },
       "report.services_needed", "11 given; at most 10"},
      // narrative
      {"no narrative", [](auto& r) { r.mutable_report()->clear_narrative(); }, "report.narrative",
       "is required"},
      {"oversized narrative",
       [](auto& r) { r.mutable_report()->set_narrative(Repeat("x", 20001)); }, "report.narrative",
       "is 20001 characters long; the limit is 20000"},
      {"narrative not UTF-8", [](auto& r) { r.mutable_report()->set_narrative(kBadUtf8); },
       "report.narrative", "is not valid UTF-8"},
      {"narrative with a UTF-16 surrogate encoded as UTF-8",
       [](auto& r) { r.mutable_report()->set_narrative("\xED\xA0\x80"); }, "report.narrative",
       "is not valid UTF-8"},
      {"narrative with an overlong '/'",
       [](auto& r) { r.mutable_report()->set_narrative("\xC0\xAF"); }, "report.narrative",
       "is not valid UTF-8"},
      // controls that reorder or hide text (a reviewer stored a name starting with U+202E)
      {"child name with a right-to-left override",
       [](auto& r) { Child0(r).set_name("\u202Etxt.exe"); }, "report.children[0].name",
       "contains the bidirectional control U+202E at byte 0; it would change the order"},
      {"narrative with a left-to-right embedding",
       [](auto& r) { r.mutable_report()->set_narrative("ab\u202Acd"); }, "report.narrative",
       "contains the bidirectional control U+202A at byte 2"},
      {"guardian name with a first-strong isolate",
       [](auto& r) { Guardian0(r).set_name("王\u2068x"); }, "report.guardians[0].name",
       "contains the bidirectional control U+2068 at byte 3"},
      {"reporter name with a C1 control", [](auto& r) { Reporter(r).set_name("a\u0085b"); },
       "report.reporter.name", "contains the control character U+0085 at byte 1"},
      // one-line fields
      {"child name with a line break", [](auto& r) { Child0(r).set_name("王\n小明"); },
       "report.children[0].name", "must be one line"},
      {"reporter name with a tab", [](auto& r) { Reporter(r).set_name("李\t四"); },
       "report.reporter.name", "must be one line"},
      {"school with a line break", [](auto& r) { Child0(r).set_school("永安里\r\n小学"); },
       "report.children[0].school", "must be one line"},
      {"guardian phone with a line break", [](auto& r) { Guardian0(r).set_phone("1380000\n0000"); },
       "report.guardians[0].phone", "must be one line"},
  };
  for (const Variant& v : variants) {
    DYNAMIC_SECTION(v.name) {
      v1::SubmitReportRequest request = ValidReportRequest();
      v.mutate(request);
      CHECK_THAT(ValidateSubmitReport(request, *table), IsRefused(v.field, v.reason));
    }
  }
}

TEST_CASE("routing_only reports need no channel, reporter or narrative", "[validation][report]") {
  auto table = SmallTable();
  v1::Report report = ValidReportRequest().report();
  report.clear_channel();
  report.clear_reporter();
  report.clear_narrative();
  CHECK_THAT(ValidateReport(report, *table, /*routing_only=*/true), IsAccepted());
  // The same report is incomplete for storing.
  CHECK_THAT(ValidateReport(report, *table, /*routing_only=*/false),
             IsRefused("report.channel", "is required"));

  SECTION("a reporter without a phone is enough to pick the reporter kind") {
    report.mutable_reporter()->set_relation(v1::REPORTER_RELATION_TEACHER);
    CHECK_THAT(ValidateReport(report, *table, true), IsAccepted());
  }
  SECTION("what routing needs is still checked") {
    report.mutable_children(0)->set_jurisdiction_code("120101");
    CHECK_THAT(ValidateReport(report, *table, true),
               IsRefused("report.children[0].jurisdiction_code",
                         "is not a jurisdiction the routing table knows"));
  }
  SECTION("urgency is still required") {
    report.clear_urgency();
    CHECK_THAT(ValidateReport(report, *table, true), IsRefused("report.urgency", "is required"));
  }
  SECTION("categories are still required") {
    report.clear_categories();
    CHECK_THAT(ValidateReport(report, *table, true),
               IsRefused("report.categories", "at least one is required"));
  }
  SECTION("a given but malformed phone is still refused") {
    report.mutable_reporter()->set_phone("12");
    CHECK_THAT(ValidateReport(report, *table, true),
               IsRefused("report.reporter.phone", "must be 5 to 20 digits"));
  }
}

// The 20-digit limit counts digits, not the leading '+' (case.proto).
TEST_CASE("a phone of '+' and 20 digits is accepted as documented",
          "[validation][report]") {
  auto table = SmallTable();
  const std::string phone = "+" + Repeat("8", 20);
  SECTION("reporter") {
    v1::SubmitReportRequest request = ValidReportRequest();
    Reporter(request).set_phone(phone);
    CHECK_THAT(ValidateSubmitReport(request, *table), IsAccepted());
  }
  SECTION("guardian") {
    v1::SubmitReportRequest request = ValidReportRequest();
    Guardian0(request).set_phone(phone);
    CHECK_THAT(ValidateSubmitReport(request, *table), IsAccepted());
  }
}

}  // namespace
}  // namespace hotline::server
