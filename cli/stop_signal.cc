#include "cli/stop_signal.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace hotline::cli {
namespace {

constexpr std::chrono::milliseconds kPollStep{50};

std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void OnStopSignal(int /*signal*/) { stop_requested.store(true); }

}  // namespace

void InstallStopSignals() {
  struct sigaction action {};
  action.sa_handler = &OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // A second signal takes the default action.
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool StopRequested() { return stop_requested.load(); }

bool SleepUnlessStopped(std::chrono::milliseconds delay) {
  const auto until = std::chrono::steady_clock::now() + delay;
  for (;;) {
    if (StopRequested()) return false;
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(kPollStep, until - now));
  }
}

}  // namespace hotline::cli
