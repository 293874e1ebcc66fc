#include "cli/report_flags.h"

#include <catch2/catch.hpp>

namespace hotline::cli {
namespace {

const Ui kEnglish(Lang::kEnglish);

TEST_CASE("NormalizePhone drops the separators people type, nothing else", "[report_flags]") {
  CHECK(NormalizePhone("010-65001234") == "01065001234");
  CHECK(NormalizePhone(" (010) 6500.1234 ") == "01065001234");
  CHECK(NormalizePhone("138 0000 0000") == "13800000000");
  CHECK(NormalizePhone("138\u30000000\u30000000") == "13800000000");  // ideographic spaces
  CHECK(NormalizePhone("+86 138-0000-0000") == "+8613800000000");
  CHECK(NormalizePhone("call me") == "callme");  // still not a number: the server says so
  CHECK(NormalizePhone("").empty());
}

// Review finding: a script that left out required flags was told by the server, in protobuf
// field paths, one field at a time ("report.reporter.phone: ...", exit 1).
TEST_CASE("MissingReportFlags names every missing required flag at once", "[report_flags]") {
  const auto missing = [](const ReportFlags& flags, bool routing_only) {
    Result<ReportDraft> draft = BuildReport(flags, kEnglish);
    REQUIRE(draft.ok());
    return MissingReportFlags(flags, draft.value(), routing_only, kEnglish);
  };
  const std::vector<std::string> all = {"--category", "--urgency", "--jurisdiction", "--narrative",
                                        "--reporter-phone (or --anonymous)"};
  CHECK(missing(ReportFlags{}, false) == all);
  CHECK(missing(ReportFlags{}, true) ==
        std::vector<std::string>{"--category", "--urgency", "--jurisdiction"});

  ReportFlags complete;
  complete.categories = {"begging"};
  complete.urgency = "urgent";
  complete.jurisdiction = "110105";
  complete.narrative = "seen at the station";
  complete.reporter_phone = "138 0000 0000";
  CHECK(missing(complete, false).empty());
  complete.reporter_phone.clear();
  complete.anonymous = true;
  CHECK(missing(complete, false).empty());

  ReportFlags partial = complete;
  partial.jurisdiction.clear();
  partial.child_age = "9";                                    // the first child, without a code
  partial.children = {"age=3;jurisdiction=110105", "age=5"};  // the second --child has none
  partial.narrative = "  ";
  partial.anonymous = false;
  CHECK(missing(partial, false) ==
        std::vector<std::string>{"--jurisdiction", "jurisdiction= in --child 2", "--narrative",
                                 "--reporter-phone (or --anonymous)"});
  CHECK(MissingFlagsLine({"--urgency", "--narrative"}, kEnglish) ==
        "required flags missing (not on a terminal, nothing is asked): --urgency, --narrative");
}

TEST_CASE("ParseAge reads an exact age", "[report_flags]") {
  auto age = ParseAge("--child-age", "9", kEnglish);
  REQUIRE(age.ok());
  REQUIRE(age.value().has_value());
  CHECK(age.value()->min_years() == 9);
  CHECK(age.value()->max_years() == 9);
}

TEST_CASE("ParseAge reads a range", "[report_flags]") {
  auto age = ParseAge("--child-age", "6-8", kEnglish);
  REQUIRE(age.ok());
  REQUIRE(age.value().has_value());
  CHECK(age.value()->min_years() == 6);
  CHECK(age.value()->max_years() == 8);
  auto spaced = ParseAge("--child-age", " 0 - 17 ", kEnglish);
  REQUIRE(spaced.ok());
  CHECK(spaced.value()->min_years() == 0);
  CHECK(spaced.value()->max_years() == 17);
}

TEST_CASE("ParseAge reads unknown as no age", "[report_flags]") {
  for (const char* text : {"unknown", "Unknown", "UNKNOWN"}) {
    auto age = ParseAge("--child-age", text, kEnglish);
    REQUIRE(age.ok());
    CHECK_FALSE(age.value().has_value());
  }
}

TEST_CASE("ParseAge refuses bad input and names the flag", "[report_flags]") {
  for (const char* text : {"", "nine", "-3", "6-", "-8", "6-8-9", "6..8", "9y", "1e1", "99999"}) {
    INFO(text);
    auto age = ParseAge("--child-age", text, kEnglish);
    REQUIRE_FALSE(age.ok());
    CHECK(age.error().find("--child-age") == 0);
  }
}

TEST_CASE("ParseAge leaves range checks to the server", "[report_flags]") {
  // 30 is no minor and 8-6 is backwards, but the server is the one to say so.
  CHECK(ParseAge("--child-age", "30", kEnglish).ok());
  CHECK(ParseAge("--child-age", "8-6", kEnglish).ok());
}

TEST_CASE("ParseKeyValues splits key=value pairs", "[report_flags]") {
  auto kv = ParseKeyValues("--child", "name=小明; age=9 ;jurisdiction=110105001001;", kEnglish);
  REQUIRE(kv.ok());
  REQUIRE(kv.value().size() == 3);
  CHECK(kv.value()[0] == std::pair<std::string, std::string>("name", "小明"));
  CHECK(kv.value()[1] == std::pair<std::string, std::string>("age", "9"));
  CHECK(kv.value()[2] == std::pair<std::string, std::string>("jurisdiction", "110105001001"));
}

TEST_CASE("ParseKeyValues normalises keys and keeps '=' in values", "[report_flags]") {
  auto kv = ParseKeyValues("--child", "Attends-School=yes;address=a=b", kEnglish);
  REQUIRE(kv.ok());
  CHECK(kv.value()[0].first == "attends_school");
  CHECK(kv.value()[1].second == "a=b");
}

TEST_CASE("ParseKeyValues refuses malformed specs", "[report_flags]") {
  CHECK_FALSE(ParseKeyValues("--child", "name", kEnglish).ok());
  CHECK_FALSE(ParseKeyValues("--child", "=9", kEnglish).ok());
  auto twice = ParseKeyValues("--child", "age=9;age=10", kEnglish);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().find("age") != std::string::npos);
}

TEST_CASE("ParseChildSpec builds a child", "[report_flags]") {
  bool age_given = false;
  auto child = ParseChildSpec(
      "name=小明;age=9;jurisdiction=110105001001;sex=male;school=一小;"
      "attends_school=no",
      kEnglish, &age_given);
  REQUIRE(child.ok());
  CHECK(age_given);
  CHECK(child.value().name() == "小明");
  CHECK(child.value().age().min_years() == 9);
  CHECK(child.value().jurisdiction_code() == "110105001001");
  CHECK(child.value().sex() == v1::SEX_MALE);
  CHECK(child.value().school() == "一小");
  REQUIRE(child.value().has_attends_school());
  CHECK_FALSE(child.value().attends_school());
}

TEST_CASE("ParseChildSpec: unknown age is given but absent", "[report_flags]") {
  bool age_given = false;
  auto child = ParseChildSpec("age=unknown;jurisdiction=11", kEnglish, &age_given);
  REQUIRE(child.ok());
  CHECK(age_given);
  CHECK_FALSE(child.value().has_age());
  auto no_age = ParseChildSpec("jurisdiction=11", kEnglish, &age_given);
  REQUIRE(no_age.ok());
  CHECK_FALSE(age_given);
}

TEST_CASE("ParseChildSpec refuses unknown keys and bad values", "[report_flags]") {
  bool age_given = false;
  auto unknown = ParseChildSpec("colour=red", kEnglish, &age_given);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().find("jurisdiction") != std::string::npos);  // Lists valid keys.
  CHECK_FALSE(ParseChildSpec("sex=robot", kEnglish, &age_given).ok());
  CHECK_FALSE(ParseChildSpec("age=old", kEnglish, &age_given).ok());
  CHECK_FALSE(ParseChildSpec("attends_school=maybe", kEnglish, &age_given).ok());
}

