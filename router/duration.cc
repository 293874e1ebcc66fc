#include "router/duration.h"

#include <cstdint>

#include "absl/status/status.h"
#include "router/text.h"

namespace hotline::router {
namespace {

constexpr int64_t kMaxSeconds = int64_t{10} * 366 * 24 * 3600;

int64_t UnitSeconds(char unit) {
  switch (unit) {
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 3600;
    case 'd':
      return 24 * 3600;
    default:
      return 0;
  }
}

}  // namespace

absl::StatusOr<std::chrono::seconds> ParseDuration(std::string_view text) {
  const auto malformed = [&] {
    return absl::InvalidArgumentError(Cat("malformed duration '", text,
                                          "': want a positive integer followed by s, m, h or d "
                                          "(\"90s\", \"30m\", \"4h\", \"2d\")"));
  };
  if (text.size() < 2) return malformed();
  const int64_t unit = UnitSeconds(text.back());
  if (unit == 0) return malformed();
  const std::string_view digits = text.substr(0, text.size() - 1);
  int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return malformed();
    value = value * 10 + (c - '0');
    if (value > kMaxSeconds) {
      return absl::InvalidArgumentError(Cat("duration '", text, "' is longer than ten years"));
    }
  }
  if (value == 0) {
    return absl::InvalidArgumentError(Cat("duration '", text, "' must be positive"));
  }
  if (value * unit > kMaxSeconds) {
    return absl::InvalidArgumentError(Cat("duration '", text, "' is longer than ten years"));
  }
  return std::chrono::seconds(value * unit);
}

std::string FormatDuration(std::chrono::seconds duration) {
  const int64_t s = duration.count();
  if (s != 0 && s % (24 * 3600) == 0) return Cat(s / (24 * 3600), "d");
  if (s != 0 && s % 3600 == 0) return Cat(s / 3600, "h");
  if (s != 0 && s % 60 == 0) return Cat(s / 60, "m");
  return Cat(s, "s");
}

}  // namespace hotline::router
