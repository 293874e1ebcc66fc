#include "storage/sqlite_util.h"

#include <sqlite3.h>

#include <cerrno>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "storage/str_util.h"

namespace hotline::storage::sqlite {

absl::Status SqliteStatus(int rc, sqlite3* db, std::string_view what) {
  const int primary = rc & 0xff;
  std::string detail = sqlite3_errstr(rc);
  if (db != nullptr) {
    const char* msg = sqlite3_errmsg(db);
    if (msg != nullptr && detail != msg) AppendTo(&detail, " (", msg, ")");
  }
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(Concat(what, ": database is locked"));
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(Concat(what, ": disk full"));
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      // What the system said, where that names the cause better than SQLite's code: a full
      // disk at start-up is "disk I/O error", and no descriptor left is "unable to open".
      switch (db != nullptr ? sqlite3_system_errno(db) : 0) {
        case ENOSPC:
        case EDQUOT:
          return absl::ResourceExhaustedError(Concat(what, ": disk full"));
        case EMFILE:
        case ENFILE:
          return absl::UnavailableError(
              Concat(what,
                     ": too many open files (the limit on file descriptors: ulimit -n, "
                     "LimitNOFILE= under systemd)"));
        default:
          break;
      }
      return absl::UnavailableError(
          Concat(what, ": ", detail, " — the database file cannot be written (read-only, or a "
                 "failing disk)"));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(Concat(what, ": ", detail));
    case SQLITE_CONSTRAINT:
      switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
          return absl::AlreadyExistsError(Concat(what, ": ", detail));
        case SQLITE_CONSTRAINT_NOTNULL:
        case SQLITE_CONSTRAINT_CHECK:
          return absl::InvalidArgumentError(Concat(what, ": ", detail));
        default:
          return absl::FailedPreconditionError(Concat(what, ": ", detail));
      }
    default:
      return absl::InternalError(Concat(what, ": ", detail));
  }
}

// --- StatementCache ------------------------------------------------------------------

// The idle prepared statements of one connection, by SQL text. A statement is out of the map
// while in use. Used by the connection's thread only, like the connection. Shared with the
// statements it handed out, so one that outlives its connection is finalized, not returned.
class StatementCache {
 public:
  static constexpr size_t kCapacity = 64;

  ~StatementCache() { Close(); }

  sqlite3_stmt* Take(std::string_view sql) {
    auto it = idle_.find(sql);
    if (it == idle_.end()) return nullptr;
    sqlite3_stmt* stmt = it->second;
    idle_.erase(it);
    return stmt;
  }

  void Give(sqlite3_stmt* stmt) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (closed_ || idle_.size() >= kCapacity) {
      sqlite3_finalize(stmt);
      return;
    }
    // sqlite3_sql is the statement's own copy of its text: the key lives as long as the entry.
    if (!idle_.emplace(std::string_view(sqlite3_sql(stmt)), stmt).second) sqlite3_finalize(stmt);
  }

  void Close() {
    closed_ = true;
    for (auto& [sql, stmt] : idle_) sqlite3_finalize(stmt);
    idle_.clear();
  }

 private:
  std::unordered_map<std::string_view, sqlite3_stmt*> idle_;
  bool closed_ = false;
};

