// The database lock (db_lock.h) and restore (backup.h): one server per database file however
// it is named, and a restore that replaces a database only with a whole verified copy.
#include "storage/backup.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "storage/db_lock.h"
#include "tests/storage/test_util.h"

namespace hotline::storage {
namespace {

namespace fs = std::filesystem;
using testing::RawDb;

// A fresh directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("hotline_backup_test_" + std::to_string(getpid()) + "_" + std::to_string(rd()));
    fs::create_directory(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  fs::path path_;
};

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int64_t CaseCount(const std::string& path) {
  RawDb raw(path);
  return raw.QueryInt("SELECT count(*) FROM cases");
}

// Adds `reports` reports to the database at `path` (created if missing), and closes it.
void AddReports(const std::string& path, int reports, const std::string& prefix = "") {
  auto store = testing::OpenStore(path, nullptr);
  for (int i = 0; i < reports; ++i) {
    REQUIRE(store->CreateCase(testing::SampleReport(prefix + path + std::to_string(i))).ok());
  }
}

void MakeDatabase(const std::string& path, int reports) { AddReports(path, reports); }

// A verified backup of a database of `reports` reports.
std::string MakeBackup(const TempDir& dir, int reports) {
  const std::string source = dir / ("source" + std::to_string(reports) + ".db");
  MakeDatabase(source, reports);
  const std::string backup = dir / ("backup" + std::to_string(reports) + ".db");
  REQUIRE(BackupDatabase(source, backup).ok());
  return backup;
}

absl::Status OpenStatus(const std::string& path) {
  StoreOptions options;
  options.path = path;
  return Store::Open(options).status();
}

bool OwnerOnly(const std::string& path) {
  return (fs::status(path).permissions() & fs::perms::all) ==
         (fs::perms::owner_read | fs::perms::owner_write);
}

constexpr auto kCreate = DatabaseLock::IfMissing::kCreate;
constexpr auto kFail = DatabaseLock::IfMissing::kFail;

TEST_CASE("One lock per database file, whatever name reaches it") {
  TempDir dir;
  const std::string db = dir / "hotline.db";
  {
    absl::StatusOr<DatabaseLock> first = DatabaseLock::Acquire(db, kCreate, "stop it first");
    REQUIRE(first.ok());
    CHECK(fs::is_regular_file(db));
    CHECK(OwnerOnly(db));

    absl::StatusOr<DatabaseLock> again = DatabaseLock::Acquire(db, kCreate, "stop it first");
    REQUIRE(again.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(again.status().message()),
               Catch::Contains("is in use by a running hotlined; stop it first"));

    const std::string link = dir / "link.db";
    fs::create_symlink(db, link);
    CHECK(DatabaseLock::Acquire(link, kCreate, "x").status().code() ==
          absl::StatusCode::kFailedPrecondition);

    const std::string other_dir_name = dir / "sub";
    fs::create_directory(other_dir_name);
    fs::create_directory_symlink(fs::path(db).parent_path(), dir / "sub/alias");
    CHECK(DatabaseLock::Acquire(dir / "sub/alias/hotline.db", kCreate, "x").status().code() ==
          absl::StatusCode::kFailedPrecondition);
  }
  // Released with its holder. The copy a killed restore left beside the database goes.
  { std::ofstream(db + ".restoring") << "half a copy of a backup"; }
  CHECK(DatabaseLock::Acquire(db, kFail, "x").ok());
  CHECK_FALSE(fs::exists(db + ".restoring"));
  CHECK(DatabaseLock::Acquire(dir / "missing.db", kFail, "x").status().code() ==
        absl::StatusCode::kNotFound);
  CHECK_FALSE(fs::exists(dir / "missing.db"));
}

TEST_CASE("A database with a second hard link is refused by the lock and by Store::Open") {
  TempDir dir;
  const std::string db = dir / "hotline.db";
  MakeDatabase(db, 1);
  fs::create_hard_link(db, dir / "second-name.db");
  for (const std::string& name : {db, dir / "second-name.db"}) {
    absl::StatusOr<DatabaseLock> lock = DatabaseLock::Acquire(name, kCreate, "x");
    REQUIRE(lock.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(lock.status().message()), Catch::Contains("has 2 hard links"));
    absl::Status opened = OpenStatus(name);
    REQUIRE(opened.code() == absl::StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(opened.message()), Catch::Contains("has 2 hard links"));
  }
  fs::remove(dir / "second-name.db");
  CHECK(DatabaseLock::Acquire(db, kFail, "x").ok());
  CHECK(OpenStatus(db).ok());
}

TEST_CASE("A database file a store creates is its owner's alone, with its log") {
  TempDir dir;
  const std::string db = dir / "new.db";
  MakeDatabase(db, 1);
  CHECK(OwnerOnly(db));
  auto store = testing::OpenStore(db, nullptr);
  REQUIRE(store->CreateCase(testing::SampleReport("wal")).ok());
  REQUIRE(fs::exists(db + "-wal"));
  CHECK(OwnerOnly(db + "-wal"));
}

TEST_CASE("Restore into a new path leaves only the database there") {
  TempDir dir;
  const std::string backup = MakeBackup(dir, 3);
  const std::string db = dir / "restored.db";
  absl::StatusOr<BackupReport> report = RestoreDatabase(backup, db, false);
  REQUIRE(report.ok());
  CHECK(report->cases == 3);
  CHECK(report->replaced_kept_as.empty());
  CHECK(CaseCount(db) == 3);
  // The restore is the restored log's next event; the chain still verifies.
  absl::StatusOr<BackupReport> verified = VerifyDatabaseFile(db);
  REQUIRE(verified.ok());
  CHECK(verified->events == report->events + 1);
  CHECK(report->restore_event_seq == report->events + 1);
  {
    RawDb raw(db);
    CHECK(raw.QueryText("SELECT type FROM events ORDER BY seq DESC LIMIT 1") ==
          "database.restored");
    const std::string payload =
        raw.QueryText("SELECT payload FROM events ORDER BY seq DESC LIMIT 1");
    CHECK_THAT(payload, Catch::Contains("\"backup\":\"" + backup + "\""));
    CHECK_THAT(payload, Catch::Contains("\"replaced\":\"none\""));
    CHECK_THAT(payload, Catch::Contains("\"backup_head\":\"" + report->head_hash + "\""));
  }
  CHECK(report->restore.case_numbers_not_restored.empty());
  CHECK_FALSE(fs::exists(db + ".restoring"));
  // Personal data: the backup and the restored database are the owner's alone.
  CHECK(OwnerOnly(backup));
  CHECK(OwnerOnly(db));
  // The restored database serves.
  CHECK(OpenStatus(db).ok());
}

TEST_CASE("Restore over a database needs --force and keeps the replaced one whole") {
  TempDir dir;
  const std::string db = dir / "hotline.db";
  MakeDatabase(db, 2);
  const std::string backup = dir / "backup.db";
  REQUIRE(BackupDatabase(db, backup).ok());
  AddReports(db, 3, "after the backup ");
  const std::string before = FileBytes(db);

  absl::StatusOr<BackupReport> refused = RestoreDatabase(backup, db, false);
  REQUIRE(refused.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(refused.status().message()), Catch::Contains("pass --force"));
  CHECK(FileBytes(db) == before);

  SECTION("a whole database, its log moved along") {
    // Leave committed transactions in the log, as a server killed before a checkpoint does:
    // copy the files while a connection that turned automatic checkpoints off is open.
    const std::string crashed = dir / "crashed.db";
    {
      RawDb raw(db);
      raw.Exec("PRAGMA wal_autocheckpoint=0");
      raw.Exec("UPDATE cases SET urgency = 'routine'");
      fs::copy_file(db, crashed);
      fs::copy_file(db + "-wal", crashed + "-wal");
    }
    REQUIRE(fs::file_size(crashed + "-wal") > 0);
    absl::StatusOr<BackupReport> report = RestoreDatabase(backup, crashed, true);
    REQUIRE(report.ok());
    CHECK(CaseCount(crashed) == 2);
    CHECK_FALSE(fs::exists(crashed + "-wal"));
    const std::string aside = report->replaced_kept_as;
    CHECK_THAT(aside, Catch::StartsWith(crashed + ".replaced-"));
    CHECK(fs::exists(aside + "-wal"));
    CHECK(CaseCount(aside) == 5);
    RawDb old(aside);
    CHECK(old.QueryInt("SELECT count(*) FROM cases WHERE urgency = 'routine'") == 5);
    CHECK(fs::hard_link_count(crashed) == 1);
    CHECK(fs::hard_link_count(aside) == 1);
    // Numbers 3 to 5 were issued by the replaced database only: named, and not issued again.
    CHECK(report->replaced_readable);
    REQUIRE(report->restore.case_numbers_not_restored.size() == 1);
    CHECK_THAT(report->restore.case_numbers_not_restored[0],
               Catch::Matches(R"(HL-\d{4}-000003\.\.HL-\d{4}-000005)"));
    auto store = testing::OpenStore(crashed, nullptr);
    absl::StatusOr<CaseRecord> next = store->CreateCase(testing::SampleReport("after"));
    REQUIRE(next.ok());
    CHECK_THAT(next->case_number, Catch::EndsWith("-000006"));
  }
  SECTION("a damaged database, which is never read") {
    {
      std::ofstream out(db, std::ios::binary | std::ios::trunc);
      out << std::string(8192, '\x5a');
    }
    absl::StatusOr<BackupReport> report = RestoreDatabase(backup, db, true);
    REQUIRE(report.ok());
    CHECK(CaseCount(db) == 2);
    CHECK(FileBytes(report->replaced_kept_as) == std::string(8192, '\x5a'));
    CHECK_FALSE(report->replaced_readable);
    CHECK(report->restore.case_numbers_not_restored.empty());
    RawDb raw(db);
    CHECK_THAT(raw.QueryText("SELECT payload FROM events ORDER BY seq DESC LIMIT 1"),
               Catch::Contains("\"replaced\":\"unreadable\""));
  }
  SECTION("through a symbolic link: the link stays, the file it names is replaced") {
    const std::string link = dir / "link.db";
    fs::create_symlink(db, link);
    absl::StatusOr<BackupReport> report = RestoreDatabase(backup, link, true);
    REQUIRE(report.ok());
    CHECK(fs::is_symlink(link));
    CHECK(CaseCount(db) == 2);
    CHECK_THAT(report->replaced_kept_as, Catch::StartsWith(db + ".replaced-"));
  }
}

TEST_CASE("A restore keeps later revocations and names what it leaves out of kept cases") {
  TempDir dir;
  const std::string db = dir / "hotline.db";
  MakeDatabase(db, 2);
  std::string token;
  std::string first_case;
  {
    auto store = testing::OpenStore(db, nullptr);
    absl::StatusOr<std::string> issued = store->IssueToken("operator", "leaver", {}, "test");
    REQUIRE(issued.ok());
    token = *issued;
    first_case = RawDb(db).QueryText("SELECT case_number FROM cases ORDER BY id LIMIT 1");
  }
  const std::string backup = dir / "backup.db";
  REQUIRE(BackupDatabase(db, backup).ok());
  {
    auto store = testing::OpenStore(db, nullptr);
    REQUIRE(store->RevokeTokens("leaver", "test").ok());
    REQUIRE(store->AddNote(first_case, "op", "called the school").ok());
  }
  AddReports(db, 1, "after ");

  absl::StatusOr<BackupReport> report = RestoreDatabase(backup, db, true);
  REQUIRE(report.ok());
  CHECK(report->restore.revocations_carried == 1);
  CHECK(report->restore.cases_changed_after_backup == std::vector<std::string>{first_case});
  CHECK(report->restore.events_not_restored == 2 + 4);  // the revocation and note; a report
  CHECK(report->restore.case_numbers_not_restored.size() == 1);
  auto store = testing::OpenStore(db, nullptr);
  CHECK(store->Authenticate(token).status().code() == absl::StatusCode::kUnauthenticated);
  RawDb raw(db);
  const std::string payload = raw.QueryText("SELECT payload FROM events ORDER BY seq DESC LIMIT 1");
  CHECK_THAT(payload, Catch::Contains("\"cases_changed_after_backup\":[\"" + first_case + "\"]"));
  CHECK_THAT(payload, Catch::Contains("\"revocations_carried\":1"));
}

TEST_CASE("A backup of another database is refused over a readable one") {
  TempDir dir;
  const std::string other = MakeBackup(dir, 2);
  const std::string db = dir / "hotline.db";
  MakeDatabase(db, 3);
  const std::vector<std::string> names = dir.Names();
  absl::StatusOr<BackupReport> report = RestoreDatabase(other, db, true);
  REQUIRE(report.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(
      std::string(report.status().message()),
      Catch::Contains("is not a backup of '" + db + "': their audit logs are not one history"));
  CHECK_THAT(std::string(report.status().message()),
             Catch::Contains("move the database away first"));
  CHECK(dir.Names() == names);
  CHECK(CaseCount(db) == 3);
  // Moved away, the other hotline's database can be restored in its place.
  fs::rename(db, dir / "ours.db");
  CHECK(RestoreDatabase(other, db, false).ok());
}

TEST_CASE("A backup may not take the name of restore's working copy") {
  TempDir dir;
  const std::string db = dir / "hotline.db";
  MakeDatabase(db, 1);
  absl::StatusOr<BackupReport> report = BackupDatabase(db, db + ".restoring");
  REQUIRE(report.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(report.status().message()),
             Catch::Contains("is the name restore gives its working copy"));
  CHECK_FALSE(fs::exists(db + ".restoring"));
}

TEST_CASE("Backup first undoes a restore killed while setting the database aside") {
  TempDir dir;
  const std::string db = dir / "hotline.db";
  MakeDatabase(db, 2);
  fs::create_hard_link(db, db + ".replaced-20261129T120000Z");
  absl::StatusOr<BackupReport> report = BackupDatabase(db, dir / "b.db");
  REQUIRE(report.ok());
  CHECK(report->cases == 2);
  CHECK_FALSE(fs::exists(db + ".replaced-20261129T120000Z"));
}

TEST_CASE("Restore refuses the database itself and a missing backup") {
  TempDir dir;
  const std::string db = dir / "hotline.db";
  MakeDatabase(db, 1);
  fs::create_symlink(db, dir / "link.db");
  for (const std::string& from : {db, dir / "link.db"}) {
    absl::StatusOr<BackupReport> itself = RestoreDatabase(from, db, true);
    REQUIRE(itself.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(itself.status().message()), Catch::Contains("is the database itself"));
  }
  absl::StatusOr<BackupReport> missing = RestoreDatabase(dir / "nope.db", db, true);
  REQUIRE(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(std::string(missing.status().message()) ==
        "backup '" + dir / "nope.db" + "' does not exist");
}

TEST_CASE("Two restores in one second keep both replaced databases") {
  TempDir dir;
  const std::string db = dir / "hotline.db";
  MakeDatabase(db, 1);
  const std::string backup = dir / "backup.db";
  REQUIRE(BackupDatabase(db, backup).ok());
  absl::StatusOr<BackupReport> first = RestoreDatabase(backup, db, true);
  absl::StatusOr<BackupReport> second = RestoreDatabase(backup, db, true);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->replaced_kept_as != second->replaced_kept_as);
  CHECK(fs::exists(first->replaced_kept_as));
  CHECK(fs::exists(second->replaced_kept_as));
}

TEST_CASE("Backup refuses a database with a second hard link") {
  TempDir dir;
  const std::string db = dir / "hotline.db";
  MakeDatabase(db, 1);
  fs::create_hard_link(db, dir / "other-name.db");
  absl::StatusOr<BackupReport> report = BackupDatabase(dir / "other-name.db", dir / "b.db");
  REQUIRE(report.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(report.status().message()), Catch::Contains("has 2 hard links"));
  CHECK_FALSE(fs::exists(dir / "b.db"));
}

TEST_CASE("A restore that died while setting the old database aside is undone") {
  TempDir dir;
  const std::string source = dir / "source.db";
  MakeDatabase(source, 2);
  // The database as a killed server leaves it: reports committed to its log only.
  const std::string db = dir / "hotline.db";
  {
    RawDb raw(source);
    raw.Exec("PRAGMA wal_autocheckpoint=0");
    raw.Exec("UPDATE cases SET urgency = 'routine'");
    fs::copy_file(source, db);
    fs::copy_file(source + "-wal", db + "-wal");
  }
  // The restore's first steps (KeepAside), then its death: two names, the log moved.
  const std::string aside = db + ".replaced-20261129T120000Z";
  fs::create_hard_link(db, aside);
  fs::rename(db + "-wal", aside + "-wal");
  { std::ofstream(db + ".restoring") << "half a copy"; }

  SECTION("while it still runs, nothing is touched") {
    const int fd = ::open(db.c_str(), O_RDWR);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    const absl::Status opened = OpenStatus(db);
    CHECK(opened.code() == absl::StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(opened.message()),
               Catch::Contains("a restore into '" + db + "' is under way"));
    ::close(fd);
    CHECK(fs::exists(aside));
  }
  SECTION("once it is dead, the next command rolls it back") {
    absl::StatusOr<DatabaseLock> lock = DatabaseLock::Acquire(db, kFail, "x");
    REQUIRE(lock.ok());
    CHECK_FALSE(fs::exists(aside));
    CHECK_FALSE(fs::exists(aside + "-wal"));
    CHECK_FALSE(fs::exists(db + ".restoring"));
    CHECK(fs::hard_link_count(db) == 1);
    REQUIRE(fs::exists(db + "-wal"));
    RawDb raw(db);
    CHECK(raw.QueryInt("SELECT count(*) FROM cases WHERE urgency = 'routine'") == 2);
  }
}

TEST_CASE("Restore is refused while the database is locked, and changes nothing") {
  TempDir dir;
  const std::string backup = MakeBackup(dir, 1);
  const std::string db = dir / "hotline.db";
  MakeDatabase(db, 4);
  const std::string link = dir / "link.db";
  fs::create_symlink(db, link);
  const std::vector<std::string> names = dir.Names();
  const std::string before = FileBytes(db);
  absl::StatusOr<DatabaseLock> server = DatabaseLock::Acquire(db, kCreate, "x");
  REQUIRE(server.ok());
  for (const std::string& name : {db, link}) {
    absl::StatusOr<BackupReport> report = RestoreDatabase(backup, name, true);
    REQUIRE(report.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK_THAT(std::string(report.status().message()),
               Catch::Contains("in use by a running hotlined; stop it before restoring"));
  }
  CHECK(FileBytes(db) == before);
  CHECK(dir.Names() == names);
}

TEST_CASE("A backup that does not verify replaces nothing") {
  TempDir dir;
  const std::string backup = MakeBackup(dir, 2);
  {
    RawDb raw(backup);
    raw.Exec("DROP TRIGGER events_no_update");
    raw.Exec("UPDATE events SET actor = 'mallory' WHERE seq = 2");
  }
  const std::string db = dir / "hotline.db";
  MakeDatabase(db, 1);
  const std::vector<std::string> names = dir.Names();
  absl::StatusOr<BackupReport> report = RestoreDatabase(backup, db, true);
  REQUIRE(report.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK_THAT(std::string(report.status().message()), Catch::Contains("refusing to restore"));
  CHECK(dir.Names() == names);
  CHECK(CaseCount(db) == 1);
}

}  // namespace
}  // namespace hotline::storage
