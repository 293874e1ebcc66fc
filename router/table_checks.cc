#include "router/table_checks.h"

#include <map>
#include <set>
#include <string>

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

}  // namespace

void CheckTable(const RoutingTable& table, DiagnosticSink& sink) {
  CheckJurisdictions(table, sink);
  CheckDesks(table, sink);
  CheckRules(table, sink);
  CheckReachability(table, sink);
}

}  // namespace hotline::router
