#include "router/router.h"

#include <algorithm>
#include <cstdint>
#include <vector>
#include <string_view>

#include "router/compiled_table.h"
#include "router/text.h"

namespace hotline::router {
namespace {

// The report-wide facts, turned into vocabulary bits once per call.
struct ReportBits {
  uint64_t categories = 0;
  uint64_t urgency = 0;
  uint64_t reporter_kind = 0;
  std::string categories_text;  // "[begging, dropout]"
};

uint64_t Bit(int index) { return (index >= 0 && index < 64) ? uint64_t{1} << index : 0; }

ReportBits ToBits(const Facts& facts) {
  ReportBits bits;
  for (const std::string& category : facts.categories) {
    bits.categories |= Bit(CategoryIndex(category));
  }
  bits.urgency = Bit(UrgencyIndex(facts.urgency));
  bits.reporter_kind = Bit(ReporterKindIndex(facts.reporter_kind));
  bits.categories_text = BracketList(facts.categories);
  return bits;
}

// The rules that can match `child` (bit r set: rule r), from the index: category, urgency and
// jurisdiction conditions that can hold, or none of that kind.
void Candidates(const RuleIndex& index, const Facts& facts, const ChildFacts& child,
                std::vector<uint64_t>& out) {
  out = index.no_category;
  for (const std::string& category : facts.categories) {
    const int i = CategoryIndex(category);
    if (i < 0) continue;
    const std::vector<uint64_t>& bits = index.by_category[i];
    for (size_t w = 0; w < index.words; ++w) out[w] |= bits[w];
  }
  const int u = UrgencyIndex(facts.urgency);
  for (size_t w = 0; w < index.words; ++w) {
    out[w] &= index.no_urgency[w] | (u >= 0 ? index.by_urgency[u][w] : 0);
  }
  std::vector<uint64_t> jurisdiction = index.no_jurisdiction;
  static constexpr size_t kLengths[] = {2, 4, 6, 9, 12};
  for (size_t len : kLengths) {
    if (len > child.jurisdiction.size()) break;
    auto it = index.by_jurisdiction.find(std::string_view(child.jurisdiction).substr(0, len));
    if (it == index.by_jurisdiction.end()) continue;
    for (uint32_t r : it->second) jurisdiction[r / 64] |= uint64_t{1} << (r % 64);
  }
  for (size_t w = 0; w < index.words; ++w) out[w] &= jurisdiction[w];
}

// The first set bit at or after `from`, or SIZE_MAX.
size_t NextCandidate(const std::vector<uint64_t>& bits, size_t from) {
  size_t w = from / 64;
  if (w >= bits.size()) return SIZE_MAX;
  uint64_t word = bits[w] & (~uint64_t{0} << (from % 64));
  for (;;) {
    if (word != 0) return w * 64 + static_cast<size_t>(__builtin_ctzll(word));
    if (++w >= bits.size()) return SIZE_MAX;
    word = bits[w];
  }
}

std::string_view OrNone(const std::string& s) {
  return s.empty() ? std::string_view("(none)") : std::string_view(s);
}

std::string AgeText(int min, int max) { return min == max ? Cat(min) : Cat(min, "-", max); }

class RuleEvaluator {
 public:
  RuleEvaluator(const Facts& facts, const ReportBits& bits, const ChildFacts& child)
      : facts_(facts), bits_(bits), child_(child) {
    if (child.age_min.has_value() || child.age_max.has_value()) {
      has_age_ = true;
      age_min_ = child.age_min.value_or(*child.age_max);
      age_max_ = child.age_max.value_or(*child.age_min);
    }
  }

  // True when every set condition of `rule` holds. `reason` gets the first failing condition,
  // or on a match what matched.
  bool Matches(const CompiledRule& rule, std::string& reason) const {
    reason.clear();
    if (rule.categories.set && (bits_.categories & rule.categories.mask) == 0) {
      reason = Cat("categories ", bits_.categories_text, " are not in ", rule.categories.text);
      return false;
    }
    if (rule.urgencies.set && (bits_.urgency & rule.urgencies.mask) == 0) {
      reason = Cat("urgency ", OrNone(facts_.urgency), " is not in ", rule.urgencies.text);
      return false;
    }
    if (!rule.jurisdictions.empty() && UnderPrefix(rule) == nullptr) {
      reason = Cat("jurisdiction ", child_.jurisdiction, " is not under ", rule.jurisdictions_text);
      return false;
    }
    if (rule.has_age) {
      if (!has_age_) {
        reason = "child age unknown";
        return false;
      }
      if (age_max_ < rule.age_min || age_min_ > rule.age_max) {
        reason =
            Cat("child age ", AgeText(age_min_, age_max_), " does not overlap ", rule.age_text);
        return false;
      }
    }
    if (rule.reporter_kinds.set && (bits_.reporter_kind & rule.reporter_kinds.mask) == 0) {
      reason =
          Cat("reporter ", OrNone(facts_.reporter_kind), " is not in ", rule.reporter_kinds.text);
      return false;
    }
    if (rule.attends_school.has_value()) {
      if (!child_.attends_school.has_value()) {
        reason = "whether the child attends school is unknown";
        return false;
      }
      if (*child_.attends_school != *rule.attends_school) {
        reason = *rule.attends_school ? "child does not attend school" : "child attends school";
        return false;
      }
    }
    reason = MatchReason(rule);
    return true;
  }