TEST_CASE("ParseGuardianSpec builds a guardian", "[report_flags]") {
  auto g =
      ParseGuardianSpec("name=王芳;relation=mother;phone=13800000000;situation=外出务工", kEnglish);
  REQUIRE(g.ok());
  CHECK(g.value().name() == "王芳");
  CHECK(g.value().relation() == "mother");
  CHECK(g.value().phone() == "13800000000");
  CHECK(g.value().situation() == "外出务工");
  CHECK_FALSE(ParseGuardianSpec("age=40", kEnglish).ok());
}

TEST_CASE("ParseEnumFlag accepts short names in any case and full names", "[report_flags]") {
  auto begging = ParseEnumFlag<v1::DistressCategory>("--category", "begging", kEnglish);
  REQUIRE(begging.ok());
  CHECK(begging.value() == v1::DISTRESS_CATEGORY_BEGGING);
  auto upper = ParseEnumFlag<v1::DistressCategory>("--category", "Left-Behind", kEnglish);
  REQUIRE(upper.ok());
  CHECK(upper.value() == v1::DISTRESS_CATEGORY_LEFT_BEHIND);
  auto full = ParseEnumFlag<v1::Urgency>("--urgency", "URGENCY_URGENT", kEnglish);
  REQUIRE(full.ok());
  CHECK(full.value() == v1::URGENCY_URGENT);
}

