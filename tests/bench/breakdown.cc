#include "tests/bench/breakdown.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "router/loader.h"
#include "router/router.h"
#include "server/mapping.h"
#include "server/validation.h"
#include "storage/store.h"
#include "tests/bench/sample_reports.h"
#include "tests/bench/sqlite_ceiling.h"
#include "tests/bench/stats.h"

namespace hotline::bench {
namespace {

std::atomic<size_t> g_sink{0};

// Mean microseconds of `fn(i)` over about `seconds`.
template <typename F>
double MicrosPerCall(double seconds, F fn) {
  const SteadyClock::time_point start = SteadyClock::now();
  int64_t n = 0;
  double took = 0;
  for (;;) {
    for (int i = 0; i < 32; ++i, ++n) fn(n);
    took = Seconds(SteadyClock::now() - start);
    if (took >= seconds) break;
  }
  return took * 1e6 / static_cast<double>(n);
}

}  // namespace

absl::StatusOr<Breakdown> MeasureBreakdown(const std::string& dir, const std::string& routing_table,
                                           double seconds) {
  std::filesystem::create_directories(dir);
  auto table = router::LoadRoutingTableFile(routing_table);
  if (!table.ok()) return table.status();
  storage::StoreOptions options;
  options.path = dir + "/breakdown.db";
  RemoveDatabaseFiles(options.path);
  auto store = storage::Store::Open(options);
  if (!store.ok()) return store.status();
  auto token = (*store)->IssueToken("operator", "bench-operator", {}, "hotline_bench");
  if (!token.ok()) return token.status();

  const double step = std::max(0.05, seconds / 4);
  const size_t mix = SampleReports().size();
  std::vector<v1::SubmitReportRequest> requests(mix);
  for (size_t i = 0; i < mix; ++i) FillSubmitRequest("breakdown", i, &requests[i]);

  Breakdown b;
  b.auth_us =
      MicrosPerCall(step, [&](int64_t) { g_sink += (*store)->Authenticate(*token).ok() ? 1 : 0; });
  b.validate_us = MicrosPerCall(step, [&](int64_t i) {
    const v1::SubmitReportRequest& r = requests[i % mix];
    g_sink += server::CheckParsed(r).ok() && server::ValidateSubmitReport(r, **table).ok() ? 1 : 0;
  });
  router::Decision reused;  // as the server routes: one Decision per thread
  b.route_us = MicrosPerCall(step, [&](int64_t i) {
    router::RouteInto(**table, server::ToFacts(requests[i % mix].report()), reused);
    g_sink += reused.targets.size();
  });
  std::vector<router::Decision> decisions;
  for (const auto& r : requests)
    decisions.push_back(router::Route(**table, server::ToFacts(r.report())));
  b.map_us = MicrosPerCall(step,
                           [&](int64_t i) {
                             g_sink += server::ToNewCase(requests[i % mix], decisions[i % mix],
                                                         "bench-operator")
                                           .detail.size();
                           }) +
             MicrosPerCall(step, [&](int64_t i) {
               g_sink += server::ToFacts(requests[i % mix].report()).children.size();
             });
  // A stored case to answer with.
  std::vector<storage::CaseRecord> stored;
  for (size_t i = 0; i < mix; ++i) {
    auto c = (*store)->CreateCase(server::ToNewCase(requests[i], decisions[i], "bench-operator"));
    if (!c.ok()) return c.status();
    stored.push_back(*std::move(c));
  }
  b.reply_us = MicrosPerCall(step, [&](int64_t i) {
    g_sink +=
        server::ToCaseProto(stored[i % mix], server::CaseView::kFull).SerializeAsString().size();
  });
  b.log_us = MicrosPerCall(step, [&](int64_t i) {
    spdlog::info("{} by {} {}: OK", "SubmitReport", "bench-operator", stored[i % mix].case_number);
  });

  // The store alone: one at a time (each its own transaction and fsync)...
  uint64_t seq = 0;
  const auto next_case = [&] {
    const size_t i = seq % mix;
    v1::SubmitReportRequest r = requests[i];
    r.set_request_id("breakdown-store-" + std::to_string(seq++));
    return server::ToNewCase(r, decisions[i], "bench-operator");
  };
  {
    const SteadyClock::time_point start = SteadyClock::now();
    int64_t n = 0;
    while (Seconds(SteadyClock::now() - start) < seconds / 2 || n < 5) {
      if (auto c = (*store)->CreateCase(next_case()); !c.ok()) return c.status();
      ++n;
    }
    const double took = Seconds(SteadyClock::now() - start);
    b.store_serial_per_s = static_cast<double>(n) / took;
    b.store_serial_ms = took * 1000 / static_cast<double>(n);
  }
  // ... and 64 in flight (what 64 callers give the writer to group).
  {
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0;
    int64_t done = 0;
    absl::Status error;
    std::vector<storage::NewCase> prepared;
    for (int i = 0; i < 64 * 4; ++i) prepared.push_back(next_case());
    const SteadyClock::time_point start = SteadyClock::now();
    size_t k = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return in_flight < 64; });
        if (!error.ok()) return error;
        if (Seconds(SteadyClock::now() - start) >= seconds) break;
        ++in_flight;
      }
      if (k == prepared.size()) {
        prepared.clear();
        for (int i = 0; i < 64 * 4; ++i) prepared.push_back(next_case());
        k = 0;
      }
      (*store)->CreateCaseAsync(std::move(prepared[k++]),
                                [&](absl::StatusOr<storage::CaseRecord> r) {
                                  std::lock_guard<std::mutex> lock(mu);
                                  --in_flight;
                                  ++done;
                                  if (!r.ok() && error.ok()) error = r.status();
                                  cv.notify_all();
                                });
    }
    std::unique_lock<std::mutex> lock(mu);
    const int64_t counted = done;
    const double took = Seconds(SteadyClock::now() - start);
    cv.wait(lock, [&] { return in_flight == 0; });
    b.store_async_per_s = static_cast<double>(counted) / took;
  }
  return b;
}

}  // namespace hotline::bench
