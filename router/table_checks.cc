#include "router/table_checks.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "router/router.h"
#include "router/text.h"

namespace hotline::router {
namespace {

std::string FirstAt(int line) { return Cat("(first defined at line ", line, ")"); }

void CheckJurisdictions(const RoutingTable& table, DiagnosticSink& sink) {
  std::map<std::string, int> first_line;
  for (const Jurisdiction& j : table.jurisdictions) {
    auto [it, inserted] = first_line.emplace(j.code, j.line);
    if (!inserted) {
      sink.Error(j.line, Cat("duplicate jurisdiction code ", j.code, " ", FirstAt(it->second)));
    }
  }
  for (const Jurisdiction& j : table.jurisdictions) {
    const std::vector<std::string> chain = JurisdictionChain(j.code);
    if (chain.size() < 2) continue;  // a 2-digit province is a root
    if (first_line.count(chain[1]) == 0) {
      sink.Error(j.line, Cat("jurisdiction ", j.code, " (", j.name, "): its parent ", chain[1],
                             " is not listed in [[jurisdiction]]"));
    }
  }
}

void CheckDesks(const RoutingTable& table, DiagnosticSink& sink) {
  std::map<std::string, int> first_line;
  std::map<std::pair<std::string, std::string>, const Desk*> by_type_code;
  bool has_center = false;
  for (const Desk& desk : table.desks) {
    if (desk.type == "center") has_center = true;
    if (desk.id.empty()) continue;
    auto [it, inserted] = first_line.emplace(desk.id, desk.line);
    if (!inserted) {
      sink.Error(desk.line, Cat("duplicate desk id '", desk.id, "' ", FirstAt(it->second)));
      continue;
    }
    auto [tc, fresh] = by_type_code.emplace(std::make_pair(desk.type, desk.jurisdiction), &desk);
    if (!fresh) {
      const Desk& first = *tc->second;
      sink.Warning(desk.line,
                   Cat("desk '", desk.id, "' has the same type ", desk.type, " and jurisdiction ",
                       desk.jurisdiction, " as desk '", first.id, "' (line ", first.line,
                       "); targets by type always resolve to '", first.id, "'"));
    }
  }
  if (!has_center) {
    // Pointed at the last desk (where one would be added), else the top of the file.
    sink.Error(table.desks.empty() ? 1 : table.desks.back().line,
               "no desk of type \"center\": the centre desk is the fallback for every "
               "target type that has no desk, and the owner of the default rule");
  }
}

void CheckRules(const RoutingTable& table, DiagnosticSink& sink) {
  std::map<std::string, int> first_line;
  const Rule* first_default = nullptr;
  for (size_t i = 0; i < table.rules.size(); ++i) {
    const Rule& rule = table.rules[i];
    if (!rule.id.empty()) {
      auto [it, inserted] = first_line.emplace(rule.id, rule.line);
      if (!inserted) {
        sink.Error(rule.line, Cat("duplicate rule id '", rule.id, "' ", FirstAt(it->second)));
      }
    }
    if (!rule.is_default) continue;
    if (first_default != nullptr) {
      sink.Error(rule.line, Cat("more than one default rule: '", rule.id, "' and '",
                                first_default->id, "' (line ", first_default->line, ")"));
    } else {
      first_default = &rule;
    }
    if (i + 1 < table.rules.size()) {
      const Rule& next = table.rules[i + 1];
      sink.Error(rule.line, Cat("default rule '", rule.id, "' must be the last rule, but rule '",
                                next.id, "' (line ", next.line, ") follows it"));
    }
  }
  if (first_default == nullptr) {
    // Pointed at the last rule, the one that should carry default = true.
    if (table.rules.empty()) {
      sink.Error(1, "no [[rule]] at all: the table needs at least a default rule");
    } else {
      sink.Error(table.rules.back().line,
                 Cat("no default rule: the last [[rule]] ('", table.rules.back().id,
                     "') must have default = true"));
    }
  }
}

// Warnings: targets whose type has no desk anywhere, and desks nothing can reach.
void CheckReachability(const RoutingTable& table, DiagnosticSink& sink) {
  std::set<std::string> desk_types;
  for (const Desk& desk : table.desks) desk_types.insert(desk.type);
  std::set<std::string> targeted_ids;
  std::set<std::string> targeted_types;
  for (const Rule& rule : table.rules) {
    for (const Target& target : rule.targets) {
      if (!target.desk_id.empty()) targeted_ids.insert(target.desk_id);
      if (target.desk_type.empty()) continue;
      targeted_types.insert(target.desk_type);
      if (desk_types.count(target.desk_type) == 0) {
        sink.Warning(target.line, Cat("rule '", rule.id, "' targets type ", target.desk_type,
                                      " but there is no ", target.desk_type,
                                      " desk anywhere; it will fall back to the centre desk"));
      }
    }
  }
  for (const Desk& desk : table.desks) {
    // A centre desk is always reachable: it is the fallback of every unresolved type.
    if (desk.type == "center") continue;
    if (targeted_ids.count(desk.id) > 0 || targeted_types.count(desk.type) > 0) continue;
    sink.Warning(desk.line, Cat("desk '", desk.id,
                                "' is never targeted, neither by id nor by type ", desk.type));
  }
}

// True when every value of `inner` is in `outer` (both non-empty lists of names).
bool Subset(const std::vector<std::string>& inner, const std::vector<std::string>& outer) {
  for (const std::string& v : inner) {
    if (std::find(outer.begin(), outer.end(), v) == outer.end()) return false;
  }
  return true;
}

// True when every report that satisfies `later` also satisfies `earlier` (conservatively:
// false when unsure), so a stopping `earlier` rule leaves `later` nothing to match.
bool Covers(const Conditions& earlier, const Conditions& later) {
  const auto list_covers = [](const std::vector<std::string>& e,
                              const std::vector<std::string>& l) {
    return e.empty() || (!l.empty() && Subset(l, e));
  };
  if (!list_covers(earlier.categories, later.categories)) return false;
  if (!list_covers(earlier.urgencies, later.urgencies)) return false;
  if (!list_covers(earlier.reporter_kinds, later.reporter_kinds)) return false;
  if (!earlier.jurisdictions.empty()) {
    if (later.jurisdictions.empty()) return false;
    for (const std::string& code : later.jurisdictions) {
      bool inside = false;
      for (const std::string& prefix : earlier.jurisdictions) {
        inside = inside || code.compare(0, prefix.size(), prefix) == 0;
      }
      if (!inside) return false;
    }
  }
  if (earlier.age_min) {
    if (!later.age_min || *later.age_min < *earlier.age_min || *later.age_max > *earlier.age_max) {
      return false;
    }
  }
  if (earlier.attends_school && earlier.attends_school != later.attends_school) return false;
  return true;
}

// Errors: a rule that can never match because an earlier stopping rule takes every report it
// would match. It is always a mistake (the author expected it to route something), so the
// table is refused rather than loaded with a dead rule.
void CheckShadowing(const RoutingTable& table, DiagnosticSink& sink) {
  for (size_t i = 0; i < table.rules.size(); ++i) {
    const Rule& later = table.rules[i];
    if (later.is_default) continue;
    for (size_t j = 0; j < i; ++j) {
      const Rule& earlier = table.rules[j];
      if (earlier.continue_evaluation || earlier.is_default) continue;
      if (Covers(earlier.when, later.when)) {
        sink.Error(later.line,
                     Cat("rule '", later.id, "' is shadowed by rule '", earlier.id, "' (line ",
                         earlier.line, "): every report it matches stops at '", earlier.id,
                         "' first, so it never matches"));
        break;
      }
    }
  }
}

// Warnings: a jurisdiction (one no other listed code lies under) where a community target
// finds no community desk at it or above it.
void CheckCommunityCoverage(const RoutingTable& table, DiagnosticSink& sink) {
  bool any_community = false;
  for (const Desk& desk : table.desks) any_community = any_community || desk.type == "community";
  if (!any_community) return;  // CheckReachability already warns about the type
  for (const Jurisdiction& j : table.jurisdictions) {
    bool has_children = false;
    for (const Jurisdiction& other : table.jurisdictions) {
      has_children = has_children || (other.code.size() > j.code.size() &&
                                       other.code.compare(0, j.code.size(), j.code) == 0);
    }
    if (has_children) continue;
    bool covered = false;
    for (const Desk& desk : table.desks) {
      covered = covered || (desk.type == "community" &&
                            j.code.compare(0, desk.jurisdiction.size(), desk.jurisdiction) == 0);
    }
    if (!covered) {
      sink.Warning(j.line, Cat("jurisdiction ", j.code, " (", j.name,
                               ") has no community desk at or above it; community targets "
                               "there fall back to the centre desk"));
    }
  }
}

std::string DeskList(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) out += Cat(i == 0 ? "" : ", ", ids[i]);
  return out + "]";
}

}  // namespace

