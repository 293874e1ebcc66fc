// Anchors for `hotline audit verify`: events an auditor recorded outside the server, which
// the log must still hold with the same hash. Pure parsing; the command is audit_command.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/i18n.h"
#include "cli/result.h"
#include "hotline/v1/intake.pb.h"

namespace hotline::cli {

// "SEQ:HASH": an event number >= 1, a colon, 64 hex digits (either case). `where` names the
// source in the error ("--anchor", "anchors.txt line 3").
Result<v1::AuditAnchor> ParseAnchor(std::string_view text, std::string_view where, const Ui& ui);

// An anchor file: one "SEQ:HASH" per line, optionally followed by white space and a comment
// (AnchorLine writes the time of the verification there); blank lines and lines starting
// with '#' are skipped. Errors name the file and line.
Result<std::vector<v1::AuditAnchor>> ParseAnchorFile(std::string_view text, std::string_view path,
                                                     const Ui& ui);

// The line AnchorLine appends for a verified head: "SEQ:HASH verified <when>\n".
std::string AnchorLine(int64_t seq, std::string_view hash, std::string_view when);

}  // namespace hotline::cli
