// Durations as a routing table writes them ("90s", "30m", "4h", "2d"): `desks put
// --ack-deadline` reads one, and the CLI prints deadlines the same way. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hotline::cli {

// A positive integer and s, m, h or d -> seconds; nullopt when malformed.
std::optional<int64_t> ParseDurationSeconds(std::string_view text);

// The inverse, with the largest unit that divides exactly: 1800 -> "30m", 90 -> "90s".
std::string FormatDurationSeconds(int64_t seconds);

}  // namespace hotline::cli