TEST_CASE("ParseEnumFlag refuses unknown and unspecified, listing valid names", "[report_flags]") {
  auto bad = ParseEnumFlag<v1::Urgency>("--urgency", "soon", kEnglish);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() ==
        "--urgency: unknown value \"soon\"; valid: immediate_danger, urgent, routine");
  CHECK_FALSE(ParseEnumFlag<v1::Urgency>("--urgency", "unspecified", kEnglish).ok());
  auto zh = ParseEnumFlag<v1::Urgency>("--urgency", "soon", Ui(Lang::kChinese));
  REQUIRE_FALSE(zh.ok());
  CHECK(zh.error().find("immediate_danger") != std::string::npos);
  CHECK(zh.error() != bad.error());
}

TEST_CASE("ParseYesNo", "[report_flags]") {
  CHECK(ParseYesNo("--attends-school", "yes", kEnglish).value());
  CHECK(ParseYesNo("--attends-school", "TRUE", kEnglish).value());
  CHECK_FALSE(ParseYesNo("--attends-school", "no", kEnglish).value());
  CHECK_FALSE(ParseYesNo("--attends-school", "perhaps", kEnglish).ok());
}

TEST_CASE("SplitList splits on ASCII and Chinese commas", "[report_flags]") {
  CHECK(SplitList("a, b,,c ") == std::vector<std::string>{"a", "b", "c"});
  CHECK(SplitList("begging，vagrancy、neglect") ==
        std::vector<std::string>{"begging", "vagrancy", "neglect"});
  CHECK(SplitList("").empty());
}

TEST_CASE("BuildReport assembles flags, flag child first", "[report_flags]") {
  ReportFlags f;
  f.categories = {"begging,vagrancy"};
  f.urgency = "urgent";
  f.jurisdiction = "110105";
  f.child_age = "unknown";
  f.children = {"name=小红;age=6-8;jurisdiction=110105001001"};
  f.guardians = {"name=王芳;relation=mother"};
  f.services = {"shelter", "medical"};
  f.narrative = "seen at the station";
  f.reporter_phone = "13800000000";
  f.reporter_relation = "passerby";
  auto draft = BuildReport(f, kEnglish);
  REQUIRE(draft.ok());
  const v1::Report& r = draft.value().report;
  CHECK(r.channel() == v1::CHANNEL_PHONE);
  REQUIRE(r.categories_size() == 2);
  CHECK(r.categories(1) == v1::DISTRESS_CATEGORY_VAGRANCY);
  CHECK(r.urgency() == v1::URGENCY_URGENT);
  REQUIRE(r.children_size() == 2);
  CHECK(r.children(0).jurisdiction_code() == "110105");
  CHECK_FALSE(r.children(0).has_age());
  CHECK(r.children(1).name() == "小红");
  CHECK(draft.value().age_given == std::vector<bool>{true, true});
  CHECK(r.guardians_size() == 1);
  CHECK(r.services_needed_size() == 2);
  CHECK(r.reporter().phone() == "13800000000");
  CHECK(r.reporter().relation() == v1::REPORTER_RELATION_PASSERBY);
}

