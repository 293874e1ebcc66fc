// libFuzzer target: arbitrary bytes as the TOML text of a routing table (issue 5, hostile
// input). An administrator's draft reaches ParseRoutingTable through ValidateRoutingTable,
// ApplyRoutingTable, ReplayRouting and `kill -HUP`, so the loader must refuse anything with
// diagnostics and never crash. When the text loads, the table is used the way the server uses
// one: a few fixed reports are routed, each target is declined and escalated, and the
// table-text functions run against the default table (config/routing.toml).
//
// Besides the sanitizers, the target checks what router.h promises: a decision always has a
// target, and every target is a desk of the table.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "router/loader.h"
#include "router/router.h"
#include "router/routing_table.h"
#include "router/table_text.h"

namespace {

using hotline::router::Desk;
using hotline::router::RoutedTarget;
using hotline::router::RoutingTable;

// A small loadable table (tests/fuzz/corpus/fuzz_routing_table/minimal.toml).
constexpr std::string_view kSmallTable = R"(version = "t1"
default_ack_deadline = "2h"

[[jurisdiction]]
code = "11"
name = "北京市"

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

struct Defaults {
  std::string text;
  std::shared_ptr<const RoutingTable> table;
};

const Defaults& Default() {
  static const Defaults* defaults = [] {
    auto* d = new Defaults;
    const std::string path = std::string(HOTLINE_SOURCE_DIR) + "/config/routing.toml";
    FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      std::fprintf(stderr, "fuzz_routing_table: cannot read %s\n", path.c_str());
      std::abort();
    }
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) d->text.append(buffer, n);
    std::fclose(f);
    auto table = hotline::router::ParseRoutingTable(d->text, "routing.toml");
    if (!table.ok()) {
      std::fprintf(stderr, "fuzz_routing_table: default table: %s\n",
                   table.status().ToString().c_str());
      std::abort();
    }
    d->table = *table;
    return d;
  }();
  return *defaults;
}

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_routing_table: broken promise: %s\n", what);
    std::abort();
  }
}

void CheckTarget(const RoutingTable& table, const RoutedTarget& target) {
  Check(table.FindDesk(target.desk_id) != nullptr, "a routed target is a desk of the table");
}

// The reports routed through every table that loads: categories, urgency, reporter kind, and
// per child an age range and school attendance (jurisdictions come from the table).
struct Report {
  std::vector<std::string> categories;
  std::string urgency;
  std::string reporter_kind;
  std::optional<int> age_min, age_max;
  std::optional<bool> attends_school;
};

const std::vector<Report>& Reports() {
  static const std::vector<Report> reports = {
      {{"begging"}, "urgent", "public", 9, 9, std::nullopt},
      {{"abuse", "neglect"}, "immediate_danger", "mandated", 3, 5, false},
      {{"psychological_crisis"}, "routine", "self", 15, 15, true},
      {{"dropout", "left_behind", "poverty"}, "routine", "anonymous", std::nullopt, std::nullopt,
       std::nullopt},
      {{"other"}, "urgent", "agency", 0, 17, true},
  };
  return reports;
}

