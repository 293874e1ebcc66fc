#include "tests/bench/route_bench.h"

#include <atomic>
#include <vector>

#include "router/loader.h"
#include "router/router.h"
#include "server/mapping.h"
#include "tests/bench/generated_table.h"
#include "tests/bench/sample_reports.h"
#include "tests/bench/stats.h"

namespace hotline::bench {
namespace {

// Keeps the optimizer from dropping a decision nobody reads.
std::atomic<size_t> g_sink{0};

struct Pass {
  double per_second = 0;
  double steps = 0;    // rule steps per decision
  double targets = 0;  // desks per decision
};

// Routes the facts in turn for `seconds`. `route(facts)` returns the decision it made.
template <typename RouteFn>
Pass Measure(const std::vector<router::Facts>& facts, double seconds, RouteFn route) {
  size_t steps = 0, targets = 0;
  int64_t decisions = 0;
  const SteadyClock::time_point start = SteadyClock::now();
  double took = 0;
  // Check the clock every 64 decisions (the clock read costs about as much as a small route).
  for (;;) {
    for (int i = 0; i < 64; ++i, ++decisions) {
      const router::Decision& d = route(facts[decisions % facts.size()]);
      steps += d.trace.size();
      targets += d.targets.size();
    }
    took = Seconds(SteadyClock::now() - start);
    if (took >= seconds) break;
  }
  g_sink += steps + targets;
  const auto n = static_cast<double>(decisions);
  return {n / took, static_cast<double>(steps) / n, static_cast<double>(targets) / n};
}

RouteFigures RouteFor(const router::RoutingTable& table, const std::vector<router::Facts>& facts,
                      double seconds) {
  // As the server routes a report: into one Decision per thread, reused report after report.
  router::Decision reused;
  const Pass server = Measure(
      facts, seconds, [&](const router::Facts& f) -> const auto& {
        router::RouteInto(table, f, reused);
        return reused;
      });
  // Route() returning a new Decision each time (the admin previews).
  router::Decision fresh;
  const Pass single = Measure(
      facts, seconds / 2, [&](const router::Facts& f) -> const auto& {
        fresh = router::Route(table, f);
        return fresh;
      });
  RouteFigures out;
  out.decisions_per_second = server.per_second;
  out.fresh_decisions_per_second = single.per_second;
  out.mean_trace_steps = server.steps;
  out.mean_targets = server.targets;
  out.rules = table.rules.size();
  out.desks = table.desks.size();
  out.jurisdictions = table.jurisdictions.size();
  return out;
}

}  // namespace

RouteFigures MeasureDefaultTable(const router::RoutingTable& table, double seconds) {
  std::vector<router::Facts> facts;
  for (const v1::Report& r : SampleReports()) facts.push_back(server::ToFacts(r));
  return RouteFor(table, facts, seconds);
}

absl::StatusOr<RouteFigures> MeasureGeneratedTable(double seconds) {
  const GeneratedTableSpec spec;
  const std::string text = GenerateRoutingTable(spec);
  const SteadyClock::time_point start = SteadyClock::now();
  auto table = router::ParseRoutingTable(text, "generated-10k.toml");
  const double load = Seconds(SteadyClock::now() - start);
  if (!table.ok()) {
    std::string message(table.status().message());
    if (message.size() > 2000) message = message.substr(0, 2000) + " ...";
    return absl::Status(table.status().code(), "the generated table does not load: " + message);
  }
  RouteFigures out = RouteFor(**table, GenerateFacts(spec, 1000), seconds);
  out.load_seconds = load;
  return out;
}

}  // namespace hotline::bench
