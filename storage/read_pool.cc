#include "storage/read_pool.h"

#include <utility>

namespace hotline::storage {

ReadPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      db_(std::exchange(other.db_, nullptr)),
      shared_(std::move(other.shared_)) {}

ReadPool::Lease::~Lease() {
  if (pool_ != nullptr && db_ != nullptr) pool_->Return(db_);
}

ReadPool::ReadPool(std::vector<sqlite::Connection> connections) {
  for (sqlite::Connection& c : connections) {
    owned_.push_back(std::make_unique<sqlite::Connection>(std::move(c)));
    free_.push_back(owned_.back().get());
  }
}

ReadPool::ReadPool(sqlite::Connection* shared, std::mutex* shared_mutex)
    : shared_(shared), shared_mutex_(shared_mutex) {}

ReadPool::Lease ReadPool::Acquire() {
  if (shared_ != nullptr) {
    return Lease(nullptr, shared_, std::unique_lock<std::mutex>(*shared_mutex_));
  }
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !free_.empty(); });
  sqlite::Connection* db = free_.back();
  free_.pop_back();
  return Lease(this, db, std::unique_lock<std::mutex>());
}

void ReadPool::Return(sqlite::Connection* db) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(db);
  }
  cv_.notify_one();
}

}  // namespace hotline::storage
