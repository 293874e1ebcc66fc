// Time, behind a small interface so deadlines and audit timestamps are deterministic in
// tests. Implementations are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

namespace hotline::storage {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual int64_t NowMillis() const = 0;
  // The process-wide wall clock. Never null; not owned by the caller.
  static const Clock* Real();
};

// A clock that moves only when told to. For tests.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t start_millis) : now_(start_millis) {}
  int64_t NowMillis() const override { return now_.load(); }
  void Advance(int64_t millis) { now_.fetch_add(millis); }
  void Set(int64_t millis) { now_.store(millis); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace hotline::storage
