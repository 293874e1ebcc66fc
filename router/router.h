// Route(): decides which desks a report goes to, and says why. Pure and thread-safe: it
// reads an immutable RoutingTable and plain facts and allocates its result.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "router/routing_table.h"

namespace hotline::router {

struct ChildFacts {
  std::string jurisdiction;  // well-formed code (the server checks it is known)
  std::optional<int> age_min;  // unknown age: both unset
  std::optional<int> age_max;
  std::optional<bool> attends_school;  // unset: unknown
};

struct Facts {
  std::vector<std::string> categories;  // short names, at least one
  std::string urgency;                  // short name
  std::string reporter_kind;            // one of KnownReporterKinds()
  std::vector<ChildFacts> children;     // at least one
};

struct RoutedTarget {
  std::string desk_id;
  std::string desk_type;
  std::string desk_name;
  std::string rule_id;           // the rule whose target this is
  std::chrono::seconds ack_deadline{0};  // target's, else desk's, else table default
  // How the desk was found: "desk police-110105 named by the rule",
  // "type police resolved at 110105 for child 0", or
  // "no school desk from 110105001001 up to 11; fell back to centre desk center".
  std::string resolution;
  bool fell_back_to_center = false;
  int child_index = 0;           // the child whose facts chose it (0-based; texts say "child 1")

  bool operator==(const RoutedTarget&) const = default;
};

struct RuleStep {
  int child_index = 0;
  std::string rule_id;
  bool matched = false;
  // Match: what matched ("categories [begging] matched; urgency urgent matched").
  // No match: the first failing condition ("urgency routine is not in [immediate_danger]").
  std::string reason;

  bool operator==(const RuleStep&) const = default;
};

struct Decision {
  std::string table_version;
  // Distinct desks (the first rule/child that chose a desk wins), in the order chosen.
  // Never empty: the default rule always matches.
  std::vector<RoutedTarget> targets;
  // Every rule considered, per child, in evaluation order.
  std::vector<RuleStep> trace;

  bool operator==(const Decision&) const = default;
};

// Evaluates the rules for every child in turn: rules in order, stopping after the first
// match whose continue_evaluation is false. The default rule matches exactly when no
// earlier rule matched for that child, so every child reaches at least one desk.
//
// A table of more than 64 rules is not scanned rule by rule: an index over categories,
// urgency and jurisdictions leaves only the rules that can match, and the trace lists those
// (the others could not have matched). Smaller tables trace every rule with its reason.
Decision Route(const RoutingTable& table, const Facts& facts);

// Route() into `out`, replacing what it held but keeping its strings' and vectors' buffers: a
// caller that routes report after report with one Decision (the server keeps one per thread)
// allocates almost nothing once the buffers have grown. The result equals Route()'s.
void RouteInto(const RoutingTable& table, const Facts& facts, Decision& out);

// The same decision by scanning every rule (the trace lists every rule). For tests that
// check the index changes nothing, and for the benchmark's comparison.
Decision RouteWithoutIndex(const RoutingTable& table, const Facts& facts);

}  // namespace hotline::router

namespace hotline::router {

// Where the work goes when a desk declines an assignment (issue 3): the next target of rule
// `rule_id` after the one that chose `declined_desk_id` (a desk named by id, or a type the
// desk has), resolved for each of `jurisdictions` in turn (the case's children's codes),
// skipping desks in `exclude` (the declining desk and desks already working on the case);
// when the rule has nothing further (or is no longer in the table), the centre desk for the
// first code. The target's resolution says why, e.g. "declined by police-110105: next target
// of rule 'begging': type community resolved at 110105001001 for child 1", and child_index is
// the child whose code resolved it. Nullopt when nothing is left (the centre desk itself
// declines, or is excluded).
std::optional<RoutedTarget> NextTargetAfterDecline(const RoutingTable& table,
                                                   const std::string& rule_id,
                                                   const std::string& declined_desk_id,
                                                   const std::vector<std::string>& jurisdictions,
                                                   const std::vector<std::string>& exclude);

}  // namespace hotline::router

namespace hotline::router {

// Where a hand-off goes when its acknowledgement deadline passes unacknowledged (issue 4):
// the first entry of rule `rule_id`'s escalation chain whose desk (named, or resolved for
// each of `jurisdictions` in turn) is not in `held` (desks that hold or held the case: a
// chain never hands a case back, so escalation cannot go round in circles); when the chain
// is empty or used up, the centre desk for the first code, the last resort, even if it held
// the case before (it may have transferred it on). Nullopt when nothing is left: the overdue
// desk is the centre desk, or the centre desk is in `open` (it holds an open hand-off of the
// case now, and no desk holds a case twice).
// The resolution says why ("escalated from police-110105 (not acknowledged by its
// deadline): step 1 of rule 'immediate-danger': desk center named by the rule").
std::optional<RoutedTarget> EscalationTarget(const RoutingTable& table, const std::string& rule_id,
                                             const std::string& overdue_desk_id,
                                             const std::vector<std::string>& jurisdictions,
                                             const std::vector<std::string>& held,
                                             const std::vector<std::string>& open);

}  // namespace hotline::router