 private:
  const std::string* UnderPrefix(const CompiledRule& rule) const {
    for (const std::string& prefix : rule.jurisdictions) {
      if (std::string_view(child_.jurisdiction).starts_with(prefix)) return &prefix;
    }
    return nullptr;
  }

  std::string MatchReason(const CompiledRule& rule) const {
    std::string reason;
    const auto part = [&reason](std::string_view text) {
      if (!reason.empty()) reason += "; ";
      reason += text;
    };
    if (rule.categories.set) {
      std::string matched;
      for (const std::string& category : facts_.categories) {
        if ((Bit(CategoryIndex(category)) & rule.categories.mask) == 0) continue;
        if (!matched.empty()) matched += ", ";
        matched += category;
      }
      part(Cat("categories [", matched, "] matched"));
    }
    if (rule.urgencies.set) part(Cat("urgency ", facts_.urgency, " matched"));
    if (!rule.jurisdictions.empty()) {
      part(Cat("jurisdiction ", child_.jurisdiction, " is under ", *UnderPrefix(rule)));
    }
    if (rule.has_age) {
      part(Cat("age ", AgeText(age_min_, age_max_), " overlaps ", rule.age_text));
    }
    if (rule.reporter_kinds.set) {
      part(Cat("reporter ", facts_.reporter_kind, " matched"));
    }
    if (rule.attends_school.has_value()) {
      part(*rule.attends_school ? "child attends school" : "child does not attend school");
    }
    if (reason.empty()) reason = "no conditions: matches every report";
    return reason;
  }

  const Facts& facts_;
  const ReportBits& bits_;
  const ChildFacts& child_;
  bool has_age_ = false;
  int age_min_ = 0;
  int age_max_ = 0;
};

// Adds the desks of one matched rule (or the safety-net centre desk) for one child.
class TargetCollector {
 public:
  TargetCollector(const RoutingTable& table, const CompiledTable& compiled, Decision& decision)
      : table_(table), compiled_(compiled), decision_(decision) {}

  void AddRuleTargets(const Rule& rule, const CompiledRule& compiled_rule, const ChildFacts& child,
                      int child_index) {
    const bool well_formed = IsWellFormedJurisdiction(child.jurisdiction);
    for (size_t i = 0; i < compiled_rule.targets.size(); ++i) {
      const CompiledTarget& target = compiled_rule.targets[i];
      int desk = target.names_desk ? target.desk
                 : well_formed     ? ResolveTypeIndex(compiled_, target.type, child.jurisdiction)
                                   : -1;
      const bool fell_back = desk < 0;
      if (fell_back) desk = Center(child.jurisdiction, well_formed);
      if (desk < 0 || AlreadyChosen(desk)) continue;
      const Desk& d = table_.desks[desk];
      RoutedTarget out;
      out.desk_id = d.id;
      out.desk_type = d.type;
      out.desk_name = d.name;
      out.rule_id = rule.id;
      out.ack_deadline =
          target.ack_deadline.value_or(d.ack_deadline.value_or(table_.default_ack_deadline));
      out.fell_back_to_center = fell_back;
      out.child_index = child_index;
      const Target& written = rule.targets[i];
      if (!fell_back && target.names_desk) {
        out.resolution = Cat("desk ", d.id, " named by the rule");
      } else if (!fell_back) {
        out.resolution = Cat("type ", written.desk_type, " resolved at ", d.jurisdiction,
                             " for child ", child_index + 1);
      } else if (target.names_desk) {
        out.resolution =
            Cat("desk ", written.desk_id, " is not in the table; fell back to centre desk ", d.id);
      } else if (!well_formed) {
        out.resolution = Cat("no ", written.desk_type, " desk: child jurisdiction '",
                             child.jurisdiction, "' is malformed; fell back to centre desk ", d.id);
      } else {
        const std::vector<std::string> chain = JurisdictionChain(child.jurisdiction);
        out.resolution = Cat("no ", written.desk_type, " desk from ", chain.front(), " up to ",
                             chain.back(), "; fell back to centre desk ", d.id);
      }
      decision_.targets.push_back(std::move(out));
    }
  }

