#include "storage/db_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "storage/str_util.h"

namespace hotline::storage {

absl::StatusOr<DatabaseLock> DatabaseLock::Acquire(const std::string& path, IfMissing if_missing,
                                                   std::string_view what) {
  if (absl::Status s = RequireOneName(path); !s.ok()) return s;
  // The name may be pointed at another file between open and flock (a restore renames the
  // new database into place): the lock counts only when the name still leads to the locked
  // file afterwards. A few rounds suffice; each lost round means a restore just finished.
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int flags = O_RDWR | O_CLOEXEC | (if_missing == IfMissing::kCreate ? O_CREAT : 0);
    const int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0) {
      const int error = errno;
      if (error == ENOENT) {
        // With O_CREAT, ENOENT means the directory is missing, not the file.
        const std::string dir = std::filesystem::path(path).parent_path().string();
        if (if_missing == IfMissing::kCreate) {
          return absl::NotFoundError(Concat("cannot create database '", path, "': directory '",
                                            dir.empty() ? "." : dir, "' does not exist"));
        }
        return absl::NotFoundError(Concat("database '", path, "' does not exist"));
      }
      return absl::UnavailableError(
          Concat("cannot open database '", path, "': ", std::strerror(error)));
    }
    DatabaseLock lock(fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      if (error == EWOULDBLOCK) {
        return absl::FailedPreconditionError(
            Concat("database '", path, "' is in use by a running hotlined; ", what));
      }
      return absl::UnavailableError(
          Concat("cannot lock database '", path, "': ", std::strerror(error)));
    }
    struct stat locked {};
    struct stat named {};
    if (::fstat(fd, &locked) != 0) {
      return absl::UnavailableError(
          Concat("cannot stat database '", path, "': ", std::strerror(errno)));
    }
    if (::stat(path.c_str(), &named) == 0 && named.st_dev == locked.st_dev &&
        named.st_ino == locked.st_ino) {
      // A restore of this database holds this lock while it copies: a copy found now was
      // left by one that was killed. It holds personal data: it goes.
      std::error_code ec;
      const std::string canonical = std::filesystem::canonical(path, ec).string();
      if (!ec) RemoveDatabaseFiles(Concat(canonical, ".restoring"));
      return lock;
    }
  }
  return absl::UnavailableError(
      Concat("database '", path, "' kept being replaced while it was being locked; ", what));
}

DatabaseLock::DatabaseLock(DatabaseLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

DatabaseLock::~DatabaseLock() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status RequireOneName(const std::string& path) {
  if (absl::Status s = RecoverInterruptedRestore(path); !s.ok()) return s;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return absl::OkStatus();
  if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
    return absl::FailedPreconditionError(Concat(
        "database '", path, "' has ", static_cast<long long>(st.st_nlink),
        " hard links; SQLite keeps the write-ahead log beside the name a database is opened "
        "by, so through a second name writes would be lost or the file corrupted: remove the "
        "other links (find it with: find / -samefile '",
        path, "')"));
  }
  return absl::OkStatus();
}

absl::Status RecoverInterruptedRestore(const std::string& path) {
  namespace fs = std::filesystem;
  struct stat db {};
  if (::stat(path.c_str(), &db) != 0 || !S_ISREG(db.st_mode) || db.st_nlink < 2) {
    return absl::OkStatus();
  }
  std::error_code ec;
  const fs::path canonical = fs::canonical(path, ec);
  if (ec) return absl::OkStatus();
  const std::string prefix = canonical.filename().string() + ".replaced-";
  std::string aside;
  for (const fs::directory_entry& entry : fs::directory_iterator(canonical.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    struct stat other {};
    if (name.rfind(prefix, 0) == 0 && !name.ends_with("-wal") && !name.ends_with("-shm") &&
        ::stat(entry.path().c_str(), &other) == 0 && other.st_dev == db.st_dev &&
        other.st_ino == db.st_ino) {
      aside = entry.path().string();
      break;
    }
  }
  if (aside.empty()) return absl::OkStatus();  // another second name: RequireOneName says so
  const int fd = ::open(canonical.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return absl::OkStatus();
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return absl::FailedPreconditionError(Concat("a restore into '", path,
                                                "' is under way (the database being replaced is "
                                                "also named '",
                                                aside, "'); wait for it to end"));
  }
  const std::string db_path = canonical.string();
  const std::string wal = Concat(db_path, "-wal");
  const std::string aside_wal = Concat(aside, "-wal");
  if (!fs::exists(wal, ec) && fs::exists(aside_wal, ec) &&
      ::rename(aside_wal.c_str(), wal.c_str()) != 0) {
    return absl::UnavailableError(Concat("an interrupted restore left the log of '", path, "' as '",
                                         aside_wal,
                                         "' and it cannot be moved back: ", std::strerror(errno)));
  }
  fs::remove(aside, ec);
  fs::remove(Concat(aside, "-shm"), ec);
  RemoveDatabaseFiles(Concat(db_path, ".restoring"));
  return absl::OkStatus();
}

void RemoveDatabaseFiles(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(Concat(path, suffix), ec);
  }
}

absl::Status CreatePrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return absl::OkStatus();
  }
  const int error = errno;
  if (error == EEXIST) return absl::AlreadyExistsError(Concat("'", path, "' exists"));
  return absl::UnavailableError(Concat("cannot create '", path, "': ", std::strerror(error)));
}

}  // namespace hotline::storage
