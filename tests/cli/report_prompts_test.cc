#include "cli/report_prompts.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace hotline::cli {
namespace {

const Ui kEnglish(Lang::kEnglish);

TEST_CASE("AskMissingReportFields asks only for what is missing", "[prompt]") {
  ReportDraft draft;
  draft.report.add_categories(v1::DISTRESS_CATEGORY_BEGGING);
  std::istringstream in("routine\n110105\nsix\n6-8\nseen at the station\n13800000000\n");
  std::ostringstream out;
  Prompter prompter(in, out, kEnglish);
  REQUIRE(AskMissingReportFields(draft, prompter, kEnglish, ReportPromptScope{}));
  const v1::Report& r = draft.report;
  CHECK(r.categories_size() == 1);
  CHECK(r.urgency() == v1::URGENCY_ROUTINE);
  REQUIRE(r.children_size() == 1);
  CHECK(r.children(0).jurisdiction_code() == "110105");
  CHECK(r.children(0).age().min_years() == 6);
  CHECK(r.children(0).age().max_years() == 8);
  CHECK(r.narrative() == "seen at the station");
  CHECK(r.reporter().phone() == "13800000000");
  CHECK(out.str().find("Distress categories") == std::string::npos);
}

TEST_CASE("AskMissingReportFields: unknown age, anonymous reporter, dry-run scope", "[prompt]") {
  ReportDraft draft;
  draft.report.add_categories(v1::DISTRESS_CATEGORY_NEGLECT);
  draft.report.set_urgency(v1::URGENCY_URGENT);
  draft.report.mutable_reporter()->set_anonymous(true);
  std::istringstream in("11\nunknown\nthe narrative\n");
  std::ostringstream out;
  Prompter prompter(in, out, kEnglish);
  REQUIRE(AskMissingReportFields(draft, prompter, kEnglish, ReportPromptScope{}));
  CHECK_FALSE(draft.report.children(0).has_age());
  CHECK(draft.report.reporter().phone().empty());
  CHECK(out.str().find("Reporter phone") == std::string::npos);

  ReportDraft dry;
  dry.report.add_categories(v1::DISTRESS_CATEGORY_NEGLECT);
  dry.report.set_urgency(v1::URGENCY_URGENT);
  std::istringstream in2("11\n9\n");
  std::ostringstream out2;
  Prompter prompter2(in2, out2, kEnglish);
  REQUIRE(AskMissingReportFields(dry, prompter2, kEnglish, ReportPromptScope{false}));
  CHECK(dry.report.narrative().empty());
}

// Review finding: in Chinese the choices were listed and accepted only by their English short
// names, so "乞讨" and "紧急", the words the Chinese UI shows for them, were refused.
TEST_CASE("In Chinese the choice prompts list and accept the Chinese names", "[prompt]") {
  const Ui chinese(Lang::kChinese);
  ReportDraft draft;
  draft.report.mutable_reporter()->set_anonymous(true);
  std::istringstream in("乞讨，neglect、3\n紧急\n110105\n9\n在地铁口乞讨\n");
  std::ostringstream out;
  Prompter prompter(in, out, chinese);
  REQUIRE(AskMissingReportFields(draft, prompter, chinese, ReportPromptScope{}));
  const v1::Report& r = draft.report;
  REQUIRE(r.categories_size() == 3);
  CHECK(r.categories(0) == v1::DISTRESS_CATEGORY_BEGGING);
  CHECK(r.categories(1) == v1::DISTRESS_CATEGORY_NEGLECT);
  CHECK(r.categories(2) == v1::DISTRESS_CATEGORY_ABUSE);
  CHECK(r.urgency() == v1::URGENCY_URGENT);  // not 紧急危险 (immediate danger)
  CHECK_THAT(out.str(), Catch::Contains("可选：1 忽视, 2 遗弃, 3 虐待"));
  CHECK_THAT(out.str(), Catch::Contains("可选：1 紧急危险, 2 紧急, 3 一般"));
  CHECK_THAT(out.str(), !Catch::Contains("不在可选项中"));
  CHECK_THAT(out.str(), !Catch::Contains("begging"));
}

TEST_CASE("AskMissingReportFields fails when input ends", "[prompt]") {
  ReportDraft draft;
  std::istringstream in("begging\n");
  std::ostringstream out;
  Prompter prompter(in, out, kEnglish);
  CHECK_FALSE(AskMissingReportFields(draft, prompter, kEnglish, ReportPromptScope{}));
}

TEST_CASE("An empty phone answer keeps the caller anonymous; a typed one is normalized",
          "[prompt]") {
  const auto ask = [](const std::string& phone, const std::string& name) {
    ReportDraft draft;
    draft.report.add_categories(v1::DISTRESS_CATEGORY_BEGGING);
    draft.report.set_urgency(v1::URGENCY_URGENT);
    draft.report.mutable_reporter()->set_name(name);
    std::istringstream in("110105\n9\nseen at the station\n" + phone + "\n");
    std::ostringstream out;
    Prompter prompter(in, out, kEnglish);
    REQUIRE(AskMissingReportFields(draft, prompter, kEnglish, ReportPromptScope{}));
    CHECK(out.str().find("empty: the caller stays anonymous") != std::string::npos);
    return draft.report.reporter();
  };
  CHECK(ask("", "").anonymous());
  CHECK(ask("", "").phone().empty());
  CHECK_FALSE(ask("", "Wang").anonymous());  // named: not anonymous, no number
  const v1::Reporter typed = ask(" 010-6500 1234 ", "");
  CHECK_FALSE(typed.anonymous());
  CHECK(typed.phone() == "01065001234");
}

TEST_CASE("ClearRefusedField clears what the form can ask again, and only that", "[prompt]") {
  const auto filled = [] {
    ReportDraft draft;
    v1::Report& r = draft.report;
    r.add_categories(v1::DISTRESS_CATEGORY_BEGGING);
    r.set_urgency(v1::URGENCY_URGENT);
    r.set_narrative("seen at the station");
    r.mutable_reporter()->set_phone("137");
    for (const char* code : {"110105", "1101"}) {
      v1::Child* child = r.add_children();
      child->set_jurisdiction_code(code);
      child->mutable_age()->set_min_years(9);
      child->mutable_age()->set_max_years(9);
    }
    draft.age_given = {true, true};
    draft.phone_asked = true;
    return draft;
  };
  SECTION("the reporter's phone") {
    ReportDraft d = filled();
    REQUIRE(ClearRefusedField("report.reporter.phone: must be 5 to 20 digits", d));
    CHECK(d.report.reporter().phone().empty());
    CHECK_FALSE(d.phone_asked);
    CHECK(d.report.narrative() == "seen at the station");
  }
  SECTION("the phone of a named reporter") {
    ReportDraft d = filled();
    d.report.mutable_reporter()->set_name("Wang");
    REQUIRE(ClearRefusedField("report.reporter.phone: must be 5 to 20 digits", d));
    CHECK(d.report.reporter().phone().empty());
    CHECK(d.report.reporter().name() == "Wang");
  }
  SECTION("the reporter as a whole: only when the form filled in no name") {
    ReportDraft d = filled();
    REQUIRE(ClearRefusedField("report.reporter: name and phone must be empty", d));
    CHECK(d.report.reporter().phone().empty());
    ReportDraft named = filled();
    named.report.mutable_reporter()->set_name("Wang");
    const std::string before = named.report.SerializeAsString();
    CHECK_FALSE(ClearRefusedField("report.reporter: name and phone must be empty", named));
    CHECK(named.report.SerializeAsString() == before);
  }
  SECTION("the second child's jurisdiction") {
    ReportDraft d = filled();
    REQUIRE(ClearRefusedField(
        "report.children[1].jurisdiction_code: is not a jurisdiction the routing table knows", d));
    CHECK(d.report.children(1).jurisdiction_code().empty());
    CHECK(d.report.children(0).jurisdiction_code() == "110105");
  }
  SECTION("the first child's age") {
    ReportDraft d = filled();
    REQUIRE(ClearRefusedField("report.children[0].age.max_years: 30 is not a minor's age", d));
    CHECK_FALSE(d.report.children(0).has_age());
    CHECK(d.age_given == std::vector<bool>{false, true});
  }
  SECTION("categories, urgency and narrative") {
    ReportDraft d = filled();
    CHECK(ClearRefusedField("report.categories: at least one is required", d));
    CHECK(ClearRefusedField("report.urgency: is required", d));
    CHECK(ClearRefusedField("report.narrative: is 20001 characters long", d));
    CHECK(d.report.categories().empty());
    CHECK(d.report.urgency() == v1::URGENCY_UNSPECIFIED);
    CHECK(d.report.narrative().empty());
  }
  SECTION("fields the form does not ask, and messages without a field") {
    for (const char* message :
         {"report.children[0].name: contains the control character U+0000 at byte 1",
          "report.children[7].age: no such child", "report.children[x].age: odd",
          "report.guardians[0].phone: must be 5 to 20 digits", "request_id: is required",
          "something went wrong"}) {
      ReportDraft d = filled();
      CHECK_FALSE(ClearRefusedField(message, d));
      CHECK(d.report.SerializeAsString() == filled().report.SerializeAsString());
    }
  }
}

}  // namespace
}  // namespace hotline::cli
