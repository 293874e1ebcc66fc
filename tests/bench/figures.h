// Turns the measurements into the table's rows: each figure with its ceiling, ratio, target
// and verdict. The targets are issue 6's. Thread-safe (pure functions).
#pragma once

#include <map>
#include <optional>

#include "absl/status/statusor.h"
#include "tests/bench/breakdown.h"
#include "tests/bench/intake_bench.h"
#include "tests/bench/memory_bench.h"
#include "tests/bench/results.h"
#include "tests/bench/route_bench.h"
#include "tests/bench/sqlite_ceiling.h"
#include "tests/bench/stream_bench.h"

namespace hotline::bench {

// A part of the run: unset when it was not run (--parts, --skip-memory), else its figures or
// its error.
template <typename T>
using Part = std::optional<absl::StatusOr<T>>;

// The figures of a part that ran and succeeded, else null.
template <typename T>
const T* Ok(const Part<T>& part) {
  return part && part->ok() ? &**part : nullptr;
}

// What a run measured.
struct Measurements {
  std::map<int, absl::StatusOr<SqliteCeiling>> sqlite;  // by reports per transaction
  // 64 reports per transaction, with storage/'s habits (see WritePath).
  std::map<WritePath, absl::StatusOr<SqliteCeiling>> sqlite_paths;
  Part<IntakeFigures> intake;
  Part<Breakdown> breakdown;
  std::optional<RouteFigures> route_default;
  Part<RouteFigures> route_generated;
  Part<StreamFigures> stream;
  Part<MemoryFigures> memory;
};

// Issue 6's targets.
struct Targets {
  double submit_share_of_echo = 0.35;
  double submit_p99_ms = 25;
  double route_default_per_s = 1e6;
  double route_generated_per_s = 2e5;
  double stream_p99_ms = 20;
  double rss_mb = 150;
  double startup_s = 1;
};

void AddFigures(const Measurements& m, const Targets& targets, int top_concurrency,
                Results* results);

}  // namespace hotline::bench
