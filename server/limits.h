// Per-principal limits against a runaway or hostile client (issue 5): a token bucket of calls
// per second, and a cap on concurrent desk streams. Exceeding either is RESOURCE_EXHAUSTED
// with the limit named. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "absl/status/status.h"

namespace hotline::server {

class RateLimiter {
 public:
  // `per_second` <= 0 disables the limit. `burst`: calls allowed at once after a quiet spell.
  RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst) {}

  // OK, or RESOURCE_EXHAUSTED when `principal` has used up its calls.
  absl::Status Allow(const std::string& principal);

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point last;
  };
  const double rate_;
  const double burst_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;  // guarded by mu_
};

class StreamLimiter {
 public:
  explicit StreamLimiter(int max_per_principal) : max_(max_per_principal) {}

  // Takes a stream slot for `principal`; RESOURCE_EXHAUSTED when it holds `max` already.
  absl::Status Acquire(const std::string& principal);
  void Release(const std::string& principal);

 private:
  const int max_;
  std::mutex mu_;
  std::map<std::string, int> open_;  // guarded by mu_
};

}  // namespace hotline::server
