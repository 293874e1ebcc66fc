#include "storage/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <system_error>

#include "storage/db_lock.h"
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

// Removes a database file with its write-ahead log and index; missing files are fine.
void RemoveWithLog(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(Concat(path, suffix), ec);
  }
}

std::string UtcStamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

absl::Status Errno(std::string_view what, const std::string& path, int error = errno) {
  return absl::UnavailableError(Concat(what, " '", path, "': ", std::strerror(error)));
}

absl::Status SyncPath(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  const bool synced = ::fsync(fd) == 0;
  absl::Status status = synced ? absl::OkStatus() : Errno("cannot sync", path);
  ::close(fd);
  return status;
}

absl::Status SyncFile(const std::string& path) { return SyncPath(path, O_RDONLY); }
absl::Status SyncDirectory(const std::string& path) {
  return SyncPath(path.empty() ? "." : path, O_RDONLY | O_DIRECTORY);
}

// Copies the backup `from_path` into the new database `to_path`, in WAL mode with an empty log.
absl::Status CopyBackup(const std::string& from_path, const std::string& to_path) {
  absl::StatusOr<sqlite::Connection> from = sqlite::Connection::OpenReadOnly(from_path);
  if (!from.ok()) return from.status();
  absl::StatusOr<sqlite::Connection> to = sqlite::Connection::Open(to_path, {});
  if (!to.ok()) return to.status();
  if (absl::Status s =
          CopyDatabase(from->handle(), to->handle(), Concat("restore into '", to_path, "'"));
      !s.ok()) {
    return s;
  }
  return to->Exec("PRAGMA wal_checkpoint(TRUNCATE);");
}

// Creates `path`, which must not exist, readable by the owner only: a database holds
// personal data, and SQLite gives its log and index the mode of the database file.
absl::Status CreatePrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int error = errno;
    if (error == EEXIST) {
      return absl::FailedPreconditionError(
          Concat("'", path, "' exists; a backup never overwrites a file"));
    }
    return Errno("cannot create", path, error);
  }
  ::close(fd);
  return absl::OkStatus();
}

// Gives the database `db` (locked by the caller) a second name `aside`, and moves its log
// there, so that renaming the restored copy over `db` keeps it whole. The name `db` never
// goes missing: a server starting meanwhile finds the locked file and is refused.
absl::Status KeepAside(const std::string& db, const std::string& aside) {
  if (::link(db.c_str(), aside.c_str()) != 0)
    return Errno("cannot keep the old database as", aside);
  const std::string wal = Concat(db, "-wal");
  if (::rename(wal.c_str(), Concat(aside, "-wal").c_str()) != 0 && errno != ENOENT) {
    return Errno("cannot move the old database's log", wal);
  }
  // The index is rebuilt from the log by whoever opens the database next.
  if (::unlink(Concat(db, "-shm").c_str()) != 0 && errno != ENOENT) {
    return Errno("cannot remove", Concat(db, "-shm"));
  }
  return absl::OkStatus();
}

// Renames `from` to `to` unless `to` exists (a server created the database meanwhile).
absl::Status RenameNoReplace(const std::string& from, const std::string& to) {
  int rc = ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE);
  if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {  // a file system without it
    rc = ::link(from.c_str(), to.c_str());
    if (rc == 0) ::unlink(from.c_str());
  }
  if (rc == 0) return absl::OkStatus();
  const int error = errno;
  if (error == EEXIST) {
    return absl::FailedPreconditionError(
        Concat("database '", to,
               "' appeared while restoring (was a server started?); nothing "
               "was replaced: stop it and run the restore again with --force"));
  }
  return Errno(Concat("cannot rename '", from, "' to"), to, error);
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
  if (absl::Status s = CreatePrivateFile(to_path); !s.ok()) return s;
  {
    sqlite::ConnectionOptions options;
    options.query_only = true;
    absl::StatusOr<sqlite::Connection> from = sqlite::Connection::Open(db_path, options);
    if (!from.ok()) {
      std::filesystem::remove(to_path, ec);
      return from.status();
    }
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
  // Work on the file the name leads to: renaming over a symbolic link would replace the link
  // and leave the database it points at in place.
  std::error_code ec;
  const bool exists = std::filesystem::exists(db_path, ec);
  const std::filesystem::path target = exists ? std::filesystem::canonical(db_path, ec)
                                              : std::filesystem::weakly_canonical(db_path, ec);
  if (ec) return absl::UnavailableError(Concat("cannot resolve '", db_path, "': ", ec.message()));
  std::optional<DatabaseLock> lock;
  if (exists) {
    if (!overwrite) {
      return absl::FailedPreconditionError(
          Concat("database '", db_path, "' exists; pass --force to replace it"));
    }
    absl::StatusOr<DatabaseLock> held =
        DatabaseLock::Acquire(target, DatabaseLock::IfMissing::kFail, "stop it before restoring");
    if (!held.ok()) return held.status();
    lock.emplace(*std::move(held));
  }

  // The backup is copied beside the database and verified there; only a whole, verified
  // copy is renamed into place, in one step. The database it replaces is never read or
  // written (it may be damaged), and is kept under another name, whole with its log.
  const std::string staging = Concat(target.string(), ".restoring");
  RemoveWithLog(staging);
  if (absl::Status s = CreatePrivateFile(staging); !s.ok()) return s;
  if (absl::Status s = CopyBackup(from_path, staging); !s.ok()) {
    RemoveWithLog(staging);
    return s;
  }
  absl::StatusOr<BackupReport> restored = VerifyDatabaseFile(staging);
  if (restored.ok() &&
      (restored->head_hash != source->head_hash || restored->events != source->events)) {
    restored = absl::DataLossError(Concat("the copy differs from the backup (chain head ",
                                          restored->head_hash, " vs ", source->head_hash, ")"));
  }
  if (!restored.ok()) {
    RemoveWithLog(staging);
    return absl::Status(restored.status().code(),
                        Concat("restore into '", db_path,
                               "' failed, nothing was replaced: ", restored.status().message()));
  }
  if (absl::Status s = SyncFile(staging); !s.ok()) {
    RemoveWithLog(staging);
    return s;
  }

  std::string aside;
  if (exists) {
    aside = Concat(target.string(), ".replaced-", UtcStamp());
    if (absl::Status s = KeepAside(target.string(), aside); !s.ok()) {
      RemoveWithLog(staging);
      return s;
    }
    if (::rename(staging.c_str(), target.c_str()) != 0) {
      const int error = errno;
      RemoveWithLog(staging);
      return absl::UnavailableError(Concat("cannot rename '", staging, "' to '", target.string(),
                                           "': ", std::strerror(error), "; the old database is '",
                                           aside, "'"));
    }
  } else if (absl::Status s = RenameNoReplace(staging, target.string()); !s.ok()) {
    RemoveWithLog(staging);
    return s;
  }
  RemoveWithLog(staging);  // only an emptied log and index are left under this name
  if (absl::Status s = SyncDirectory(target.parent_path().string()); !s.ok()) return s;
  restored->replaced_kept_as = aside;
  return restored;
}

}  // namespace hotline::storage
