// Store::Impl, shared by store.cc and principals.cc: the writer, the read connections, and
// helpers that run a write on the writer thread or a read in a read transaction.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <utility>

#include "absl/status/statusor.h"
#include "storage/checkpointer.h"
#include "storage/read_pool.h"
#include "storage/sqlite_util.h"
#include "storage/store.h"
#include "storage/writer.h"

namespace hotline::storage {

struct Store::Impl {
  StoreOptions options;
  const Clock* clock = nullptr;
  // ":memory:" only: serializes the writer's batches and the reads on its connection.
  std::mutex memory_mutex;
  // Destroyed in reverse order: reads first, then the writer (which drains its queue), then
  // the checkpointer its commits signal (file databases only).
  std::unique_ptr<Checkpointer> checkpointer;
  std::unique_ptr<Writer> writer;
  std::unique_ptr<ReadPool> reads;

  // Queues `apply` (run on the writer thread inside its savepoint); `done` gets its result
  // once the batch committed, or the error.
  template <typename T>
  void SubmitWrite(std::function<absl::StatusOr<T>(WriteContext&)> apply,
                   std::function<void(absl::StatusOr<T>)> done) {
    auto result = std::make_shared<absl::StatusOr<T>>(absl::UnknownError("write not run"));
    writer->Submit(
        [apply = std::move(apply), result](WriteContext& ctx) {
          *result = apply(ctx);
          return result->status();
        },
        [result, done = std::move(done)](absl::Status status) {
          if (status.ok()) {
            done(std::move(*result));
          } else {
            done(std::move(status));
          }
        });
  }

  // Queues `apply` and waits until its batch is durable (or failed).
  template <typename T>
  absl::StatusOr<T> Write(std::function<absl::StatusOr<T>(WriteContext&)> apply) {
    std::promise<absl::StatusOr<T>> promise;
    std::future<absl::StatusOr<T>> future = promise.get_future();
    SubmitWrite<T>(std::move(apply),
                   [&promise](absl::StatusOr<T> r) { promise.set_value(std::move(r)); });
    return future.get();
  }

  // Runs `fn(connection)` inside one read transaction (a consistent snapshot).
  template <typename F>
  auto Read(F fn) -> decltype(fn(std::declval<sqlite::Connection&>())) {
    ReadPool::Lease db = reads->Acquire();
    absl::StatusOr<sqlite::Transaction> txn =
        sqlite::Transaction::Begin(*db, sqlite::Transaction::Mode::kDeferred);
    if (!txn.ok()) return txn.status();
    return fn(*db);
  }
};

}  // namespace hotline::storage
