// The real server in this process: HotlineServer::Start on 127.0.0.1:0 with a fresh database
// in `dir`, an operator and a supervisor token issued through storage::Store::IssueToken (the
// path `hotlined token issue` takes). Not thread-safe.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/hotline_server.h"

namespace hotline::bench {

struct InProcessServer {
  std::unique_ptr<server::HotlineServer> server;
  std::string address;  // "127.0.0.1:<port>"
  std::string operator_token;
  std::string supervisor_token;
  std::string db_path;
};

// The server's threads name themselves ("hl-writer", "hl-complete", "hl-hub", "hl-escalator";
// gRPC's threads too), so their CPU time can be told apart; threads started while the server
// starts otherwise carry "<thread_prefix>-server".
absl::StatusOr<InProcessServer> StartInProcessServer(const std::string& dir,
                                                     const std::string& routing_table,
                                                     const std::string& thread_prefix);

}  // namespace hotline::bench
