#include "cli/table.h"

#include <algorithm>
#include <utility>

#include "cli/display_width.h"

namespace hotline::cli {
namespace {

constexpr std::string_view kColumnGap = "  ";
constexpr std::string_view kDetailIndent = "    ";
constexpr std::string_view kEmptyCell = "-";

std::string FormatCell(const std::string& cell, const TableStyle& style) {
  if (cell.empty()) return std::string(kEmptyCell);
  std::string text = OneLine(cell);
  if (!style.wide) text = TruncateToWidth(text, style.max_cell_width);
  return text;
}

}  // namespace

std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return out;
}

std::string TrimRight(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells, std::string detail) {
  cells.resize(headers_.size());
  rows_.push_back(Row{std::move(cells), std::move(detail)});
}

std::string Table::Render(const TableStyle& style) const {
  const size_t columns = headers_.size();
  std::vector<std::vector<std::string>> lines;
  lines.reserve(rows_.size() + 1);
  lines.push_back(headers_);
  for (const Row& row : rows_) {
    std::vector<std::string> formatted;
    for (const std::string& cell : row.cells) formatted.push_back(FormatCell(cell, style));
    lines.push_back(std::move(formatted));
  }
  std::vector<int> widths(columns, 0);
  for (const auto& line : lines) {
    for (size_t c = 0; c < columns; ++c) widths[c] = std::max(widths[c], DisplayWidth(line[c]));
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string text;
    for (size_t c = 0; c < columns; ++c) {
      if (c > 0) text += kColumnGap;
      text += c + 1 < columns ? PadToWidth(lines[i][c], widths[c]) : lines[i][c];
    }
    out += TrimRight(std::move(text));
    out += '\n';
    if (i == 0 || rows_[i - 1].detail.empty()) continue;
    const std::string& detail = rows_[i - 1].detail;
    size_t start = 0;
    while (start < detail.size()) {
      size_t end = detail.find('\n', start);
      if (end == std::string::npos) end = detail.size();
      out += TrimRight(std::string(kDetailIndent) + detail.substr(start, end - start));
      out += '\n';
      start = end + 1;
    }
  }
  return out;
}

}  // namespace hotline::cli
