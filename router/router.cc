#include "router/router.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "router/compiled_table.h"
#include "router/text.h"

namespace hotline::router {
namespace {

uint64_t Bit(int index) { return (index >= 0 && index < 64) ? uint64_t{1} << index : 0; }

// "categories [begging]" for each known category, written once.
std::string_view OneCategoryPrefix(int index) {
  static const std::vector<std::string> kPrefixes = [] {
    std::vector<std::string> out;
    for (const std::string& c : KnownCategories()) out.push_back(Cat("categories [", c, "]"));
    return out;
  }();
  return kPrefixes[index];
}

// The report-wide facts, turned into vocabulary indexes and bits once per call. Not copyable:
// categories_prefix may point into prefix_storage.
struct ReportBits {
  explicit ReportBits(const Facts& facts) {
    for (size_t i = 0; i < facts.categories.size(); ++i) {
      const int index = CategoryIndex(facts.categories[i]);
      if (i < kInlineCategories) category_bits[i] = Bit(index);
      categories |= Bit(index);
      if (facts.categories.size() == 1 && index >= 0) categories_prefix = OneCategoryPrefix(index);
    }
    urgency_index = UrgencyIndex(facts.urgency);
    urgency = Bit(urgency_index);
    reporter_kind_index = ReporterKindIndex(facts.reporter_kind);
    reporter_kind = Bit(reporter_kind_index);
    if (categories_prefix.empty()) {  // several categories, or one outside the vocabulary
      prefix_storage = "categories ";
      AppendBracketList(prefix_storage, facts.categories);
      categories_prefix = prefix_storage;
    }
  }
  ReportBits(const ReportBits&) = delete;
  ReportBits& operator=(const ReportBits&) = delete;

  // The bit of the report's i-th category.
  uint64_t CategoryBit(const Facts& facts, size_t i) const {
    return i < kInlineCategories ? category_bits[i] : Bit(CategoryIndex(facts.categories[i]));
  }

