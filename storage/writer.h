// The single writer: one thread owns the write connection and commits queued writes in
// groups (leveldb's DBImpl::Write idea): it takes everything queued (up to max_batch), runs
// BEGIN IMMEDIATE, every write, COMMIT, and only then completes every write. A failing write
// fails alone: the first attempt runs without savepoints (they cost a copy of every page a
// write touches), and when a write fails the batch is rolled back and run again with each
// write inside its own SAVEPOINT, rolled back to it on failure. If the batch cannot begin or
// commit, every write of it fails. Submit is thread-safe.
//
// Completions (`done`, then the commit listener) run in batch order on a second thread, so
// the writer starts the next transaction while the replies of the last one are built and
// sent: the writer is the one thread every write passes through.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "storage/event_log.h"
#include "storage/sqlite_util.h"

namespace hotline::storage {

// What a write sees, on the writer thread, inside the batch's transaction.
struct WriteContext {
  sqlite::Connection& db;
  ChainHead& head;  // the event log's head; restored when the write fails
};

class Writer {
 public:
  // Runs inside the batch's transaction. A non-OK status rolls the write back (database and
  // chain head). It may run twice, the first run rolled back: it must not change anything
  // outside the database except its own result.
  using Apply = std::function<absl::Status(WriteContext&)>;
  // Runs on the completion thread after the batch committed (OK) or failed (the error).
  using Done = std::function<void(absl::Status)>;

  // Starts the writer thread. `db_mutex`, when not null, is held around each batch: an
  // in-memory database shares the writer's connection with readers. `between_batches`, when
  // set, runs on the writer thread after each batch was handed to the completion thread,
  // outside any transaction (the checkpointer's CatchUp).
  Writer(sqlite::Connection db, int max_batch, std::mutex* db_mutex,
         std::function<void()> between_batches = {});
  // Completes every queued write, then stops the threads.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues a write. After the destructor has begun, `done` runs at once with UNAVAILABLE.
  void Submit(Apply apply, Done done);

  // The write connection, for readers of an in-memory database (under `db_mutex` only).
  sqlite::Connection& connection() { return db_; }

  // Runs on the completion thread after each committed batch's completions, with the chain
  // head's seq after that batch. Returns once no call of the previous listener is running, so
  // what it points at may be destroyed right after `SetCommitListener({})`. The listener must
  // not call this.
  void SetCommitListener(std::function<void(int64_t)> listener);

  // Number of transactions attempted so far (for tests of the grouping).
  int64_t batches() const;

 private:
  struct Op {
    Apply apply;
    Done done;
  };
  // A finished batch waiting for its completions.
  struct Finished {
    std::vector<Op> ops;
    std::vector<absl::Status> results;
    bool committed = false;
    int64_t head_seq = 0;
  };
  void Run();
  void RunBatch(std::vector<Op>& batch);
  // One attempt at `batch` in one transaction, each write in a savepoint of its own when
  // `savepoints`. Without savepoints, a failing write (the transaction still open) rolls
  // everything back and returns false: run it again with savepoints. Otherwise fills
  // `results` (every write fails if the batch could not begin or commit) and `committed`.
  bool TryBatch(std::vector<Op>& batch, bool savepoints, std::vector<absl::Status>& results,
                bool& committed);
  absl::Status ApplyOne(Op& op, bool savepoint);
  void Complete();

  sqlite::Connection db_;  // writer thread only (and readers under db_mutex_)
  const size_t max_batch_;
  std::mutex* const db_mutex_;
  const std::function<void()> between_batches_;
  ChainHead head_;  // writer thread only

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Op> queue_;   // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  int64_t batches_ = 0;    // guarded by mu_
  std::function<void(int64_t)> listener_;  // guarded by mu_
  std::mutex listener_call_mu_;            // held while the listener runs

  std::mutex done_mu_;
  std::condition_variable done_cv_;
  std::deque<Finished> finished_;  // guarded by done_mu_
  bool writer_stopped_ = false;    // guarded by done_mu_

  // Last: they start after everything above is built.
  std::thread completer_;
  std::thread thread_;
};

}  // namespace hotline::storage
