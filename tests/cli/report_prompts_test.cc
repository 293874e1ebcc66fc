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

TEST_CASE("AskMissingReportFields fails when input ends", "[prompt]") {
  ReportDraft draft;
  std::istringstream in("begging\n");
  std::ostringstream out;
  Prompter prompter(in, out, kEnglish);
  CHECK_FALSE(AskMissingReportFields(draft, prompter, kEnglish, ReportPromptScope{}));
}

}  // namespace
}  // namespace hotline::cli
