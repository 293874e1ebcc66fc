#include "tests/bench/memory_bench.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "hotline/v1/intake.grpc.pb.h"
#include "tests/bench/calls.h"
#include "tests/bench/case_fill.h"
#include "tests/bench/machine.h"
#include "tests/bench/server_process.h"
#include "tests/bench/sqlite_ceiling.h"

namespace hotline::bench {
namespace {

constexpr int kStarts = 3;

double Megabytes(int64_t kb) { return static_cast<double>(kb) / 1024.0; }

// A config like config/hotlined.toml, without a rate limit (the load is one principal).
absl::Status WriteConfig(const std::string& path, const std::string& db,
                         const std::string& routing_table) {
  std::ofstream out(path);
  out << "listen = \"127.0.0.1:0\"\n"
      << "db = \"" << db << "\"\n"
      << "routing_table = \"" << routing_table << "\"\n"
      << "log_level = \"info\"\n"
      << "max_message_bytes = 1048576\n"
      << "max_batch = 256\n"
      << "shutdown_grace_seconds = 2\n"
      << "rate_limit_per_second = 0\n";
  return out ? absl::OkStatus() : absl::InternalError("cannot write " + path);
}

absl::StatusOr<ServerMemory> MeasureServer(const BenchOptions& options, const std::string& dir,
                                           const std::string& db) {
  const std::string config = dir + "/hotlined.toml";
  const std::string log = dir + "/hotlined.stderr";
  if (absl::Status s = WriteConfig(config, db, options.routing_table); !s.ok()) return s;
  auto token = RunToCompletion({options.hotlined, "token", "issue", "--config", config, "--role",
                                "operator", "--name", "bench-operator"},
                               log);
  if (!token.ok()) return token.status();
  std::string operator_token = *token;
  while (!operator_token.empty() && operator_token.back() == '\n') operator_token.pop_back();

  ServerMemory m;
  std::vector<double> starts;
  for (int i = 0; i < kStarts; ++i) {
    auto server = ServerProcess::Start({options.hotlined, "--config", config}, log, 60);
    if (!server.ok()) return server.status();
    starts.push_back(server->startup_seconds());
    if (i + 1 < kStarts) {
      server->Stop(10);
      continue;
    }
    // The last start: memory at rest, then after some work.
    m.rss_serving_mb = Megabytes(ReadRss(server->pid()).rss_kb);
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server->port()),
                                       grpc::InsecureChannelCredentials());
    auto intake = v1::Intake::NewStub(channel);
    LoadSpec spec;
    spec.concurrency = 16;
    spec.warmup_seconds = 0;
    spec.duration_seconds = std::max(1.0, std::min(3.0, options.duration));
    const LoadResult load =
        RunUnaryLoad(SubmitFactory(intake.get(), operator_token, "memory"), spec);
    m.load_per_second = load.per_second;
    m.load_error = load.first_error;
    // Reads over the whole table: the newest page and pages further back.
    for (int page = 0; page < 20; ++page) {
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + operator_token);
      v1::ListCasesRequest request;
      request.set_page_size(100);
      v1::ListCasesResponse response;
      (void)intake->ListCases(&context, request, &response);
    }
    const Rss rss = ReadRss(server->pid());
    m.rss_after_load_mb = Megabytes(rss.rss_kb);
    m.hwm_mb = Megabytes(rss.hwm_kb);
    server->Stop(10);
  }
  std::sort(starts.begin(), starts.end());
  m.startup_seconds = starts[starts.size() / 2];
  m.startup_min = starts.front();
  m.startup_max = starts.back();
  return m;
}

}  // namespace

absl::StatusOr<MemoryFigures> MeasureMemory(const BenchOptions& options) {
  MemoryFigures out;
  out.cases = options.cases;
  if (!std::filesystem::exists(options.hotlined)) {
    return absl::NotFoundError("hotlined not found at " + options.hotlined +
                               " (build it, or pass --hotlined)");
  }
  auto filled = EnsureFilledDatabase(options.cache_dir, options.cases, options.routing_table);
  if (!filled.ok()) return filled.status();
  out.cache_reused = filled->reused;
  out.fill_seconds = filled->fill_seconds;
  out.db_megabytes = static_cast<double>(std::filesystem::file_size(filled->path)) / (1 << 20);

  const std::string empty_dir = options.work_dir + "/memory-empty";
  std::filesystem::create_directories(empty_dir);
  RemoveDatabaseFiles(empty_dir + "/hotline.db");
  auto empty = MeasureServer(options, empty_dir, empty_dir + "/hotline.db");
  if (!empty.ok()) return empty.status();
  out.empty = *empty;

  const std::string dir = options.work_dir + "/memory-filled";
  std::filesystem::create_directories(dir);
  std::fprintf(stderr, "hotline_bench: copying the %lld-case database (%.0f MB) ...\n",
               static_cast<long long>(options.cases), out.db_megabytes);
  const std::string copy = dir + "/hotline.db";
  RemoveDatabaseFiles(copy);
  std::filesystem::copy_file(filled->path, copy, std::filesystem::copy_options::overwrite_existing);
  for (const char* suffix : {"-wal"}) {
    if (std::filesystem::exists(filled->path + suffix)) {
      std::filesystem::copy_file(filled->path + suffix, copy + suffix,
                                 std::filesystem::copy_options::overwrite_existing);
    }
  }
  auto full = MeasureServer(options, dir, copy);
  if (!full.ok()) return full.status();
  out.filled = *full;
  return out;
}

}  // namespace hotline::bench
