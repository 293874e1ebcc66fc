#include "cli/key_value.h"

#include <algorithm>
#include <utility>

#include "cli/display_width.h"
#include "cli/table.h"

namespace hotline::cli {
namespace {

constexpr int kIndentStep = 2;
constexpr int kGap = 2;

}  // namespace

void KeyValueBlock::Add(std::string key, std::string value) {
  entries_.push_back(Entry{false, indent_, std::move(key), std::move(value)});
}

void KeyValueBlock::Heading(std::string title) {
  indent_ = 0;
  entries_.push_back(Entry{true, 0, std::move(title), {}});
  indent_ = kIndentStep;
}

void KeyValueBlock::EndGroup() { indent_ = 0; }

std::string KeyValueBlock::Render() const {
  // A heading is visible when a visible line follows it before the next heading or top line.
  std::vector<bool> visible(entries_.size(), false);
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].heading) {
      for (size_t j = i + 1; j < entries_.size() && !entries_[j].heading && entries_[j].indent > 0;
           ++j) {
        if (!entries_[j].value.empty()) {
          visible[i] = true;
          break;
        }
      }
    } else {
      visible[i] = !entries_[i].value.empty();
    }
  }
  int value_column = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (visible[i] && !entries_[i].heading) {
      value_column = std::max(value_column, entries_[i].indent + DisplayWidth(entries_[i].key));
    }
  }
  value_column += kGap;
  std::string out;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (!visible[i]) continue;
    const Entry& e = entries_[i];
    std::string line(static_cast<size_t>(e.indent), ' ');
    if (e.heading) {
      out += TrimRight(line + e.key) + '\n';
      continue;
    }
    line = PadToWidth(line + e.key, value_column);
    size_t start = 0;
    bool first = true;
    while (start < e.value.size()) {
      size_t end = e.value.find('\n', start);
      if (end == std::string::npos) end = e.value.size();
      const std::string prefix = first ? line : std::string(static_cast<size_t>(value_column), ' ');
      out += TrimRight(prefix + OneLine(e.value.substr(start, end - start))) + '\n';
      first = false;
      start = end + 1;
    }
  }
  return out;
}

}  // namespace hotline::cli
