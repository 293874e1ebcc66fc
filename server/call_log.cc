#include "server/call_log.h"

#include <spdlog/spdlog.h>

#include "absl/status/status.h"
#include "server/grpc_status.h"

namespace hotline::server {

void LogCall(std::string_view rpc, std::string_view caller, std::string_view case_number,
             const absl::Status& status) {
  // Messages are the server's own words (field paths and reasons), never user content.
  if (status.ok()) {
    spdlog::info("{} by {} {}: OK", rpc, caller, case_number);
  } else {
    spdlog::info("{} by {} {}: {}: {}", rpc, caller, case_number,
                 absl::StatusCodeToString(status.code()), std::string(status.message()));
  }
}

void FinishReactor(grpc::ServerUnaryReactor* reactor, std::string_view rpc,
                   std::string_view caller, std::string_view case_number,
                   const absl::Status& status) {
  LogCall(rpc, caller, case_number, status);
  reactor->Finish(ToGrpcStatus(status));
}

grpc::ServerUnaryReactor* FinishCall(grpc::CallbackServerContext* context, std::string_view rpc,
                                     std::string_view caller, std::string_view case_number,
                                     const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  FinishReactor(reactor, rpc, caller, case_number, status);
  return reactor;
}

}  // namespace hotline::server
