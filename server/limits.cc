#include "server/limits.h"

#include <algorithm>

#include <fmt/format.h>

namespace hotline::server {

absl::Status RateLimiter::Allow(const std::string& principal) {
  if (rate_ <= 0) return absl::OkStatus();
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, fresh] = buckets_.try_emplace(principal, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = now;
  }
  if (b.tokens < 1) {
    const int wait_ms = static_cast<int>((1 - b.tokens) / rate_ * 1000) + 1;
    return absl::ResourceExhaustedError(
        fmt::format("rate limit: more than {:g} calls per second (burst {:g}) by this principal; "
                    "retry in {} ms",
                    rate_, burst_, wait_ms));
  }
  b.tokens -= 1;
  return absl::OkStatus();
}

absl::Status StreamLimiter::Acquire(const std::string& principal) {
  std::lock_guard<std::mutex> lock(mu_);
  int& n = open_[principal];
  if (n >= max_) {
    return absl::ResourceExhaustedError(fmt::format(
        "stream limit: this principal already has {} open WatchAssignments streams (the "
        "limit); close one first",
        n));
  }
  ++n;
  return absl::OkStatus();
}

void StreamLimiter::Release(const std::string& principal) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(principal);
  if (it == open_.end()) return;
  if (--it->second <= 0) open_.erase(it);
}

}  // namespace hotline::server
