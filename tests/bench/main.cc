// hotline_bench: issue 6's figures, each against this machine's ceiling measured in the same
// run, printed as one table (and JSON with --json / --json-out).
//   hotline_bench [--duration S] [--warmup S] [--quick] [--skip-memory] [--cases N]
//                 [--json] [--json-out FILE] [--routing-table FILE] [--hotlined PATH]
//                 [--work-dir DIR] [--cache-dir DIR] [--keep] [--stream-rate R]
// Exit: 0 when everything was measured (whatever the verdicts), 1 when a part failed, 2 usage.
#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "router/loader.h"
#include "server/hotline_server.h"
#include "tests/bench/breakdown.h"
#include "tests/bench/figures.h"
#include "tests/bench/machine.h"

namespace {

using namespace hotline::bench;

std::string BinaryDir() {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string(".") : self.parent_path().string();
}

// In-process servers log like hotlined (info, one line per call, flushed per line as stderr
// is), into a file so the table stays readable.
void LogToFile(const std::string& path) {
  auto logger = spdlog::basic_logger_mt("hotlined-in-process", path, true);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void Progress(const std::string& what) {
  std::fprintf(stderr, "hotline_bench: %s ...\n", what.c_str());
}

int Run(BenchOptions o) {
  std::filesystem::create_directories(o.work_dir);
  LogToFile(o.work_dir + "/in-process-server.log");
  auto table = hotline::router::LoadRoutingTableFile(o.routing_table);
  if (!table.ok()) {
    std::fprintf(stderr, "hotline_bench: %s\n", std::string(table.status().message()).c_str());
    return 1;
  }
  Results results(DescribeMachine());
  results.SetSetting(fmt::format(
      "{:g} s per point after {:g} s warm-up; callers {}; stream {:g} reports/s; {}", o.duration,
      o.warmup, fmt::join(o.concurrency, "/"), o.stream_rate,
      o.skip_memory || o.parts.count("memory") == 0 ? "memory skipped"
                                                    : fmt::format("{} cases", o.cases)));
  Measurements m;
  const auto want = [&o](const char* part) { return o.parts.count(part) > 0; };
  const double sqlite_seconds = std::max(0.5, o.duration * 0.4);
  if (want("sqlite")) {
    for (int batch : {1, 64, 256}) {
      Progress(fmt::format("SQLite ceiling, {} reports per transaction", batch));
      m.sqlite.emplace(
          batch, MeasureSqliteCeiling(o.work_dir + fmt::format("/ceiling-{}.db", batch), **table,
                                      batch, batch == 1 ? sqlite_seconds / 2 : sqlite_seconds));
    }
    for (WritePath path : {WritePath::kPreparedPerUse, WritePath::kLikeStore,
                           WritePath::kLikeStoreCached, WritePath::kLikeStoreCachedNoReadBack}) {
      Progress(fmt::format("SQLite with storage/'s habits ({})", static_cast<int>(path)));
      m.sqlite_paths.emplace(path, MeasureSqliteCeiling(o.work_dir + "/ceiling-path.db", **table,
                                                        64, sqlite_seconds, path));
    }
  }
  if (want("intake")) m.intake = MeasureIntake(o);
  if (want("breakdown")) {
    Progress("per-step costs and the store alone");
    m.breakdown =
        MeasureBreakdown(o.work_dir + "/breakdown", o.routing_table, std::max(0.4, o.duration / 2));
  }
  if (want("route")) {
    Progress("Route() on the default table");
    m.route_default = MeasureDefaultTable(**table, std::max(0.5, o.duration / 2));
    Progress("Route() on the generated 10,000-rule table");
    m.route_generated = MeasureGeneratedTable(std::max(0.5, o.duration / 2));
  }
  if (want("stream")) {
    Progress(fmt::format("stream latency at {:g} reports/s", o.stream_rate));
    m.stream = MeasureStream(o);
  }
  if (want("memory") && !o.skip_memory) {
    Progress(fmt::format("hotlined memory and start-up with {} cases", o.cases));
    m.memory = MeasureMemory(o);
  }

  AddFigures(m, Targets{}, o.concurrency.empty() ? 64 : o.concurrency.back(), &results);
  if (const IntakeFigures* in = Ok(m.intake)) {
    results.AddNote(fmt::format(
        "echo requests/answers padded to {} / {} bytes (a SubmitReportRequest / its Case); one "
        "client thread, one channel, in this process with the server",
        in->request_bytes, in->reply_bytes));
  }
  results.AddNote("ratios: value / ceiling; for latencies and memory, how many times the ceiling");
  results.PrintTable(std::cout);
  const std::string json = results.Json();
  if (o.json) std::cout << json << "\n";
  if (!o.json_out.empty()) std::ofstream(o.json_out) << json << "\n";
  std::cout.flush();

  const auto bad = [](const auto& part) { return part && !part->ok(); };
  bool failed =
      bad(m.intake) || bad(m.breakdown) || bad(m.route_generated) || bad(m.stream) || bad(m.memory);
  for (const auto& [batch, c] : m.sqlite) failed = failed || !c.ok();
  for (const auto& [path, c] : m.sqlite_paths) failed = failed || !c.ok();
  if (!o.keep) {
    std::error_code ignored;
    std::filesystem::remove_all(o.work_dir, ignored);
  }
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  hotline::server::ConfigureProcess();  // as hotlined does, before the echo ceiling and SQLite's
  NameThisThread("bench-main");
  BenchOptions o;
  const std::string bin = BinaryDir();
  const std::string build = std::filesystem::path(bin).parent_path().string();
  o.routing_table = std::string(HOTLINE_SOURCE_DIR) + "/config/routing.toml";
  o.hotlined = bin + "/hotlined";
  o.cache_dir = build + "/bench-cache";
  o.work_dir = build + "/bench-work/" + std::to_string(getpid());

  CLI::App app{"hotline_bench: issue 6's performance figures against this machine's ceilings"};
  double duration = -1;
  int64_t cases = -1;
  app.add_option("--duration", duration, "Seconds measured per point (default 5; --quick 2)");
  app.add_option("--warmup", o.warmup, "Seconds of warm-up before each point")
      ->capture_default_str();
  app.add_flag("--quick", o.quick, "Shorter points and 100,000 cases");
  app.add_flag("--skip-memory", o.skip_memory, "Skip the N-case memory and start-up figures");
  std::vector<std::string> parts;
  app.add_option("--parts", parts,
                 "Measure only these parts (default all): sqlite, intake, breakdown, route, "
                 "stream, memory")
      ->delimiter(',')
      ->check(CLI::IsMember({"sqlite", "intake", "breakdown", "route", "stream", "memory"}));
  app.add_option("--cases", cases, "Stored cases for memory and start-up (default 1,000,000)");
  app.add_option("--concurrency", o.concurrency, "Callers per point (the last one is judged)")
      ->capture_default_str();
  app.add_option("--stream-rate", o.stream_rate, "Reports/s during the stream measurement")
      ->capture_default_str();
  app.add_flag("--json", o.json, "Also print the figures as one JSON line after the table");
  app.add_option("--json-out", o.json_out, "Also write the JSON to this file");
  app.add_option("--routing-table", o.routing_table, "The default routing table")
      ->capture_default_str();
  app.add_option("--hotlined", o.hotlined, "The hotlined binary")->capture_default_str();
  app.add_option("--cache-dir", o.cache_dir, "Where filled databases are kept")
      ->capture_default_str();
  app.add_option("--work-dir", o.work_dir, "Temporary databases (removed at exit)");
  app.add_flag("--keep", o.keep, "Keep the work directory");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (o.quick) {
    o.duration = 2;
    o.warmup = std::min(o.warmup, 0.5);
    o.cases = 100000;
  }
  if (!parts.empty()) o.parts = std::set<std::string>(parts.begin(), parts.end());
  if (duration >= 0) o.duration = duration;
  if (cases >= 0) o.cases = cases;
  if (o.duration <= 0 || o.cases < 1 || o.stream_rate <= 0 || o.concurrency.empty()) {
    std::fprintf(
        stderr,
        "hotline_bench: --duration, --cases, --stream-rate and --concurrency must be positive\n");
    return 2;
  }
  try {
    return Run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hotline_bench: unexpected error: %s\n", e.what());
    return 1;
  }
}
