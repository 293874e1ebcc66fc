// The exclusive hold a process keeps on a database file while it serves it or replaces it:
// a second `hotlined` on the same database, or a restore under a running server, is refused
// with a clear message instead of two writers each believing they are the only one.
//
// The lock is flock(2) on the database file itself, so it follows the file, not the name it
// was opened by: a symbolic link, a second hard link or a bind mount reaches the same lock.
// SQLite's own locks are POSIX record locks, which flock does not touch on Linux; the
// descriptor stays open until the process no longer uses the database (closing any
// descriptor of a file drops the process's POSIX locks on it, so it must not be closed while
// SQLite has the file open). Released by the kernel when the process ends, however it ends.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hotline::storage {

class DatabaseLock {
 public:
  enum class IfMissing { kCreate, kFail };

  // Locks the database at `path`. kCreate creates an empty file (an empty file is an empty
  // SQLite database) when there is none; kFail answers NOT_FOUND. FAILED_PRECONDITION
  // when another process holds the lock: "database … is in use by a running hotlined; <what>".
  // First undoes a restore killed half-way (RecoverInterruptedRestore); once locked, removes
  // the "<db>.restoring" copy a killed restore left.
  static absl::StatusOr<DatabaseLock> Acquire(const std::string& path, IfMissing if_missing,
                                              std::string_view what);

  DatabaseLock(DatabaseLock&& other) noexcept;
  DatabaseLock& operator=(DatabaseLock&&) = delete;
  ~DatabaseLock();

 private:
  explicit DatabaseLock(int fd) : fd_(fd) {}
  int fd_;
};

// OK when the database file at `path` has one name, after undoing a restore killed while
// it had two (RecoverInterruptedRestore). SQLite keeps the write-ahead log beside
// the name a database was opened by, so a second hard link would give the same file a second
// log: writes through one name are invisible through the other and checkpoints corrupt it.
// A missing file is OK (it will be created with one name).
absl::Status RequireOneName(const std::string& path);

// Undoes a restore (backup.h) that ended between setting the old database aside under a
// second name, "<db>.replaced-<time>", with its log, and renaming the restored copy into
// place: the database has two names and no log beside it. Its log is moved back, the second
// name and the restored copy removed, and the database is as it was before the restore.
// OK when there is nothing to undo; FAILED_PRECONDITION while that restore is still running.
absl::Status RecoverInterruptedRestore(const std::string& path);

// Removes a database file with its log, index and journal; missing files are fine.
void RemoveDatabaseFiles(const std::string& path);

// Creates an empty file at `path` for a database, readable and writable by its owner only;
// ALREADY_EXISTS when there is a file. A database holds personal data, and SQLite gives its
// log and index the mode of the database file (it would create it with the umask's mode,
// usually 0644).
absl::Status CreatePrivateFile(const std::string& path);

}  // namespace hotline::storage
