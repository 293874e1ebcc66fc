// What the figures were measured on, and where a process spends its CPU: per-thread CPU
// time from /proc (perf is not available on the shared machines). Thread-safe (no state).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

namespace hotline::bench {

struct MachineInfo {
  int nproc = 0;
  std::string cpu_model;    // /proc/cpuinfo "model name"
  std::string date_utc;     // "2026-12-01 17:02:13 UTC"
  double load_average = 0;  // 1-minute load when the run started
};

MachineInfo DescribeMachine();

// CPU seconds (user + system) per thread name ("comm") of process `pid`, summed over the
// threads that share a name.
using ThreadCpu = std::map<std::string, double>;
ThreadCpu SampleThreadCpu(pid_t pid);

// after - before, per name (names that appeared later count from zero).
ThreadCpu CpuDelta(const ThreadCpu& before, const ThreadCpu& after);

// Resident set and its peak, kB, from /proc/<pid>/status; -1 when unreadable.
struct Rss {
  int64_t rss_kb = -1;
  int64_t hwm_kb = -1;
};
Rss ReadRss(pid_t pid);

// Thread id -> name of every thread of `pid`, by id.
std::map<pid_t, std::string> ListThreads(pid_t pid);


// Names the calling thread (at most 15 characters; threads it starts inherit the name).
void NameThisThread(const std::string& name);

}  // namespace hotline::bench
