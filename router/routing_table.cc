#include "router/routing_table.h"

#include <array>
#include <string_view>

#include "router/compiled_table.h"

namespace hotline::router {

const std::vector<std::string>& KnownCategories() {
  static const std::vector<std::string> kCategories = {"neglect",
                                                       "abandonment",
                                                       "abuse",
                                                       "exploitation",
                                                       "trafficking",
                                                       "domestic_violence",
                                                       "sexual_abuse",
                                                       "begging",
                                                       "vagrancy",
                                                       "left_unattended",
                                                       "left_behind",
                                                       "living_alone",
                                                       "migrant",
                                                       "dropout",
                                                       "psychological_crisis",
                                                       "illness",
                                                       "guardian_incapacity",
                                                       "instigated_crime",
                                                       "no_household_registration",
                                                       "disability",
                                                       "poverty",
                                                       "unknown_identity",
                                                       "other"};
  return kCategories;
}

const std::vector<std::string>& KnownUrgencies() {
  static const std::vector<std::string> kUrgencies = {"immediate_danger", "urgent", "routine"};
  return kUrgencies;
}

const std::vector<std::string>& KnownDeskTypes() {
  static const std::vector<std::string> kDeskTypes = {"community",
                                                      "police",
                                                      "school",
                                                      "center",
                                                      "medical",
                                                      "judicial",
                                                      "procuratorate",
                                                      "civil_affairs",
                                                      "women_federation",
                                                      "youth_league",
                                                      "disabled_federation",
                                                      "education_bureau"};
  return kDeskTypes;
}

const std::vector<std::string>& KnownReporterKinds() {
  static const std::vector<std::string> kReporterKinds = {"anonymous", "self", "mandated", "agency",
                                                          "public"};
  return kReporterKinds;
}

namespace {

// Lengths of the GB/T 2260 levels: province, city, county, township, village.
constexpr std::array<size_t, 5> kLevelLengths = {2, 4, 6, 9, 12};

bool IsLevelLength(size_t n) {
  for (size_t len : kLevelLengths) {
    if (len == n) return true;
  }
  return false;
}

}  // namespace

bool IsWellFormedJurisdiction(const std::string& code) {
  if (!IsLevelLength(code.size())) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::vector<std::string> JurisdictionChain(const std::string& code) {
  std::vector<std::string> chain;
  if (!IsWellFormedJurisdiction(code)) return chain;
  for (auto it = kLevelLengths.rbegin(); it != kLevelLengths.rend(); ++it) {
    if (*it <= code.size()) chain.push_back(code.substr(0, *it));
  }
  return chain;
}

const Desk* RoutingTable::FindDesk(const std::string& id) const {
  if (desk_index.empty()) {  // a table built by hand without BuildIndexes()
    for (const Desk& desk : desks) {
      if (desk.id == id) return &desk;
    }
    return nullptr;
  }
  auto it = desk_index.find(id);
  return it == desk_index.end() ? nullptr : &desks[it->second];
}

const Jurisdiction* RoutingTable::FindJurisdiction(const std::string& code) const {
  if (jurisdiction_index.empty()) {
    for (const Jurisdiction& j : jurisdictions) {
      if (j.code == code) return &j;
    }
    return nullptr;
  }
  auto it = jurisdiction_index.find(code);
  return it == jurisdiction_index.end() ? nullptr : &jurisdictions[it->second];
}

const Desk* RoutingTable::ResolveType(const std::string& type, const std::string& code) const {
  for (const std::string& prefix : JurisdictionChain(code)) {
    if (type_code_index.empty()) {
      for (const Desk& desk : desks) {
        if (desk.type == type && desk.jurisdiction == prefix) return &desk;
      }
      continue;
    }
    auto it = type_code_index.find({type, prefix});
    if (it != type_code_index.end()) return &desks[it->second];
  }
  return nullptr;
}

const Rule* RoutingTable::FindRule(const std::string& id) const {
  for (const Rule& rule : rules) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

const Desk* RoutingTable::CenterDesk(const std::string& code) const {
  if (const Desk* desk = ResolveType("center", code)) return desk;
  for (const Desk& desk : desks) {
    if (desk.type == "center") return &desk;
  }
  return nullptr;
}

void BuildIndexes(RoutingTable& table) {
  table.desk_index.clear();
  table.jurisdiction_index.clear();
  table.type_code_index.clear();
  for (size_t i = 0; i < table.jurisdictions.size(); ++i) {
    table.jurisdiction_index.emplace(table.jurisdictions[i].code, i);
  }
  for (size_t i = 0; i < table.desks.size(); ++i) {
    const Desk& desk = table.desks[i];
    table.desk_index.emplace(desk.id, i);
    table.type_code_index.emplace(std::make_pair(desk.type, desk.jurisdiction), i);
  }
  table.compiled = std::make_shared<const CompiledTable>(CompileTable(table));
}

}  // namespace hotline::router
