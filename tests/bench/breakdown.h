// Where a SubmitReport's time goes, without perf: each server-side step of
// IntakeService::SubmitReport timed alone on this thread (authentication, validation,
// routing, mapping to rows, the reply, the log line), and the store alone (CreateCase without
// gRPC, one at a time and 64 in flight). Not thread-safe.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "router/routing_table.h"

namespace hotline::bench {

struct Breakdown {
  // Microseconds per report, on one thread.
  double auth_us = 0;      // Store::Authenticate: SHA-256 of the token and a SELECT
  double validate_us = 0;  // CheckParsed + ValidateSubmitReport
  double route_us = 0;     // router::Route on the default table
  double map_us = 0;       // ToFacts + ToNewCase: serialize the report, SHA-256, the trace
  double reply_us = 0;     // ToCaseProto + serializing the reply
  double log_us = 0;       // one call-log line through spdlog's default logger
  double total_us() const { return auth_us + validate_us + route_us + map_us + reply_us + log_us; }
  // The store alone (group commit through the single writer, durable).
  double store_serial_ms = 0;  // CreateCase one at a time: mean latency
  double store_serial_per_s = 0;
  double store_async_per_s = 0;  // CreateCaseAsync, 64 in flight
};

// `dir` holds the temporary database; `seconds` is spent on each store figure.
absl::StatusOr<Breakdown> MeasureBreakdown(const std::string& dir, const std::string& routing_table,
                                           double seconds);

}  // namespace hotline::bench