  uint64_t categories = 0;
  uint64_t urgency = 0;
  uint64_t reporter_kind = 0;
  int urgency_index = -1;
  int reporter_kind_index = -1;
  static constexpr size_t kInlineCategories = 8;
  uint64_t category_bits[kInlineCategories] = {};  // the first categories' bits, in order
  std::string_view categories_prefix;              // "categories [begging, dropout]"
  std::string prefix_storage;
};

std::string_view OrNone(const std::string& s) {
  return s.empty() ? std::string_view("(none)") : std::string_view(s);
}

// The reason a one-valued condition fails: written at compile time for a known value.
void AppendMaskFailure(const MaskCondition& condition, int value_index, std::string_view subject,
                       const std::string& value, std::string& reason) {
  if (value_index >= 0 && static_cast<size_t>(value_index) < condition.fail_reasons.size()) {
    reason.append(condition.fail_reasons[value_index]);
  } else {
    AppendCat(reason, subject, " ", OrNone(value), condition.fail_suffix);
  }
}

// The rules that can match `child` (bit r set: rule r), from the index: category, urgency and
// jurisdiction conditions that can hold, or none of that kind.
void Candidates(const RuleIndex& index, const ReportBits& bits, const ChildFacts& child,
                std::vector<uint64_t>& out) {
  const std::vector<uint64_t>* categories[64];
  size_t n = 0;
  for (size_t i = 0; i < index.by_category.size() && i < 64; ++i) {
    if ((bits.categories >> i & 1) != 0) categories[n++] = &index.by_category[i];
  }
  const std::vector<uint64_t>& urgency =
      bits.urgency_index >= 0 ? index.urgency_allowed[bits.urgency_index] : index.no_urgency;
  // (No category, or one of the report's) and (no urgency, or the report's), as one word.
  const auto category_and_urgency = [&](size_t w) {
    uint64_t word = index.no_category[w];
    for (size_t k = 0; k < n; ++k) word |= (*categories[k])[w];
    return word & urgency[w];
  };
  // The same for the rules without jurisdictions, a bitset at a time: (A | B) & U & J is
  // (A & U & J) | (B & U & J), so each category is one loop the compiler vectorizes.
  out.resize(index.words);
  const uint64_t* first =
      n == 0 ? index.no_category.data()
             : index.category_allowed[categories[0] - index.by_category.data()].data();
  for (size_t w = 0; w < index.words; ++w) {
    out[w] = first[w] & urgency[w] & index.no_jurisdiction[w];
  }
  for (size_t k = 1; k < n; ++k) {
    const uint64_t* category = categories[k]->data();
    for (size_t w = 0; w < index.words; ++w) {
      out[w] |= category[w] & urgency[w] & index.no_jurisdiction[w];
    }
  }
  // And rules whose jurisdictions include a prefix of the child's code (short lists).
  static constexpr size_t kLengths[] = {2, 4, 6, 9, 12};
  for (size_t len : kLengths) {
    if (len > child.jurisdiction.size()) break;
    auto it = index.by_jurisdiction.find(std::string_view(child.jurisdiction).substr(0, len));
    if (it == index.by_jurisdiction.end()) continue;
    for (uint32_t r : it->second) {
      const uint64_t bit = uint64_t{1} << (r % 64);
      if ((category_and_urgency(r / 64) & bit) != 0) out[r / 64] |= bit;
    }
  }
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

// "7" or "7-9".
void AppendAge(std::string& out, int min, int max) {
  if (min == max) {
    AppendCat(out, min);
  } else {
    AppendCat(out, min, "-", max);
  }
}

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

  // True when every set condition of `rule` holds. `reason` is replaced by the first failing
  // condition, or on a match by what matched (its buffer is reused).
  bool Matches(const CompiledRule& rule, std::string& reason) const {
    reason.clear();
    if (rule.categories.set && (bits_.categories & rule.categories.mask) == 0) {
      AppendCat(reason, bits_.categories_prefix, rule.categories.fail_suffix);
      return false;
    }
    if (rule.urgencies.set && (bits_.urgency & rule.urgencies.mask) == 0) {
      AppendMaskFailure(rule.urgencies, bits_.urgency_index, "urgency", facts_.urgency, reason);
      return false;
    }
    if (!rule.jurisdictions.empty() && UnderPrefix(rule) == nullptr) {
      AppendCat(reason, "jurisdiction ", child_.jurisdiction, rule.jurisdictions_fail_suffix);
      return false;
    }
    if (rule.has_age) {
      if (!has_age_) {
        reason = "child age unknown";
        return false;
      }
      if (age_max_ < rule.age_min || age_min_ > rule.age_max) {
        reason = "child age ";
        AppendAge(reason, age_min_, age_max_);
        AppendCat(reason, " does not overlap ", rule.age_text);
        return false;
      }
    }
    if (rule.reporter_kinds.set && (bits_.reporter_kind & rule.reporter_kinds.mask) == 0) {
      AppendMaskFailure(rule.reporter_kinds, bits_.reporter_kind_index, "reporter",
                        facts_.reporter_kind, reason);
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
    AppendMatchReason(rule, reason);
    return true;
  }

 private:
  const std::string* UnderPrefix(const CompiledRule& rule) const {
    for (const std::string& prefix : rule.jurisdictions) {
      if (std::string_view(child_.jurisdiction).starts_with(prefix)) return &prefix;
    }
    return nullptr;
  }

  // "categories [begging] matched; urgency urgent matched", into an empty `reason`.
  void AppendMatchReason(const CompiledRule& rule, std::string& reason) const {
    const auto next_part = [&reason] {
      if (!reason.empty()) reason += "; ";
    };
    if (rule.categories.set) {
      reason += "categories [";
      bool first = true;
      for (size_t i = 0; i < facts_.categories.size(); ++i) {
        if ((bits_.CategoryBit(facts_, i) & rule.categories.mask) == 0) continue;
        if (!first) reason += ", ";
        reason += facts_.categories[i];
        first = false;
      }
      reason += "] matched";
    }
    if (rule.urgencies.set) {
      next_part();
      AppendCat(reason, "urgency ", facts_.urgency, " matched");
    }
    if (!rule.jurisdictions.empty()) {
      next_part();
      AppendCat(reason, "jurisdiction ", child_.jurisdiction, " is under ", *UnderPrefix(rule));
    }
    if (rule.has_age) {
      next_part();
      reason += "age ";
      AppendAge(reason, age_min_, age_max_);
      AppendCat(reason, " overlaps ", rule.age_text);
    }
    if (rule.reporter_kinds.set) {
      next_part();
      AppendCat(reason, "reporter ", facts_.reporter_kind, " matched");
    }
    if (rule.attends_school.has_value()) {
      next_part();
      reason += *rule.attends_school ? "child attends school" : "child does not attend school";
    }
    if (reason.empty()) reason = "no conditions: matches every report";
  }

  const Facts& facts_;
  const ReportBits& bits_;
  const ChildFacts& child_;
  bool has_age_ = false;
  int age_min_ = 0;
  int age_max_ = 0;
};

// Fills a Decision in place: steps and targets reuse the elements (and so the string buffers)
// the Decision already holds, and Finish() drops the ones left over.
class DecisionBuilder {
 public:
  explicit DecisionBuilder(Decision& decision) : decision_(decision) {}

  // The next step or target; each reference is valid until the next call of the same kind.
  RuleStep& AddStep() { return Next(decision_.trace, steps_); }
  RoutedTarget& AddTarget() { return Next(decision_.targets, targets_); }

  bool HasDesk(const std::string& desk_id) const {
    for (size_t i = 0; i < targets_; ++i) {
      if (decision_.targets[i].desk_id == desk_id) return true;
    }
    return false;
  }

  size_t steps() const { return steps_; }

  void Finish() {
    decision_.trace.resize(steps_);
    decision_.targets.resize(targets_);
  }

 private:
  template <typename T>
  static T& Next(std::vector<T>& items, size_t& used) {
    if (used == items.size()) items.emplace_back();
    return items[used++];
  }

  Decision& decision_;
  size_t steps_ = 0;
  size_t targets_ = 0;
};

// Adds the desks of one matched rule (or the safety-net centre desk) for one child.
class TargetCollector {
 public:
  TargetCollector(const RoutingTable& table, const CompiledTable& compiled,
                  DecisionBuilder& builder)
      : table_(table), compiled_(compiled), builder_(builder) {}

  // `well_formed`: IsWellFormedJurisdiction(child.jurisdiction), worked out once per child.
  void AddRuleTargets(const Rule& rule, const CompiledRule& compiled_rule, const ChildFacts& child,
                      int child_index, bool well_formed) {
    for (size_t i = 0; i < compiled_rule.targets.size(); ++i) {
      const CompiledTarget& target = compiled_rule.targets[i];
      int desk = target.names_desk ? target.desk
                 : well_formed     ? ResolveTypeIndex(compiled_, target.type, child.jurisdiction)
                                   : -1;
      const bool fell_back = desk < 0;
      if (fell_back) desk = Center(child.jurisdiction, well_formed);
      if (desk < 0 || builder_.HasDesk(table_.desks[desk].id)) continue;
      const Desk& d = table_.desks[desk];
      RoutedTarget& out = Fill(d, child_index, fell_back);
      out.rule_id.assign(rule.id);
      out.ack_deadline =
          target.ack_deadline.value_or(d.ack_deadline.value_or(table_.default_ack_deadline));
      const Target& written = rule.targets[i];
      std::string& why = out.resolution;
      if (!fell_back && target.names_desk) {
        AssignCat(why, "desk ", d.id, " named by the rule");
      } else if (!fell_back) {
        AssignCat(why, "type ", written.desk_type, " resolved at ", d.jurisdiction, " for child ",
                  child_index + 1);
      } else if (target.names_desk) {
        AssignCat(why, "desk ", written.desk_id, " is not in the table; fell back to centre desk ",
                  d.id);
      } else if (!well_formed) {
        AssignCat(why, "no ", written.desk_type, " desk: child jurisdiction '", child.jurisdiction,
                  "' is malformed; fell back to centre desk ", d.id);
      } else {
        // The jurisdiction chain, from the child's own code up to its province.
        const std::string_view code = child.jurisdiction;
        AssignCat(why, "no ", written.desk_type, " desk from ", code, " up to ", code.substr(0, 2),
                  "; fell back to centre desk ", d.id);
      }
    }
  }

  // For a table without a default rule: a child no rule took still reaches the centre.
  void AddSafetyNet(const ChildFacts& child, int child_index, bool well_formed) {
    const int desk = Center(child.jurisdiction, well_formed);
    if (desk < 0 || builder_.HasDesk(table_.desks[desk].id)) return;
    const Desk& d = table_.desks[desk];
    RoutedTarget& out = Fill(d, child_index, /*fell_back=*/true);
    out.rule_id.clear();
    out.ack_deadline = d.ack_deadline.value_or(table_.default_ack_deadline);
    AssignCat(out.resolution, "no rule matched child ", child_index + 1,
              " and the table has no default rule; fell back to centre desk ", d.id);
  }

 private:
  // The next target with the desk's fields set (rule, deadline and resolution are the
  // caller's).
  RoutedTarget& Fill(const Desk& d, int child_index, bool fell_back) {
    RoutedTarget& out = builder_.AddTarget();
    out.desk_id.assign(d.id);
    out.desk_type.assign(d.type);
    out.desk_name.assign(d.name);
    out.fell_back_to_center = fell_back;
    out.child_index = child_index;
    return out;
  }

  int Center(const std::string& code, bool well_formed) const {
    static const int kCenterType = DeskTypeIndex("center");
    const int desk = well_formed ? ResolveTypeIndex(compiled_, kCenterType, code) : -1;
    return desk >= 0 ? desk : compiled_.first_center;
  }

  const RoutingTable& table_;
  const CompiledTable& compiled_;
  DecisionBuilder& builder_;
};

void RouteImpl(const RoutingTable& table, const Facts& facts, bool indexed, Decision& decision) {
  const CompiledTable* compiled = table.compiled.get();
  std::optional<CompiledTable> local;
  if (compiled == nullptr || compiled->rules.size() != table.rules.size()) {
    compiled = &local.emplace(CompileTable(table));  // a table built by hand: no BuildIndexes()
  }
  decision.table_version.assign(table.version);
  if (!indexed) decision.trace.reserve(facts.children.size() * table.rules.size());
  const ReportBits bits(facts);
  DecisionBuilder builder(decision);
  TargetCollector collector(table, *compiled, builder);

  std::vector<uint64_t> candidates;
  for (size_t c = 0; c < facts.children.size(); ++c) {
    const ChildFacts& child = facts.children[c];
    const int child_index = static_cast<int>(c);
    const RuleEvaluator evaluator(facts, bits, child);
    const bool well_formed = IsWellFormedJurisdiction(child.jurisdiction);
    bool any_matched = false;
    const size_t first_step = builder.steps();
    if (indexed) Candidates(compiled->index, bits, child, candidates);
    for (size_t r = indexed ? NextCandidate(candidates, 0) : 0; r < table.rules.size();
         r = indexed ? NextCandidate(candidates, r + 1) : r + 1) {
      const Rule& rule = table.rules[r];
      RuleStep& step = builder.AddStep();
      step.child_index = child_index;
      step.rule_id.assign(rule.id);
      if (rule.is_default) {
        step.matched = !any_matched;
        if (step.matched) {
          AssignCat(step.reason, "default: no earlier rule matched child ", c + 1);
        } else {
          AssignCat(step.reason, "not needed: child ", c + 1, " already matched [");
          const char* separator = "";
          for (size_t s = first_step; s + 1 < builder.steps(); ++s) {
            if (!decision.trace[s].matched) continue;
            AppendCat(step.reason, separator, decision.trace[s].rule_id);
            separator = ", ";
          }
          step.reason += ']';
        }
      } else {
        step.matched = evaluator.Matches(compiled->rules[r], step.reason);
      }
      if (!step.matched) continue;
      any_matched = true;
      collector.AddRuleTargets(rule, compiled->rules[r], child, child_index, well_formed);
      if (!rule.continue_evaluation) break;
    }
    if (!any_matched) collector.AddSafetyNet(child, child_index, well_formed);
  }
  builder.Finish();
}

}  // namespace

Decision Route(const RoutingTable& table, const Facts& facts) {
  Decision decision;
  RouteImpl(table, facts, table.rules.size() > kFullTraceRules, decision);
  return decision;
}

void RouteInto(const RoutingTable& table, const Facts& facts, Decision& out) {
  RouteImpl(table, facts, table.rules.size() > kFullTraceRules, out);
}

Decision RouteWithoutIndex(const RoutingTable& table, const Facts& facts) {
  Decision decision;
  RouteImpl(table, facts, false, decision);
  return decision;
}

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
                                             const std::vector<std::string>& held,
                                             const std::vector<std::string>& open) {
  const auto in = [](const std::vector<std::string>& list, const std::string& id) {
    return std::find(list.begin(), list.end(), id) != list.end();
  };
  const auto excluded = [&](const std::string& id) {
    return id == overdue_desk_id || in(held, id);
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
  // The last resort: the centre desk, unless it is the overdue desk or holds the case now.
  const Desk* center = table.CenterDesk(jurisdictions.empty() ? std::string() : jurisdictions[0]);
  if (center == nullptr || center->id == overdue_desk_id || in(open, center->id)) {
    return std::nullopt;
  }
  return TargetFor(table, *center, rule != nullptr ? rule->id : rule_id, std::nullopt,
                   Cat(why, ": ",
                       rule == nullptr ? Cat("rule '", rule_id, "' is not in table ", table.version)
                       : rule->escalation.empty()
                           ? Cat("rule '", rule->id, "' has no escalation chain")
                           : Cat("the escalation chain of rule '", rule->id, "' is used up"),
                       "; the centre desk ", center->id, " takes it"));
}

}  // namespace hotline::router
