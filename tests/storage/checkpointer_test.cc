// The checkpoint thread: the writer's commits only signal it, it moves the WAL into the
// database file, and the WAL starts over instead of growing.
#include "storage/checkpointer.h"

#include <sqlite3.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "storage/store.h"
#include "tests/storage/test_util.h"

namespace hotline::storage {
namespace {

using testing::TempDb;

// Polls `done` for up to 10 s (the checkpoint runs on another thread).
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// count(*) of `table` in a copy of the database file alone (no WAL beside it), as a crash
// that lost the WAL would leave it; -1 when the copy has no such table yet.
int64_t CountInMainFile(const std::string& path, const std::string& table) {
  const std::string copy = path + ".copy";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(copy + suffix);
  std::filesystem::copy_file(path, copy);
  int64_t count = -1;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(copy.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    const std::string sql = "SELECT count(*) FROM " + table;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      count = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(copy + suffix);
  return count;
}

// Commits `n` rows one transaction each, calling CatchUp between them as the Writer does.
void CommitRows(sqlite::Connection& db, Checkpointer& checkpointer, int n) {
  const std::string blob(3000, 'x');  // about one page per row
  for (int i = 0; i < n; ++i) {
    absl::StatusOr<sqlite::Statement> insert = db.Prepare("INSERT INTO t (b) VALUES (?1)");
    REQUIRE(insert.ok());
    insert->BindBlob(1, blob);
    REQUIRE(insert->Run().ok());  // autocommit: one transaction each
    checkpointer.CatchUp();
  }
}

// A writer connection with a table t, and a checkpointer (threshold 20 pages) attached to it.
struct Attached {
  Attached() {
    REQUIRE(writer.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)").ok());
    absl::StatusOr<std::unique_ptr<Checkpointer>> started =
        Checkpointer::Start(file.path(), 5000, 20);
    REQUIRE(started.ok());
    checkpointer = *std::move(started);
    checkpointer->Attach(writer);
  }
  static sqlite::Connection Open(const std::string& path) {
    absl::StatusOr<sqlite::Connection> db = sqlite::Connection::Open(path, {});
    REQUIRE(db.ok());
    return *std::move(db);
  }
  TempDb file;
  sqlite::Connection writer = Open(file.path());
  std::unique_ptr<Checkpointer> checkpointer;
};

TEST_CASE("Commits past the threshold are checkpointed on the checkpoint thread") {
  Attached a;

  CommitRows(a.writer, *a.checkpointer, 3);  // below the threshold: nothing to do
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(a.checkpointer->stats().runs == 0);
  CHECK(a.checkpointer->stats().commit_wal_pages >= 3);
  CHECK(a.checkpointer->stats().commit_wal_pages < 20);

  CommitRows(a.writer, *a.checkpointer, 200);
  REQUIRE(Eventually([&] {
    const Checkpointer::Stats s = a.checkpointer->stats();
    return s.runs > 0 && s.last_rc == SQLITE_OK && s.last_checkpointed == s.last_wal_pages;
  }));
  // SQLite's own auto-checkpoint is replaced, so only this thread's checkpoints let the WAL
  // start over: after a complete one, the next commit writes from the WAL's beginning.
  REQUIRE(Eventually([&] {
    CommitRows(a.writer, *a.checkpointer, 1);
    return a.checkpointer->stats().commit_wal_pages < 20;
  }));
  // The WAL started over while the 200 commits ran (each adds a page): it never held them all.
  CHECK(a.checkpointer->stats().max_wal_pages < 150);
  // The rows are in the database file itself, not only in the WAL: all but those committed
  // since the WAL started over, which are fewer than the threshold's 20 pages.
  absl::StatusOr<int64_t> rows = a.writer.QueryInt("SELECT count(*) FROM t");
  REQUIRE(rows.ok());
  CHECK(*rows >= 204);
  CHECK(CountInMainFile(a.file.path(), "t") > *rows - 20);
}

TEST_CASE("After a long read held checkpoints back, the backlog is copied in the background") {
  Attached a;
  CommitRows(a.writer, *a.checkpointer, 30);

  // A reader's snapshot (a long audit walk, a backup) keeps every frame after it in the WAL.
  absl::StatusOr<sqlite::Connection> reader = sqlite::Connection::Open(a.file.path(), {});
  REQUIRE(reader.ok());
  REQUIRE(reader->Exec("BEGIN").ok());
  REQUIRE(reader->QueryInt("SELECT count(*) FROM t").ok());
  CommitRows(a.writer, *a.checkpointer, 300);
  CHECK(a.checkpointer->stats().max_wal_pages >= 300);
  REQUIRE(reader->Exec("COMMIT").ok());

  // Once it is gone the WAL starts over, and no CatchUp on the writer copied the backlog:
  // each copied less than the threshold.
  REQUIRE(Eventually([&] {
    CommitRows(a.writer, *a.checkpointer, 1);
    return a.checkpointer->stats().commit_wal_pages < 20;
  }));
  CHECK(a.checkpointer->stats().max_catch_up_pages < 20);
}

TEST_CASE("A WAL that a long read let grow shrinks back to journal_size_limit") {
  TempDb file;
  sqlite::ConnectionOptions options;
  options.journal_size_limit_bytes = 64 * 1024;
  absl::StatusOr<sqlite::Connection> writer = sqlite::Connection::Open(file.path(), options);
  REQUIRE(writer.ok());
  REQUIRE(writer->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)").ok());
  absl::StatusOr<std::unique_ptr<Checkpointer>> checkpointer =
      Checkpointer::Start(file.path(), 5000, 20);
  REQUIRE(checkpointer.ok());
  (*checkpointer)->Attach(*writer);
  absl::StatusOr<sqlite::Connection> reader = sqlite::Connection::Open(file.path(), {});
  REQUIRE(reader.ok());
  REQUIRE(reader->Exec("BEGIN").ok());
  REQUIRE(reader->QueryInt("SELECT count(*) FROM t").ok());
  CommitRows(*writer, **checkpointer, 300);  // about 1.2 MB of WAL, held by the reader
  const std::string wal = file.path() + "-wal";
  CHECK(std::filesystem::file_size(wal) > 1'000'000);
  REQUIRE(reader->Exec("COMMIT").ok());
  REQUIRE(Eventually([&] {
    CommitRows(*writer, **checkpointer, 1);
    return (*checkpointer)->stats().commit_wal_pages < 20;  // the WAL started over
  }));
  CHECK(std::filesystem::file_size(wal) <= 64 * 1024 + 20 * 4200);
}

// Writes `n` reports through the store with up to `in_flight` waiting at any time, so the
// writer commits back to back; returns the largest WAL file size seen after a completion.
uintmax_t WriteSteadily(Store& store, const std::string& wal, int n, int in_flight) {
  std::mutex mu;
  std::condition_variable cv;
  int done = 0;
  int failed = 0;
  uintmax_t largest = 0;
  for (int i = 0; i < n; ++i) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return i - done < in_flight; });
    }
    store.CreateCaseAsync(testing::SampleReport("steady-" + std::to_string(i)),
                          [&](absl::StatusOr<CaseRecord> r) {
                            std::error_code ec;
                            const uintmax_t size = std::filesystem::file_size(wal, ec);
                            std::lock_guard<std::mutex> lock(mu);
                            if (!r.ok()) ++failed;
                            if (!ec) largest = std::max(largest, size);
                            ++done;
                            cv.notify_all();
                          });
  }
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done == n; });
  CHECK(failed == 0);
  return largest;
}

