// HotlineServer: opens the store, loads the routing table, and serves Intake, Admin, health
// and reflection on one gRPC server. Start() returns once the server listens.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/config.h"

namespace hotline::server {

// Process-wide settings for a serving process, called first thing in main() (hotlined and
// the benchmark, whose echo ceiling must run on the same stack):
//  - absl::Mutex's lock-order graph off. Debian builds abseil without NDEBUG, so every lock
//    gRPC takes also updates a deadlock-detection graph (GraphCycles in a profile); abseil's
//    release builds leave it off. Measured: echo calls/s +15-20% on 2 cores.
//  - storage::sqlite::ConfigureLibrary(): SQLite's global memory-statistics mutex off.
void ConfigureProcess();

class HotlineServer {
 public:
  static absl::StatusOr<std::unique_ptr<HotlineServer>> Start(const ServerConfig& config);
  ~HotlineServer();

  // The port actually bound (useful with port 0).
  int port() const;

  // Applies the configured routing-table file as a new version when it changed (SIGHUP). On
  // error the current table stays in force and the error (file:line) is returned.
  absl::Status ReloadRoutingTable();

  // Retention: purges what config.retention_days says is due (nothing when it is 0).
  absl::StatusOr<int> RunRetention();

  // Logs the audit chain's head ("audit chain head seq=N hash=H"): kept in logs that leave
  // the machine, it is an anchor for `hotline audit verify --anchor`, which then shows events
  // removed from the log's end or a log rewritten before it. hotlined logs it at start and
  // every hour; Shutdown logs it last.
  void LogChainHead();

  // Stops accepting calls, lets in-flight calls finish for up to `grace`, then cancels the
  // rest. Queued writes are committed before the store closes.
  void Shutdown(std::chrono::seconds grace);

 private:
  struct Impl;
  explicit HotlineServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hotline::server
