// The routing table in force and its stored version number: an immutable snapshot swapped
// whole (apply, rollback, SIGHUP). A request takes the snapshot once and finishes on it,
// whatever is swapped in meanwhile. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>

#include "router/routing_table.h"

namespace hotline::server {

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
    std::lock_guard<std::mutex> lock(mutex_);
    active_ = std::move(active);
  }

 private:
  mutable std::mutex mutex_;
  ActiveTable active_;
};

}  // namespace hotline::server
