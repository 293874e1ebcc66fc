#include "cli/table.h"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/display_width.h"

namespace hotline::cli {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Display column at which `needle` starts in `line`.
int ColumnOf(const std::string& line, const std::string& needle) {
  const size_t at = line.find(needle);
  REQUIRE(at != std::string::npos);
  return DisplayWidth(line.substr(0, at));
}

TEST_CASE("Table aligns columns by display width with Chinese cells", "[table]") {
  Table table({"ID", "NAME", "TYPE"});
  table.AddRow({"police-110105", "朝阳分局", "police"});
  table.AddRow({"community-1", "小关社区居委会", "community"});
  table.AddRow({"c", "x", "center"});
  const std::string out = table.Render(TableStyle{});
  const std::vector<std::string> lines = Lines(out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "ID             NAME            TYPE");
  CHECK(lines[1] == "police-110105  朝阳分局        police");
  CHECK(ColumnOf(lines[1], "朝阳分局") == ColumnOf(lines[0], "NAME"));
  CHECK(ColumnOf(lines[1], " police") + 1 == ColumnOf(lines[0], "TYPE"));
  CHECK(ColumnOf(lines[2], " community") + 1 == ColumnOf(lines[0], "TYPE"));
  CHECK(ColumnOf(lines[3], "center") == ColumnOf(lines[0], "TYPE"));
  CHECK(ColumnOf(lines[2], "小关") == ColumnOf(lines[0], "NAME"));
}

TEST_CASE("Table lines have no trailing spaces and empty cells print as -", "[table]") {
  Table table({"A", "LONG HEADER"});
  table.AddRow({"x", ""});
  table.AddRow({"小明小明", "y"});
  for (const std::string& line : Lines(table.Render(TableStyle{}))) {
    CHECK_FALSE(line.empty());
    CHECK(line.back() != ' ');
  }
  CHECK(Lines(table.Render(TableStyle{}))[1] == "x         -");
}

TEST_CASE("Table truncates long cells unless wide", "[table]") {
  const std::string long_cell(80, 'a');
  Table table({"H"});
  table.AddRow({long_cell});
  const std::vector<std::string> narrow = Lines(table.Render(TableStyle{false, 60}));
  CHECK(DisplayWidth(narrow[1]) == 60);
  CHECK(narrow[1].substr(narrow[1].size() - 3) == "…");
  CHECK(Lines(table.Render(TableStyle{true, 60}))[1] == long_cell);
}

TEST_CASE("Table prints a row's detail indented below it", "[table]") {
  Table table({"SEQ", "TYPE"});
  table.AddRow({"1", "report.received"}, "{\"a\":1}");
  table.AddRow({"2", "note.added"});
  const std::vector<std::string> lines = Lines(table.Render(TableStyle{}));
  REQUIRE(lines.size() == 4);
  CHECK(lines[2] == "    {\"a\":1}");
  CHECK(lines[3] == "2    note.added");
}

TEST_CASE("Table turns line breaks in cells into spaces", "[table]") {
  Table table({"A", "B"});
  table.AddRow({"one\ntwo", "z"});
  CHECK(Lines(table.Render(TableStyle{}))[1] == "one two  z");
}

}  // namespace
}  // namespace hotline::cli
