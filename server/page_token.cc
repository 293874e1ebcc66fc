#include "server/page_token.h"

#include <memory>

#include <fmt/format.h>

#include "server/mapping.h"

namespace hotline::server {
namespace {

// A short hash of everything in the request but the paging fields.
std::string FilterKey(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> filters(request.New());
  filters->CopyFrom(request);
  const google::protobuf::Reflection* reflection = filters->GetReflection();
  for (const char* name : {"page_size", "page_token"}) {
    if (const auto* field = filters->GetDescriptor()->FindFieldByName(name)) {
      reflection->ClearField(filters.get(), field);
    }
  }
  return Sha256Hex(filters->SerializeAsString()).substr(0, 12);
}

std::string PageTokenField(const google::protobuf::Message& request) {
  const auto* field = request.GetDescriptor()->FindFieldByName("page_token");
  return field == nullptr ? "" : request.GetReflection()->GetString(request, field);
}

}  // namespace

std::string MakePageToken(int64_t before_id, const google::protobuf::Message& request) {
  return fmt::format("{}.{}", before_id, FilterKey(request));
}

absl::StatusOr<int64_t> ParsePageToken(const google::protobuf::Message& request) {
  const std::string token = PageTokenField(request);
  if (token.empty()) return 0;
  const size_t dot = token.find('.');
  int64_t before = 0;
  bool ok = dot != std::string::npos && dot > 0 && dot <= 18;
  for (size_t i = 0; ok && i < dot; ++i) {
    ok = token[i] >= '0' && token[i] <= '9';
    before = before * 10 + (token[i] - '0');
  }
  if (!ok || before <= 0) return absl::InvalidArgumentError("page_token: malformed");
  if (token.substr(dot + 1) != FilterKey(request)) {
    return absl::InvalidArgumentError("page_token: was issued for different filters");
  }
  return before;
}

}  // namespace hotline::server
