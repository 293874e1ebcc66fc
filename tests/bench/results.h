// The one table hotline_bench prints: every figure with its ceiling, the ratio between them,
// the target and PASS/MISS; and the same as one JSON object. Not thread-safe.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tests/bench/machine.h"

namespace hotline::bench {

enum class Verdict { kNone, kPass, kMiss };

struct Figure {
  std::string key;    // machine name, e.g. "submit_report.c64.per_s"
  std::string group;  // table section, e.g. "SubmitReport (real server, durable)"
  std::string name;   // row label, e.g. "@64 callers"
  double value = 0;
  std::string unit;        // "/s", "ms", "MB", "s", "rows/s"
  std::string value_text;  // as printed; Format() fills it when empty
  // The ceiling this figure is compared with (empty name: none) and value / ceiling.
  std::string ceiling_name;
  std::optional<double> ceiling;
  std::string ceiling_text;
  std::optional<double> ratio;
  std::string target;  // the target, e.g. ">= 35% of echo"; empty: none
  Verdict verdict = Verdict::kNone;
  std::string note;
};

class Results {
 public:
  explicit Results(MachineInfo machine) : machine_(std::move(machine)) {}

  void Add(Figure f) { figures_.push_back(std::move(f)); }
  // A line printed under the table (how something was measured, an error).
  void AddNote(std::string note) { notes_.push_back(std::move(note)); }
  void SetSetting(std::string settings) { settings_ = std::move(settings); }

  const std::vector<Figure>& figures() const { return figures_; }
  int misses() const;

  // The machine line, the table, the notes.
  void PrintTable(std::ostream& out) const;
  // One line of JSON: {"machine":{...},"settings":"...","figures":[...],"notes":[...]}.
  std::string Json() const;

 private:
  MachineInfo machine_;
  std::string settings_;
  std::vector<Figure> figures_;
  std::vector<std::string> notes_;
};

// "12,345" (no decimals), "1.23" etc.
std::string Grouped(double value);
std::string Fixed(double value, int decimals);
// PASS when `ok`, else MISS.
Verdict VerdictOf(bool ok);

}  // namespace hotline::bench
