// Output helpers shared by the commands: protobuf JSON, local times, status-code names and
// the one-line error format "hotline: <CODE>: <message>". Thread-safe.
#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>
#include <grpcpp/support/status.h>

#include <string>

namespace hotline::cli {

// `message` in protobuf's JSON mapping, on one line (no trailing newline).
std::string ToJson(const google::protobuf::Message& message);

// Local time "YYYY-MM-DD HH:MM" (":SS" added when `with_seconds`); "" for an unset time.
std::string FormatLocalTime(const google::protobuf::Timestamp& time, bool with_seconds = false);

// "OK", "CANCELLED", … "UNAUTHENTICATED"; "UNKNOWN" for a code out of range.
std::string StatusCodeName(grpc::StatusCode code);

// "hotline: <CODE>: <message>", on one line (line breaks in the message become spaces).
std::string RpcErrorLine(const grpc::Status& status);

// "hotline: <text>", on one line.
std::string ErrorLine(std::string_view text);

// The first 12 characters of `hash` unless `full`.
std::string ShortHash(const std::string& hash, bool full);

}  // namespace hotline::cli
