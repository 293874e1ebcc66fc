// Resident memory and start-up time of the real hotlined (a child process, measured through
// /proc/<pid>/status) on a database of N stored cases, against the same hotlined on an empty
// database. Each run works on a copy of the cached N-case database. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "tests/bench/bench_options.h"

namespace hotline::bench {

struct ServerMemory {
  double startup_seconds = 0;  // median of the starts: spawn to "hotlined: serving on"
  double startup_min = 0, startup_max = 0;
  double rss_serving_mb = 0;     // right after the serving line
  double rss_after_load_mb = 0;  // after a short SubmitReport load and some reads
  double hwm_mb = 0;             // peak resident set over the run
  double load_per_second = 0;    // SubmitReport @16 during the load
  std::string load_error;
};

struct MemoryFigures {
  int64_t cases = 0;
  bool cache_reused = false;
  double fill_seconds = 0;
  double db_megabytes = 0;
  ServerMemory empty;   // the ceiling: an empty database
  ServerMemory filled;  // N cases
};

absl::StatusOr<MemoryFigures> MeasureMemory(const BenchOptions& options);

}  // namespace hotline::bench
