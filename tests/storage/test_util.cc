#include "tests/storage/test_util.h"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

namespace hotline::storage::testing {

TempDb::TempDb() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = (std::filesystem::temp_directory_path() /
           ("hotline_storage_test_" + std::to_string(getpid()) + "_" +
            std::to_string(counter.fetch_add(1)) + "_" + std::to_string(rd()) + ".db"))
              .string();
}

TempDb::~TempDb() {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path_ + suffix, ec);
  }
}

NewCase SampleReport(const std::string& request_id, std::vector<std::string> desks) {
  NewCase c;
  c.request_id = request_id;
  c.request_fingerprint = "fp-" + request_id;
  c.kind = "report";
  c.actor = "op-anna";
  c.channel = "phone";
  c.urgency = "immediate";
  c.categories = {"abuse", "neglect"};
  c.jurisdictions = {"110105", "110105001"};
  c.detail = std::string("child: Li\0 age 9", 16);  // opaque bytes, with a NUL
  c.routing_version = "v7";
  c.routing_trace = "trace-bytes";
  for (const std::string& d : desks) {
    c.assignments.push_back(NewAssignment{d, "police", "Desk " + d, "r1", "jurisdiction", 600});
  }
  return c;
}

NewCase SampleInquiry(const std::string& request_id) {
  NewCase c;
  c.request_id = request_id;
  c.request_fingerprint = "fp-" + request_id;
  c.kind = "inquiry";
  c.actor = "op-ben";
  c.channel = "chat";
  c.detail = "where can I get help";
  return c;
}

void ApplyTableVersions(Store& store, int64_t version) {
  for (;;) {
    absl::StatusOr<std::vector<RoutingTableRecord>> versions = store.ListRoutingTables();
    REQUIRE(versions.ok());
    const int64_t current = versions->empty() ? 0 : versions->front().version;
    REQUIRE(current <= version);
    if (current == version) return;
    NewRoutingTable t;
    t.label = "t" + std::to_string(current + 1);
    t.text = "version = \"" + t.label + "\"\n";
    t.author = "admin";
    t.comment = "test version";
    REQUIRE(store.ApplyRoutingTable(t).ok());
  }
}

std::unique_ptr<Store> OpenStore(const std::string& path, const Clock* clock,
                                 int list_many_matches) {
  StoreOptions options;
  options.path = path;
  options.clock = clock;
  options.list_many_matches = list_many_matches;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return *std::move(store);
}

RawDb::RawDb(const std::string& path) {
  REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK);
  sqlite3_busy_timeout(db_, 5000);
}

RawDb::~RawDb() { sqlite3_close(db_); }

int RawDb::Exec(const std::string& sql, std::string* error) {
  char* msg = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
  if (error != nullptr) *error = msg != nullptr ? msg : "";
  sqlite3_free(msg);
  return rc;
}

std::string RawDb::QueryText(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  return out;
}

int64_t RawDb::QueryInt(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
  const int64_t v = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return v;
}

int64_t GateClock::NowMillis() const {
  std::unique_lock<std::mutex> lock(mu_);
  if (armed_) {
    armed_ = false;
    held_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return released_; });
  }
  return now_;
}

void GateClock::Arm() {
  std::lock_guard<std::mutex> lock(mu_);
  armed_ = true;
}

void GateClock::WaitUntilHeld() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return held_; });
}

void GateClock::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
  }
  cv_.notify_all();
}

}  // namespace hotline::storage::testing
