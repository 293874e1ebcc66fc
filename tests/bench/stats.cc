#include "tests/bench/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hotline::bench {

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

void LatencyRecorder::Add(SteadyClock::duration d) {
  micros_.push_back(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

LatencySummary LatencyRecorder::Summarize() {
  LatencySummary s;
  if (micros_.empty()) return s;
  std::sort(micros_.begin(), micros_.end());
  const auto at = [this](double q) {
    // Nearest rank: the smallest sample with at least q of the samples at or below it.
    const double rank = std::ceil(q * static_cast<double>(micros_.size()));
    const size_t i = static_cast<size_t>(std::max(1.0, rank)) - 1;
    return static_cast<double>(micros_[std::min(i, micros_.size() - 1)]) / 1000.0;
  };
  s.count = static_cast<int64_t>(micros_.size());
  s.p50_ms = at(0.50);
  s.p99_ms = at(0.99);
  s.p999_ms = at(0.999);
  s.max_ms = static_cast<double>(micros_.back()) / 1000.0;
  s.mean_ms = static_cast<double>(std::accumulate(micros_.begin(), micros_.end(), int64_t{0})) /
              static_cast<double>(micros_.size()) / 1000.0;
  return s;
}

}  // namespace hotline::bench
