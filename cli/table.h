// Aligned text tables for the terminal: a header row, columns padded by display width (so
// Chinese text lines up), two spaces between columns, no trailing spaces. Not thread-safe.
#pragma once

#include <string>
#include <vector>

namespace hotline::cli {

struct TableStyle {
  // When false, cells wider than max_cell_width columns end in "…".
  bool wide = false;
  int max_cell_width = 60;
};

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Adds a row. Missing cells print as "-", extra cells are dropped, line breaks and tabs
  // inside a cell print as spaces. A non-empty `detail` prints on the line(s) below the row,
  // indented by 4 spaces and never truncated.
  void AddRow(std::vector<std::string> cells, std::string detail = {});

  bool empty() const { return rows_.empty(); }

  // The header and every row, each line ending in '\n'.
  std::string Render(const TableStyle& style) const;

 private:
  struct Row {
    std::vector<std::string> cells;
    std::string detail;
  };
  std::vector<std::string> headers_;
  std::vector<Row> rows_;
};

// `text` with every control character (line breaks, tabs…) replaced by a space.
std::string OneLine(std::string_view text);

// `line` without trailing spaces.
std::string TrimRight(std::string line);

}  // namespace hotline::cli
