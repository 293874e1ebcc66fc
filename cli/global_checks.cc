#include "cli/global_checks.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <optional>

#include "cli/report_flags.h"

namespace hotline::cli {
namespace {

// The code point starting at text[*at] (advancing *at past it); a byte that starts no valid
// UTF-8 sequence is returned as itself. main() has already refused arguments that are not
// UTF-8, but the token may come from the environment.
uint32_t NextCodePoint(std::string_view text, size_t* at) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(*at);
  const size_t length = lead < 0x80           ? 1
                        : (lead >> 5) == 0x6  ? 2
                        : (lead >> 4) == 0xE  ? 3
                        : (lead >> 3) == 0x1E ? 4
                                              : 1;
  if (length == 1 || *at + length > text.size()) return byte((*at)++);
  uint32_t code = lead & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) code = (code << 6) | (byte(*at + i) & 0x3F);
  *at += length;
  return code;
}

// Why `address` is not one CheckServer accepts, or nullopt.
std::optional<Msg> ServerProblem(std::string_view address) {
  if (address.empty()) return Msg::kServerEmpty;
  for (const char c : address) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return Msg::kServerSpace;
  }
  if (address.starts_with("unix:")) {
    return address.size() > 5 ? std::nullopt : std::optional<Msg>(Msg::kServerNoSocket);
  }
  if (address.find("://") != std::string_view::npos) return Msg::kServerScheme;
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return Msg::kServerNotHostPort;
  const std::string_view host = address.substr(0, colon);
  const std::string_view port = address.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return Msg::kServerIpv6;
  } else if (host.find(':') != std::string_view::npos) {
    return Msg::kServerIpv6;
  } else if (host.find_first_of("/[]") != std::string_view::npos) {
    return Msg::kServerNotHostPort;
  }
  int value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || port.front() == '+' || error != std::errc() ||
      end != port.data() + port.size() || value < 1 || value > 65535) {
    return Msg::kServerPort;
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> CheckServer(std::string_view text, const Ui& ui) {
  if (std::optional<Msg> problem = ServerProblem(text)) {
    return Error{ui.Format(Msg::kBadServer, text, ui(*problem))};
  }
  return std::string(text);
}

Result<std::string> CheckToken(std::string_view text, const Ui& ui) {
  const std::string token = Trim(text);
  if (token.empty()) return Error{ui(Msg::kNoToken)};
  size_t position = 1;
  for (size_t at = 0; at < token.size(); ++position) {
    const size_t start = at;
    const uint32_t code = NextCodePoint(token, &at);
    if (code > 0x20 && code < 0x7F && at == start + 1) continue;
    return Error{ui.Format(Msg::kBadToken, fmt::format("U+{:04X}", code), position)};
  }
  return token;
}

}  // namespace hotline::cli
