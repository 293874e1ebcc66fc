// The reports the benchmark files: a fixed mix built like tests/e2e/harness.py's
// sample_report (phone call, a named reporter, one child, a guardian, a narrative), spread
// over the default table's rules and jurisdictions. Thread-safe (immutable once built).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hotline/v1/case.pb.h"
#include "hotline/v1/intake.pb.h"
#include "router/routing_table.h"

namespace hotline::bench {

// The mix, in order; SubmitRequest cycles through it.
const std::vector<v1::Report>& SampleReports();

// Request number `seq` of a run: report seq % mix size, request_id "<prefix>-<seq>".
void FillSubmitRequest(const std::string& prefix, uint64_t seq, v1::SubmitReportRequest* out);

// Every desk the mix reaches under `table` (what a watcher follows), in first-reached order.
std::vector<std::string> DesksReached(const router::RoutingTable& table);

// Rows one report of the mix writes on average under `table`: the case, its categories and
// jurisdictions, its assignments and events (report.received, case.routed, one
// assignment.created per assignment), and the case-number counter.
struct RowShape {
  double categories = 0;
  double jurisdictions = 0;
  double assignments = 0;
  double events = 0;
  double rows() const { return 2 + categories + jurisdictions + assignments + events; }
};
RowShape AverageRowShape(const router::RoutingTable& table);

}  // namespace hotline::bench
