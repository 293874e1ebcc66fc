// The RPC ceiling: a callback-API Echo service on a grpc::ServerBuilder set up exactly as
// HotlineServer::Start sets up hotlined's (insecure port, the same receive limit, the default
// health service and the reflection plugin). Thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "echo.grpc.pb.h"

namespace hotline::bench {

class EchoServer {
 public:
  // Listens on `listen` (host:0 picks a port) with `max_message_bytes` as the receive limit.
  static absl::StatusOr<std::unique_ptr<EchoServer>> Start(const std::string& listen,
                                                           int max_message_bytes);
  ~EchoServer();
  int port() const { return port_; }

 private:
  class Service;
  EchoServer();
  std::unique_ptr<Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace hotline::bench
