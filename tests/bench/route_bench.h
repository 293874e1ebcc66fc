// Route() throughput on one core (the calling thread): the default table and a generated
// 10,000-rule table, each loaded through router::ParseRoutingTable. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "router/routing_table.h"

namespace hotline::bench {

struct RouteFigures {
  double decisions_per_second = 0;        // router::RouteInto() with a reused Decision (the server)
  double fresh_decisions_per_second = 0;  // router::Route(), a new Decision per call
  double mean_trace_steps = 0;  // rule steps per decision (the linear scan's length)
  double mean_targets = 0;
  double load_seconds = 0;  // ParseRoutingTable (parse, check, compile)
  size_t rules = 0;
  size_t desks = 0;
  size_t jurisdictions = 0;
};

// Routes the sample mix through `table` for `seconds`.
RouteFigures MeasureDefaultTable(const router::RoutingTable& table, double seconds);

// Generates, loads and measures the 10,000-rule / 5,000-desk table.
absl::StatusOr<RouteFigures> MeasureGeneratedTable(double seconds);

}  // namespace hotline::bench
