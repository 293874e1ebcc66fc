// Store::Open: settings in effect, schema version, and failures that name the path.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "storage/schema.h"
#include "storage/sqlite_util.h"
#include "tests/storage/test_util.h"

namespace hotline::storage {
namespace {

using testing::RawDb;
using testing::TempDb;

absl::Status OpenStatus(const std::string& path) {
  StoreOptions options;
  options.path = path;
  return Store::Open(options).status();
}

TEST_CASE("A file store runs in WAL mode with synchronous=FULL and foreign keys on") {
  TempDb db;
  auto store = testing::OpenStore(db.path(), nullptr);
  REQUIRE(store->CreateCase(testing::SampleReport("a")).ok());
  CHECK(std::filesystem::exists(db.path() + "-wal"));
  RawDb raw(db.path());
  CHECK(raw.QueryText("PRAGMA journal_mode") == "wal");  // persistent in the file
  CHECK(raw.QueryInt("PRAGMA user_version") == Store::SchemaVersion());

  // synchronous and foreign_keys are per connection: check the opener the store uses.
  absl::StatusOr<sqlite::Connection> conn = sqlite::Connection::Open(db.path(), {});
  REQUIRE(conn.ok());
  CHECK(*conn->QueryText("PRAGMA journal_mode") == "wal");
  CHECK(*conn->QueryInt("PRAGMA synchronous") == 2);  // FULL
  CHECK(*conn->QueryInt("PRAGMA foreign_keys") == 1);
  CHECK(*conn->QueryInt("PRAGMA busy_timeout") == 5000);
  absl::StatusOr<sqlite::Connection> reader =
      sqlite::Connection::Open(db.path(), {.busy_timeout_ms = 250, .query_only = true});
  REQUIRE(reader.ok());
  CHECK(*reader->QueryInt("PRAGMA busy_timeout") == 250);
  CHECK(*reader->QueryInt("PRAGMA query_only") == 1);
  CHECK(reader->Exec("DELETE FROM tokens").code() != absl::StatusCode::kOk);
}

TEST_CASE("Open fails on a file that is not a database, naming the path") {
  TempDb db;
  {
    std::ofstream out(db.path(), std::ios::binary);
    for (int i = 0; i < 200; ++i) out << "this is not an SQLite database, just text. ";
  }
  const absl::Status status = OpenStatus(db.path());
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(std::string(status.message()), Catch::Contains(db.path()));
  CHECK_THAT(std::string(status.message()), Catch::Contains("not a database"));
}

TEST_CASE("Open fails on a newer schema, naming the path") {
  TempDb db;
  {
    RawDb raw(db.path());
    REQUIRE(raw.Exec("PRAGMA user_version = 99") == SQLITE_OK);
  }
  const absl::Status status = OpenStatus(db.path());
  CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(status.message()), Catch::Contains(db.path()));
  CHECK_THAT(std::string(status.message()), Catch::Contains("newer"));
}

TEST_CASE("Open fails on a path it cannot create, naming the path") {
  const std::string path = "/nonexistent-hotline-dir/sub/hotline.db";
  const absl::Status status = OpenStatus(path);
  REQUIRE_FALSE(status.ok());
  CHECK_THAT(std::string(status.message()), Catch::Contains(path));
}

TEST_CASE("Open rejects invalid options") {
  StoreOptions options;
  options.path = ":memory:";
  options.max_batch = 0;
  CHECK(Store::Open(options).status().code() == absl::StatusCode::kInvalidArgument);
  options.max_batch = 1;
  options.list_many_matches = 0;
  absl::Status s = Store::Open(options).status();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(s.message()), Catch::Contains("list_many_matches"));
}

TEST_CASE("Migrating twice is a no-op") {
  TempDb db;
  { auto store = testing::OpenStore(db.path(), nullptr); }
  { auto store = testing::OpenStore(db.path(), nullptr); }
  RawDb raw(db.path());
  CHECK(raw.QueryInt("PRAGMA user_version") == kSchemaVersion);
  CHECK(raw.QueryInt("SELECT count(*) FROM sqlite_master WHERE name = 'events_no_update'") == 1);
}

}  // namespace
}  // namespace hotline::storage
