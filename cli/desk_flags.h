// Parsing of the desk commands' arguments: assignment ids, update kinds, assignment statuses,
// desk lists and bounded numbers. Only syntax and the contract's ranges are checked; the
// server validates the rest. Failures are usage errors naming the flag. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/i18n.h"
#include "cli/result.h"
#include "hotline/v1/case.pb.h"
#include "hotline/v1/desk.pb.h"

namespace hotline::cli {

// "42" or "#42" (as desk watch prints it) -> 42. Fails on anything but a positive decimal
// integer that fits in int64. `name` names the argument in the message.
Result<int64_t> ParseAssignmentId(std::string_view name, std::string_view text, const Ui& ui);

// The --kind names, in help order: "finding", "home-visit", "action", "note".
const std::vector<std::string>& UpdateKindNames();

// A --kind name (case-insensitive, '_' read as '-'), or the contract's short name
// ("investigation_finding", "action_taken") or full name. Fails listing UpdateKindNames().
Result<v1::UpdateKind> ParseUpdateKind(std::string_view flag, std::string_view text, const Ui& ui);

// The --kind name of `kind`; "" for UNSPECIFIED, the contract's short name for a value this
// client does not know.
std::string UpdateKindName(v1::UpdateKind kind);

// Every status named in `lists` (each a name or a comma-separated list, e.g. "pending,
// acknowledged"), in order, without duplicates. Fails on an unknown name, listing the valid
// ones.
Result<std::vector<v1::AssignmentStatus>> ParseAssignmentStatuses(
    std::string_view flag, const std::vector<std::string>& lists, const Ui& ui);

// Desk ids from repeated and/or comma-separated values, in order, without duplicates.
std::vector<std::string> SplitDeskIds(const std::vector<std::string>& lists);

// `text` as a decimal integer in [min, max]; otherwise a usage error naming `flag` (a value
// below `min` when max is INT_MAX: "must be at least <min>").
// --limit (a page size): "" -> 0 (the server's default), else 1 to 500 as ParseBoundedInt.
Result<int> ParsePageSize(std::string_view text, const Ui& ui);

Result<int> ParseBoundedInt(std::string_view flag, std::string_view text, int min, int max,
                            const Ui& ui);

// `text` trimmed when not empty; otherwise "<flag>: must not be empty".
Result<std::string> RequireText(std::string_view flag, std::string_view text, const Ui& ui);

}  // namespace hotline::cli
