// Backup and restore of the database file (issue 5), for `hotlined backup|restore`. Uses
// SQLite's online backup API: a backup taken while the server is writing is a consistent
// snapshot. Both verify the audit chain of the copy they produce. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/records.h"

namespace hotline::storage {

struct BackupReport {
  int64_t schema_version = 0;
  int64_t cases = 0;
  int64_t events = 0;      // events whose hashes were recomputed
  std::string head_hash;   // the chain head of the copy
  int64_t bytes = 0;       // size of the copy
  // Restore only:
  std::string replaced_kept_as;    // where the database it replaced was kept, or ""
  bool replaced_readable = false;  // that database's case numbers could be read
  RestoreOutcome restore;          // what the restore left out and carried over
  int64_t restore_event_seq = 0;  // the "database.restored" event
};

// Copies the database `db_path` (it may be in use) to `to_path`, which must not exist, then
// verifies the copy: its schema version and its whole audit chain. A failed copy or
// verification removes `to_path` and says why.
absl::StatusOr<BackupReport> BackupDatabase(const std::string& db_path,
                                            const std::string& to_path);

// Verifies `from_path` (a backup) like BackupDatabase does, copies it beside `db_path`,
// verifies the copy, and renames it into place in one step. A database already at `db_path`
// (only with `overwrite`) is locked first (DatabaseLock: refused while a server runs on it),
// never read, and kept whole as "<db>.replaced-<UTC time>" with its log: a damaged database
// can be replaced, and a mistaken restore undone. FAILED_PRECONDITION when `db_path` exists
// and `overwrite` is false, when the backup does not verify, or when a server holds the
// database. On any failure `db_path` is as it was.
absl::StatusOr<BackupReport> RestoreDatabase(const std::string& from_path,
                                             const std::string& db_path, bool overwrite);

// Verifies a database file without changing it.
absl::StatusOr<BackupReport> VerifyDatabaseFile(const std::string& path);

}  // namespace hotline::storage
