// Latency samples and their percentiles. Not thread-safe: one recorder per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace hotline::bench {

using SteadyClock = std::chrono::steady_clock;

// Seconds between two steady-clock points, as a double.
double Seconds(SteadyClock::duration d);

struct LatencySummary {
  int64_t count = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double p999_ms = 0;
  double max_ms = 0;
  double mean_ms = 0;
};

// Collects latencies in microseconds.
class LatencyRecorder {
 public:
  void Reserve(size_t n) { micros_.reserve(n); }
  void Add(SteadyClock::duration d);
  void AddMicros(int64_t micros) { micros_.push_back(micros); }
  size_t size() const { return micros_.size(); }
  // Sorts the samples (once) and computes the percentiles (nearest rank). All zero when empty.
  LatencySummary Summarize();

 private:
  std::vector<int64_t> micros_;
};

}  // namespace hotline::bench
