// Checkpoints the WAL on its own thread and connection. SQLite's default runs the checkpoint
// inside the commit that takes the WAL past 1000 pages: the writer then copies megabytes into
// the database file and waits for its fsync while every caller of that batch (and the next)
// waits too. Here the writer's commit only signals (a WAL hook, which replaces SQLite's
// auto-checkpoint on that connection), and this thread runs a PASSIVE checkpoint, which
// never blocks the writer or the readers. Durability is unchanged: a commit is durable once
// its WAL frames are synced; the checkpoint only moves them into the database file.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "storage/sqlite_util.h"

namespace hotline::storage {

class Checkpointer {
 public:
  // Opens its own connection to `path` (a file database) and starts the thread. A
  // checkpoint is wanted once a commit leaves at least `threshold_pages` pages in the WAL.
  static absl::StatusOr<std::unique_ptr<Checkpointer>> Start(const std::string& path,
                                                             int busy_timeout_ms,
                                                             int threshold_pages);
  // Finishes a running checkpoint and stops; the connection closes after the thread.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Becomes `writer`'s WAL hook. The checkpointer must outlive the writer connection's last
  // commit.
  void Attach(sqlite::Connection& writer);

  // Checkpoints run so far, and the last one's result (for tests and diagnostics).
  struct Stats {
    int64_t runs = 0;
    int last_rc = 0;            // SQLite result code (SQLITE_OK, SQLITE_BUSY, ...)
    int last_wal_pages = 0;     // frames in the WAL when it ran
    int last_checkpointed = 0;  // of which moved into the database file
    int commit_wal_pages = 0;   // WAL pages after the writer's latest commit
  };
  Stats stats() const;

 private:
  Checkpointer(sqlite::Connection db, int threshold_pages);
  static int OnCommit(void* self, struct sqlite3* db, const char* name, int wal_pages);
  void Run();

  sqlite::Connection db_;  // the checkpoint thread only
  const int threshold_pages_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;    // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  Stats stats_;            // guarded by mu_
  std::thread thread_;     // last: starts after everything above is built
};

}  // namespace hotline::storage
