// Exit codes of the hotline CLI.
#pragma once

namespace hotline::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRpcFailed = 1;    // The server refused the call.
inline constexpr int kExitUsage = 2;        // Bad flags or arguments; nothing was sent.
inline constexpr int kExitAuditBroken = 3;  // `audit verify` found a broken chain.
// The server could not be reached, did not answer in time or stopped during the call
// (UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED): whether a write took effect is unknown, and
// trying again later is the remedy (for a report or inquiry, with the same --request-id).
inline constexpr int kExitUnreachable = 4;

}  // namespace hotline::cli
