#include "storage/db_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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
