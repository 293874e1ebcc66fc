// hotlined's configuration: a plain struct with its defaults, loaded from TOML.
// Unknown keys and wrong types are errors with file:line.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace hotline::server {

struct ServerConfig {
  // Address to listen on, host:port. Port 0 picks a free port (printed at start).
  std::string listen = "127.0.0.1:50051";
  // TLS (issue 5): PEM files of the server's certificate chain and private key. Both or
  // neither. Without them the server speaks plaintext, which it does only on a loopback
  // address unless allow_insecure is true.
  std::string tls_cert;
  std::string tls_key;
  // PEM file of the CA that signs client certificates; when set, clients must present one.
  std::string tls_client_ca;
  // Listen without TLS on a non-loopback address anyway (a warning is logged). For a network
  // that already encrypts (a service mesh), never for the open internet.
  bool allow_insecure = false;
  // SQLite database file.
  std::string db_path = "var/hotline.db";
  // Routing table (TOML). Relative paths are relative to the working directory.
  std::string routing_table = "config/routing.toml";
  // trace, debug, info, warn, error.
  std::string log_level = "info";
  // Largest request accepted, bytes.
  int max_message_bytes = 1 << 20;
  // Writes committed together at most (group commit).
  int max_batch = 256;
  // How long a write waits for a database lock held by another process (a backup tool, an
  // administrator's sqlite3) before the call fails with UNAVAILABLE, milliseconds.
  int db_busy_timeout_ms = 5000;
  // Seconds to let in-flight calls finish on SIGTERM/SIGINT.
  int shutdown_grace_seconds = 5;
  // Calls per second each principal may make (token bucket; bursts up to twice that after a
  // quiet spell); more is RESOURCE_EXHAUSTED. 0: no limit (the built-in default, for tests
  // and benchmarks; config/hotlined.toml sets 200).
  int rate_limit_per_second = 0;
  // Concurrent Desk.WatchAssignments streams per principal; more is RESOURCE_EXHAUSTED.
  int max_streams_per_principal = 8;
  // gRPC's memory for connections and calls in flight, MB, before any call is authenticated:
  // beyond it streams are refused (RESOURCE_EXHAUSTED) and new connections wait.
  int transport_memory_mb = 256;
  // Retention: personal data of cases closed longer than this many days is erased (names,
  // phones, addresses, narratives, notes); 0 keeps it (the default). Checked at start and
  // every hour.
  int retention_days = 0;
};

// Reads `path`. Missing keys keep their defaults.
absl::StatusOr<ServerConfig> LoadServerConfig(const std::string& path);

// Why `listen` is not an address hotlined can listen on ("host:port" with a port of 0 to
// 65535, "[::1]:port", or "unix:/path"), or "" when it is one.
std::string ListenProblem(std::string_view listen);

}  // namespace hotline::server
