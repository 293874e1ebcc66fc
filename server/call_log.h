// Finishing a unary call: maps the status, writes one log line (rpc, caller, case number,
// code; never personal data) and finishes the reactor.
#pragma once

#include <string_view>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "absl/status/status.h"

namespace hotline::server {

// The log line alone (streams finish on their own reactor).
void LogCall(std::string_view rpc, std::string_view caller, std::string_view case_number,
             const absl::Status& status);

// A server stream refused before it began: the caller Finish()es it with the error; it
// deletes itself when gRPC is done with it.
template <typename Response>
class RefusedStream final : public grpc::ServerWriteReactor<Response> {
 public:
  void OnDone() override { delete this; }
};

grpc::ServerUnaryReactor* FinishCall(grpc::CallbackServerContext* context, std::string_view rpc,
                                     std::string_view caller, std::string_view case_number,
                                     const absl::Status& status);

// For completions that happen later (on the store's completion thread).
void FinishReactor(grpc::ServerUnaryReactor* reactor, std::string_view rpc,
                   std::string_view caller, std::string_view case_number,
                   const absl::Status& status);

}  // namespace hotline::server
