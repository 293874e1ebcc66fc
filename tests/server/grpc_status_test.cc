// ToGrpcStatus: the one mapping from absl::Status to grpc::Status keeps code and message.
#include "server/grpc_status.h"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

namespace hotline::server {
namespace {

TEST_CASE("OK maps to OK", "[grpc_status]") {
  const grpc::Status status = ToGrpcStatus(absl::OkStatus());
  CHECK(status.ok());
  CHECK(status.error_code() == grpc::StatusCode::OK);
  CHECK(status.error_message().empty());
}

TEST_CASE("every absl code maps to the gRPC code of the same name and keeps the message",
          "[grpc_status]") {
  // Spelled out by name, so a mapping by number that drifted would show.
  const std::vector<std::pair<absl::StatusCode, grpc::StatusCode>> codes = {
      {absl::StatusCode::kCancelled, grpc::StatusCode::CANCELLED},
      {absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN},
      {absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {absl::StatusCode::kDeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND},
      {absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
      {absl::StatusCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED},
      {absl::StatusCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED},
      {absl::StatusCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION},
      {absl::StatusCode::kAborted, grpc::StatusCode::ABORTED},
      {absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE},
      {absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED},
      {absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL},
      {absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
      {absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS},
      {absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
  };
  for (const auto& [absl_code, grpc_code] : codes) {
    DYNAMIC_SECTION(absl::StatusCodeToString(absl_code)) {
      const std::string message = "report.children[0].age: " + absl::StatusCodeToString(absl_code);
      const grpc::Status status = ToGrpcStatus(absl::Status(absl_code, message));
      CHECK_FALSE(status.ok());
      CHECK(status.error_code() == grpc_code);
      CHECK(status.error_message() == message);
      CHECK(status.error_details().empty());
    }
  }
}

TEST_CASE("the message is kept byte for byte with UTF-8 and new lines", "[grpc_status]") {
  const std::string message = "t.toml:3: 未知的键 'colour'\nt.toml:9: second error";
  const grpc::Status status = ToGrpcStatus(absl::FailedPreconditionError(message));
  CHECK(status.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(status.error_message() == message);
}

}  // namespace
}  // namespace hotline::server
