// The routing table in force: an immutable snapshot swapped whole (on SIGHUP). A request
// takes the snapshot once and finishes on it, whatever is swapped in meanwhile. Thread-safe.
#pragma once

#include <memory>
#include <mutex>

#include "router/routing_table.h"

namespace hotline::server {

class RoutingSnapshot {
 public:
  explicit RoutingSnapshot(std::shared_ptr<const router::RoutingTable> table)
      : table_(std::move(table)) {}

  std::shared_ptr<const router::RoutingTable> Get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return table_;
  }

  void Set(std::shared_ptr<const router::RoutingTable> table) {
    std::lock_guard<std::mutex> lock(mutex_);
    table_ = std::move(table);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const router::RoutingTable> table_;
};

}  // namespace hotline::server
