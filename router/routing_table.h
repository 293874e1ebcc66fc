// The routing table model: jurisdictions, desks and ordered rules, as loaded from TOML.
// A RoutingTable is immutable once loaded and shared as std::shared_ptr<const RoutingTable>;
// it is safe to read from any number of threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hotline::router {

// Vocabularies the loader checks against. Categories use the contract's short names
// (proto DistressCategory without prefix, lower case); urgencies likewise.
const std::vector<std::string>& KnownCategories();   // "neglect", "begging", ...
const std::vector<std::string>& KnownUrgencies();    // "immediate_danger", "urgent", "routine"
const std::vector<std::string>& KnownDeskTypes();    // "community", "police", "school", "center", ...
// Reporter kinds as the server derives them: "anonymous", "self" (the child), "mandated"
// (teacher, doctor, social worker, police…), "agency" (referral by a member unit), "public".
const std::vector<std::string>& KnownReporterKinds();

// True when `code` is a well-formed GB/T 2260 style code: 2, 4, 6, 9 or 12 ASCII digits.
bool IsWellFormedJurisdiction(const std::string& code);

// The codes from `code` up to its province, most precise first: "110105001002" ->
// {"110105001002", "110105001", "110105", "1101", "11"}. Empty for malformed codes.
std::vector<std::string> JurisdictionChain(const std::string& code);

struct CompiledTable;  // Route()'s precompiled form of a table; see router/compiled_table.h.

struct Jurisdiction {
  std::string code;  // well-formed, unique
  std::string name;  // e.g. "朝阳区"
  int line = 0;      // source line, for diagnostics
};

struct Desk {
  std::string id;            // unique, [a-z0-9_.-]+
  std::string name;
  std::string type;          // one of KnownDeskTypes()
  std::string jurisdiction;  // well-formed code the desk covers (and everything below it)
  std::optional<std::chrono::seconds> ack_deadline;  // unset: the table default applies
  int line = 0;
};

struct Target {
  // Exactly one of desk_id / desk_type is set.
  std::string desk_id;    // a specific desk
  std::string desk_type;  // resolved by longest jurisdiction prefix of the child's code
  std::optional<std::chrono::seconds> ack_deadline;  // overrides the desk's deadline
  int line = 0;
};

// Conditions of a rule. Every set condition must hold; an unset one always holds.
struct Conditions {
  std::vector<std::string> categories;     // any of these categories is reported
  std::vector<std::string> urgencies;      // the report's urgency is one of these
  std::vector<std::string> jurisdictions;  // the child's code starts with one of these
  std::optional<int> age_min;              // the child's age range overlaps [age_min, age_max]
  std::optional<int> age_max;
  std::vector<std::string> reporter_kinds; // the reporter kind is one of these
  std::optional<bool> attends_school;      // the child attends school (unknown never matches)
};

struct Rule {
  std::string id;           // unique
  std::string description;  // what and why
  std::string cites;        // guideline articles, e.g. "art. 11, 17-20"
  Conditions when;
  std::vector<Target> targets;  // at least one
  // True: evaluation goes on to later rules after this one matched, so one report can
  // reach several desks. False: the first match stops evaluation.
  bool continue_evaluation = false;
  // The default rule has no conditions, must be last, and always matches.
  bool is_default = false;
  // Where a hand-off of this rule goes when its acknowledgement deadline passes, in order
  // (each step takes the next target not yet holding the case); empty: the centre desk.
  std::vector<Target> escalation;
  int line = 0;
};

// A routing test carried by the table ([[expect]]): the facts of a one-child report and the
// desks it must reach, exactly. Validation runs every expectation and refuses the table when
// one fails.
struct Expectation {
  std::string name;
  std::vector<std::string> categories;
  std::string urgency;
  std::string reporter_kind = "public";
  std::string jurisdiction;
  std::optional<int> age_min;  // unknown age: both unset
  std::optional<int> age_max;
  std::optional<bool> attends_school;
  std::vector<std::string> desks;  // desk ids, in any order
  int line = 0;
};

struct RoutingTable {
  std::string version;  // label from the file's `version` key
  std::string source;   // file name the table was loaded from (for messages)
  std::chrono::seconds default_ack_deadline{4 * 3600};
  std::vector<Jurisdiction> jurisdictions;
  std::vector<Desk> desks;
  std::vector<Rule> rules;  // evaluation order; the last one is the default rule
  std::vector<Expectation> expectations;

  // Lookups (built by the loader).
  const Desk* FindDesk(const std::string& id) const;
  const Rule* FindRule(const std::string& id) const;
  const Jurisdiction* FindJurisdiction(const std::string& code) const;
  // The desk of `type` whose jurisdiction is the longest prefix of `code` (walking up
  // community -> street -> county -> city -> province); nullptr when there is none.
  const Desk* ResolveType(const std::string& type, const std::string& code) const;
  // The centre desk for `code`: ResolveType("center", code), else the first center desk.
  const Desk* CenterDesk(const std::string& code) const;

  // Indexes, filled by the loader. Key: desk id / jurisdiction code / (type, code).
  std::map<std::string, size_t> desk_index;
  std::map<std::string, size_t> jurisdiction_index;
  std::map<std::pair<std::string, std::string>, size_t> type_code_index;
  // Rules and desks precompiled for Route() (bitmasks, per-type desk maps, reason texts).
  // Built with the indexes; Route() compiles a temporary one when it is unset.
  std::shared_ptr<const CompiledTable> compiled;
};

// Fills the indexes and `compiled` from jurisdictions, desks and rules. The loader calls it;
// call it yourself after building or editing a table by hand. The first desk wins when two
// desks share an id or a (type, jurisdiction) pair.
void BuildIndexes(RoutingTable& table);

}  // namespace hotline::router
