// The SQLite wrappers: error mapping, RAII transaction and savepoint.
#include "storage/sqlite_util.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>

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

}  // namespace
}  // namespace hotline::storage::sqlite