TEST_CASE("Under steady load the WAL starts over instead of growing") {
  // The writer never pauses, so a background checkpoint never ends with nothing left to
  // copy; without the writer's catch-up the WAL only grew (by about 30 pages a report here).
  TempDb file;
  StoreOptions options;
  options.path = file.path();
  options.checkpoint_pages = 100;
  auto store = Store::Open(options);
  REQUIRE(store.ok());
  const int in_flight = GENERATE(1, 16);
  CAPTURE(in_flight);
  const uintmax_t largest = WriteSteadily(**store, file.path() + "-wal", 1500, in_flight);
  // The threshold, what commits while a pass runs, and the catch-up: a few thresholds when
  // the machine is quiet (0.95-1.3 MB measured), 10.4 once under a full parallel ctest. The
  // bound tells bounded from growing: without the catch-up the WAL reached 196 MB here.
  constexpr uintmax_t kFrame = 4096 + 24;
  CHECK(largest > 100 * kFrame);
  CHECK(largest < 40 * 100 * kFrame);
}

TEST_CASE("Store::Checkpoint empties the WAL, and says so when a reader keeps it from that") {
  // After a retention purge no page image of erased data may stay in the -wal file.
  TempDb file;
  StoreOptions options;
  options.path = file.path();
  auto store = Store::Open(options);
  REQUIRE(store.ok());
  const std::string wal = file.path() + "-wal";
  for (int i = 0; i < 5; ++i) {
    REQUIRE((*store)->CreateCase(testing::SampleReport("t-" + std::to_string(i))).ok());
  }
  REQUIRE((*store)->Checkpoint().ok());
  CHECK(std::filesystem::file_size(wal) == 0);

  {
    // A reader (as a backup is) holds its snapshot while more is written.
    testing::RawDb reader(file.path());
    REQUIRE(reader.Exec("BEGIN") == SQLITE_OK);
    CHECK(reader.QueryInt("SELECT COUNT(*) FROM cases") == 5);
    REQUIRE((*store)->CreateCase(testing::SampleReport("t-late")).ok());
    const absl::Status held = (*store)->Checkpoint();
    CHECK(held.code() == absl::StatusCode::kUnavailable);
    CHECK_THAT(std::string(held.message()), Catch::Contains("old page images may remain") &&
                                                Catch::Contains("run the purge again"));
    CHECK(std::filesystem::file_size(wal) > 0);
    REQUIRE(reader.Exec("COMMIT") == SQLITE_OK);
  }
  REQUIRE((*store)->Checkpoint().ok());
  CHECK(std::filesystem::file_size(wal) == 0);
}

TEST_CASE("A file store checkpoints while it serves; checkpoint_pages is checked") {
  TempDb file;
  StoreOptions options;
  options.path = file.path();
  options.checkpoint_pages = 5;
  {
    auto store = Store::Open(options);
    REQUIRE(store.ok());
    for (int i = 0; i < 40; ++i) {
      REQUIRE((*store)->CreateCase(testing::SampleReport("cp-" + std::to_string(i))).ok());
    }
    // The main file alone already holds cases: checkpoints ran while the store was open.
    REQUIRE(Eventually([&] { return CountInMainFile(file.path(), "cases") > 0; }));
  }
  options.checkpoint_pages = 0;
  CHECK(Store::Open(options).status().code() == absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hotline::storage
