// Loads a routing table from TOML text. Everything wrong is reported with "file:line:" and
// a precise message; nothing is ignored. Thread-safe (no shared state).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "router/routing_table.h"

namespace hotline::router {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;
  int line = 0;     // 1-based; the loader always sets it (0 only in hand-made diagnostics)
  std::string message;
  // "file:line: message" (or "file: message" when line is 0).
  std::string ToString() const;
};

// Parses and checks `text`. Returns the table when there are no errors; `diagnostics`
// (if non-null) receives every error and warning found, in file order.
absl::StatusOr<std::shared_ptr<const RoutingTable>> ParseRoutingTable(
    std::string_view text, std::string_view file_name,
    std::vector<Diagnostic>* diagnostics = nullptr);

// ParseRoutingTable on the contents of `path`. A failure's message holds every error, one
// "file:line: message" per line. An unreadable file is NOT_FOUND / FAILED_PRECONDITION.
// `diagnostics` (if non-null) receives every error and warning, as for ParseRoutingTable.
absl::StatusOr<std::shared_ptr<const RoutingTable>> LoadRoutingTableFile(
    const std::string& path, std::vector<Diagnostic>* diagnostics = nullptr);

}  // namespace hotline::router
