#include "cli/desk_flags.h"

#include <catch2/catch.hpp>
#include <climits>

namespace hotline::cli {
namespace {

const Ui kEnglish(Lang::kEnglish);
const Ui kChinese(Lang::kChinese);

TEST_CASE("ParseAssignmentId reads positive ids, with or without '#'", "[desk_flags]") {
  for (const auto& [text, id] : std::vector<std::pair<const char*, int64_t>>{
           {"42", 42},
           {"#42", 42},
           {" 7 ", 7},
           {"9223372036854775807", INT64_MAX},
           {"４２", 42},
           {"#４２", 42}}) {  // full-width digits, as Chinese input methods type
    INFO(text);
    Result<int64_t> r = ParseAssignmentId("ID", text, kEnglish);
    REQUIRE(r.ok());
    CHECK(r.value() == id);
  }
}

TEST_CASE("ParseAssignmentId refuses what is not an id and names the argument", "[desk_flags]") {
  for (const char* text :
       {"", "#", "abc", "0", "-3", "+3", "4.2", "42x", "0x2a", "##4", "9223372036854775808"}) {
    INFO(text);
    Result<int64_t> r = ParseAssignmentId("ID", text, kEnglish);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "ID: \"" + std::string(text) +
                           "\" is not an assignment id (a positive whole number, e.g. 42)");
  }
  CHECK(ParseAssignmentId("ID", "abc", kChinese).error() ==
        "ID：“abc”不是分派编号（应为正整数，例如 42）");
}

TEST_CASE("ParseUpdateKind maps the four --kind names", "[desk_flags]") {
  CHECK(ParseUpdateKind("--kind", "finding", kEnglish).value() ==
        v1::UPDATE_KIND_INVESTIGATION_FINDING);
  CHECK(ParseUpdateKind("--kind", "home-visit", kEnglish).value() == v1::UPDATE_KIND_HOME_VISIT);
  CHECK(ParseUpdateKind("--kind", "action", kEnglish).value() == v1::UPDATE_KIND_ACTION_TAKEN);
  CHECK(ParseUpdateKind("--kind", "note", kEnglish).value() == v1::UPDATE_KIND_NOTE);
}

TEST_CASE("ParseUpdateKind also takes other spellings and the contract's names", "[desk_flags]") {
  CHECK(ParseUpdateKind("--kind", " Home_Visit ", kEnglish).value() == v1::UPDATE_KIND_HOME_VISIT);
  CHECK(ParseUpdateKind("--kind", "investigation_finding", kEnglish).value() ==
        v1::UPDATE_KIND_INVESTIGATION_FINDING);
  CHECK(ParseUpdateKind("--kind", "action-taken", kEnglish).value() ==
        v1::UPDATE_KIND_ACTION_TAKEN);
  CHECK(ParseUpdateKind("--kind", "UPDATE_KIND_NOTE", kEnglish).value() == v1::UPDATE_KIND_NOTE);
}

TEST_CASE("ParseUpdateKind refuses unknown kinds listing the allowed ones", "[desk_flags]") {
  for (const char* text : {"", "visit", "unspecified", "UPDATE_KIND_UNSPECIFIED", "findings"}) {
    INFO(text);
    Result<v1::UpdateKind> r = ParseUpdateKind("--kind", text, kEnglish);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "--kind: unknown value \"" + std::string(text) +
                           "\"; valid: finding, home-visit, action, note");
  }
}

TEST_CASE("UpdateKindName is the --kind name, and ParseUpdateKind reads it back", "[desk_flags]") {
  CHECK(UpdateKindName(v1::UPDATE_KIND_UNSPECIFIED).empty());
  CHECK(UpdateKindName(v1::UPDATE_KIND_ACTION_TAKEN) == "action");
  CHECK(UpdateKindName(static_cast<v1::UpdateKind>(99)).empty());
  for (int k = 1; k <= 4; ++k) {
    const auto kind = static_cast<v1::UpdateKind>(k);
    INFO(k);
    CHECK(ParseUpdateKind("--kind", UpdateKindName(kind), kEnglish).value() == kind);
  }
  CHECK(UpdateKindNames() == std::vector<std::string>{"finding", "home-visit", "action", "note"});
}

