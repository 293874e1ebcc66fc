// Page tokens for List rpcs (Google API design, AIP-158): "<before_id>.<filter key>", where the
// key is a short hash of the request's filters, so a token only works with the filters it
// was issued for. Any request message with `page_size` and `page_token` fields works.
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"

namespace hotline::server {

// The token for the next page: items with ids below `before_id`.
std::string MakePageToken(int64_t before_id, const google::protobuf::Message& request);

// The before_id of request.page_token (0 for the first page). INVALID_ARGUMENT naming
// page_token when it is malformed or was issued for other filters.
absl::StatusOr<int64_t> ParsePageToken(const google::protobuf::Message& request);

}  // namespace hotline::server
