// The checkpoint thread: the writer's commits only signal it, it moves the WAL into the
// database file, and the WAL starts over instead of growing.
#include "storage/checkpointer.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
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

void CommitRows(sqlite::Connection& db, int n) {
  const std::string blob(3000, 'x');  // about one page per row
  for (int i = 0; i < n; ++i) {
    absl::StatusOr<sqlite::Statement> insert = db.Prepare("INSERT INTO t (b) VALUES (?1)");
    REQUIRE(insert.ok());
    insert->BindBlob(1, blob);
    REQUIRE(insert->Run().ok());  // autocommit: one transaction each
  }
}

TEST_CASE("Commits past the threshold are checkpointed on the checkpoint thread") {
  TempDb file;
  absl::StatusOr<sqlite::Connection> writer = sqlite::Connection::Open(file.path(), {});
  REQUIRE(writer.ok());
  REQUIRE(writer->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)").ok());
  absl::StatusOr<std::unique_ptr<Checkpointer>> checkpointer =
      Checkpointer::Start(file.path(), 5000, 20);
  REQUIRE(checkpointer.ok());
  (*checkpointer)->Attach(*writer);

  CommitRows(*writer, 3);  // below the threshold: nothing to do
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK((*checkpointer)->stats().runs == 0);
  CHECK((*checkpointer)->stats().commit_wal_pages >= 3);
  CHECK((*checkpointer)->stats().commit_wal_pages < 20);

  CommitRows(*writer, 200);
  REQUIRE(Eventually([&] {
    const Checkpointer::Stats s = (*checkpointer)->stats();
    return s.runs > 0 && s.last_rc == SQLITE_OK && s.last_checkpointed == s.last_wal_pages;
  }));
  // SQLite's own auto-checkpoint is replaced, so only this thread's checkpoints let the WAL
  // start over: after a complete one, the next commit writes from the WAL's beginning.
  REQUIRE(Eventually([&] {
    CommitRows(*writer, 1);
    return (*checkpointer)->stats().commit_wal_pages < 20;
  }));
  // The rows are in the database file itself, not only in the WAL.
  CHECK(CountInMainFile(file.path(), "t") >= 200);
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