TEST_CASE("ParseAssignmentStatuses reads repeated and comma-separated names", "[desk_flags]") {
  Result<std::vector<v1::AssignmentStatus>> r = ParseAssignmentStatuses(
      "--status", {"pending, acknowledged", "pending", "ESCALATED"}, kEnglish);
  REQUIRE(r.ok());
  CHECK(r.value() == std::vector<v1::AssignmentStatus>{v1::ASSIGNMENT_STATUS_PENDING,
                                                       v1::ASSIGNMENT_STATUS_ACKNOWLEDGED,
                                                       v1::ASSIGNMENT_STATUS_ESCALATED});
  CHECK(ParseAssignmentStatuses("--status", {}, kEnglish).value().empty());
}

TEST_CASE("ParseAssignmentStatuses refuses an unknown status listing the valid ones",
          "[desk_flags]") {
  Result<std::vector<v1::AssignmentStatus>> r =
      ParseAssignmentStatuses("--status", {"pending,open"}, kEnglish);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() ==
        "--status: unknown value \"open\"; valid: pending, acknowledged, resolved, declined, "
        "transferred, withdrawn, escalated");
}

TEST_CASE("SplitDeskIds splits, trims and drops duplicates", "[desk_flags]") {
  CHECK(SplitDeskIds({"police-110105,center", " center ", "school-110105，x"}) ==
        std::vector<std::string>{"police-110105", "center", "school-110105", "x"});
  CHECK(SplitDeskIds({}).empty());
}

// Review finding: `case list --limit -3` was refused by the server as "page_size: must be
// 0 (default 50) to 500", a name the user never typed.
TEST_CASE("ParsePageSize names --limit and takes 1 to 500, or nothing", "[desk_flags]") {
  CHECK(ParsePageSize("", kEnglish).value() == 0);
  CHECK(ParsePageSize("1", kEnglish).value() == 1);
  CHECK(ParsePageSize("５００", kEnglish).value() == 500);
  for (const char* bad : {"-3", "0", "501"}) {
    INFO(bad);
    CHECK(ParsePageSize(bad, kEnglish).error() ==
          std::string("--limit: ") + bad + " is not between 1 and 500");
  }
  CHECK(ParsePageSize("ten", kEnglish).error() == "--limit: \"ten\" is not a whole number");
}

TEST_CASE("ParseBoundedInt checks syntax and range and names the flag", "[desk_flags]") {
  CHECK(ParseBoundedInt("--heartbeat", "15", 1, 300, kEnglish).value() == 15);
  CHECK(ParseBoundedInt("--heartbeat", " 300 ", 1, 300, kEnglish).value() == 300);
  CHECK(ParseBoundedInt("--heartbeat", "0", 1, 300, kEnglish).error() ==
        "--heartbeat: 0 is not between 1 and 300");
  CHECK(ParseBoundedInt("--heartbeat", "301", 1, 300, kEnglish).error() ==
        "--heartbeat: 301 is not between 1 and 300");
  CHECK(ParseBoundedInt("--heartbeat", "ten", 1, 300, kEnglish).error() ==
        "--heartbeat: \"ten\" is not a whole number");
  CHECK(ParseBoundedInt("--heartbeat", "5s", 1, 300, kEnglish).error() ==
        "--heartbeat: \"5s\" is not a whole number");
  CHECK(ParseBoundedInt("--max-events", "0", 1, INT_MAX, kEnglish).error() ==
        "--max-events: must be at least 1");
  CHECK(ParseBoundedInt("--max-events", "-2", 1, INT_MAX, kEnglish).error() ==
        "--max-events: must be at least 1");
  CHECK(ParseBoundedInt("--max-events", "99999999999", 1, INT_MAX, kEnglish).error() ==
        "--max-events: 99999999999 is not between 1 and 2147483647");
  CHECK(ParseBoundedInt("--max-events", "", 1, INT_MAX, kChinese).error() ==
        "--max-events：“”不是整数");
}

TEST_CASE("RequireText trims and refuses empty text", "[desk_flags]") {
  CHECK(RequireText("--reason", "  not ours \n", kEnglish).value() == "not ours");
  CHECK(RequireText("--reason", " \t", kEnglish).error() == "--reason: must not be empty");
  CHECK(RequireText("--note", "", kChinese).error() == "--note：不能为空");
}

}  // namespace
}  // namespace hotline::cli
