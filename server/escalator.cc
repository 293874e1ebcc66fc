#include "server/escalator.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "router/router.h"
#include "server/mapping.h"

namespace hotline::server {

namespace {
// Re-check at least this often, whatever the deadlines say (a cheap indexed read): covers
// deadlines written by another process and clock adjustments.
constexpr std::chrono::seconds kMaxSleep{30};
constexpr int kBatch = 500;
// Commits re-arm the timer at most this often. A re-arm reads the store twice; one per
// commit was about 4% of a core at 1,000 one-report commits a second. A commit cannot add a
// deadline sooner than this: routing-table durations are whole seconds, at least one.
constexpr std::chrono::milliseconds kPokeInterval{100};
}  // namespace

struct Escalator::Timer {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  asio::steady_timer timer{io};
  asio::steady_timer poke{io};                     // a re-arm held back by kPokeInterval
  std::chrono::steady_clock::time_point last_arm;  // timer thread only
};

Escalator::Escalator(storage::Store* store, RoutingSnapshot* routing,
                     const storage::Clock* clock)
    : store_(store), routing_(routing), clock_(clock), timer_(std::make_unique<Timer>()) {}

Escalator::~Escalator() {
  timer_->work.reset();
  timer_->io.stop();
  if (thread_.joinable()) thread_.join();
}

void Escalator::Start() {
  asio::post(timer_->io, [this] { Arm(); });
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hl-escalator");
    timer_->io.run();
  });
}

void Escalator::Poke() {
  if (arm_pending_.exchange(true)) return;  // one re-arm queued is enough
  asio::post(timer_->io, [this] {
    const auto rearm = [this] {
      arm_pending_ = false;
      Arm();
    };
    const auto at = timer_->last_arm + kPokeInterval;
    if (std::chrono::steady_clock::now() >= at) {
      rearm();
      return;
    }
    timer_->poke.expires_at(at);
    timer_->poke.async_wait([rearm](const asio::error_code& error) {
      if (!error) rearm();
    });
  });
}

// On the timer thread: fires what is due, then waits for the next deadline.
void Escalator::Arm() {
  timer_->last_arm = std::chrono::steady_clock::now();
  if (absl::StatusOr<int> n = RunDue(); !n.ok()) {
    spdlog::error("escalation failed: {}; retrying", std::string(n.status().message()));
  }
  std::chrono::milliseconds wait = kMaxSleep;
  if (absl::StatusOr<int64_t> next = store_->NextAckDeadline(); next.ok() && *next > 0) {
    wait = std::clamp(std::chrono::milliseconds(*next - clock_->NowMillis()),
                      std::chrono::milliseconds(0), std::chrono::milliseconds(kMaxSleep));
  }
  timer_->timer.expires_after(wait);
  timer_->timer.async_wait([this](const asio::error_code& error) {
    if (!error) Arm();  // cancelled by a re-arm: that one takes over
  });
}

absl::StatusOr<storage::AssignmentChange> Escalator::Escalate(const storage::AssignmentRecord& a,
                                                              const ActiveTable& active) {
  // The successor is chosen from a read of the case; the store refuses it (ABORTED) when a
  // transfer or decline gave that desk the case since. Then choose again from a new read.
  static constexpr int kAttempts = 3;
  absl::StatusOr<storage::AssignmentChange> change = absl::AbortedError("not attempted");
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    absl::StatusOr<storage::CaseRecord> c = store_->GetCase(a.case_number);
    if (!c.ok()) return c.status();
    std::vector<std::string> held;  // every desk that holds or held the case
    for (const storage::AssignmentRecord& other : c->assignments) held.push_back(other.desk_id);
    std::optional<router::RoutedTarget> target = router::EscalationTarget(
        *active.table, a.rule_id, a.desk_id, c->jurisdictions, held, OpenDesks(*c));
    storage::NewAssignment successor;
    if (target) successor = ToNewAssignment(*target);
    successor.routing_table_version = active.version;
    change = store_->EscalateAssignment(a.id, successor);
    if (change.ok() || !absl::IsAborted(change.status()) ||
        storage::IsRoutingTableChanged(change.status())) {
      return change;
    }
  }
  return change;
}

absl::StatusOr<int> Escalator::RunDue() {
  int done = 0;
  for (;;) {
    absl::StatusOr<std::vector<storage::AssignmentRecord>> due =
        store_->ListDueAssignments(clock_->NowMillis(), kBatch);
    if (!due.ok()) return due.status();
    if (due->empty()) return done;
    const ActiveTable active = routing_->Current();
    int progressed = 0;
    for (const storage::AssignmentRecord& a : *due) {
      absl::StatusOr<storage::AssignmentChange> change = Escalate(a, active);
      if (!change.ok()) {
        // Acknowledged (or escalated by another process) in the meantime: nothing to do.
        if (absl::IsFailedPrecondition(change.status())) continue;
        // Another routing table came into force: the next round decides on that one.
        if (storage::IsRoutingTableChanged(change.status())) break;
        // Desks kept taking the case while we chose: the next round reads it again.
        if (absl::IsAborted(change.status())) continue;
        return change.status();
      }
      ++progressed;
      if (change->successor) {
        spdlog::info("escalated assignment {} ({}) of {} to assignment {} ({})", a.id, a.desk_id,
                     a.case_number, change->successor->id, change->successor->desk_id);
      } else {
        spdlog::warn("assignment {} ({}) of {} is overdue and there is no one left to escalate "
                     "to",
                     a.id, a.desk_id, a.case_number);
      }
    }
    done += progressed;
    if (progressed == 0) return done;  // all raced away; do not spin
  }
}

}  // namespace hotline::server
