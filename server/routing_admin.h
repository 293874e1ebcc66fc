// Routing-table versions as the server applies them (issue 4): one path for the start-up
// import, SIGHUP, ApplyRoutingTable, RollbackRoutingTable and desk edits. Each checks the text
// (errors, warnings, the table's [[expect]] tests), stores it as a new version (a
// "routing_table.applied" event), then swaps the snapshot — under one mutex, so the version
// in force is always the latest stored. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "router/loader.h"
#include "server/routing_snapshot.h"
#include "storage/store.h"

namespace hotline::server {

// A parsed and checked table text: the table when it has no error, and every diagnostic.
struct CheckedTable {
  absl::StatusOr<std::shared_ptr<const router::RoutingTable>> table =
      absl::UnknownError("not checked");
  std::vector<router::Diagnostic> diagnostics;
};
CheckedTable CheckTableText(std::string_view text, std::string_view name);

// The warnings of `diagnostics` as stored with a version: "line<TAB>message" per line.
std::string EncodeWarnings(const std::vector<router::Diagnostic>& diagnostics);

class RoutingAdmin {
 public:
  RoutingAdmin(storage::Store* store, RoutingSnapshot* snapshot)
      : store_(store), snapshot_(snapshot) {}

  // Start-up: the latest stored version; when none is stored, `path` is imported as
  // version 1. Returns the table in force (also set in the snapshot, which may start empty).
  absl::StatusOr<ActiveTable> LoadAtStart(const std::string& path);

  // SIGHUP: applies `path`, a new version when its text differs from the version in force.
  // Returns the version in force afterwards.
  absl::StatusOr<int64_t> ApplyFile(const std::string& path);

  // Checks and stores `text` as a new version and puts it in force. expected_version -1:
  // on top of whatever is current. INVALID_ARGUMENT listing errors; ABORTED when stale.
  // When `text` is the text in force, nothing is stored: the answer is the version in force.
  absl::StatusOr<storage::RoutingTableRecord> Apply(std::string text, std::string author,
                                                    std::string comment,
                                                    int64_t expected_version,
                                                    int64_t restored_from = 0);

  // Apply, moving the open assignments of `desk_id` to `replacement` in the same
  // transaction (DisableDesk).
  absl::StatusOr<std::pair<storage::RoutingTableRecord, std::vector<storage::AssignmentRecord>>>
  ApplyRemovingDesk(std::string text, std::string author, std::string comment,
                    int64_t expected_version, std::string desk_id,
                    storage::NewAssignment replacement);

 private:
  storage::NewRoutingTable Prepare(const CheckedTable& checked, std::string text,
                                   std::string author, std::string comment,
                                   int64_t expected_version, int64_t restored_from) const;

  storage::Store* const store_;
  RoutingSnapshot* const snapshot_;
  std::mutex mu_;  // serializes store-then-swap
};

}  // namespace hotline::server
