#include "tests/bench/in_process_server.h"

#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "storage/store.h"
#include "tests/bench/machine.h"
#include "tests/bench/sqlite_ceiling.h"

namespace hotline::bench {

absl::StatusOr<InProcessServer> StartInProcessServer(const std::string& dir,
                                                     const std::string& routing_table,
                                                     const std::string& thread_prefix) {
  InProcessServer out;
  out.db_path = dir + "/hotline.db";
  RemoveDatabaseFiles(out.db_path);
  {
    storage::StoreOptions options;
    options.path = out.db_path;
    auto store = storage::Store::Open(options);
    if (!store.ok()) return store.status();
    auto op = (*store)->IssueToken("operator", "bench-operator", {}, "hotline_bench");
    if (!op.ok()) return op.status();
    auto sup = (*store)->IssueToken("supervisor", "bench-supervisor", {}, "hotline_bench");
    if (!sup.ok()) return sup.status();
    out.operator_token = *op;
    out.supervisor_token = *sup;
  }
  server::ServerConfig config;  // the built-in defaults: no rate limit, max_batch 256
  config.listen = "127.0.0.1:0";
  config.db_path = out.db_path;
  config.routing_table = routing_table;
  NameThisThread(thread_prefix + "-server");
  auto started = server::HotlineServer::Start(config);
  NameThisThread("bench-main");
  if (!started.ok()) return started.status();
  out.server = *std::move(started);
  out.address = "127.0.0.1:" + std::to_string(out.server->port());
  return out;
}

}  // namespace hotline::bench
