// The SQLite wrappers: error mapping, RAII transaction and savepoint.
#include "storage/sqlite_util.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <string>

namespace hotline::storage::sqlite {
namespace {

TEST_CASE("SQLite result codes map to semantic status codes") {
  struct Row {
    int rc;
    absl::StatusCode code;
    const char* text;
  };
  const Row rows[] = {
      {SQLITE_BUSY, absl::StatusCode::kUnavailable, "database is locked"},
      {SQLITE_LOCKED, absl::StatusCode::kUnavailable, "database is locked"},
      {SQLITE_BUSY_SNAPSHOT, absl::StatusCode::kUnavailable, "database is locked"},
      {SQLITE_FULL, absl::StatusCode::kResourceExhausted, "disk full"},
      {SQLITE_READONLY, absl::StatusCode::kUnavailable, "readonly"},
      {SQLITE_IOERR_FSYNC, absl::StatusCode::kUnavailable, "I/O error"},
      {SQLITE_CANTOPEN, absl::StatusCode::kUnavailable, "unable to open"},
      {SQLITE_CONSTRAINT_UNIQUE, absl::StatusCode::kAlreadyExists, "constraint"},
      {SQLITE_CONSTRAINT_PRIMARYKEY, absl::StatusCode::kAlreadyExists, "constraint"},
      {SQLITE_CONSTRAINT_NOTNULL, absl::StatusCode::kInvalidArgument, "constraint"},
      {SQLITE_CONSTRAINT_CHECK, absl::StatusCode::kInvalidArgument, "constraint"},
      {SQLITE_CONSTRAINT_FOREIGNKEY, absl::StatusCode::kFailedPrecondition, "constraint"},
      {SQLITE_CONSTRAINT_TRIGGER, absl::StatusCode::kFailedPrecondition, "constraint"},
      {SQLITE_NOTADB, absl::StatusCode::kDataLoss, "not a database"},
      {SQLITE_CORRUPT, absl::StatusCode::kDataLoss, "malformed"},
      {SQLITE_ERROR, absl::StatusCode::kInternal, "error"},
      {SQLITE_MISUSE, absl::StatusCode::kInternal, "misuse"},
  };
  for (const Row& row : rows) {
    INFO(row.rc);
    const absl::Status s = SqliteStatus(row.rc, nullptr, "doing it");
    CHECK(s.code() == row.code);
    CHECK_THAT(std::string(s.message()), Catch::StartsWith("doing it: "));
    CHECK_THAT(std::string(s.message()), Catch::Contains(row.text, Catch::CaseSensitive::No));
  }
}

Connection Memory() {
  absl::StatusOr<Connection> db = Connection::Open(":memory:", {});
  REQUIRE(db.ok());
  REQUIRE(db->Exec("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)").ok());
  return *std::move(db);
}

TEST_CASE("A transaction rolls back unless committed") {
  Connection db = Memory();
  {
    absl::StatusOr<Transaction> txn = Transaction::Begin(db, Transaction::Mode::kImmediate);
    REQUIRE(txn.ok());
    REQUIRE(db.Exec("INSERT INTO t VALUES (1)").ok());
    CHECK(db.InTransaction());
  }
  CHECK_FALSE(db.InTransaction());
  CHECK(*db.QueryInt("SELECT count(*) FROM t") == 0);
  {
    absl::StatusOr<Transaction> txn = Transaction::Begin(db, Transaction::Mode::kDeferred);
    REQUIRE(txn.ok());
    REQUIRE(db.Exec("INSERT INTO t VALUES (2)").ok());
    CHECK(txn->Commit().ok());
    CHECK_FALSE(txn->Commit().ok());  // only once
  }
  CHECK(*db.QueryInt("SELECT count(*) FROM t") == 1);
}

TEST_CASE("A savepoint undoes only its own changes") {
  Connection db = Memory();
  absl::StatusOr<Transaction> txn = Transaction::Begin(db, Transaction::Mode::kImmediate);
  REQUIRE(txn.ok());
  REQUIRE(db.Exec("INSERT INTO t VALUES (1)").ok());
  {
    absl::StatusOr<Savepoint> sp = Savepoint::Begin(db, "sp");
    REQUIRE(sp.ok());
    REQUIRE(db.Exec("INSERT INTO t VALUES (2)").ok());
    const absl::Status dup = db.Exec("INSERT INTO t VALUES (2)");
    CHECK(dup.code() == absl::StatusCode::kAlreadyExists);
    CHECK_THAT(std::string(dup.message()), Catch::Contains("t.x"));
  }  // rolled back
  {
    absl::StatusOr<Savepoint> sp = Savepoint::Begin(db, "sp");
    REQUIRE(sp.ok());
    REQUIRE(db.Exec("INSERT INTO t VALUES (3)").ok());
    REQUIRE(sp->Release().ok());
  }
  REQUIRE(txn->Commit().ok());
  CHECK(*db.QueryText("SELECT group_concat(x, ',') FROM (SELECT x FROM t ORDER BY x)") == "1,3");
}

TEST_CASE("Statements bind and read text, blobs with NULs, integers and NULL") {
  Connection db = Memory();
  REQUIRE(db.Exec("CREATE TABLE v (a TEXT, b BLOB, c INTEGER, d TEXT)").ok());
  absl::StatusOr<Statement> ins = db.Prepare("INSERT INTO v VALUES (?1, ?2, ?3, ?4)");
  REQUIRE(ins.ok());
  const std::string blob("a\0b", 3);
  ins->BindText(1, "北京").BindBlob(2, blob).BindInt(3, -(int64_t{1} << 40)).BindNull(4);
  REQUIRE(ins->Run().ok());
  absl::StatusOr<Statement> sel = db.Prepare("SELECT a, b, c, d FROM v");
  REQUIRE(sel.ok());
  REQUIRE(*sel->Step());
  CHECK(sel->Text(0) == "北京");
  CHECK(sel->Blob(1) == blob);
  CHECK(sel->Int(2) == -(int64_t{1} << 40));
  CHECK(sel->IsNull(3));
  CHECK_FALSE(*sel->Step());

  absl::StatusOr<Statement> bad = db.Prepare("SELECT ?1");
  REQUIRE(bad.ok());
  bad->BindInt(5, 1);  // out of range: reported by Step
  CHECK_FALSE(bad->Step().ok());
  CHECK_FALSE(db.Prepare("SELEC nonsense").ok());
}

int PreparedCount(const Connection& db) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s != nullptr;
       s = sqlite3_next_stmt(db.handle(), s)) {
    ++n;
  }
  return n;
}

