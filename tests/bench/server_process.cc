#include "tests/bench/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <utility>

#include "tests/bench/stats.h"

extern char** environ;

namespace hotline::bench {
namespace {

// Spawns `argv` with stdout to a new pipe (returned in *read_fd) and stderr appended to
// `log_path`.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& log_path,
                            int* read_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return absl::InternalError("cannot start " + argv[0]);
  }
  *read_fd = fds[0];
  return pid;
}

int WaitExit(pid_t pid, double timeout_seconds) {
  const SteadyClock::time_point until =
      SteadyClock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_seconds * 1000));
  int status = 0;
  for (;;) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0) return -1;
    if (SteadyClock::now() >= until) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return 128 + SIGKILL;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

absl::StatusOr<std::string> RunToCompletion(const std::vector<std::string>& argv,
                                            const std::string& log_path) {
  int fd = -1;
  absl::StatusOr<pid_t> pid = Spawn(argv, log_path, &fd);
  if (!pid.ok()) return pid.status();
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fd);
  const int code = WaitExit(*pid, 600);
  if (code != 0) {
    return absl::InternalError(argv[0] + " exited with " + std::to_string(code) + " (see " +
                               log_path + ")");
  }
  return out;
}

absl::StatusOr<ServerProcess> ServerProcess::Start(const std::vector<std::string>& argv,
                                                   const std::string& log_path,
                                                   double timeout_seconds) {
  ServerProcess p;
  const SteadyClock::time_point start = SteadyClock::now();
  absl::StatusOr<pid_t> pid = Spawn(argv, log_path, &p.stdout_fd_);
  if (!pid.ok()) return pid.status();
  p.pid_ = *pid;
  const std::string prefix = "hotlined: serving on ";
  std::string pending;
  for (;;) {
    const double left = timeout_seconds - Seconds(SteadyClock::now() - start);
    if (left <= 0)
      return absl::DeadlineExceededError("hotlined did not serve in time (see " + log_path + ")");
    pollfd pfd{p.stdout_fd_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left * 1000) + 1) <= 0) continue;
    char buf[512];
    const ssize_t n = read(p.stdout_fd_, buf, sizeof(buf));
    if (n <= 0) return absl::InternalError("hotlined exited before serving (see " + log_path + ")");
    pending.append(buf, static_cast<size_t>(n));
    const size_t newline = pending.find('\n');
    if (newline == std::string::npos) continue;
    const std::string line = pending.substr(0, newline);
    p.startup_seconds_ = Seconds(SteadyClock::now() - start);
    if (line.rfind(prefix, 0) != 0) {
      return absl::InternalError("unexpected first line from hotlined: " + line);
    }
    p.port_ = std::stoi(line.substr(line.rfind(':') + 1));
    return p;
  }
}

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      stdout_fd_(std::exchange(other.stdout_fd_, -1)),
      port_(other.port_),
      startup_seconds_(other.startup_seconds_) {}

ServerProcess::~ServerProcess() { Stop(10); }

int ServerProcess::Stop(double timeout_seconds) {
  if (pid_ <= 0) return 0;
  kill(pid_, SIGTERM);
  const int code = WaitExit(pid_, timeout_seconds);
  pid_ = -1;
  if (stdout_fd_ >= 0) close(stdout_fd_);
  stdout_fd_ = -1;
  return code;
}

}  // namespace hotline::bench
