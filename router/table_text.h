// Working with routing-table texts (issue 4): what changed between two versions, and edits
// of one desk that keep the rest of the text (comments, order, formatting) as it was.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "router/routing_table.h"

namespace hotline::router {

// A unified diff of two texts by line ("--- a_name", "+++ b_name", "@@ -l,n +l,n @@" hunks
// with 3 lines of context); "" when they are equal.
std::string UnifiedDiff(std::string_view a, std::string_view b, std::string_view a_name,
                        std::string_view b_name);

// What changed from `a` to `b`, one line each: "label: A -> B", "default_ack_deadline: ...",
// "desk added: X", "desk removed: X", "desk changed: X (name, ack_deadline)", "rule added:
// X", "rule removed: X", "rule changed: X", "rule moved: X (position 3 -> 4)",
// "jurisdiction added/removed: CODE", "expectation added/removed/changed: NAME".
std::vector<std::string> SummarizeChanges(const RoutingTable& a, const RoutingTable& b);

// `text` (the source of `table`) with `desk` written in: the block of the desk with the same
// id replaced, or a new block after the last desk. The result still has to be checked.
std::string PutDeskText(std::string_view text, const RoutingTable& table, const Desk& desk);

// `text` without the block of desk `id`. NOT_FOUND when the table has no such desk;
// FAILED_PRECONDITION when a rule target, an escalation step or an expectation names it
// (change those first).
absl::StatusOr<std::string> RemoveDeskText(std::string_view text, const RoutingTable& table,
                                           const std::string& id);

}  // namespace hotline::router
