// The RPC ceiling and SubmitReport through the real server, at each concurrency, with the
// same async client: echo at N callers, then SubmitReport at N callers, for each N.
// Not thread-safe (runs servers in this process).
#pragma once

#include <map>

#include "absl/status/statusor.h"
#include "tests/bench/bench_options.h"
#include "tests/bench/machine.h"
#include "tests/bench/unary_load.h"

namespace hotline::bench {

struct IntakeFigures {
  std::map<int, LoadResult> echo;    // by concurrency
  std::map<int, LoadResult> submit;  // by concurrency
  size_t request_bytes = 0;          // a SubmitReportRequest on the wire
  size_t reply_bytes = 0;            // the Case it answers
  // CPU seconds per thread name while SubmitReport ran at the highest concurrency, and the
  // window's length: where the time goes (the writer thread is "hl-writer").
  ThreadCpu submit_cpu;
  ThreadCpu echo_cpu;
  double cpu_window_seconds = 0;
};

absl::StatusOr<IntakeFigures> MeasureIntake(const BenchOptions& options);

}  // namespace hotline::bench