void RouteReports(const RoutingTable& table) {
  if (table.jurisdictions.empty()) return;
  // Well-formed codes the table knows (the server refuses unknown codes before routing).
  std::vector<std::string> codes = {table.jurisdictions.front().code,
                                    table.jurisdictions.back().code,
                                    table.jurisdictions[table.jurisdictions.size() / 2].code};
  for (const Report& report : Reports()) {
    hotline::router::Facts facts;
    facts.categories = report.categories;
    facts.urgency = report.urgency;
    facts.reporter_kind = report.reporter_kind;
    for (const std::string& code : codes) {
      hotline::router::ChildFacts child;
      child.jurisdiction = code;
      child.age_min = report.age_min;
      child.age_max = report.age_max;
      child.attends_school = report.attends_school;
      facts.children.push_back(child);
    }
    const hotline::router::Decision decision = hotline::router::Route(table, facts);
    Check(!decision.targets.empty(), "a decision has at least one target");
    std::vector<std::string> holding;
    for (const RoutedTarget& target : decision.targets) {
      CheckTarget(table, target);
      holding.push_back(target.desk_id);
    }
    for (const RoutedTarget& target : decision.targets) {
      // As the server does: the declining desk and every desk already on the case excluded.
      if (auto next = hotline::router::NextTargetAfterDecline(table, target.rule_id,
                                                              target.desk_id, codes, holding)) {
        CheckTarget(table, *next);
      }
      if (auto next = hotline::router::EscalationTarget(table, target.rule_id, target.desk_id,
                                                        codes, holding, holding)) {
        CheckTarget(table, *next);
      }
      // A rule id the table does not have (a decision made under an older table).
      if (auto next = hotline::router::NextTargetAfterDecline(table, "no-such-rule",
                                                              target.desk_id, codes, {})) {
        CheckTarget(table, *next);
      }
    }
    // The rule index changes nothing (router.h): scanning every rule finds the same desks.
    const hotline::router::Decision scanned = hotline::router::RouteWithoutIndex(table, facts);
    Check(scanned.targets.size() == decision.targets.size(),
          "Route and RouteWithoutIndex choose the same desks");
    for (size_t i = 0; i < scanned.targets.size(); ++i) {
      Check(scanned.targets[i].desk_id == decision.targets[i].desk_id &&
                scanned.targets[i].rule_id == decision.targets[i].rule_id,
            "Route and RouteWithoutIndex choose the same desks");
    }
  }
}

// Re-loads an edited text; the result only has to load or be refused cleanly.
void Reload(const std::string& text) {
  std::vector<hotline::router::Diagnostic> diagnostics;
  auto table = hotline::router::ParseRoutingTable(text, "edited.toml", &diagnostics);
  for (const auto& d : diagnostics) (void)d.ToString();
  if (table.ok()) RouteReports(**table);
}

void EditText(std::string_view text, const RoutingTable& table) {
  const Defaults& defaults = Default();
  // A desk of the default table written in (new, or replacing one of the same id).
  Reload(hotline::router::PutDeskText(text, table, defaults.table->desks.back()));
  // One of the table's own desks, renamed and with another deadline.
  if (!table.desks.empty()) {
    Desk desk = table.desks.front();
    desk.name += " (edited) \"quoted\" \\ 改";
    desk.ack_deadline = std::chrono::seconds(90);
    Reload(hotline::router::PutDeskText(text, table, desk));
  }
  // Removing desks: the first few, and one that does not exist.
  size_t removed = 0;
  for (const Desk& desk : table.desks) {
    if (removed++ == 3) break;
    auto without = hotline::router::RemoveDeskText(text, table, desk.id);
    if (without.ok()) Reload(*without);
  }
  (void)hotline::router::RemoveDeskText(text, table, "no-such-desk");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Defaults& defaults = Default();
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::vector<hotline::router::Diagnostic> diagnostics;
  auto table = hotline::router::ParseRoutingTable(text, "fuzz.toml", &diagnostics);
  for (const auto& d : diagnostics) (void)d.ToString();
  if (!table.ok()) return 0;

  RouteReports(**table);
  // What Admin.DiffRoutingTables shows between two stored (loadable) versions. The diff is
  // quadratic in lines: the default table (~490 lines) against every large input took a third
  // of the run, so inputs of more than 150 lines are diffed against a small table instead.
  const bool small = std::count(text.begin(), text.end(), '\n') <= 150;
  (void)hotline::router::UnifiedDiff(small ? std::string_view(defaults.text) : kSmallTable, text,
                                     "a/base.toml", "b/fuzz.toml");
  (void)hotline::router::SummarizeChanges(*defaults.table, **table);
  (void)hotline::router::SummarizeChanges(**table, *defaults.table);
  EditText(text, **table);
  // The default table's text edited with a desk of the fuzzed table.
  if (!(*table)->desks.empty()) {
    Reload(hotline::router::PutDeskText(defaults.text, *defaults.table, (*table)->desks.back()));
  }
  return 0;
}
