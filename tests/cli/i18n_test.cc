#include "cli/i18n.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

namespace hotline::cli {
namespace {

int CountPlaceholders(std::string_view text) {
  int count = 0;
  for (size_t at = text.find("{}"); at != std::string_view::npos; at = text.find("{}", at + 2)) {
    ++count;
  }
  return count;
}

bool HasNonAscii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

TEST_CASE("Catalogue has one entry per Msg, in order", "[i18n]") {
  const auto catalogue = Catalogue();
  REQUIRE(catalogue.size() == static_cast<size_t>(Msg::kCount));
  for (size_t i = 0; i < catalogue.size(); ++i) {
    INFO(catalogue[i].key);
    CHECK(static_cast<size_t>(catalogue[i].id) == i);
  }
}

TEST_CASE("Every message exists in English and Chinese", "[i18n]") {
  for (const CatalogueEntry& entry : Catalogue()) {
    INFO(entry.key);
    CHECK_FALSE(entry.english.empty());
    CHECK_FALSE(entry.chinese.empty());
    CHECK(Text(entry.id, Lang::kEnglish) == entry.english);
    CHECK(Text(entry.id, Lang::kChinese) == entry.chinese);
    // Both languages take the same arguments.
    CHECK(CountPlaceholders(entry.english) == CountPlaceholders(entry.chinese));
  }
}

TEST_CASE("Chinese text is translated, not copied", "[i18n]") {
  // A Chinese text equal to the English one, or without any Chinese, is a missed translation.
  for (const CatalogueEntry& entry : Catalogue()) {
    INFO(entry.key);
    CHECK(entry.english != entry.chinese);
    CHECK(HasNonAscii(entry.chinese));
  }
}

TEST_CASE("Ui formats arguments", "[i18n]") {
  CHECK(Ui(Lang::kEnglish).Format(Msg::kAuditOk, 42, "ab") == "audit log OK: 42 events, head ab");
  CHECK(Ui(Lang::kEnglish).Format(Msg::kAuditBrokenNoEvent, "case HL-2026-000001 has no event") ==
        "audit log BROKEN: case HL-2026-000001 has no event");
  CHECK(Ui(Lang::kEnglish).Format(Msg::kRoutedBy, "v3") == "routed by table v3");
  CHECK(Ui(Lang::kChinese)(Msg::kYes) == "是");
}

TEST_CASE("ParseLang accepts en and zh only", "[i18n]") {
  CHECK(ParseLang("en") == Lang::kEnglish);
  CHECK(ParseLang("ZH") == Lang::kChinese);
  CHECK_FALSE(ParseLang("fr").has_value());
  CHECK_FALSE(ParseLang("zh_CN").has_value());
  CHECK_FALSE(ParseLang("").has_value());
}

TEST_CASE("DetectLang: flag, then HOTLINE_LANG, then the locale", "[i18n]") {
  std::map<std::string, std::string> env;
  auto getenv = [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  CHECK(DetectLang(std::nullopt, getenv) == Lang::kEnglish);
  env["LANG"] = "zh_CN.UTF-8";
  CHECK(DetectLang(std::nullopt, getenv) == Lang::kChinese);
  env["LC_ALL"] = "C.UTF-8";  // LC_ALL overrides LANG.
  CHECK(DetectLang(std::nullopt, getenv) == Lang::kEnglish);
  env["LC_ALL"] = "";
  env["LC_MESSAGES"] = "zh_TW.UTF-8";
  CHECK(DetectLang(std::nullopt, getenv) == Lang::kChinese);
  env["HOTLINE_LANG"] = "en";
  CHECK(DetectLang(std::nullopt, getenv) == Lang::kEnglish);
  env["HOTLINE_LANG"] = "zh";
  CHECK(DetectLang(std::nullopt, getenv) == Lang::kChinese);
  CHECK(DetectLang(Lang::kEnglish, getenv) == Lang::kEnglish);
}

TEST_CASE("IsUnknownLangSetting: HOTLINE_LANG must name a language or be empty", "[i18n]") {
  CHECK(IsUnknownLangSetting("fr"));
  CHECK(IsUnknownLangSetting("chinese"));
  CHECK_FALSE(IsUnknownLangSetting(nullptr));
  CHECK_FALSE(IsUnknownLangSetting(""));
  CHECK_FALSE(IsUnknownLangSetting("zh"));
  CHECK_FALSE(IsUnknownLangSetting("zh_CN.UTF-8"));
  CHECK_FALSE(IsUnknownLangSetting("EN"));
}

}  // namespace
}  // namespace hotline::cli
