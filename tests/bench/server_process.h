// The real hotlined as a child process: started with posix_spawn, ready when it prints
// "hotlined: serving on HOST:PORT", measured through /proc/<pid>, stopped with SIGTERM.
// Not thread-safe.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace hotline::bench {

// Runs `argv` to completion; its stdout (stderr goes to `log_path`). Non-zero exit is an error.
absl::StatusOr<std::string> RunToCompletion(const std::vector<std::string>& argv,
                                            const std::string& log_path);

class ServerProcess {
 public:
  // Spawns `argv` (stderr appended to `log_path`) and waits up to `timeout_seconds` for the
  // serving line. The start-up time runs from just before the spawn to that line.
  static absl::StatusOr<ServerProcess> Start(const std::vector<std::string>& argv,
                                             const std::string& log_path, double timeout_seconds);
  ServerProcess(ServerProcess&& other) noexcept;
  ServerProcess& operator=(ServerProcess&&) = delete;
  // Stops the server if it still runs.
  ~ServerProcess();

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  double startup_seconds() const { return startup_seconds_; }

  // SIGTERM, then waits up to `timeout_seconds` (SIGKILL after). The exit status.
  int Stop(double timeout_seconds);

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
  double startup_seconds_ = 0;
};

}  // namespace hotline::bench
