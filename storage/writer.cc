#include "storage/writer.h"

#include <pthread.h>

#include "storage/str_util.h"

#include <optional>
#include <utility>
#include <vector>

namespace hotline::storage {

Writer::Writer(sqlite::Connection db, int max_batch, std::mutex* db_mutex,
               std::function<void()> between_batches)
    : db_(std::move(db)),
      max_batch_(static_cast<size_t>(max_batch < 1 ? 1 : max_batch)),
      db_mutex_(db_mutex),
      between_batches_(std::move(between_batches)),
      completer_([this] {
        pthread_setname_np(pthread_self(), "hl-complete");  // as top -H and the bench show it
        Complete();
      }),
      thread_([this] {
        pthread_setname_np(pthread_self(), "hl-writer");
        Run();
      }) {}

Writer::~Writer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();  // every queued write applied and handed to the completer
  {
    std::lock_guard<std::mutex> lock(done_mu_);
    writer_stopped_ = true;
  }
  done_cv_.notify_all();
  completer_.join();  // every completion run
}

void Writer::Submit(Apply apply, Done done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(Op{std::move(apply), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  done(absl::UnavailableError("the store is closing"));
}

void Writer::SetCommitListener(std::function<void(int64_t)> listener) {
  std::lock_guard<std::mutex> call(listener_call_mu_);  // waits out a running call
  std::lock_guard<std::mutex> lock(mu_);
  listener_ = std::move(listener);
}

int64_t Writer::batches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return batches_;
}

void Writer::Run() {
  for (;;) {
    std::vector<Op> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      ++batches_;
    }
    RunBatch(batch);
    if (between_batches_) between_batches_();
  }
}

absl::Status Writer::ApplyOne(Op& op, bool savepoint) {
  const ChainHead saved = head_;
  std::optional<sqlite::Savepoint> sp;
  if (savepoint) {
    absl::StatusOr<sqlite::Savepoint> begun = sqlite::Savepoint::Begin(db_, "hotline_write");
    if (!begun.ok()) return begun.status();
    sp.emplace(*std::move(begun));
  }
  absl::Status status;
  try {
    WriteContext ctx{db_, head_};
    status = op.apply(ctx);
  } catch (const std::exception& e) {
    status = absl::InternalError(std::string("write failed: ") + e.what());
  } catch (...) {
    status = absl::InternalError("write failed");
  }
  if (status.ok() && sp.has_value()) status = sp->Release();
  if (!status.ok()) {
    head_ = saved;
    // No-op once released; reports a lost transaction otherwise. Without a savepoint the
    // caller rolls the whole transaction back.
    if (sp.has_value()) (void)sp->Rollback();
  }
  return status;
}

void Writer::RunBatch(std::vector<Op>& batch) {
  std::vector<absl::Status> results(batch.size());
  bool committed = false;
  {
    std::unique_lock<std::mutex> db_lock;
    if (db_mutex_ != nullptr) db_lock = std::unique_lock<std::mutex>(*db_mutex_);
    // Almost every write succeeds, and a savepoint per write costs a sub-journal copy of every
    // page it touches: try the batch without them, and only when a write fails run the whole
    // batch again with one savepoint per write, so the failing write fails alone.
    if (!TryBatch(batch, /*savepoints=*/false, results, committed)) {
      results.assign(batch.size(), absl::OkStatus());
      TryBatch(batch, /*savepoints=*/true, results, committed);
    }
  }
  {
    std::lock_guard<std::mutex> lock(done_mu_);
    finished_.push_back(Finished{std::move(batch), std::move(results), committed, head_.seq});
  }
  done_cv_.notify_one();
}

bool Writer::TryBatch(std::vector<Op>& batch, bool savepoints, std::vector<absl::Status>& results,
                      bool& committed) {
  absl::Status batch_status;
  std::optional<sqlite::Transaction> txn;
  if (absl::StatusOr<sqlite::Transaction> t =
          sqlite::Transaction::Begin(db_, sqlite::Transaction::Mode::kImmediate);
      t.ok()) {
    txn.emplace(*std::move(t));
  } else {
    batch_status = t.status();
  }
  // The database is the truth: another process may have written since the last batch.
  if (batch_status.ok()) {
    absl::StatusOr<ChainHead> head = LoadChainHead(db_);
    if (head.ok()) {
      head_ = *std::move(head);
    } else {
      batch_status = head.status();
    }
  }
  for (size_t i = 0; i < batch.size() && batch_status.ok(); ++i) {
    results[i] = ApplyOne(batch[i], savepoints);
    if (results[i].ok()) continue;
    // Some errors (disk full, I/O) make SQLite roll back the whole transaction: the writes
    // before this one are gone too, and running them again would meet the same fault.
    if (!db_.InTransaction()) {
      batch_status = results[i];
    } else if (!savepoints) {
      txn.reset();  // rolls back the writes before this one; the caller runs them again
      return false;
    }
  }
  if (batch_status.ok()) batch_status = txn->Commit();
  committed = batch_status.ok();
  txn.reset();  // rolls back if still open
  if (!batch_status.ok()) {
    batch_status = absl::Status(batch_status.code(),
                                Concat("nothing was stored: ", batch_status.message()));
    for (absl::Status& r : results) {
      if (r.ok()) r = batch_status;
    }
    // Forget the in-memory head; reload what is durable (the next batch reloads again).
    absl::StatusOr<ChainHead> head = LoadChainHead(db_);
    head_ = head.ok() ? *std::move(head) : ChainHead{};
  }
  return true;
}

void Writer::Complete() {
  for (;;) {
    Finished f;
    {
      std::unique_lock<std::mutex> lock(done_mu_);
      done_cv_.wait(lock, [this] { return writer_stopped_ || !finished_.empty(); });
      if (finished_.empty()) return;  // the writer stopped and everything is completed
      f = std::move(finished_.front());
      finished_.pop_front();
    }
    for (size_t i = 0; i < f.ops.size(); ++i) {
      try {
        f.ops[i].done(std::move(f.results[i]));
      } catch (...) {
        // A completion must not take the completion thread down; nothing to report it to.
      }
    }
    if (!f.committed) continue;
    std::lock_guard<std::mutex> call(listener_call_mu_);
    std::function<void(int64_t)> listener;
    {
      std::lock_guard<std::mutex> lock(mu_);
      listener = listener_;
    }
    if (listener) {
      try {
        listener(f.head_seq);
      } catch (...) {
        // Same as a completion.
      }
    }
  }
}

}  // namespace hotline::storage
