#include "cli/stop_signal.h"

#include <signal.h>

#include <catch2/catch.hpp>

namespace hotline::cli {
namespace {

using std::chrono::milliseconds;

TEST_CASE("The first SIGTERM only requests a stop", "[stop_signal]") {
  InstallStopSignals();
  REQUIRE_FALSE(StopRequested());
  CHECK(SleepUnlessStopped(milliseconds(1)));
  REQUIRE(raise(SIGTERM) == 0);  // Would end the test binary without the handler.
  CHECK(StopRequested());
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(SleepUnlessStopped(milliseconds(10'000)));
  CHECK(std::chrono::steady_clock::now() - start < milliseconds(1'000));
  // The handler reset itself: a second signal would take the default action.
  struct sigaction current {};
  REQUIRE(sigaction(SIGTERM, nullptr, &current) == 0);
  CHECK(current.sa_handler == SIG_DFL);
}

}  // namespace
}  // namespace hotline::cli
