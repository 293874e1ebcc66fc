// SHA-256 and random tokens (OpenSSL). Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hotline::storage {

// Lower-case hex SHA-256 of `bytes` (64 characters).
std::string Sha256Hex(std::string_view bytes);

// `n` bytes from OpenSSL's CSPRNG; INTERNAL if it is not seeded.
absl::StatusOr<std::string> RandomBytes(int n);

// Unpadded base64url (RFC 4648 §5).
std::string Base64Url(std::string_view bytes);

}  // namespace hotline::storage
