// Acknowledgement deadlines that fire (issue 4). The deadlines live in the database
// (assignments.ack_deadline_ms); an Asio timer on the escalator's own thread is armed for the
// earliest one and re-armed after commits (at most every 100 ms), so a deadline that passed while
// the server was down fires at once on start. A hand-off still pending at its deadline becomes
// escalated and the next desk of its rule's escalation chain (else the centre desk) gets a
// new hand-off with its own deadline, counted from that moment; a hand-off with nobody left
// to escalate to (the centre desk's own, or the centre desk already holds the case) is marked
// overdue once and stays pending. All as audit events, so desks see them in their streams.
// Thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "server/routing_snapshot.h"
#include "storage/clock.h"
#include "storage/store.h"

namespace hotline::server {

class Escalator {
 public:
  // `clock` must be the store's clock (ManualClock in tests); not owned.
  Escalator(storage::Store* store, RoutingSnapshot* routing, const storage::Clock* clock);
  // Stops the timer thread.
  ~Escalator();
  Escalator(const Escalator&) = delete;
  Escalator& operator=(const Escalator&) = delete;

  // Starts the timer thread; everything already due fires at once.
  void Start();

  // Re-arms the timer after a commit, at once or within 100 ms of the last re-arm (cheap;
  // called on the store's completion thread).
  void Poke();

  // Escalates (or marks overdue) every hand-off due at the clock's now. Returns how many.
  // Public so tests with a ManualClock can drive it without waiting.
  absl::StatusOr<int> RunDue();

 private:
  struct Timer;
  void Arm();
  // One due hand-off: its successor chosen on `active` and stored, choosing again (up to 3
  // times) when the store says the chosen desk took the case meanwhile.
  absl::StatusOr<storage::AssignmentChange> Escalate(const storage::AssignmentRecord& a,
                                                     const ActiveTable& active);

  storage::Store* const store_;
  RoutingSnapshot* const routing_;
  const storage::Clock* const clock_;
  std::unique_ptr<Timer> timer_;
  std::atomic<bool> arm_pending_{false};
  std::thread thread_;
};

}  // namespace hotline::server