TEST_CASE("BuildReport without child flags sends no child", "[report_flags]") {
  ReportFlags f;
  f.categories = {"neglect"};
  auto draft = BuildReport(f, kEnglish);
  REQUIRE(draft.ok());
  CHECK(draft.value().report.children().empty());
  CHECK(draft.value().report.urgency() == v1::URGENCY_UNSPECIFIED);
}

TEST_CASE("BuildReport reports the first bad flag", "[report_flags]") {
  ReportFlags f;
  f.categories = {"begging", "flying"};
  auto draft = BuildReport(f, kEnglish);
  REQUIRE_FALSE(draft.ok());
  CHECK(draft.error().rfind("--category: unknown value \"flying\"", 0) == 0);
  ReportFlags g;
  g.channel = "pigeon";
  CHECK_FALSE(BuildReport(g, kEnglish).ok());
}

}  // namespace
}  // namespace hotline::cli

namespace hotline::cli {
namespace {

// Review finding: Chinese input methods type full-width digits by default; a choice "８", an
// age "９", a phone "１３８００００００００" and a jurisdiction "１１０１０５" were refused.
TEST_CASE("Full-width digits are read as ASCII digits", "[report_flags]") {
  CHECK(NarrowDigits("０１２３４５６７８９") == "0123456789");
  CHECK(NarrowDigits("HL-２０２６-１") == "HL-2026-1");
  CHECK(NarrowDigits("王小红９岁") == "王小红9岁");  // other characters stay
  CHECK(NarrowDigits("\xEF\xBC\x8F\xEF\xBC\x9A") == "\xEF\xBC\x8F\xEF\xBC\x9A");  // ／：
  CHECK(NarrowDigits("\xEF\xBC") == "\xEF\xBC");  // a cut-off sequence is left alone

  Result<std::optional<v1::AgeRange>> age = ParseAge("--child-age", "９", kEnglish);
  REQUIRE(age.ok());
  CHECK(age.value()->min_years() == 9);
  for (const char* text : {"６-８", "６－８"}) {  // the full-width dash too
    Result<std::optional<v1::AgeRange>> range = ParseAge("--child-age", text, kEnglish);
    REQUIRE(range.ok());
    CHECK(range.value()->max_years() == 8);
  }

  CHECK(NormalizePhone("１３８００００００００") == "13800000000");
  CHECK(NormalizePhone("（０１０）６５００－１２３４") == "01065001234");
  CHECK(NormalizeCode(" １１０１０５ ") == "110105");
  CHECK(SplitList("１，３") == std::vector<std::string>{"1", "3"});

  ReportFlags flags;
  flags.jurisdiction = "１１０１０５";
  flags.child_age = "９";
  flags.reporter_phone = "１３８００００００００";
  flags.children = {"age=１２;jurisdiction=１１０１０５００１"};
  Result<ReportDraft> draft = BuildReport(flags, kEnglish);
  REQUIRE(draft.ok());
  const v1::Report& report = draft.value().report;
  CHECK(report.children(0).jurisdiction_code() == "110105");
  CHECK(report.children(0).age().min_years() == 9);
  CHECK(report.children(1).jurisdiction_code() == "110105001");
  CHECK(report.children(1).age().min_years() == 12);
  CHECK(report.reporter().phone() == "13800000000");
}

}  // namespace
}  // namespace hotline::cli
