// Checkpoints the WAL on its own thread and connection. SQLite's default runs the checkpoint
// inside the commit that takes the WAL past 1000 pages: the writer then copies megabytes into
// the database file and waits for its fsync while every caller of that batch (and the next)
// waits too. Here the writer's commit only signals (a WAL hook, which replaces SQLite's
// auto-checkpoint on that connection), and this thread runs a PASSIVE checkpoint, which
// never blocks the writer or the readers. Durability is unchanged: a commit is durable once
// its WAL frames are synced; the checkpoint only moves them into the database file.
//
// The WAL starts over from its beginning only when a write transaction begins with every
// frame already copied. Under steady load the writer commits while this thread copies, so a
// background pass never ends with nothing left, and the WAL grew without bound: 1.9 GB after
// 20,000 one-at-a-time reports, 280 MB at 64 in flight (checkpoint_pages 1000, 4 MB). So
// once a background pass has left less than `threshold_pages` behind, the writer copies
// that rest itself, between two batches (CatchUp): nothing commits during that copy, it
// completes, and the next batch starts the WAL over. The writer pays for at most
// `threshold_pages` pages and one fsync of the database file, after its batch's callers
// have their answers. A larger rest (a long read held the checkpoints back, or the writer
// committed more than that during one pass) gets another background pass first. The WAL
// stays within a few times `threshold_pages` as long as a pass copies pages faster than the
// writer commits them, which holds in practice: copying a page costs far less than
// building it.
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
  // commit and its last CatchUp.
  void Attach(sqlite::Connection& writer);

  // On the writer thread, between two batches (no transaction open): copies what the last
  // background pass left, when the last commit asked for it. Otherwise returns at once.
  void CatchUp();

  // Checkpoints run so far, and the last one's result (for tests and diagnostics).
  struct Stats {
    int64_t runs = 0;           // passes, in the background and by CatchUp
    int64_t catch_ups = 0;      // of which by CatchUp
    int last_rc = 0;            // SQLite result code (SQLITE_OK, SQLITE_BUSY, ...)
    int last_wal_pages = 0;     // frames in the WAL when it ran
    int last_checkpointed = 0;  // of which moved into the database file
    int commit_wal_pages = 0;   // WAL pages after the writer's latest commit
    int max_wal_pages = 0;      // the most WAL pages any commit left
    int max_catch_up_pages = 0;  // the most pages one CatchUp copied
  };
  Stats stats() const;

 private:
  Checkpointer(sqlite::Connection db, int threshold_pages);
  static int OnCommit(void* self, struct sqlite3* db, const char* name, int wal_pages);
  void Run();
  // Runs a PASSIVE checkpoint on `db` and records it (mu_ not held); `generation` is
  // generation_ when the pass was decided on.
  void RunPass(struct sqlite3* db, bool catch_up, int64_t generation);

  sqlite::Connection db_;  // the checkpoint thread only
  const int threshold_pages_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct sqlite3* writer_ = nullptr;  // set by Attach; used by CatchUp on the writer thread
  bool wanted_ = false;               // a background pass is wanted; guarded by mu_
  bool running_ = false;              // a pass (background or CatchUp) is running; guarded by mu_
  bool catch_up_ = false;             // the writer should run CatchUp; guarded by mu_
  bool stopping_ = false;             // guarded by mu_
  int backfilled_ = 0;                // WAL frames the last pass left copied; guarded by mu_
  int64_t generation_ = 0;            // times the WAL started over; guarded by mu_
  Stats stats_;            // guarded by mu_
  std::thread thread_;     // last: starts after everything above is built
};

}  // namespace hotline::storage
