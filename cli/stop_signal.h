// SIGINT and SIGTERM as a request to stop, for commands that run until interrupted (`desk
// watch`): after InstallStopSignals() the first such signal only sets a flag that the command
// polls (the handler is async-signal-safe); the handler then resets itself, so a second
// signal ends the process as usual. Thread-safe.
#pragma once

#include <chrono>

namespace hotline::cli {

void InstallStopSignals();

// True once SIGINT or SIGTERM arrived after InstallStopSignals().
bool StopRequested();

// Sleeps `delay` in short steps; returns false as soon as a stop is requested (true when the
// whole delay passed).
bool SleepUnlessStopped(std::chrono::milliseconds delay);

}  // namespace hotline::cli
