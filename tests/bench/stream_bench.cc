#include "tests/bench/stream_bench.h"

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "hotline/v1/desk.grpc.pb.h"
#include "hotline/v1/intake.grpc.pb.h"
#include "router/loader.h"
#include "server/assignment_stream.h"
#include "storage/store.h"
#include "tests/bench/in_process_server.h"
#include "tests/bench/machine.h"
#include "tests/bench/sample_reports.h"

namespace hotline::bench {
namespace {

using SubmitCall = TypedCall<v1::SubmitReportRequest, v1::Case>;

// Receives the stream on its own thread and notes when each case's first
// "assignment.created" event arrived.
class Watcher {
 public:
  Watcher(v1::Desk::Stub* desk, const std::string& token, const std::vector<std::string>& desks) {
    context_.AddMetadata("authorization", "Bearer " + token);
    v1::WatchAssignmentsRequest request;
    for (const std::string& d : desks) request.add_desk_ids(d);
    request.set_heartbeat_seconds(1);
    reader_ = desk->WatchAssignments(&context_, request);
    thread_ = std::thread([this] { Run(); });
  }
  ~Watcher() { Stop(); }

  // Waits until the stream delivered its first message (a heartbeat at the latest).
  bool WaitReady(std::chrono::seconds limit) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, limit, [this] { return ready_ || ended_; }) && ready_;
  }

  void Stop() {
    context_.TryCancel();
    if (thread_.joinable()) thread_.join();
  }

  // Case number -> arrival of its first assignment.created.
  std::unordered_map<std::string, SteadyClock::time_point> Arrivals() {
    std::lock_guard<std::mutex> lock(mu_);
    return arrivals_;
  }
  int64_t messages() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }
  std::string error() {
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

 private:
  void Run() {
    NameThisThread("bench-watcher");
    v1::WatchAssignmentsResponse message;
    while (reader_->Read(&message)) {
      const SteadyClock::time_point at = SteadyClock::now();
      std::lock_guard<std::mutex> lock(mu_);
      ++messages_;
      if (!ready_) {
        ready_ = true;
        cv_.notify_all();
      }
      if (message.has_event() && message.event().type() == "assignment.created") {
        arrivals_.emplace(message.event().case_summary().case_number(), at);
      }
    }
    const grpc::Status status = reader_->Finish();
    std::lock_guard<std::mutex> lock(mu_);
    if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
      error_ = status.error_message();
    }
    ended_ = true;
    cv_.notify_all();
  }

  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::WatchAssignmentsResponse>> reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, SteadyClock::time_point> arrivals_;  // guarded by mu_
  int64_t messages_ = 0;                                               // guarded by mu_
  bool ready_ = false;                                                 // guarded by mu_
  bool ended_ = false;                                                 // guarded by mu_
  std::string error_;                                                  // guarded by mu_
  std::thread thread_;
};

// Reads every event of `desks` as a watcher's Fetch does; microseconds per event (0 on error).
double ReplayFetch(const std::string& db_path, const std::vector<std::string>& desks) {
  storage::StoreOptions options;
  options.path = db_path;
  auto store = storage::Store::Open(options);
  if (!store.ok()) return 0;
  server::Caller viewer;  // an agency bound to the desks: the case summaries are checked
  viewer.role = server::Role::kAgency;
  viewer.principal.desks = desks;
  const SteadyClock::time_point start = SteadyClock::now();
  int64_t after = 0, events = 0;
  size_t sink = 0;
  for (;;) {
    auto page = server::ReadWatchPage(store->get(), viewer, desks, after, 128);  // as streams do
    if (!page.ok() || page->empty()) break;
    for (const v1::WatchAssignmentsResponse& r : *page) sink += r.ByteSizeLong();
    after = page->back().event().seq();
    events += static_cast<int64_t>(page->size());
  }
  if (events == 0 || sink == 0) return 0;
  return Seconds(SteadyClock::now() - start) * 1e6 / static_cast<double>(events);
}

}  // namespace

absl::StatusOr<StreamFigures> MeasureStream(const BenchOptions& options) {
  const std::string dir = options.work_dir + "/stream";
  std::filesystem::create_directories(dir);
  auto table = router::LoadRoutingTableFile(options.routing_table);
  if (!table.ok()) return table.status();
  auto server = StartInProcessServer(dir, options.routing_table, "st");
  if (!server.ok()) return server.status();
  auto channel = grpc::CreateChannel(server->address, grpc::InsecureChannelCredentials());
  auto intake = v1::Intake::NewStub(channel);
  auto desk = v1::Desk::NewStub(channel);

  StreamFigures out;
  out.rate = options.stream_rate;
  Watcher watcher(desk.get(), server->supervisor_token, DesksReached(**table));
  if (!watcher.WaitReady(std::chrono::seconds(10))) {
    return absl::UnavailableError("the watcher got nothing within 10 s: " + watcher.error());
  }

  // Calls, by case number: when the client sent it and had the answer in hand.
  std::unordered_map<std::string, std::pair<SteadyClock::time_point, SteadyClock::time_point>>
      replies;
  const std::string token = server->operator_token;
  v1::Intake::Stub* stub = intake.get();
  LoadSpec spec;
  spec.rate_per_second = options.stream_rate;
  spec.concurrency = 1024;  // enough slots that the pacing, not the server, sets the rate
  spec.warmup_seconds = 0;
  spec.duration_seconds = options.duration;
  out.submit = RunUnaryLoad(
      [&] {
        return std::make_unique<SubmitCall>(
            [stub](grpc::ClientContext* c, const v1::SubmitReportRequest& r,
                   grpc::CompletionQueue* q) { return stub->PrepareAsyncSubmitReport(c, r, q); },
            [](uint64_t seq, v1::SubmitReportRequest* r) { FillSubmitRequest("stream", seq, r); },
            token,
            [&replies](const v1::Case& c, SteadyClock::time_point started,
                       SteadyClock::time_point at) {
              replies.emplace(c.case_number(), std::make_pair(started, at));
            });
      },
      spec);

  // Let the last events arrive (at most 5 s), then compare.
  const SteadyClock::time_point wait_until = SteadyClock::now() + std::chrono::seconds(5);
  for (;;) {
    const auto arrivals = watcher.Arrivals();
    size_t found = 0;
    for (const auto& [number, at] : replies) found += arrivals.count(number);
    if (found == replies.size() || SteadyClock::now() >= wait_until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  watcher.Stop();
  out.events = watcher.messages();
  const auto arrivals = watcher.Arrivals();
  LatencyRecorder latency, end_to_end;
  for (const auto& [number, times] : replies) {
    const auto& [started, replied] = times;
    auto it = arrivals.find(number);
    if (it == arrivals.end()) {
      ++out.missing;
      continue;
    }
    ++out.matched;
    end_to_end.Add(it->second - started);
    if (it->second < replied) {
      ++out.before_reply;
      latency.AddMicros(0);
    } else {
      latency.Add(it->second - replied);
    }
  }
  out.latency = latency.Summarize();
  out.end_to_end = end_to_end.Summarize();
  server->server->Shutdown(std::chrono::seconds(1));
  server->server.reset();
  out.fetch_us_per_event = ReplayFetch(server->db_path, DesksReached(**table));
  return out;
}

}  // namespace hotline::bench
