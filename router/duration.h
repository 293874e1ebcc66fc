// Durations as written in the routing table: a positive integer followed by s, m, h or d
// ("90s", "30m", "4h", "2d"). Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hotline::router {

// "30m" -> 1800 s. INVALID_ARGUMENT (message without file or line) when `text` is malformed,
// zero, or longer than ten years.
absl::StatusOr<std::chrono::seconds> ParseDuration(std::string_view text);

// The inverse, with the largest unit that divides exactly: 1800 s -> "30m", 90 s -> "90s".
std::string FormatDuration(std::chrono::seconds duration);

}  // namespace hotline::router
