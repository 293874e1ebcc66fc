#include "tests/bench/unary_load.h"

#include <algorithm>
#include <vector>

namespace hotline::bench {
namespace {

std::chrono::system_clock::time_point WallDeadline(SteadyClock::time_point t) {
  // AsyncNext takes system-clock deadlines; convert through "now" on both clocks.
  const auto delta = t - SteadyClock::now();
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(delta);
}

SteadyClock::duration FromSeconds(double s) {
  return std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(s));
}

struct Slot {
  std::unique_ptr<Call> call;
  SteadyClock::time_point started;
};

}  // namespace

LoadResult RunUnaryLoad(const CallFactory& make_call, const LoadSpec& spec) {
  const int slot_count = std::max(1, spec.concurrency);
  const bool open_loop = spec.rate_per_second > 0;
  std::vector<Slot> slots(slot_count);
  std::vector<Slot*> idle;
  for (Slot& s : slots) {
    s.call = make_call();
    idle.push_back(&s);
  }

  grpc::CompletionQueue cq;
  LoadResult result;
  LatencyRecorder latency;
  latency.Reserve(static_cast<size_t>(
      std::min(4e6, (open_loop ? spec.rate_per_second : 50000.0) * spec.duration_seconds)));
  const SteadyClock::time_point begin = SteadyClock::now();
  const SteadyClock::time_point window_start = begin + FromSeconds(spec.warmup_seconds);
  const SteadyClock::time_point window_end = window_start + FromSeconds(spec.duration_seconds);
  const SteadyClock::duration interval =
      open_loop ? FromSeconds(1.0 / spec.rate_per_second) : SteadyClock::duration::zero();
  SteadyClock::time_point next_send = begin;
  uint64_t seq = 0;
  int in_flight = 0;

  const auto start = [&](Slot* s) {
    s->started = SteadyClock::now();
    s->call->Start(&cq, seq++, s);
    ++in_flight;
  };

  if (!open_loop) {
    for (Slot* s : idle) start(s);
    idle.clear();
  }
  for (;;) {
    const SteadyClock::time_point now = SteadyClock::now();
    if (open_loop) {
      // Start every call whose time has come; when every slot is busy the call is late
      // (counted, not queued), so the offered rate never bunches up.
      while (next_send <= now && next_send < window_end) {
        if (idle.empty()) {
          ++result.late;
        } else {
          Slot* s = idle.back();
          idle.pop_back();
          start(s);
        }
        next_send += interval;
      }
    }
    const bool sending = open_loop ? next_send < window_end : now < window_end;
    if (in_flight == 0 && !sending) break;
    // Wake for the next send (open loop), else wait for completions.
    const SteadyClock::time_point wake =
        open_loop && sending ? next_send : now + std::chrono::seconds(60);
    void* tag = nullptr;
    bool ok = false;
    const grpc::CompletionQueue::NextStatus status = cq.AsyncNext(&tag, &ok, WallDeadline(wake));
    if (status == grpc::CompletionQueue::SHUTDOWN) break;
    if (status == grpc::CompletionQueue::TIMEOUT) continue;
    Slot* s = static_cast<Slot*>(tag);
    const SteadyClock::time_point done = SteadyClock::now();
    --in_flight;
    const bool counted = done >= window_start && done <= window_end;
    if (s->call->status().ok()) {
      s->call->OnReply(s->started, done);
      if (counted) {
        ++result.ok;
        latency.Add(done - s->started);
      }
    } else {
      if (counted) ++result.failed;
      if (result.first_error.empty()) {
        result.first_error = std::to_string(static_cast<int>(s->call->status().error_code())) +
                             ": " + s->call->status().error_message();
      }
    }
    if (!open_loop && done < window_end) {
      start(s);
    } else {
      idle.push_back(s);
    }
  }
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
  result.seconds = spec.duration_seconds;
  result.per_second =
      spec.duration_seconds > 0 ? static_cast<double>(result.ok) / spec.duration_seconds : 0;
  result.latency = latency.Summarize();
  return result;
}

}  // namespace hotline::bench
