// hotline_bench's settings (flags in main.cc), with their defaults.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace hotline::bench {

struct BenchOptions {
  double duration = 5;  // seconds measured per point (after the warm-up)
  double warmup = 1;    // seconds run before each point, not counted
  bool quick = false;
  bool skip_memory = false;
  // The parts measured (--parts); --skip-memory takes "memory" out.
  std::set<std::string> parts = {"sqlite", "intake", "breakdown", "route", "stream", "memory"};
  int64_t cases = 1000000;  // stored cases for the memory and start-up figures
  std::vector<int> concurrency = {1, 16, 64};
  double stream_rate = 1000;  // reports/s while the watcher measures
  std::string routing_table;  // default: <source>/config/routing.toml
  std::string work_dir;       // temporary databases (removed at exit unless --keep)
  std::string cache_dir;      // the filled N-case databases, reused across runs
  std::string hotlined;       // the server binary for the memory figures
  bool keep = false;
  bool json = false;     // also print one JSON line after the table
  std::string json_out;  // also write the JSON to this file
};

}  // namespace hotline::bench
