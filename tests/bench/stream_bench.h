// Stream latency: a Desk.WatchAssignments watcher (supervisor, the desks the sample mix
// reaches) on a fresh in-process server, while reports are submitted at a steady rate. For
// each report: the time from SubmitReport's answer reaching the client to the watcher
// receiving the report's first "assignment.created" event (matched by case number).
// Not thread-safe.
#pragma once

#include "absl/status/statusor.h"
#include "tests/bench/bench_options.h"
#include "tests/bench/stats.h"
#include "tests/bench/unary_load.h"

namespace hotline::bench {

struct StreamFigures {
  LatencySummary latency;     // answer -> event, of the reports matched
  LatencySummary end_to_end;  // SubmitReport sent -> event
  LoadResult submit;          // the paced submissions
  int64_t matched = 0;        // reports whose event arrived
  int64_t missing = 0;        // answered reports whose event never arrived (within 5 s)
  int64_t before_reply = 0;   // events that arrived before the answer (counted as 0 ms)
  int64_t events = 0;         // stream messages received
  double rate = 0;            // reports/s offered
  // What the server does per stream message, replayed alone afterwards on the same database
  // (WatchReactor::Fetch: the desks' events in pages of 128, and per event GetAssignment and
  // GetCase, mapped to protos): microseconds per event on one thread.
  double fetch_us_per_event = 0;
};

absl::StatusOr<StreamFigures> MeasureStream(const BenchOptions& options);

}  // namespace hotline::bench
