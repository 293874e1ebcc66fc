#include "tests/bench/machine.h"

#include <dirent.h>
#include <pthread.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

namespace hotline::bench {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

MachineInfo DescribeMachine() {
  MachineInfo info;
  info.nproc = static_cast<int>(std::thread::hardware_concurrency());
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon != std::string::npos)
      info.cpu_model = line.substr(line.find_first_not_of(' ', colon + 1));
    break;
  }
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  info.date_utc = buf;
  std::istringstream load(ReadAll("/proc/loadavg"));
  load >> info.load_average;
  return info;
}

ThreadCpu SampleThreadCpu(pid_t pid) {
  ThreadCpu out;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  while (dirent* entry = readdir(d)) {
    if (entry->d_name[0] == '.') continue;
    const std::string stat = ReadAll(dir + "/" + entry->d_name + "/stat");
    // "tid (comm) state ppid ... utime stime": comm may hold spaces; it ends at the last ')'.
    const size_t open = stat.find('(');
    const size_t close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    const std::string comm = stat.substr(open + 1, close - open - 1);
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    // Fields after comm: state(3) ... utime is field 14, stime 15 (1-based over the line).
    for (int i = 3; i <= 13 && rest >> field; ++i) {
    }
    long long utime = 0, stime = 0;
    rest >> utime >> stime;
    out[comm] += static_cast<double>(utime + stime) / tick;
  }
  closedir(d);
  return out;
}

ThreadCpu CpuDelta(const ThreadCpu& before, const ThreadCpu& after) {
  ThreadCpu out;
  for (const auto& [name, seconds] : after) {
    auto it = before.find(name);
    out[name] = seconds - (it == before.end() ? 0.0 : it->second);
  }
  return out;
}

Rss ReadRss(pid_t pid) {
  Rss rss;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    std::istringstream fields(line);
    std::string key;
    int64_t kb = 0;
    fields >> key >> kb;
    if (key == "VmRSS:") rss.rss_kb = kb;
    if (key == "VmHWM:") rss.hwm_kb = kb;
  }
  return rss;
}

std::map<pid_t, std::string> ListThreads(pid_t pid) {
  std::map<pid_t, std::string> out;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* entry = readdir(d)) {
    if (entry->d_name[0] == '.') continue;
    std::string name = ReadAll(dir + "/" + entry->d_name + "/comm");
    while (!name.empty() && name.back() == '\n') name.pop_back();
    out[static_cast<pid_t>(std::stoi(entry->d_name))] = name;
  }
  closedir(d);
  return out;
}

void NameThisThread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace hotline::bench
