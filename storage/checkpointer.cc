#include "storage/checkpointer.h"

#include <pthread.h>
#include <sqlite3.h>

#include <utility>

namespace hotline::storage {

absl::StatusOr<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path,
                                                                  int busy_timeout_ms,
                                                                  int threshold_pages) {
  if (threshold_pages < 1) {
    return absl::InvalidArgumentError("checkpoint_pages must be >= 1");
  }
  sqlite::ConnectionOptions options;
  options.busy_timeout_ms = busy_timeout_ms;
  absl::StatusOr<sqlite::Connection> db = sqlite::Connection::Open(path, options);
  if (!db.ok()) return db.status();
  return std::unique_ptr<Checkpointer>(new Checkpointer(*std::move(db), threshold_pages));
}

Checkpointer::Checkpointer(sqlite::Connection db, int threshold_pages)
    : db_(std::move(db)), threshold_pages_(threshold_pages), thread_([this] {
        pthread_setname_np(pthread_self(), "hl-checkpoint");
        Run();
      }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Checkpointer::Attach(sqlite::Connection& writer) {
  sqlite3_wal_hook(writer.handle(), &Checkpointer::OnCommit, this);
}

Checkpointer::Stats Checkpointer::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

// Runs on the writer thread after each commit: only a flag and a notify.
int Checkpointer::OnCommit(void* self, sqlite3* /*db*/, const char* /*name*/, int wal_pages) {
  auto* c = static_cast<Checkpointer*>(self);
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(c->mu_);
    c->stats_.commit_wal_pages = wal_pages;
    if (wal_pages >= c->threshold_pages_ && !c->wanted_) wake = c->wanted_ = true;
  }
  if (wake) c->cv_.notify_one();
  return SQLITE_OK;
}

void Checkpointer::Run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || wanted_; });
      if (stopping_) return;
      wanted_ = false;
    }
    // PASSIVE: copies what no reader still needs, without waiting for anyone. A later
    // commit restarts the WAL from its beginning once everything was copied.
    int wal_pages = 0;
    int checkpointed = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                             &wal_pages, &checkpointed);
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.runs;
    stats_.last_rc = rc;
    stats_.last_wal_pages = wal_pages;
    stats_.last_checkpointed = checkpointed;
  }
}

}  // namespace hotline::storage