  // For a table without a default rule: a child no rule took still reaches the centre.
  void AddSafetyNet(const ChildFacts& child, int child_index) {
    const int desk = Center(child.jurisdiction, IsWellFormedJurisdiction(child.jurisdiction));
    if (desk < 0 || AlreadyChosen(desk)) return;
    const Desk& d = table_.desks[desk];
    RoutedTarget out;
    out.desk_id = d.id;
    out.desk_type = d.type;
    out.desk_name = d.name;
    out.ack_deadline = d.ack_deadline.value_or(table_.default_ack_deadline);
    out.resolution = Cat("no rule matched child ", child_index + 1,
                         " and the table has no default rule; fell back to centre desk ", d.id);
    out.fell_back_to_center = true;
    out.child_index = child_index;
    decision_.targets.push_back(std::move(out));
  }

 private:
  int Center(const std::string& code, bool well_formed) const {
    static const int kCenterType = DeskTypeIndex("center");
    const int desk = well_formed ? ResolveTypeIndex(compiled_, kCenterType, code) : -1;
    return desk >= 0 ? desk : compiled_.first_center;
  }

  bool AlreadyChosen(int desk) const {
    const std::string& id = table_.desks[desk].id;
    for (const RoutedTarget& t : decision_.targets) {
      if (t.desk_id == id) return true;
    }
    return false;
  }

  const RoutingTable& table_;
  const CompiledTable& compiled_;
  Decision& decision_;
};

}  // namespace

namespace {
Decision RouteImpl(const RoutingTable& table, const Facts& facts, bool indexed);
}  // namespace

Decision Route(const RoutingTable& table, const Facts& facts) {
  return RouteImpl(table, facts, table.rules.size() > kFullTraceRules);
}

Decision RouteWithoutIndex(const RoutingTable& table, const Facts& facts) {
  return RouteImpl(table, facts, false);
}

namespace {

Decision RouteImpl(const RoutingTable& table, const Facts& facts, bool indexed) {
  const CompiledTable* compiled = table.compiled.get();
  CompiledTable local;
  if (compiled == nullptr || compiled->rules.size() != table.rules.size()) {
    local = CompileTable(table);  // a table built by hand without BuildIndexes()
    compiled = &local;
  }
  Decision decision;
  decision.table_version = table.version;
  if (!indexed) decision.trace.reserve(facts.children.size() * table.rules.size());
  const ReportBits bits = ToBits(facts);
  TargetCollector collector(table, *compiled, decision);

  std::vector<uint64_t> candidates;
  for (size_t c = 0; c < facts.children.size(); ++c) {
    const ChildFacts& child = facts.children[c];
    const int child_index = static_cast<int>(c);
    const RuleEvaluator evaluator(facts, bits, child);
    std::string matched_ids;  // rules that matched this child so far, for the default's step
    if (indexed) Candidates(compiled->index, facts, child, candidates);
    for (size_t r = indexed ? NextCandidate(candidates, 0) : 0; r < table.rules.size();
         r = indexed ? NextCandidate(candidates, r + 1) : r + 1) {
      const Rule& rule = table.rules[r];
      RuleStep step;
      step.child_index = child_index;
      step.rule_id = rule.id;
      if (rule.is_default) {
        step.matched = matched_ids.empty();
        step.reason = step.matched
                          ? Cat("default: no earlier rule matched child ", c + 1)
                          : Cat("not needed: child ", c + 1, " already matched [", matched_ids, "]");
      } else {
        step.matched = evaluator.Matches(compiled->rules[r], step.reason);
      }
      const bool matched = step.matched;
      decision.trace.push_back(std::move(step));
      if (!matched) continue;
      if (!matched_ids.empty()) matched_ids += ", ";
      matched_ids += rule.id;
      collector.AddRuleTargets(rule, compiled->rules[r], child, child_index);
      if (!rule.continue_evaluation) break;
    }
    if (matched_ids.empty()) collector.AddSafetyNet(child, child_index);
  }
  return decision;
}

}  // namespace

}  // namespace hotline::router

