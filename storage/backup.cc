#include "storage/backup.h"

#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <system_error>

#include "storage/case_rows.h"
#include "storage/db_lock.h"
#include "storage/event_log.h"
#include "storage/json.h"
#include "storage/schema.h"
#include "storage/sqlite_util.h"
#include "storage/store.h"
#include "storage/store_impl.h"
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

std::string UtcStamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

// "<db>.restoring" is restore's working copy, removed whenever the database is locked (it
// can only be left by a killed restore): a backup must not be kept under that name.
absl::Status RefuseStagingName(const std::string& backup_path, const std::string& db_path) {
  std::error_code ec;
  const std::filesystem::path staging =
      std::filesystem::weakly_canonical(db_path, ec).string() + ".restoring";
  if (!ec && std::filesystem::weakly_canonical(backup_path, ec) == staging) {
    return absl::InvalidArgumentError(Concat("'", backup_path,
                                             "' is the name restore gives its working copy, "
                                             "removed when the database is next locked: name "
                                             "the backup otherwise"));
  }
  return absl::OkStatus();
}

// "<db>.replaced-<UTC time>", with "-2", "-3" … when a restore in the same second took it.
std::string AsideName(const std::string& db) {
  const std::string base = Concat(db, ".replaced-", UtcStamp());
  std::error_code ec;
  std::string name = base;
  for (int n = 2; std::filesystem::exists(name, ec); ++n) name = Concat(base, "-", n);
  return name;
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

// What a restore needs to know of the database it replaces, read without changing it;
// nullopt when it cannot be read (a damaged file).
struct Replaced {
  std::map<int64_t, int64_t> next_numbers;                   // year -> next case number
  std::vector<std::pair<std::string, int64_t>> revocations;  // token_hash, revoked_ms
  int64_t head_seq = 0;
  std::string head_hash;
  std::string hash_at_backup_head;       // of its event number backup_events; "" if none
  int64_t later_events = 0;              // events after backup_events
  std::vector<std::string> later_cases;  // case numbers of those events, in case order
};

std::optional<Replaced> ReadReplaced(const std::string& path, int64_t backup_events);

// ReadReplaced, leaving no -wal or -shm file behind that was not there before (a read-only
// connection to a database in WAL mode creates them; the caller holds the database's lock).
std::optional<Replaced> ReadReplacedLeavingNoTrace(const std::string& path, int64_t backup_events) {
  std::error_code ec;
  const std::string wal = Concat(path, "-wal");
  const std::string shm = Concat(path, "-shm");
  const bool had_wal = std::filesystem::exists(wal, ec);
  const bool had_shm = std::filesystem::exists(shm, ec);
  std::optional<Replaced> replaced = ReadReplaced(path, backup_events);
  if (!had_wal && std::filesystem::file_size(wal, ec) == 0) std::filesystem::remove(wal, ec);
  if (!had_shm && !std::filesystem::exists(wal, ec)) std::filesystem::remove(shm, ec);
  return replaced;
}

std::optional<Replaced> ReadReplaced(const std::string& path, int64_t backup_events) {
  absl::StatusOr<sqlite::Connection> db = sqlite::Connection::OpenReadOnly(path);
  if (!db.ok()) return std::nullopt;
  Replaced r;
  const auto each_row = [&db](const char* sql, int64_t bound,
                              const std::function<void(const sqlite::Statement&)>& row) {
    absl::StatusOr<sqlite::Statement> stmt = db->Prepare(sql);
    if (!stmt.ok()) return false;
    if (bound >= 0) stmt->BindInt(1, bound);
    for (;;) {
      absl::StatusOr<bool> more = stmt->Step();
      if (!more.ok()) return false;
      if (!*more) return true;
      row(*stmt);
    }
  };
  const bool read =
      each_row("SELECT year, next FROM case_counters", -1,
               [&](const sqlite::Statement& s) { r.next_numbers[s.Int(0)] = s.Int(1); }) &&
      each_row(
          "SELECT token_hash, revoked_ms FROM tokens WHERE revoked_ms IS NOT NULL", -1,
          [&](const sqlite::Statement& s) { r.revocations.emplace_back(s.Text(0), s.Int(1)); }) &&
      each_row("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", -1,
               [&](const sqlite::Statement& s) {
                 r.head_seq = s.Int(0);
                 r.head_hash = s.Text(1);
               }) &&
      each_row("SELECT hash FROM events WHERE seq = ?1", backup_events,
               [&](const sqlite::Statement& s) { r.hash_at_backup_head = s.Text(0); }) &&
      each_row("SELECT count(*) FROM events WHERE seq > ?1", backup_events,
               [&](const sqlite::Statement& s) { r.later_events = s.Int(0); }) &&
      each_row(
          "SELECT c.case_number FROM cases c WHERE c.id IN (SELECT case_id FROM events "
          "WHERE seq > ?1) ORDER BY c.id",
          backup_events, [&](const sqlite::Statement& s) { r.later_cases.push_back(s.Text(0)); });
  if (!read) return std::nullopt;
  return r;
}

// The hash of event `seq` of the database at `path`; "" when it has none or cannot be read.
std::string EventHashIn(const std::string& path, int64_t seq) {
  absl::StatusOr<sqlite::Connection> db = sqlite::Connection::OpenReadOnly(path);
  if (!db.ok()) return "";
  absl::StatusOr<sqlite::Statement> stmt = db->Prepare("SELECT hash FROM events WHERE seq = ?1");
  if (!stmt.ok()) return "";
  stmt->BindInt(1, seq);
  absl::StatusOr<bool> row = stmt->Step();
  return row.ok() && *row ? stmt->Text(0) : "";
}

// OK when the backup and the replaced database are one history: one log is the start of
// the other. A backup of another hotline would give its case numbers to other children.
absl::Status RequireSameHistory(const std::string& from_path, const BackupReport& backup,
                                const std::string& db_path, const Replaced& replaced) {
  const int64_t common = std::min(backup.events, replaced.head_seq);
  if (common == 0) return absl::OkStatus();
  const std::string ours =
      replaced.head_seq >= backup.events ? replaced.hash_at_backup_head : replaced.head_hash;
  const std::string theirs = replaced.head_seq >= backup.events
                                 ? backup.head_hash
                                 : EventHashIn(from_path, replaced.head_seq);
  if (!ours.empty() && ours == theirs) return absl::OkStatus();
  return absl::FailedPreconditionError(Concat(
      "'", from_path, "' is not a backup of '", db_path,
      "': their audit logs are not one history (they part at or before event ", common,
      "): it is another hotline's, or was taken before an earlier restore. Restoring it would "
      "drop this database's cases and give their numbers to other children. To replace this "
      "database with it anyway, move the database away first, then restore without --force"));
}

std::string OsUser() {
  const passwd* user = ::getpwuid(::geteuid());
  return user != nullptr ? user->pw_name : Concat("uid ", ::geteuid());
}

// Copies the backup into `staging`, checks the copy is the backup, records the restore in it
// (Store::RecordRestore, which also brings its schema up to date), and syncs it to disk.
absl::StatusOr<BackupReport> PrepareRestore(const std::string& from_path,
                                            const BackupReport& source, const RestoreRecord& record,
                                            const std::string& staging) {
  RemoveDatabaseFiles(staging);
  if (absl::Status s = CreatePrivateFile(staging); !s.ok()) return s;
  if (absl::Status s = CopyBackup(from_path, staging); !s.ok()) return s;
  absl::StatusOr<BackupReport> copy = VerifyDatabaseFile(staging);
  if (!copy.ok()) return copy.status();
  if (copy->head_hash != source.head_hash || copy->events != source.events) {
    return absl::DataLossError(Concat("the copy differs from the backup (chain head ",
                                      copy->head_hash, " vs ", source.head_hash, ")"));
  }
  {
    StoreOptions options;
    options.path = staging;
    options.read_connections = 1;
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
    if (!store.ok()) return store.status();
    absl::StatusOr<RestoreOutcome> outcome = (*store)->RecordRestore(record, "hotlined-cli");
    if (!outcome.ok()) return outcome.status();
    absl::StatusOr<int64_t> seq = (*store)->HeadSeq();
    if (!seq.ok()) return seq.status();
    copy->restore = *std::move(outcome);
    copy->restore_event_seq = *seq;
    if (absl::Status s = (*store)->Checkpoint(); !s.ok()) return s;
  }
  if (absl::Status s = SyncFile(staging); !s.ok()) return s;
  copy->replaced_kept_as = record.replaced_kept_as;
  copy->replaced_readable = record.replaced_readable;
  return copy;
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
  // Through a second name SQLite would read another log: a stale copy, verified and all.
  if (absl::Status s = RequireOneName(db_path); !s.ok()) return s;
  if (absl::Status s = RefuseStagingName(to_path, db_path); !s.ok()) return s;
  if (absl::Status s = CreatePrivateFile(to_path); !s.ok()) {
    if (!absl::IsAlreadyExists(s)) return s;
    return absl::FailedPreconditionError(
        Concat("'", to_path, "' exists; a backup never overwrites a file"));
  }
  // A failed copy leaves nothing behind: not the file, nor the rollback journal SQLite
  // created beside it (a backup to a full disk left "<to>-journal").
  const auto discard = [&] {
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
      std::filesystem::remove(Concat(to_path, suffix), ec);
    }
  };
  {
    sqlite::ConnectionOptions options;
    options.query_only = true;
    absl::StatusOr<sqlite::Connection> from = sqlite::Connection::Open(db_path, options);
    if (!from.ok()) {
      discard();
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
      discard();
      return copied;
    }
  }
  absl::StatusOr<BackupReport> report = VerifyDatabaseFile(to_path);
  if (!report.ok()) {
    discard();
    return absl::Status(report.status().code(),
                        Concat("the copy did not verify and was removed: ",
                               report.status().message()));
  }
  return report;
}

