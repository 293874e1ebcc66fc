#include "storage/checkpointer.h"

#include <pthread.h>
#include <sqlite3.h>

#include <algorithm>
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
  writer_ = writer.handle();
  sqlite3_wal_hook(writer_, &Checkpointer::OnCommit, this);
}

Checkpointer::Stats Checkpointer::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

// Runs on the writer thread after each commit: only flags and a notify.
int Checkpointer::OnCommit(void* self, sqlite3* /*db*/, const char* /*name*/, int wal_pages) {
  auto* c = static_cast<Checkpointer*>(self);
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(c->mu_);
    // Fewer pages than the last commit left: the WAL started over, and what the last pass
    // copied counted frames of the old one.
    if (wal_pages < c->stats_.commit_wal_pages) {
      c->backfilled_ = 0;
      ++c->generation_;
    }
    c->stats_.commit_wal_pages = wal_pages;
    c->stats_.max_wal_pages = std::max(c->stats_.max_wal_pages, wal_pages);
    if (wal_pages >= c->threshold_pages_ && !c->wanted_ && !c->running_) {
      // What a pass left is small enough for the writer to copy (see CatchUp); a larger
      // rest, as after a long read held the checkpoints back, is another background pass.
      if (c->backfilled_ > 0 && wal_pages - c->backfilled_ < c->threshold_pages_) {
        c->catch_up_ = true;
      } else {
        wake = c->wanted_ = true;
      }
    }
  }
  if (wake) c->cv_.notify_one();
  return SQLITE_OK;
}

void Checkpointer::CatchUp() {
  int64_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!catch_up_ || running_ || writer_ == nullptr) return;
    catch_up_ = false;
    running_ = true;
    ++stats_.catch_ups;
    generation = generation_;
  }
  RunPass(writer_, /*catch_up=*/true, generation);
}

void Checkpointer::RunPass(sqlite3* db, bool catch_up, int64_t generation) {
  // PASSIVE: copies what no reader still needs, without waiting for anyone. A later
  // commit restarts the WAL from its beginning once everything was copied.
  int wal_pages = 0;
  int checkpointed = 0;
  const int rc =
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_pages, &checkpointed);
  std::lock_guard<std::mutex> lock(mu_);
  running_ = false;
  ++stats_.runs;
  stats_.last_rc = rc;
  stats_.last_wal_pages = wal_pages;
  stats_.last_checkpointed = checkpointed;
  // A pass that ends just after the WAL started over counted frames of the old one.
  if (rc != SQLITE_OK || generation != generation_) return;
  if (catch_up) {
    stats_.max_catch_up_pages = std::max(stats_.max_catch_up_pages, checkpointed - backfilled_);
  }
  backfilled_ = checkpointed;
}

void Checkpointer::Run() {
  for (;;) {
    int64_t generation = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || (wanted_ && !running_); });
      if (stopping_) return;
      wanted_ = false;
      running_ = true;
      generation = generation_;
    }
    RunPass(db_.handle(), /*catch_up=*/false, generation);
  }
}

}  // namespace hotline::storage
