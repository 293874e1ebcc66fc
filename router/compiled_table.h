// Route()'s precompiled form of a RoutingTable: vocabulary bitmasks instead of string lists,
// desk indexes instead of ids, per-type desk maps and the reason texts written once.
// Internal to router/. Immutable once built; safe to read from any number of threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "router/routing_table.h"

namespace hotline::router {

// Position of `name` in a vocabulary (KnownCategories() etc.), or -1.
int CategoryIndex(std::string_view name);
int UrgencyIndex(std::string_view name);
int DeskTypeIndex(std::string_view name);
int ReporterKindIndex(std::string_view name);

// "[a, b, c]".
std::string BracketList(const std::vector<std::string>& items);

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
  std::string text;  // the rule's list as written, "[begging, vagrancy]"
};

struct CompiledRule {
  MaskCondition categories;
  MaskCondition urgencies;
  MaskCondition reporter_kinds;
  std::vector<std::string> jurisdictions;  // prefixes; empty: no condition
  std::string jurisdictions_text;
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
  std::vector<std::vector<uint64_t>> by_urgency;   // per urgency index
  std::vector<uint64_t> no_urgency;
  std::map<std::string, std::vector<uint32_t>, std::less<>> by_jurisdiction;  // code -> rules
  std::vector<uint64_t> no_jurisdiction;
};

// Tables with more rules than this route through RuleIndex, and their trace lists only the
// rules the index leaves (the rest cannot match); smaller tables trace every rule.
inline constexpr size_t kFullTraceRules = 64;

struct CompiledTable {
  std::vector<CompiledRule> rules;  // parallel to RoutingTable::rules
  RuleIndex index;
  // Per desk type (index into KnownDeskTypes()): jurisdiction code -> desk index.
  std::vector<std::map<std::string, size_t, std::less<>>> desks_by_type;
  int first_center = -1;  // the first desk of type "center", or -1
};

CompiledTable CompileTable(const RoutingTable& table);

// The desk index of `type_index` whose jurisdiction is the longest prefix of `code`, or -1.
int ResolveTypeIndex(const CompiledTable& compiled, int type_index, std::string_view code);

}  // namespace hotline::router