absl::StatusOr<BackupReport> RestoreDatabase(const std::string& from_path,
                                             const std::string& db_path, bool overwrite) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(from_path, ec)) {
    return absl::NotFoundError(Concat("backup '", from_path, "' does not exist"));
  }
  if (std::filesystem::equivalent(from_path, db_path, ec)) {
    return absl::InvalidArgumentError(
        Concat("'", from_path, "' is the database itself, not a backup of it"));
  }
  if (absl::Status s = RefuseStagingName(from_path, db_path); !s.ok()) return s;
  absl::StatusOr<BackupReport> source = VerifyDatabaseFile(from_path);
  if (!source.ok()) {
    return absl::FailedPreconditionError(
        Concat("refusing to restore: ", source.status().message()));
  }
  // Work on the file the name leads to: renaming over a symbolic link would replace the link
  // and leave the database it points at in place.
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
  // copy is renamed into place, in one step. The database it replaces is only read (to
  // learn which case numbers it issued; it may be damaged), and is kept under another name,
  // whole with its log.
  const std::string staging = Concat(target.string(), ".restoring");
  RestoreRecord record;
  record.backup = std::filesystem::absolute(from_path, ec).string();
  record.backup_head = source->head_hash;
  record.backup_events = source->events;
  record.os_user = OsUser();
  if (exists) {
    record.replaced_kept_as = AsideName(target.string());
    std::optional<Replaced> replaced = ReadReplacedLeavingNoTrace(target.string(), source->events);
    record.replaced_readable = replaced.has_value();
    if (replaced) {
      if (absl::Status s = RequireSameHistory(from_path, *source, db_path, *replaced); !s.ok()) {
        return s;
      }
      record.replaced_next_numbers = std::move(replaced->next_numbers);
      record.replaced_revocations = std::move(replaced->revocations);
      record.replaced_head_seq = replaced->head_seq;
      record.replaced_head_hash = std::move(replaced->head_hash);
      record.replaced_later_events = replaced->later_events;
      record.replaced_later_cases = std::move(replaced->later_cases);
    }
  }
  absl::StatusOr<BackupReport> restored = PrepareRestore(from_path, *source, record, staging);
  if (!restored.ok()) {
    RemoveDatabaseFiles(staging);
    return absl::Status(restored.status().code(),
                        Concat("restore into '", db_path,
                               "' failed, nothing was replaced: ", restored.status().message()));
  }

  const std::string& aside = record.replaced_kept_as;
  if (exists) {
    if (absl::Status s = KeepAside(target.string(), aside); !s.ok()) {
      RemoveDatabaseFiles(staging);
      return s;
    }
    if (::rename(staging.c_str(), target.c_str()) != 0) {
      const int error = errno;
      RemoveDatabaseFiles(staging);
      return absl::UnavailableError(Concat("cannot rename '", staging, "' to '", target.string(),
                                           "': ", std::strerror(error), "; the old database is '",
                                           aside, "'"));
    }
  } else if (absl::Status s = RenameNoReplace(staging, target.string()); !s.ok()) {
    RemoveDatabaseFiles(staging);
    return s;
  }
  RemoveDatabaseFiles(staging);  // only an emptied log and index are left under this name
  if (absl::Status s = SyncDirectory(target.parent_path().string()); !s.ok()) return s;
  return restored;
}

