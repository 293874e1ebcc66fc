// Checks of the global flags every command depends on, made before the command runs (so
// before any question is asked on a terminal): a failure is a usage error and nothing is
// sent. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "cli/i18n.h"
#include "cli/result.h"

namespace hotline::cli {

// The token to send: `text` without the whitespace around it (a pasted token often brings
// "\r\n"). Fails, naming --token/HOTLINE_TOKEN, when nothing is left (every call needs a
// token) or when it holds a character no token has: anything but visible ASCII (gRPC aborts
// the process on a line break or a non-ASCII byte in a header). The message names the
// character's position and code point, never the token.
Result<std::string> CheckToken(std::string_view text, const Ui& ui);

// `text` when it is an address to connect to: "host:port" or "[IPv6]:port" with a port of 1
// to 65535, or "unix:PATH" (a server listening on a socket file). Fails, naming
// --server/HOTLINE_SERVER, the address and the reason, on anything else (gRPC would wrap a
// port over 65535 around, or look up " host" or "http://host" in the DNS).
Result<std::string> CheckServer(std::string_view text, const Ui& ui);

}  // namespace hotline::cli