TEST_CASE("Prepared statements are reused, reset and never shared while in use") {
  Connection db = Memory();
  REQUIRE(db.Exec("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)").ok());
  const int base = PreparedCount(db);
  const char* sql = "SELECT ?1, count(*) FROM t";
  {
    absl::StatusOr<Statement> first = db.Prepare(sql);
    REQUIRE(first.ok());
    first->BindInt(1, 7);
    REQUIRE(*first->Step());
    CHECK(first->Int(0) == 7);
  }
  CHECK(PreparedCount(db) == base + 1);  // kept for reuse
  {
    absl::StatusOr<Statement> again = db.Prepare(sql);
    REQUIRE(again.ok());
    CHECK(PreparedCount(db) == base + 1);  // the same one, not compiled again
    REQUIRE(*again->Step());
    CHECK(again->IsNull(0));  // the earlier binding was cleared
    CHECK(again->Int(1) == 2);
    // In use: the same text prepared now is a second statement.
    absl::StatusOr<Statement> nested = db.Prepare(sql);
    REQUIRE(nested.ok());
    CHECK(PreparedCount(db) == base + 2);
    nested->BindInt(1, 9);
    REQUIRE(*nested->Step());
    CHECK(nested->Int(0) == 9);
    CHECK(again->IsNull(0));  // untouched by the other
  }
  CHECK(PreparedCount(db) == base + 1);  // one kept, the duplicate finalized

  // A statement returned mid-result is reset: it holds no lock on the table.
  {
    absl::StatusOr<Statement> partial = db.Prepare("SELECT x FROM t");
    REQUIRE(partial.ok());
    REQUIRE(*partial->Step());
  }
  CHECK(db.Exec("DROP TABLE t").ok());

  // Bounded: distinct texts beyond the capacity are finalized, not kept.
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<Statement> s = db.Prepare("SELECT " + std::to_string(i));
    REQUIRE(s.ok());
    REQUIRE(s->Run().ok());
  }
  CHECK(PreparedCount(db) <= 64);
  CHECK(PreparedCount(db) >= 60);

  // Savepoints and transactions run through the cache and still work repeatedly.
  REQUIRE(db.Exec("CREATE TABLE u (x INTEGER)").ok());
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<Transaction> txn = Transaction::Begin(db, Transaction::Mode::kImmediate);
    REQUIRE(txn.ok());
    absl::StatusOr<Savepoint> sp = Savepoint::Begin(db, "w");
    REQUIRE(sp.ok());
    REQUIRE(db.Run("INSERT INTO u VALUES (1)").ok());
    if (i == 1) {
      REQUIRE(sp->Rollback().ok());
    } else {
      REQUIRE(sp->Release().ok());
    }
    REQUIRE(txn->Commit().ok());
  }
  CHECK(*db.QueryInt("SELECT count(*) FROM u") == 2);
}

TEST_CASE("A moved connection keeps its statements") {
  Connection db = Memory();
  { REQUIRE(db.Prepare("SELECT x FROM t").ok()); }
  const int kept = PreparedCount(db);
  Connection moved = std::move(db);
  {
    absl::StatusOr<Statement> s = moved.Prepare("SELECT x FROM t");
    REQUIRE(s.ok());
    CHECK_FALSE(*s->Step());
  }
  CHECK(PreparedCount(moved) == kept);
}

}  // namespace
}  // namespace hotline::storage::sqlite
