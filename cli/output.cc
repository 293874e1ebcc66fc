#include "cli/output.h"

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

#include <ctime>

#include "cli/table.h"

namespace hotline::cli {
namespace {

constexpr size_t kShortHashLength = 12;

}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  const auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return "{}";
  return out;
}

std::string FormatLocalTime(const google::protobuf::Timestamp& time, bool with_seconds) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  const std::time_t seconds = static_cast<std::time_t>(time.seconds());
  std::tm local{};
  if (localtime_r(&seconds, &local) == nullptr) return "";
  char buffer[32];
  const char* format = with_seconds ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M";
  const size_t n = std::strftime(buffer, sizeof buffer, format, &local);
  return std::string(buffer, n);
}

std::string StatusCodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  const int index = static_cast<int>(code);
  if (index < 0 || index >= static_cast<int>(std::size(kNames))) return "UNKNOWN";
  return kNames[index];
}

std::string RpcErrorLine(const grpc::Status& status) {
  return ErrorLine(
      fmt::format("{}: {}", StatusCodeName(status.error_code()), status.error_message()));
}

std::string ErrorLine(std::string_view text) { return "hotline: " + OneLine(text); }

std::string ShortHash(const std::string& hash, bool full) {
  return full ? hash : hash.substr(0, kShortHashLength);
}

}  // namespace hotline::cli
