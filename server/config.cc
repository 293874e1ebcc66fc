#include "server/config.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "absl/status/status.h"
#include "router/toml_depth.h"

namespace hotline::server {
namespace {

std::string Where(const std::string& path, const toml::node& node) {
  return fmt::format("{}:{}", path, node.source().begin.line);
}

}  // namespace

absl::StatusOr<ServerConfig> LoadServerConfig(const std::string& path) {
  toml::table root;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::NotFoundError(fmt::format(
        "{}: cannot read: {}", path,
        std::filesystem::is_directory(path, ec) ? "it is a directory" : "no such file"));
  }
  std::string text;
  {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (!in || !buffer) {
      return absl::NotFoundError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
    }
    text = std::move(buffer).str();
  }
  if (std::optional<router::TomlTextProblem> deep = router::FindTooDeepKey(text)) {
    return absl::InvalidArgumentError(fmt::format("{}:{}: {}", path, deep->line, deep->message));
  }
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(
        fmt::format("{}:{}: {}", path, e.source().begin.line, e.description()));
  }
  ServerConfig config;
  std::string errors;
  auto add_error = [&](const std::string& message) {
    if (!errors.empty()) errors += '\n';
    errors += message;
  };
  auto get_string = [&](std::string_view key, const toml::node& node, std::string& out) {
    if (auto v = node.value<std::string>()) {
      out = *v;
    } else {
      add_error(fmt::format("{}: {} must be a string", Where(path, node), key));
    }
  };
  auto get_path = [&](std::string_view key, const toml::node& node, std::string& out) {
    get_string(key, node, out);
    if (node.is_string() && out.empty()) {
      add_error(fmt::format("{}: {} must name a file; it is empty", Where(path, node), key));
    }
  };
  auto get_int = [&](std::string_view key, const toml::node& node, int& out, int min, int max) {
    auto v = node.value_exact<int64_t>();  // true, 25.0 and "25" are not integers
    if (!v || *v < min || *v > max) {
      add_error(fmt::format("{}: {} must be an integer in {}..{}", Where(path, node), key, min, max));
    } else {
      out = static_cast<int>(*v);
    }
  };
  static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    if (k == "listen") {
      get_string(k, node, config.listen);
      if (const std::string problem = ListenProblem(config.listen); !problem.empty()) {
        add_error(fmt::format("{}: listen: {}", Where(path, node), problem));
      }
    } else if (k == "db") {
      get_path(k, node, config.db_path);
    } else if (k == "routing_table") {
      get_path(k, node, config.routing_table);
    } else if (k == "log_level") {
      get_string(k, node, config.log_level);
      if (!kLevels.count(config.log_level)) {
        add_error(fmt::format("{}: log_level must be one of trace, debug, info, warn, error",
                              Where(path, node)));
      }
    } else if (k == "max_message_bytes") {
      get_int(k, node, config.max_message_bytes, 4096, 64 << 20);
    } else if (k == "max_batch") {
      get_int(k, node, config.max_batch, 1, 10000);
    } else if (k == "shutdown_grace_seconds") {
      get_int(k, node, config.shutdown_grace_seconds, 0, 600);
    } else if (k == "tls_cert") {
      get_string(k, node, config.tls_cert);
    } else if (k == "tls_key") {
      get_string(k, node, config.tls_key);
    } else if (k == "tls_client_ca") {
      get_string(k, node, config.tls_client_ca);
    } else if (k == "allow_insecure") {
      if (auto v = node.value_exact<bool>()) {
        config.allow_insecure = *v;
      } else {
        add_error(fmt::format("{}: allow_insecure must be true or false", Where(path, node)));
      }
    } else if (k == "db_busy_timeout_ms") {
      get_int(k, node, config.db_busy_timeout_ms, 0, 600000);
    } else if (k == "rate_limit_per_second") {
      get_int(k, node, config.rate_limit_per_second, 0, 1000000);
    } else if (k == "max_streams_per_principal") {
      get_int(k, node, config.max_streams_per_principal, 1, 1000);
    } else if (k == "transport_memory_mb") {
      get_int(k, node, config.transport_memory_mb, 32, 65536);
    } else if (k == "retention_days") {
      get_int(k, node, config.retention_days, 0, 36500);
    } else {
      add_error(
          fmt::format("{}: unknown key '{}' (known: listen, db, routing_table, log_level, "
                      "tls_cert, tls_key, tls_client_ca, allow_insecure, "
                      "max_message_bytes, max_batch, db_busy_timeout_ms, "
                      "rate_limit_per_second, max_streams_per_principal, "
                      "transport_memory_mb, shutdown_grace_seconds, retention_days)",
                      Where(path, node), k));
    }
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    add_error(fmt::format("{}: tls_cert and tls_key go together: give both or neither", path));
  }
  if (!config.tls_client_ca.empty() && config.tls_cert.empty()) {
    add_error(fmt::format("{}: tls_client_ca needs tls_cert and tls_key", path));
  }
  if (!errors.empty()) return absl::InvalidArgumentError(errors);
  return config;
}

std::string ListenProblem(std::string_view listen) {
  static constexpr std::string_view kExample =
      " (e.g. 127.0.0.1:50051, [::1]:50051, unix:/run/h.sock)";
  if (listen.starts_with("unix:")) {
    return listen.size() > 5 ? "" : fmt::format("'{}' names no socket file{}", listen, kExample);
  }
  const size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fmt::format("'{}' is not host:port{}", listen, kExample);
  }
  const std::string_view host = listen.substr(0, colon);
  const std::string_view port = listen.substr(colon + 1);
  if (host.front() == '[' && host.back() != ']') {
    return fmt::format("'{}': an IPv6 address goes in brackets{}", listen, kExample);
  }
  int value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || error != std::errc() || end != port.data() + port.size() || value < 0 ||
      value > 65535) {
    return fmt::format("'{}': the port must be a number from 0 (any free port) to 65535", listen);
  }
  return "";
}

}  // namespace hotline::server