namespace hotline::router {
namespace {

RoutedTarget TargetFor(const RoutingTable& table, const Desk& d, const std::string& rule_id,
                       std::optional<std::chrono::seconds> target_deadline, std::string resolution,
                       size_t child_index = 0) {
  RoutedTarget out;
  out.child_index = static_cast<int>(child_index);
  out.desk_id = d.id;
  out.desk_type = d.type;
  out.desk_name = d.name;
  out.rule_id = rule_id;
  out.ack_deadline = target_deadline.value_or(d.ack_deadline.value_or(table.default_ack_deadline));
  out.resolution = std::move(resolution);
  out.fell_back_to_center = d.type == "center";
  return out;
}

}  // namespace

std::optional<RoutedTarget> NextTargetAfterDecline(const RoutingTable& table,
                                                   const std::string& rule_id,
                                                   const std::string& declined_desk_id,
                                                   const std::vector<std::string>& jurisdictions,
                                                   const std::vector<std::string>& exclude) {
  const auto excluded = [&](const std::string& id) {
    return id == declined_desk_id ||
           std::find(exclude.begin(), exclude.end(), id) != exclude.end();
  };
  const std::string why = Cat("declined by ", declined_desk_id);
  const Desk* declined = table.FindDesk(declined_desk_id);
  const Rule* rule = nullptr;
  for (const Rule& r : table.rules) {
    if (r.id == rule_id) rule = &r;
  }
  if (rule != nullptr) {
    // The first target that named or resolved to the declining desk; the ones after it.
    size_t start = rule->targets.size();
    for (size_t i = 0; i < rule->targets.size() && start == rule->targets.size(); ++i) {
      const Target& t = rule->targets[i];
      if (t.desk_id == declined_desk_id ||
          (declined != nullptr && !t.desk_type.empty() && t.desk_type == declined->type)) {
        start = i + 1;
      }
    }
    for (size_t i = start; i < rule->targets.size(); ++i) {
      const Target& t = rule->targets[i];
      if (!t.desk_id.empty()) {
        const Desk* d = table.FindDesk(t.desk_id);
        if (d != nullptr && !excluded(d->id)) {
          return TargetFor(table, *d, rule->id, t.ack_deadline,
                           Cat(why, ": next target of rule '", rule->id, "': desk ", d->id,
                               " named by the rule"));
        }
        continue;
      }
      for (size_t c = 0; c < jurisdictions.size(); ++c) {
        const Desk* d = table.ResolveType(t.desk_type, jurisdictions[c]);
        if (d != nullptr && !excluded(d->id)) {
          return TargetFor(table, *d, rule->id, t.ack_deadline,
                           Cat(why, ": next target of rule '", rule->id, "': type ", t.desk_type,
                               " resolved at ", d->jurisdiction, " for child ", c + 1),
                           c);
        }
      }
    }
  }
  const Desk* center = table.CenterDesk(jurisdictions.empty() ? std::string() : jurisdictions[0]);
  if (center == nullptr || excluded(center->id)) return std::nullopt;
  return TargetFor(table, *center, rule != nullptr ? rule->id : rule_id, std::nullopt,
                   Cat(why, ": ",
                       rule != nullptr ? Cat("rule '", rule->id, "' has no further target")
                                       : Cat("rule '", rule_id, "' is not in table ", table.version),
                       "; the centre desk ", center->id, " takes it"));
}

}  // namespace hotline::router

namespace hotline::router {

std::optional<RoutedTarget> EscalationTarget(const RoutingTable& table, const std::string& rule_id,
                                             const std::string& overdue_desk_id,
                                             const std::vector<std::string>& jurisdictions,
                                             const std::vector<std::string>& exclude) {
  const auto excluded = [&](const std::string& id) {
    return id == overdue_desk_id ||
           std::find(exclude.begin(), exclude.end(), id) != exclude.end();
  };
  const std::string why =
      Cat("escalated from ", overdue_desk_id, " (not acknowledged by its deadline)");
  const Rule* rule = table.FindRule(rule_id);
  if (rule != nullptr) {
    for (size_t i = 0; i < rule->escalation.size(); ++i) {
      const Target& t = rule->escalation[i];
      const std::string step = Cat(why, ": step ", i + 1, " of rule '", rule->id, "': ");
      if (!t.desk_id.empty()) {
        const Desk* d = table.FindDesk(t.desk_id);
        if (d != nullptr && !excluded(d->id)) {
          return TargetFor(table, *d, rule->id, t.ack_deadline,
                           Cat(step, "desk ", d->id, " named by the rule"));
        }
        continue;
      }
      for (size_t c = 0; c < jurisdictions.size(); ++c) {
        const Desk* d = table.ResolveType(t.desk_type, jurisdictions[c]);
        if (d != nullptr && !excluded(d->id)) {
          return TargetFor(table, *d, rule->id, t.ack_deadline,
                           Cat(step, "type ", t.desk_type, " resolved at ", d->jurisdiction,
                               " for child ", c + 1),
                           c);
        }
      }
    }
  }
  const Desk* center = table.CenterDesk(jurisdictions.empty() ? std::string() : jurisdictions[0]);
  if (center == nullptr || excluded(center->id)) return std::nullopt;
  return TargetFor(table, *center, rule != nullptr ? rule->id : rule_id, std::nullopt,
                   Cat(why, ": ",
                       rule == nullptr ? Cat("rule '", rule_id, "' is not in table ", table.version)
                       : rule->escalation.empty()
                           ? Cat("rule '", rule->id, "' has no escalation chain")
                           : Cat("the escalation chain of rule '", rule->id, "' is used up"),
                       "; the centre desk ", center->id, " takes it"));
}

}  // namespace hotline::router