absl::StatusOr<RestoreOutcome> Store::RecordRestore(const RestoreRecord& r,
                                                    std::string_view actor) {
  if (actor.empty()) return absl::InvalidArgumentError("actor is required");
  const Clock* clock = impl_->clock;
  return impl_->Write<RestoreOutcome>([&,
                                       clock](WriteContext& ctx) -> absl::StatusOr<RestoreOutcome> {
    RestoreOutcome out;
    out.events_not_restored = r.replaced_later_events;
    for (const auto& [year, replaced_next] : r.replaced_next_numbers) {
      absl::StatusOr<sqlite::Statement> get =
          ctx.db.Prepare("SELECT next FROM case_counters WHERE year = ?1");
      if (!get.ok()) return get.status();
      get->BindInt(1, year);
      absl::StatusOr<bool> row = get->Step();
      if (!row.ok()) return row.status();
      const int64_t next = *row ? get->Int(0) : 1;
      if (absl::Status s = get->Run(); !s.ok()) return s;
      if (replaced_next <= next) continue;
      const std::string first = FormatCaseNumber(static_cast<int>(year), next);
      out.case_numbers_not_restored.push_back(
          replaced_next - 1 == next
              ? first
              : Concat(first, "..", FormatCaseNumber(static_cast<int>(year), replaced_next - 1)));
      absl::StatusOr<sqlite::Statement> raise = ctx.db.Prepare(
          "INSERT INTO case_counters (year, next) VALUES (?1, ?2) "
          "ON CONFLICT (year) DO UPDATE SET next = excluded.next");
      if (!raise.ok()) return raise.status();
      raise->BindInt(1, year).BindInt(2, replaced_next);
      if (absl::Status s = raise->Run(); !s.ok()) return s;
    }
    // Cases the backup holds that the replaced database changed afterwards: those changes
    // are what the restore loses of them (cases it does not hold are named above).
    for (const std::string& number : r.replaced_later_cases) {
      absl::StatusOr<sqlite::Statement> held =
          ctx.db.Prepare("SELECT 1 FROM cases WHERE case_number = ?1");
      if (!held.ok()) return held.status();
      held->BindText(1, number);
      absl::StatusOr<bool> row = held->Step();
      if (!row.ok()) return row.status();
      if (*row) out.cases_changed_after_backup.push_back(number);
      if (absl::Status s = held->Run(); !s.ok()) return s;
    }
    // A revocation made after the backup stays: a revoked token must not work again.
    for (const auto& [token_hash, revoked_ms] : r.replaced_revocations) {
      absl::StatusOr<sqlite::Statement> revoke = ctx.db.Prepare(
          "UPDATE tokens SET revoked_ms = ?2 WHERE token_hash = ?1 AND revoked_ms IS NULL");
      if (!revoke.ok()) return revoke.status();
      revoke->BindText(1, token_hash).BindInt(2, revoked_ms);
      if (absl::Status s = revoke->Run(); !s.ok()) return s;
      out.revocations_carried += ctx.db.Changes();
    }
    const char* replaced = r.replaced_kept_as.empty() ? "none"
                           : r.replaced_readable      ? "read"
                                                      : "unreadable";
    constexpr size_t kMaxListed = 100;
    std::vector<std::string> changed = out.cases_changed_after_backup;
    if (changed.size() > kMaxListed) {
      changed.resize(kMaxListed);
      changed.push_back(
          Concat("and ", out.cases_changed_after_backup.size() - kMaxListed, " more"));
    }
    std::string payload = JsonObject()
                              .Add("backup", r.backup)
                              .Add("backup_head", r.backup_head)
                              .Add("backup_events", r.backup_events)
                              .Add("replaced", replaced)
                              .Add("replaced_kept_as", r.replaced_kept_as)
                              .Add("replaced_head_seq", r.replaced_head_seq)
                              .Add("replaced_head_hash", r.replaced_head_hash)
                              .Add("case_numbers_not_restored", out.case_numbers_not_restored)
                              .Add("cases_changed_after_backup", changed)
                              .Add("events_not_restored", out.events_not_restored)
                              .Add("revocations_carried", out.revocations_carried)
                              .Add("os_user", r.os_user)
                              .Finish();
    absl::StatusOr<EventRecord> e = AppendEvent(
        ctx.db, ctx.head,
        SystemEvent(actor, clock->NowMillis(), "database.restored", std::move(payload)));
    if (!e.ok()) return e.status();
    return out;
  });
}

}  // namespace hotline::storage
