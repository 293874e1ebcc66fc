#include "storage/backup.h"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>

#include "storage/event_log.h"
#include "storage/schema.h"
#include "storage/sqlite_util.h"
#include "storage/str_util.h"

namespace hotline::storage {
namespace {

using sqlite::SqliteStatus;

// Copies every page of `from` into `to` in one step: one read transaction on the source, so
// the copy is a consistent snapshot even while another process writes.
absl::Status CopyDatabase(sqlite3* from, sqlite3* to, std::string_view what) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) return SqliteStatus(sqlite3_errcode(to), to, what);
  const int step = sqlite3_backup_step(backup, -1);
  const int finish = sqlite3_backup_finish(backup);
  if (step != SQLITE_DONE) return SqliteStatus(step, to, what);
  if (finish != SQLITE_OK) return SqliteStatus(finish, to, what);
  return absl::OkStatus();
}

}  // namespace

using sqlite::SqliteStatus;

absl::StatusOr<BackupReport> VerifyDatabaseFile(const std::string& path) {
  absl::StatusOr<sqlite::Connection> db = sqlite::Connection::OpenReadOnly(path);
  if (!db.ok()) return db.status();
  BackupReport report;
  absl::StatusOr<int64_t> version = db->QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  report.schema_version = *version;
  if (*version < 1 || *version > kSchemaVersion) {
    return absl::FailedPreconditionError(Concat("'", path, "' has schema version ", *version,
                                                "; this build reads 1 to ", kSchemaVersion));
  }
  absl::StatusOr<int64_t> cases = db->QueryInt("SELECT count(*) FROM cases");
  if (!cases.ok()) return cases.status();
  report.cases = *cases;
  absl::StatusOr<VerifyResult> chain = VerifyChain(*db);
  if (!chain.ok()) return chain.status();
  if (!chain->ok) {
    return absl::DataLossError(Concat("'", path, "': the audit chain does not verify at event ",
                                      chain->first_bad_seq, ": ", chain->problem));
  }
  report.events = chain->events_checked;
  report.head_hash = chain->head_hash;
  std::error_code ec;
  report.bytes = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  return report;
}

absl::StatusOr<BackupReport> BackupDatabase(const std::string& db_path,
                                            const std::string& to_path) {
  std::error_code ec;
  if (std::filesystem::exists(to_path, ec)) {
    return absl::FailedPreconditionError(
        Concat("'", to_path, "' exists; a backup never overwrites a file"));
  }
  if (!std::filesystem::exists(db_path, ec)) {
    return absl::NotFoundError(Concat("database '", db_path, "' does not exist"));
  }
  {
    sqlite::ConnectionOptions options;
    options.query_only = true;
    absl::StatusOr<sqlite::Connection> from = sqlite::Connection::Open(db_path, options);
    if (!from.ok()) return from.status();
    sqlite3* to = nullptr;
    int rc = sqlite3_open_v2(to_path.c_str(), &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                             nullptr);
    absl::Status copied = rc == SQLITE_OK
                              ? CopyDatabase(from->handle(), to, Concat("backup to '", to_path, "'"))
                              : SqliteStatus(rc, to, Concat("cannot create '", to_path, "'"));
    // A single self-contained file: no -wal beside it.
    if (copied.ok()) {
      rc = sqlite3_exec(to, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
      if (rc != SQLITE_OK) copied = SqliteStatus(rc, to, Concat("backup '", to_path, "'"));
    }
    sqlite3_close_v2(to);
    if (!copied.ok()) {
      std::filesystem::remove(to_path, ec);
      return copied;
    }
  }
  absl::StatusOr<BackupReport> report = VerifyDatabaseFile(to_path);
  if (!report.ok()) {
    std::filesystem::remove(to_path, ec);
    return absl::Status(report.status().code(),
                        Concat("the copy did not verify and was removed: ",
                               report.status().message()));
  }
  return report;
}

absl::StatusOr<BackupReport> RestoreDatabase(const std::string& from_path,
                                             const std::string& db_path, bool overwrite) {
  absl::StatusOr<BackupReport> source = VerifyDatabaseFile(from_path);
  if (!source.ok()) {
    return absl::FailedPreconditionError(
        Concat("refusing to restore: ", source.status().message()));
  }
  std::error_code ec;
  if (std::filesystem::exists(db_path, ec) && !overwrite) {
    return absl::FailedPreconditionError(
        Concat("database '", db_path, "' exists; pass --force to replace it"));
  }
  {
    absl::StatusOr<sqlite::Connection> from = sqlite::Connection::OpenReadOnly(from_path);
    if (!from.ok()) return from.status();
    absl::StatusOr<sqlite::Connection> to = sqlite::Connection::Open(db_path, {});
    if (!to.ok()) return to.status();
    if (absl::Status s = CopyDatabase(from->handle(), to->handle(),
                                      Concat("restore into '", db_path, "'"));
        !s.ok()) {
      return s;
    }
    if (absl::Status s = to->Exec("PRAGMA journal_mode=WAL; PRAGMA wal_checkpoint(TRUNCATE);");
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<BackupReport> restored = VerifyDatabaseFile(db_path);
  if (!restored.ok()) return restored.status();
  if (restored->head_hash != source->head_hash || restored->events != source->events) {
    return absl::DataLossError(Concat("restored database '", db_path,
                                      "' differs from the backup (chain head ", restored->head_hash,
                                      " vs ", source->head_hash, ")"));
  }
  return restored;
}

}  // namespace hotline::storage
