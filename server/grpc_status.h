// The one place where the domain's absl::Status becomes a gRPC status.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace hotline::server {

// Same code, same message. OK maps to OK.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace hotline::server
