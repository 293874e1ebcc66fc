// Exit codes of the hotline CLI.
#pragma once

namespace hotline::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRpcFailed = 1;    // The server refused or could not be reached.
inline constexpr int kExitUsage = 2;        // Bad flags or arguments; nothing was sent.
inline constexpr int kExitAuditBroken = 3;  // `audit verify` found a broken chain.

}  // namespace hotline::cli
