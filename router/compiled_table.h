// Route()'s precompiled form of a RoutingTable: vocabulary bitmasks instead of string lists,
// desk indexes instead of ids, per-type desk maps and the reason texts written once.
// Internal to router/. Immutable once built; safe to read from any number of threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "router/routing_table.h"

namespace hotline::router {

// Position of `name` in a vocabulary (KnownCategories() etc.), or -1.
int CategoryIndex(std::string_view name);
int UrgencyIndex(std::string_view name);
int DeskTypeIndex(std::string_view name);
int ReporterKindIndex(std::string_view name);

// "[a, b, c]"; the Append form adds it to `out` in place (Route() builds a several-category
// prefix with it on every such report).
std::string BracketList(const std::vector<std::string>& items);
void AppendBracketList(std::string& out, const std::vector<std::string>& items);

// Hash tables keyed by jurisdiction code, looked up by string_view without building a string
// (Route() looks up every prefix of a child's code: a hash probe is cheaper than a tree walk of
// string comparisons).
struct CodeHash {
  using is_transparent = void;
  size_t operator()(std::string_view code) const { return std::hash<std::string_view>{}(code); }
};
template <typename Value>
using CodeMap = std::unordered_map<std::string, Value, CodeHash, std::equal_to<>>;

struct CompiledTarget {
  int desk = -1;  // index into RoutingTable::desks when the target names a desk id
  int type = -1;  // index into KnownDeskTypes() when it names a type (-1: unknown type)
  bool names_desk = false;
  std::optional<std::chrono::seconds> ack_deadline;
};

// A vocabulary condition: bit i set for vocabulary entry i. Names outside the vocabulary get
// no bit, so they never match.
struct MaskCondition {
  bool set = false;
  uint64_t mask = 0;
  // The end of the reason when the condition fails: " are not in [begging, vagrancy]" (the
  // rule's list as written).
  std::string fail_suffix;
  // For a one-valued fact (urgency, reporter kind), the whole reason per vocabulary entry:
  // "urgency routine is not in [immediate_danger]". Written once here, copied by Route().
  std::vector<std::string> fail_reasons;
};

struct CompiledRule {
  MaskCondition categories;
  MaskCondition urgencies;
  MaskCondition reporter_kinds;
  std::vector<std::string> jurisdictions;  // prefixes; empty: no condition
  std::string jurisdictions_fail_suffix;   // " is not under [110105, 110101]"
  bool has_age = false;
  int age_min = 0;
  int age_max = 0;
  std::string age_text;  // "[0, 5]"
  std::optional<bool> attends_school;
  std::vector<CompiledTarget> targets;
};

// Which rules can match at all, as bitsets over rule positions (issue 6): a large table is not
// scanned rule by rule. A rule is a candidate for a child when its category, urgency and
// jurisdiction conditions can hold (or it has none of that kind).
struct RuleIndex {
  size_t words = 0;  // 64-bit words per bitset
  std::vector<std::vector<uint64_t>> by_category;  // per category index
  std::vector<uint64_t> no_category;
  std::vector<std::vector<uint64_t>> category_allowed;  // per category: by_category | no_category
  std::vector<std::vector<uint64_t>> by_urgency;   // per urgency index
  std::vector<uint64_t> no_urgency;
  std::vector<std::vector<uint64_t>> urgency_allowed;  // per urgency: by_urgency | no_urgency
  CodeMap<std::vector<uint32_t>> by_jurisdiction;  // code -> rules
  std::vector<uint64_t> no_jurisdiction;
};

// Tables with more rules than this route through RuleIndex, and their trace lists only the
// rules the index leaves (the rest cannot match); smaller tables trace every rule.
inline constexpr size_t kFullTraceRules = 64;

struct CompiledTable {
  std::vector<CompiledRule> rules;  // parallel to RoutingTable::rules
  RuleIndex index;
  // Per desk type (index into KnownDeskTypes()): jurisdiction code -> desk index.
  std::vector<CodeMap<size_t>> desks_by_type;
  int first_center = -1;  // the first desk of type "center", or -1
};

CompiledTable CompileTable(const RoutingTable& table);

// The desk index of `type_index` whose jurisdiction is the longest prefix of `code`, or -1.
int ResolveTypeIndex(const CompiledTable& compiled, int type_index, std::string_view code);

}  // namespace hotline::router
