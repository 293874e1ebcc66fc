// Client-generated request ids for idempotent creates: a UUID v4, generated once per command
// and reused by every retry. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace hotline::cli {

// The UUID v4 text ("xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx", lower-case hex, V in 8..b) of 16
// random bytes; the version and variant bits are set here.
std::string FormatUuidV4(std::array<uint8_t, 16> bytes);

// A fresh UUID v4 from std::random_device.
std::string NewRequestId();

}  // namespace hotline::cli
