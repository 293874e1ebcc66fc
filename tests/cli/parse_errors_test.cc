// ParseErrorText against the errors the installed CLI11 really throws: a CLI11 whose texts
// change shape fails here instead of silently leaving them in English.
#include "cli/parse_errors.h"

#include <CLI/CLI.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace hotline::cli {
namespace {

// Parses `args` with a command shaped like the CLI's ("hotline rules apply FILE --comment
// TEXT [--limit N] [--json]") and returns ParseErrorText of the error thrown.
std::string ErrorOf(std::vector<std::string> args, Lang lang) {
  CLI::App app("test", "hotline");
  std::string file, comment;
  int limit = 0;
  bool json = false;
  app.add_flag("--json", json);
  app.add_option("--limit", limit)->type_name("N");
  app.add_option("--comment", comment)->required()->type_name("TEXT");
  app.add_option("file", file)->required()->type_name("FILE");
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return ParseErrorText(e.get_name(), e.what(), Ui(lang));
  }
  return "(no error)";
}

TEST_CASE("ParseErrorText says CLI11's errors in Chinese, keeping names and values",
          "[parse_errors]") {
  const Lang zh = Lang::kChinese;
  CHECK(ErrorOf({"t.toml"}, zh) == "--comment：必须提供");
  CHECK(ErrorOf({"--comment", "why"}, zh) == "file：必须提供");
  CHECK(ErrorOf({"t.toml", "--comment"}, zh) == "--comment：缺少取值（TEXT）");
  CHECK(ErrorOf({"t.toml", "--comment", "why", "--frobnicate"}, zh) ==
        "无法识别的参数：--frobnicate（参见 --help）");
  CHECK(ErrorOf({"t.toml", "extra", "--comment", "why"}, zh) ==
        "无法识别的参数：extra（参见 --help）");
  CHECK(ErrorOf({"t.toml", "--comment", "why", "--limit", "abc"}, zh) ==
        "--limit：“abc”不是有效的取值");
}

TEST_CASE("ParseErrorText in English follows the CLI's own 'flag: reason' form", "[parse_errors]") {
  const Lang en = Lang::kEnglish;
  CHECK(ErrorOf({"t.toml"}, en) == "--comment: is required");
  CHECK(ErrorOf({"t.toml", "--comment"}, en) == "--comment: needs a value (TEXT)");
  // (CLI11 2.1 lists several in reverse order.)
  const std::string extras = ErrorOf({"t.toml", "--comment", "why", "-x", "y"}, en);
  CHECK(
      (extras == "not expected: -x y (see --help)" || extras == "not expected: y -x (see --help)"));
  CHECK(ErrorOf({"t.toml", "--comment", "why", "--limit", "1.5"}, en) ==
        "--limit: \"1.5\" is not a valid value");
}

TEST_CASE("ParseErrorText keeps a text of another shape as it is", "[parse_errors]") {
  const Ui zh(Lang::kChinese);
  CHECK(ParseErrorText("RequiredError", "Exactly 1 option from [--a,--b]", zh) ==
        "Exactly 1 option from [--a,--b]");
  CHECK(ParseErrorText("ValidationError", "--comment is required", zh) ==
        "--comment is required");  // the shape, but another error
  CHECK(ParseErrorText("hotline", "The following argument was not expected:", zh) ==
        "The following argument was not expected:");
}

}  // namespace
}  // namespace hotline::cli
