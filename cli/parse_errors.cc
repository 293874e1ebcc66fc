#include "cli/parse_errors.h"

#include <regex>

namespace hotline::cli {
namespace {

// The message shapes of CLI11 2.1 (CLI/Error.hpp) that this CLI can produce. Anchored: a
// text that only resembles one is kept as it is.
struct Shape {
  std::string_view error_name;  // "": any (CLI11 names an ExtrasError after the command)
  std::regex pattern;
  Msg msg;  // Formatted with the pattern's groups, in order.
};

const std::vector<Shape>& Shapes() {
  static const std::vector<Shape> shapes = [] {
    std::vector<Shape> s;
    s.push_back({"RequiredError", std::regex(R"(^(\S+) is required$)"), Msg::kCliRequired});
    s.push_back({"ArgumentMismatch", std::regex(R"(^(\S+): \d+ required (\S+) missing$)"),
                 Msg::kCliValueMissing});
    s.push_back({"ArgumentMismatch",
                 std::regex(R"(^Expected at least \d+ arguments? to (\S+), got 0$)"),
                 Msg::kCliValueMissingNoType});
    s.push_back({"", std::regex(R"(^The following arguments? (?:was|were) not expected: (.+)$)"),
                 Msg::kCliUnexpected});
    s.push_back({"ConversionError", std::regex(R"(^Could not convert: (\S+) = (.*)$)"),
                 Msg::kCliNotAValue});
    s.push_back({"ConversionError", std::regex(R"(^(\S+): too many inputs for a flag$)"),
                 Msg::kCliFlagTakesNoValue});
    return s;
  }();
  return shapes;
}

}  // namespace

std::string ParseErrorText(std::string_view error_name, std::string_view what, const Ui& ui) {
  const std::string text(what);
  for (const Shape& shape : Shapes()) {
    if (!shape.error_name.empty() && shape.error_name != error_name) continue;
    std::smatch m;
    if (!std::regex_match(text, m, shape.pattern)) continue;
    switch (m.size()) {
      case 2:
        return ui.Format(shape.msg, m[1].str());
      case 3:
        return ui.Format(shape.msg, m[1].str(), m[2].str());
      default:
        break;
    }
  }
  return text;
}

}  // namespace hotline::cli