// --- Statement -----------------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      cache_(std::move(other.cache_)),
      bind_rc_(other.bind_rc_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (cache_ != nullptr) {
    cache_->Give(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
}

void Statement::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Statement& Statement::BindInt(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::BindText(int index, std::string_view value) {
  NoteBind(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view value) {
  // A zero-length blob with a null pointer would bind NULL; "" keeps it an empty blob.
  const char* data = value.data() != nullptr ? value.data() : "";
  NoteBind(sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBind(sqlite3_bind_null(stmt_, index));
  return *this;
}

absl::StatusOr<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return SqliteStatus(bind_rc_, db_, "bind");
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // sqlite3_step (v2 interface) returns the specific code; errmsg explains it.
  absl::Status status = SqliteStatus(sqlite3_extended_errcode(db_), db_, "statement");
  sqlite3_reset(stmt_);
  return status;
}

absl::Status Statement::Run() {
  for (;;) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

absl::StatusOr<std::vector<int64_t>> Statement::CollectInts() {
  std::vector<int64_t> out;
  for (;;) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(Int(0));
  }
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return std::string();
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::Blob(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (data == nullptr) return std::string();
  return std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

void ConfigureLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    // SQLITE_MISUSE when the library is already initialized (something opened a database
    // first): it then keeps its defaults, which are correct, only slower.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

// --- Connection ----------------------------------------------------------------------

absl::StatusOr<Connection> Connection::Open(const std::string& path,
                                            const ConnectionOptions& options) {
  ConfigureLibrary();
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Connection db(raw);  // closes `raw` on every path below
  const std::string what = Concat("cannot open database '", path, "'");
  if (rc != SQLITE_OK) return SqliteStatus(rc, raw, what);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);

  // The first statement reads the file header: a non-database file fails here.
  const bool in_memory = path == ":memory:" || path.empty();
  absl::StatusOr<std::string> mode = db.QueryText("PRAGMA journal_mode=WAL");
  if (!mode.ok())
    return absl::Status(mode.status().code(), Concat(what, ": ", mode.status().message()));
  if (!in_memory && *mode != "wal") {
    return absl::FailedPreconditionError(
        Concat(what, ": cannot switch to WAL mode (journal_mode is ", *mode, ")"));
  }
  // secure_delete: erased personal data (retention purges) is overwritten on disk, not left
  // in free pages for anyone reading the file. temp_store=MEMORY: the undo copies of each
  // write's savepoint (a sub-journal, tens of kilobytes per report) stay in memory instead
  // of a temporary file that got most of the writer's system calls.
  const char* settings = options.query_only
                             ? "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                               "PRAGMA secure_delete=ON; PRAGMA temp_store=MEMORY; "
                               "PRAGMA query_only=ON;"
                             : "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                               "PRAGMA secure_delete=ON; PRAGMA temp_store=MEMORY;";
  if (absl::Status s = db.Exec(settings); !s.ok()) {
    return absl::Status(s.code(), Concat(what, ": ", s.message()));
  }
  const std::string limit = Concat("PRAGMA journal_size_limit=", options.journal_size_limit_bytes);
  if (absl::StatusOr<int64_t> set = db.QueryInt(limit.c_str()); !set.ok()) {
    return absl::Status(set.status().code(), Concat(what, ": ", set.status().message()));
  }
  return db;
}

absl::StatusOr<Connection> Connection::OpenReadOnly(const std::string& path) {
  ConfigureLibrary();
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Connection db(raw);
  const std::string what = Concat("cannot open database '", path, "'");
  if (rc != SQLITE_OK) return SqliteStatus(rc, raw, what);
  sqlite3_extended_result_codes(raw, 1);
  // The first read checks the header: a non-database file fails here.
  if (absl::StatusOr<int64_t> v = db.QueryInt("PRAGMA user_version"); !v.ok()) {
    return absl::Status(v.status().code(), Concat(what, ": ", v.status().message()));
  }
  return db;
}

Connection::Connection(sqlite3* db) : db_(db), cache_(std::make_shared<StatementCache>()) {}

Connection::Connection(Connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    Close();
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Connection::~Connection() { Close(); }

void Connection::Close() {
  if (cache_ != nullptr) cache_->Close();
  // _v2: a statement still alive keeps the handle until it is finalized.
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

absl::Status Connection::Exec(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(sqlite3_extended_errcode(db_), db_, "exec");
  return absl::OkStatus();
}

absl::StatusOr<Statement> Connection::Prepare(std::string_view sql) {
  if (cache_ != nullptr) {
    if (sqlite3_stmt* cached = cache_->Take(sql); cached != nullptr) {
      return Statement(db_, cached, cache_);
    }
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteStatus(rc, db_, "prepare");
  }
  if (stmt == nullptr) return absl::InternalError("prepare: empty statement");
  return Statement(db_, stmt, cache_);
}

absl::Status Connection::Run(std::string_view sql) {
  absl::StatusOr<Statement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->Run();
}

absl::StatusOr<int64_t> Connection::QueryInt(const char* sql) {
  absl::StatusOr<Statement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("query returned no row");
  return stmt->Int(0);
}

absl::StatusOr<std::string> Connection::QueryText(const char* sql) {
  absl::StatusOr<Statement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("query returned no row");
  return stmt->Text(0);
}

int64_t Connection::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

int Connection::Changes() const { return sqlite3_changes(db_); }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

// --- Transaction ---------------------------------------------------------------------

absl::StatusOr<Transaction> Transaction::Begin(Connection& db, Mode mode) {
  absl::Status s = db.Run(mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!s.ok()) return s;
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_ != nullptr && db_->InTransaction()) {
    sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

absl::Status Transaction::Commit() {
  if (db_ == nullptr) return absl::FailedPreconditionError("transaction already ended");
  Connection* db = std::exchange(db_, nullptr);
  if (!db->InTransaction()) {
    return absl::AbortedError("commit: the transaction was rolled back");
  }
  absl::Status s = db->Run("COMMIT");
  if (!s.ok() && db->InTransaction()) {
    sqlite3_exec(db->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return s;
}

// --- Savepoint -----------------------------------------------------------------------

absl::StatusOr<Savepoint> Savepoint::Begin(Connection& db, std::string name) {
  absl::Status s = db.Run("SAVEPOINT " + name);
  if (!s.ok()) return s;
  return Savepoint(&db, std::move(name));
}

Savepoint::Savepoint(Savepoint&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), name_(std::move(other.name_)) {}

Savepoint::~Savepoint() {
  if (db_ != nullptr) (void)Rollback();
}

absl::Status Savepoint::Release() {
  if (db_ == nullptr) return absl::FailedPreconditionError("savepoint already ended");
  Connection* db = std::exchange(db_, nullptr);
  return db->Run("RELEASE " + name_);
}

absl::Status Savepoint::Rollback() {
  if (db_ == nullptr) return absl::FailedPreconditionError("savepoint already ended");
  Connection* db = std::exchange(db_, nullptr);
  // SQLite may already have rolled back the whole transaction (SQLITE_FULL, I/O errors).
  if (!db->InTransaction()) return absl::AbortedError("the transaction was rolled back");
  const std::string sql = "ROLLBACK TO " + name_ + "; RELEASE " + name_;
  return db->Exec(sql.c_str());
}

}  // namespace hotline::storage::sqlite
