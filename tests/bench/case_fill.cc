#include "tests/bench/case_fill.h"

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "router/router.h"
#include "server/mapping.h"
#include "server/routing_admin.h"
#include "server/routing_snapshot.h"
#include "storage/store.h"
#include "tests/bench/sample_reports.h"
#include "tests/bench/sqlite_ceiling.h"
#include "tests/bench/stats.h"

namespace hotline::bench {
namespace {

// Acknowledgement deadlines are pushed this far out: the cache is reused for months, and a
// deadline that passed would make hotlined escalate every case at start (a burst of writes
// that is not what the memory and start-up figures are about).
constexpr int64_t kDeadlineHorizonSeconds = int64_t{10} * 365 * 24 * 3600;
constexpr int kInFlight = 1024;

}  // namespace

absl::StatusOr<FilledDatabase> EnsureFilledDatabase(const std::string& cache_dir, int64_t cases,
                                                    const std::string& routing_table) {
  FilledDatabase out;
  out.path = cache_dir + "/cases-" + std::to_string(cases) + "-schema" +
             std::to_string(storage::Store::SchemaVersion()) + ".db";
  if (std::filesystem::exists(out.path)) {
    out.reused = true;
    return out;
  }
  std::filesystem::create_directories(cache_dir);
  const std::string partial = out.path + ".partial";
  RemoveDatabaseFiles(partial);
  const SteadyClock::time_point start = SteadyClock::now();
  {
    storage::StoreOptions options;
    options.path = partial;
    auto store = storage::Store::Open(options);
    if (!store.ok()) return store.status();
    // As hotlined's first start: the routing table becomes version 1.
    server::RoutingSnapshot snapshot{server::ActiveTable{}};
    server::RoutingAdmin admin(store->get(), &snapshot);
    auto active = admin.LoadAtStart(routing_table);
    if (!active.ok()) return active.status();

    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0;
    int64_t done = 0;
    absl::Status error;
    std::fprintf(stderr, "hotline_bench: filling %s with %lld cases (once; later runs reuse it)\n",
                 out.path.c_str(), static_cast<long long>(cases));
    for (int64_t i = 0; i < cases; ++i) {
      v1::SubmitReportRequest request;
      FillSubmitRequest("fill", static_cast<uint64_t>(i), &request);
      const router::Decision decision =
          router::Route(*active->table, server::ToFacts(request.report()));
      storage::NewCase c = server::ToNewCase(request, decision, "bench-operator");
      c.routing_table_version = active->version;
      for (storage::NewAssignment& a : c.assignments)
        a.ack_deadline_seconds += kDeadlineHorizonSeconds;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return in_flight < kInFlight; });
        if (!error.ok()) return error;
        ++in_flight;
      }
      (*store)->CreateCaseAsync(std::move(c), [&](absl::StatusOr<storage::CaseRecord> r) {
        std::lock_guard<std::mutex> lock(mu);
        --in_flight;
        ++done;
        if (!r.ok() && error.ok()) error = r.status();
        cv.notify_all();
      });
      if ((i + 1) % (cases >= 20 ? cases / 20 : 1) == 0) {
        const double took = Seconds(SteadyClock::now() - start);
        std::fprintf(stderr, "hotline_bench: fill %lld/%lld (%.0f cases/s)\n",
                     static_cast<long long>(i + 1), static_cast<long long>(cases),
                     static_cast<double>(i + 1) / took);
      }
    }
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
    if (!error.ok()) return error;
    lock.unlock();
    if (absl::Status s = (*store)->Checkpoint(); !s.ok()) return s;
  }  // closes the store (the WAL was folded in)
  // Closing the last connection normally removes the WAL; if one is left, it moves along.
  for (const char* suffix : {"-wal", "-shm"}) {
    if (std::filesystem::exists(partial + suffix)) {
      std::filesystem::rename(partial + suffix, out.path + suffix);
    }
  }
  std::filesystem::rename(partial, out.path);
  out.fill_seconds = Seconds(SteadyClock::now() - start);
  return out;
}

}  // namespace hotline::bench
