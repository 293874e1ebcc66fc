// Finishing a unary call: maps the status, writes one log line (rpc, caller, case number,
// code; never personal data) and finishes the reactor.
#pragma once

#include <string_view>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "absl/status/status.h"

namespace hotline::server {

grpc::ServerUnaryReactor* FinishCall(grpc::CallbackServerContext* context, std::string_view rpc,
                                     std::string_view caller, std::string_view case_number,
                                     const absl::Status& status);

// For completions that happen later (on the store's writer thread).
void FinishReactor(grpc::ServerUnaryReactor* reactor, std::string_view rpc,
                   std::string_view caller, std::string_view case_number,
                   const absl::Status& status);

}  // namespace hotline::server