void CheckTable(const RoutingTable& table, DiagnosticSink& sink) {
  CheckJurisdictions(table, sink);
  CheckDesks(table, sink);
  CheckRules(table, sink);
  CheckReachability(table, sink);
  CheckShadowing(table, sink);
  CheckCommunityCoverage(table, sink);
}

void CheckExpectations(const RoutingTable& table, DiagnosticSink& sink) {
  for (const Expectation& e : table.expectations) {
    Facts facts;
    facts.categories = e.categories;
    facts.urgency = e.urgency;
    facts.reporter_kind = e.reporter_kind;
    ChildFacts child;
    child.jurisdiction = e.jurisdiction;
    child.age_min = e.age_min;
    child.age_max = e.age_max;
    child.attends_school = e.attends_school;
    facts.children.push_back(child);
    const Decision decision = Route(table, facts);
    std::vector<std::string> got;
    for (const RoutedTarget& t : decision.targets) got.push_back(t.desk_id);
    if (DeskList(got) == DeskList(e.desks)) continue;
    std::string matched;
    for (const RuleStep& step : decision.trace) {
      if (step.matched) matched += Cat(matched.empty() ? "" : ", ", step.rule_id);
    }
    sink.Error(e.line, Cat("expectation '", e.name, "' failed: expected desks ",
                           DeskList(e.desks), ", routed to ", DeskList(got),
                           " (rules matched: ", matched, ")"));
  }
}

}  // namespace hotline::router
