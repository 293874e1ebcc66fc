#include "cli/watch_loop.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace hotline::cli {

std::chrono::milliseconds ReconnectDelay(const WatchBackoff& backoff, int attempt,
                                         double unit_random) {
  // The exponent is capped so that the product stays finite however long the server is away.
  const double base = static_cast<double>(backoff.initial.count()) *
                      std::pow(2.0, std::min(attempt, 30)) * (0.8 + 0.4 * unit_random);
  const double capped = std::min(base, static_cast<double>(backoff.max.count()));
  return std::chrono::milliseconds(std::llround(capped));
}

bool WaitBeforeReconnect(std::chrono::milliseconds delay, const ReconnectWait& wait) {
  using std::chrono::milliseconds;
  const auto start = wait.now();
  const auto elapsed = [&] { return std::chrono::duration_cast<milliseconds>(wait.now() - start); };
  const milliseconds at_least = std::min(delay, wait.at_least);
  for (milliseconds passed = elapsed(); passed < at_least; passed = elapsed()) {
    if (wait.stop_requested()) return false;
    wait.sleep(std::min(wait.step, at_least - passed));
  }
  for (milliseconds passed = elapsed(); passed < delay; passed = elapsed()) {
    if (wait.stop_requested()) return false;
    const milliseconds step = std::min(wait.step, delay - passed);
    if (wait.connected(step)) break;
    if (elapsed() - passed < step / 2) wait.sleep(step);  // It answered without waiting.
  }
  return !wait.stop_requested();
}

WatchResult WatchWithReconnect(std::string after_cursor, const WatchHooks& hooks,
                               const WatchBackoff& backoff) {
  WatchResult result;
  result.last_cursor = std::move(after_cursor);
  int attempt = 0;
  for (;;) {
    if (hooks.stop_requested()) {
      result.end = WatchEnd::kStopped;
      return result;
    }
    grpc::Status status;
    {
      std::unique_ptr<WatchStream> stream = hooks.open(result.last_cursor);
      v1::WatchAssignmentsResponse response;
      while (stream->Read(&response)) {
        attempt = 0;
        const Handled handled = hooks.on_message(response);
        if (handled != Handled::kNotDelivered && !response.cursor().empty()) {
          result.last_cursor = response.cursor();
        }
        if (handled != Handled::kContinue) {
          result.end = WatchEnd::kEnough;
          return result;  // Destroying the stream cancels it.
        }
      }
      status = stream->Finish();
    }
    if (hooks.stop_requested()) {
      result.end = WatchEnd::kStopped;
      return result;
    }
    if (status.ok()) {
      result.end = WatchEnd::kStreamEnded;
      return result;
    }
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
        status.error_code() != grpc::StatusCode::CANCELLED) {
      result.end = WatchEnd::kFailed;
      result.status = std::move(status);
      return result;
    }
    const std::chrono::milliseconds delay = ReconnectDelay(backoff, attempt++, hooks.unit_random());
    if (hooks.on_reconnect) hooks.on_reconnect(status, delay, result.last_cursor);
    if (!hooks.sleep(delay)) {
      result.end = WatchEnd::kStopped;
      return result;
    }
  }
}

}  // namespace hotline::cli
