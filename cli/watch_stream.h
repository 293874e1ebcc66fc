// The gRPC side of `hotline desk watch`: a WatchStream (watch_loop.h) over
// Desk.WatchAssignments without a deadline, cancelled when a stop is requested or when the
// server falls silent for longer than heartbeats allow (a connection lost without a reset),
// which Finish then reports as UNAVAILABLE so that the loop reconnects. Each stream runs one
// watchdog thread; the stream itself is used from one thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "cli/connection.h"
#include "cli/watch_loop.h"

namespace hotline::cli {

struct WatchStreamOptions {
  // Cancel when nothing arrived for this long; zero never does.
  std::chrono::milliseconds stale_after{0};
  // The UNAVAILABLE message Finish reports for a stream cancelled as stale.
  std::string stale_message;
  // Polled by the watchdog; true cancels the stream (Finish then reports CANCELLED).
  std::function<bool()> stop_requested;
};

// Starts the call on `connection` (which must outlive the stream).
std::unique_ptr<WatchStream> OpenWatchStream(Connection& connection,
                                             const v1::WatchAssignmentsRequest& request,
                                             WatchStreamOptions options);

}  // namespace hotline::cli
