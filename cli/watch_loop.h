// The reconnecting loop of `hotline desk watch`: reads a Desk.WatchAssignments stream, hands
// every message on, and when the stream fails with UNAVAILABLE (or CANCELLED without a stop
// request: a server that shuts down cancels the calls it has not ended) opens it again after
// the last cursor received, so no event is missed or repeated. The stream, the waits and the stop
// request are injected, so tests drive the loop with scripted streams. Not thread-safe.
#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "hotline/v1/desk.pb.h"

namespace hotline::cli {

// One open WatchAssignments stream. Destroying a stream that has not ended cancels it.
class WatchStream {
 public:
  virtual ~WatchStream() = default;
  // The next message; false when the stream has ended (then call Finish once).
  virtual bool Read(v1::WatchAssignmentsResponse* response) = 0;
  // Why the stream ended.
  virtual grpc::Status Finish() = 0;
};

struct WatchBackoff {
  std::chrono::milliseconds initial{200};  // Doubles on every attempt without a message.
  std::chrono::milliseconds max{5000};
};

// The wait before reconnect attempt `attempt` (0-based, counted since the last message was
// received): initial * 2^attempt scaled by 0.8 + 0.4 * unit_random (unit_random in [0, 1)),
// at most `max`.
std::chrono::milliseconds ReconnectDelay(const WatchBackoff& backoff, int attempt,
                                         double unit_random);

// The wait before a reconnect, cut short once the server can be reached again: sleeps
// `at_least` (or all of `delay` when shorter) in steps of `step`, then until `delay` has passed
// or `connected(step)` (which may block up to `step`) reports a connection. Returns false as
// soon as `stop_requested()`, true otherwise. `sleep` and `now` are injected for tests.
struct ReconnectWait {
  std::chrono::milliseconds at_least{200};
  std::chrono::milliseconds step{100};
  std::function<bool(std::chrono::milliseconds)> connected;
  std::function<bool()> stop_requested;
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<std::chrono::steady_clock::time_point()> now;
};
bool WaitBeforeReconnect(std::chrono::milliseconds delay, const ReconnectWait& wait);

// What on_message did with a message.
enum class Handled {
  kContinue,      // Delivered; go on watching.
  kEnough,        // Delivered; stop (e.g. --max-events reached).
  kNotDelivered,  // Not delivered (its output could not be written); stop, and leave the
                  // last cursor at the message before, so a resume starts with this one.
};

enum class WatchEnd {
  kStreamEnded,  // The server ended the stream with OK.
  kEnough,       // on_message asked to stop (Handled::kEnough or kNotDelivered).
  kStopped,      // stop_requested() turned true (SIGINT/SIGTERM).
  kFailed,       // The stream failed with a status that does not reconnect.
};

struct WatchResult {
  WatchEnd end = WatchEnd::kStreamEnded;
  grpc::Status status;      // For kFailed: the failure.
  // The cursor of the last message delivered, else the cursor the watch started after.
  std::string last_cursor;
};

struct WatchHooks {
  // Opens a stream of the events after `after_cursor` ("" = from the beginning).
  std::function<std::unique_ptr<WatchStream>(const std::string& after_cursor)> open;
  // Handles one message (event or heartbeat).
  std::function<Handled(const v1::WatchAssignmentsResponse&)> on_message;
  // Told before each wait for a reconnect: the status that ended the stream, the wait and the
  // cursor the next stream starts after. May be empty.
  std::function<void(const grpc::Status&, std::chrono::milliseconds, const std::string&)>
      on_reconnect;
  // Waits `delay`; returns false when the wait was cut short by a stop request.
  std::function<bool(std::chrono::milliseconds)> sleep;
  std::function<bool()> stop_requested;
  std::function<double()> unit_random;  // In [0, 1), for the backoff's jitter.
};

// Watches from `after_cursor` until the server ends the stream, on_message returns false, a
// stop is requested, or the stream fails with anything but UNAVAILABLE or CANCELLED (which
// reconnect, forever, with ReconnectDelay between attempts). Every hook but on_reconnect is
// required.
WatchResult WatchWithReconnect(std::string after_cursor, const WatchHooks& hooks,
                               const WatchBackoff& backoff = {});

}  // namespace hotline::cli
