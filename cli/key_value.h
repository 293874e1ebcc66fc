// Key/value blocks for the terminal ("Case      HL-2026-000123"): values start in one column
// (by display width), empty values are left out, groups are indented under a heading.
// Not thread-safe.
#pragma once

#include <string>
#include <vector>

namespace hotline::cli {

class KeyValueBlock {
 public:
  // Adds a line; left out when `value` is empty. A value with line breaks continues on
  // following lines aligned with its first line.
  void Add(std::string key, std::string value);
  // Starts a group: following lines are indented by 2 under `title` until EndGroup() or the
  // next Heading(). A heading whose group has no visible line is left out.
  void Heading(std::string title);
  void EndGroup();

  // Every visible line, each ending in '\n'; "" when nothing is visible.
  std::string Render() const;

 private:
  struct Entry {
    bool heading = false;
    int indent = 0;
    std::string key;
    std::string value;
  };
  std::vector<Entry> entries_;
  int indent_ = 0;
};

}  // namespace hotline::cli
