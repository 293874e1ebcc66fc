// Helpers for the storage tests: temporary database files, sample cases, a clock that can
// hold the writer thread, and raw SQLite access for tampering.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/clock.h"
#include "storage/records.h"
#include "storage/store.h"

namespace hotline::storage::testing {

// 2026-03-01T00:00:00Z.
inline constexpr int64_t kMarch2026 = 1772323200000;

// A unique path in the temp directory; the database and its -wal/-shm files are removed on
// destruction.
class TempDb {
 public:
  TempDb();
  ~TempDb();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A report with one assignment per desk (rule "r1" for all), deadline 600 s.
NewCase SampleReport(const std::string& request_id,
                     std::vector<std::string> desks = {"police-110105", "edu-110105"});
NewCase SampleInquiry(const std::string& request_id);

// Stores routing-table versions until `version` is the one in force (texts need not parse:
// the store keeps them as given).
void ApplyTableVersions(Store& store, int64_t version);

// `list_many_matches` as StoreOptions (1: case-list filters take their per-case path).
std::unique_ptr<Store> OpenStore(const std::string& path, const Clock* clock,
                                 int list_many_matches = StoreOptions{}.list_many_matches);

// A raw connection (no store settings), closed on destruction. Exec fails the test on error.
class RawDb {
 public:
  explicit RawDb(const std::string& path);
  ~RawDb();
  sqlite3* get() const { return db_; }
  // Returns the SQLite result code; the error message goes to `error` when given.
  int Exec(const std::string& sql, std::string* error = nullptr);
  std::string QueryText(const std::string& sql);
  int64_t QueryInt(const std::string& sql);

 private:
  sqlite3* db_ = nullptr;
};

// A manual clock whose next NowMillis call (after Arm) blocks until Release: holding the
// writer thread inside a write lets a test queue several writes into the next batch.
class GateClock : public Clock {
 public:
  explicit GateClock(int64_t now) : now_(now) {}
  int64_t NowMillis() const override;
  void Arm();
  void WaitUntilHeld();
  void Release();

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  mutable bool armed_ = false;
  mutable bool held_ = false;
  bool released_ = false;
  int64_t now_;
};

}  // namespace hotline::storage::testing
