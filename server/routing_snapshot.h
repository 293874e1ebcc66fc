// The routing table in force and its stored version number: an immutable snapshot swapped
// whole (apply, rollback, SIGHUP). A request takes the snapshot once and finishes on it,
// whatever is swapped in meanwhile. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include "absl/status/statusor.h"
#include "router/routing_table.h"
#include "storage/store.h"

namespace hotline::server {

inline const absl::Status& StatusOf(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

struct ActiveTable {
  std::shared_ptr<const router::RoutingTable> table;
  int64_t version = 0;  // routing_tables.version in the store (0: not stored, tests only)
};

class RoutingSnapshot {
 public:
  explicit RoutingSnapshot(ActiveTable active) : active_(std::move(active)) {}

  ActiveTable Current() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return active_;
  }
  std::shared_ptr<const router::RoutingTable> Get() const { return Current().table; }

  void Set(ActiveTable active) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      active_ = std::move(active);
    }
    changed_.notify_all();
  }

  // The table in force once its version is not `version`, waiting at most `wait` for the
  // swap. The store refuses a decision made on a version no longer in force
  // (storage::IsRoutingTableChanged); the new version is stored, then swapped in here, so
  // the caller that saw the refusal may be a moment early.
  ActiveTable CurrentOtherThan(int64_t version, std::chrono::milliseconds wait) const {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, wait, [&] { return active_.version != version; });
    return active_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  ActiveTable active_;
};

// Runs attempt(active) on the table in force; when the store refuses the result because
// another version came into force meanwhile, runs it again on that version (twice more at
// most). `attempt` returns an absl::Status or absl::StatusOr.
template <typename Attempt>
auto OnTableInForce(const RoutingSnapshot& routing, Attempt attempt) {
  ActiveTable active = routing.Current();
  for (int tries = 1;; ++tries) {
    auto result = attempt(active);
    if (tries == 3 || !storage::IsRoutingTableChanged(StatusOf(result))) return result;
    active = routing.CurrentOtherThan(active.version, std::chrono::seconds(1));
  }
}

}  // namespace hotline::server
