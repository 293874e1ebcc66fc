// Connections for reads. A file database gets a small pool of its own query-only
// connections (WAL lets them read while the writer writes); an in-memory database has only
// the writer's connection, lent under the shared mutex. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/sqlite_util.h"

namespace hotline::storage {

class ReadPool {
 public:
  // A borrowed connection; returned to the pool (or the mutex released) on destruction.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    sqlite::Connection& operator*() const { return *db_; }
    sqlite::Connection* operator->() const { return db_; }

   private:
    friend class ReadPool;
    Lease(ReadPool* pool, sqlite::Connection* db, std::unique_lock<std::mutex> shared)
        : pool_(pool), db_(db), shared_(std::move(shared)) {}
    ReadPool* pool_;  // null for the shared connection
    sqlite::Connection* db_;
    std::unique_lock<std::mutex> shared_;  // held for the shared connection
  };

  // A pool over its own connections.
  explicit ReadPool(std::vector<sqlite::Connection> connections);
  // Lends `shared` (not owned) under `shared_mutex` (not owned).
  ReadPool(sqlite::Connection* shared, std::mutex* shared_mutex);

  // Waits for a free connection.
  Lease Acquire();

 private:
  void Return(sqlite::Connection* db);

  std::vector<std::unique_ptr<sqlite::Connection>> owned_;
  sqlite::Connection* const shared_ = nullptr;
  std::mutex* const shared_mutex_ = nullptr;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<sqlite::Connection*> free_;  // guarded by mu_
};

}  // namespace hotline::storage
