// A small valid routing table that the loader tests break one thing at a time, and helpers to
// look for the diagnostics the loader reports.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "router/loader.h"

namespace hotline::router::testing {

// A small valid table; tests break one thing in it at a time. Its line numbers are used by
// the tests: rule 'begging' starts at line 29, rule 'default' at line 35.
inline const std::string kValid = R"(version = "t1"
default_ack_deadline = "2h"

[[jurisdiction]]
code = "11"
name = "北京市"

[[jurisdiction]]
code = "1101"
name = "市辖区"

[[jurisdiction]]
code = "110105"
name = "朝阳区"

[[desk]]
id = "center"
name = "未保中心"
type = "center"
jurisdiction = "11"

[[desk]]
id = "police-110105"
name = "朝阳分局"
type = "police"
jurisdiction = "110105"
ack_deadline = "30m"

[[rule]]
id = "begging"
cites = "art. 17"
when = { categories = ["begging"] }
targets = [ { type = "police" } ]

[[rule]]
id = "default"
cites = "art. 33"
default = true
targets = [ { desk = "center" } ]
)";

struct Parsed {
  bool ok = false;
  std::string status_message;
  std::vector<Diagnostic> diagnostics;
};

inline Parsed Parse(const std::string& text) {
  Parsed p;
  auto table = ParseRoutingTable(text, "t.toml", &p.diagnostics);
  p.ok = table.ok();
  p.status_message = std::string(table.status().message());
  return p;
}

// True when some diagnostic of `severity` is on `line` and contains every fragment.
inline bool Has(const Parsed& p, int line, std::vector<std::string> fragments,
                Diagnostic::Severity severity = Diagnostic::Severity::kError) {
  for (const Diagnostic& d : p.diagnostics) {
    if (d.severity != severity || d.line != line) continue;
    bool all = true;
    for (const std::string& f : fragments) all = all && d.message.find(f) != std::string::npos;
    if (all) return true;
  }
  return false;
}

inline std::string Dump(const Parsed& p) {
  std::string out;
  for (const Diagnostic& d : p.diagnostics) out += d.ToString() + "\n";
  return out;
}

inline int Errors(const Parsed& p) {
  int n = 0;
  for (const Diagnostic& d : p.diagnostics) n += d.severity == Diagnostic::Severity::kError;
  return n;
}

}  // namespace hotline::router::testing
