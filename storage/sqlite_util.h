// Internal RAII wrappers over the SQLite C API: a connection, a prepared statement with bind
// helpers, a transaction and a savepoint that roll back in their destructors unless
// committed. Errors are returned as absl::Status (see SqliteStatus for the mapping); nothing
// here throws. Not thread-safe: one thread uses a connection (and its statements) at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hotline::storage::sqlite {

class StatementCache;

// Maps a SQLite result code to a status whose message starts with `what`:
// BUSY/LOCKED → UNAVAILABLE "database is locked"; FULL → RESOURCE_EXHAUSTED "disk full";
// READONLY/IOERR/CANTOPEN → UNAVAILABLE; UNIQUE/PRIMARY KEY constraints → ALREADY_EXISTS;
// NOT NULL/CHECK → INVALID_ARGUMENT; other constraints (foreign key, trigger) →
// FAILED_PRECONDITION; CORRUPT/NOTADB → DATA_LOSS; anything else → INTERNAL. `db` may be null;
// when given, its error message (never bound values) is appended.
absl::Status SqliteStatus(int rc, sqlite3* db, std::string_view what);

// Process-wide SQLite settings, applied once before the library's first use (Connection::Open
// calls it; a program that also uses SQLite directly calls it first). It turns off SQLite's
// memory statistics, which nothing here reads: with them on, every allocation and free takes
// one global mutex that the writer, the readers and the checkpointer all share.
void ConfigureLibrary();

// A prepared statement. Bind errors are remembered and reported by the next Step/Run.
// Parameter and column indexes: parameters from 1, columns from 0, as in SQLite. When it
// came from its connection's cache, destruction resets it and hands it back for reuse.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  Statement& BindInt(int index, int64_t value);
  Statement& BindText(int index, std::string_view value);
  Statement& BindBlob(int index, std::string_view value);
  Statement& BindNull(int index);

  // Advances: true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Steps to completion, ignoring rows.
  absl::Status Run();
  // Steps to completion, collecting column 0 of every row as an integer (e.g. ids).
  absl::StatusOr<std::vector<int64_t>> CollectInts();

  int64_t Int(int column) const;
  std::string Text(int column) const;  // "" for NULL
  std::string Blob(int column) const;  // "" for NULL
  bool IsNull(int column) const;

 private:
  friend class Connection;
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::shared_ptr<StatementCache> cache)
      : db_(db), stmt_(stmt), cache_(std::move(cache)) {}
  void NoteBind(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::shared_ptr<StatementCache> cache_;  // where it goes back to; null: finalized
  int bind_rc_ = 0;
};

struct ConnectionOptions {
  int busy_timeout_ms = 5000;
  bool query_only = false;  // read connections
  // When the WAL starts over, a -wal file larger than this is truncated to it. Without a
  // limit, a WAL that a long read let grow (36 MB on a 40 MB disk in a review) kept that size
  // for good. Normal load keeps it near the checkpoint threshold (a few MB).
  int64_t journal_size_limit_bytes = int64_t{16} << 20;
};

// An open database connection with the settings the store relies on: journal_mode=WAL (file
// databases), synchronous=FULL, foreign_keys=ON, secure_delete=ON, temp_store=MEMORY,
// journal_size_limit, the busy timeout. Movable, closes on destruction.
//
// Prepare keeps the statements it compiles (up to 64 distinct SQL texts) and hands a finished
// one out again for the same text: the store runs the same few dozen statements over and
// over, and compiling them was most of a report's CPU time. A statement still in use is never
// handed out twice; the same text prepared meanwhile is compiled afresh.
class Connection {
 public:
  // Opens or creates `path` (":memory:" for a private in-memory database) and applies the
  // settings. Errors name the path (a non-database file, an unwritable directory, ...).
  static absl::StatusOr<Connection> Open(const std::string& path, const ConnectionOptions& options);
  // Opens an existing file read-only, changing nothing in it (no journal-mode switch): for
  // checking backups.
  static absl::StatusOr<Connection> OpenReadOnly(const std::string& path);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements without results (compiled every time).
  absl::Status Exec(const char* sql);
  // Runs one statement without results, through the statement cache.
  absl::Status Run(std::string_view sql);
  absl::StatusOr<Statement> Prepare(std::string_view sql);
  // A single integer or text value of a one-row query (a PRAGMA, a count).
  absl::StatusOr<int64_t> QueryInt(const char* sql);
  absl::StatusOr<std::string> QueryText(const char* sql);

  int64_t LastInsertRowid() const;
  int Changes() const;
  // False once a transaction ends, including when SQLite rolled it back by itself (after
  // SQLITE_FULL, an I/O error, ...).
  bool InTransaction() const;
  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db);
  void Close();
  sqlite3* db_ = nullptr;
  std::shared_ptr<StatementCache> cache_;
};

// BEGIN (deferred or IMMEDIATE) … COMMIT; the destructor rolls back an uncommitted
// transaction and never throws.
class Transaction {
 public:
  enum class Mode { kDeferred, kImmediate };
  static absl::StatusOr<Transaction> Begin(Connection& db, Mode mode);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  // On failure the transaction is rolled back.
  absl::Status Commit();

 private:
  explicit Transaction(Connection* db) : db_(db) {}
  Connection* db_;  // null once committed, rolled back or moved from
};

// SAVEPOINT name … RELEASE; the destructor rolls back to the savepoint and releases it unless
// released. `name` must be a plain identifier.
class Savepoint {
 public:
  static absl::StatusOr<Savepoint> Begin(Connection& db, std::string name);

  Savepoint(Savepoint&& other) noexcept;
  Savepoint& operator=(Savepoint&&) = delete;
  Savepoint(const Savepoint&) = delete;
  ~Savepoint();

  absl::Status Release();
  // Undoes everything since the savepoint and ends it.
  absl::Status Rollback();

 private:
  Savepoint(Connection* db, std::string name) : db_(db), name_(std::move(name)) {}
  Connection* db_;
  std::string name_;
};

}  // namespace hotline::storage::sqlite
