#include "server/routing_admin.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/mapping.h"

namespace hotline::server {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("routing table {} cannot be read", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

void LogWarnings(const std::vector<router::Diagnostic>& diagnostics) {
  // Diagnostics are the checker's words about the table; no personal data.
  for (const router::Diagnostic& d : diagnostics) {
    if (d.severity == router::Diagnostic::Severity::kWarning) spdlog::warn("{}", d.ToString());
  }
}

}  // namespace

CheckedTable CheckTableText(std::string_view text, std::string_view name) {
  CheckedTable out;
  out.table = router::ParseRoutingTable(text, name, &out.diagnostics);
  return out;
}

std::string EncodeWarnings(const std::vector<router::Diagnostic>& diagnostics) {
  std::string out;
  for (const router::Diagnostic& d : diagnostics) {
    if (d.severity != router::Diagnostic::Severity::kWarning) continue;
    out += fmt::format("{}\t{}\n", d.line, d.message);
  }
  return out;
}

storage::NewRoutingTable RoutingAdmin::Prepare(const CheckedTable& checked, std::string text,
                                               std::string author, std::string comment,
                                               int64_t expected_version,
                                               int64_t restored_from) const {
  storage::NewRoutingTable t;
  t.label = (*checked.table)->version;
  t.text = std::move(text);
  t.author = std::move(author);
  t.comment = std::move(comment);
  t.expected_version = expected_version;
  t.restored_from = restored_from;
  t.warnings = EncodeWarnings(checked.diagnostics);
  return t;
}

absl::StatusOr<ActiveTable> RoutingAdmin::LoadAtStart(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<storage::RoutingTableRecord> latest = store_->GetRoutingTable(0);
  if (latest.ok()) {
    CheckedTable checked =
        CheckTableText(latest->text, fmt::format("routing table version {}", latest->version));
    if (!checked.table.ok()) {
      return absl::FailedPreconditionError(fmt::format(
          "the routing table in force (version {}) does not load with this build: {}",
          latest->version, std::string(checked.table.status().message())));
    }
    LogWarnings(checked.diagnostics);
    ActiveTable active{*checked.table, latest->version};
    snapshot_->Set(active);
    // The file is applied on SIGHUP only: a stale file must not undo administrators' work.
    absl::StatusOr<std::string> file = ReadFile(path);
    if (file.ok() && Sha256Hex(*file) != latest->sha256) {
      spdlog::info("{} differs from routing table version {} in force; SIGHUP applies it", path,
                   latest->version);
    } else if (!file.ok()) {
      spdlog::warn(
          "{}; routing table version {} from the database is in force, and SIGHUP "
          "cannot apply the file until it can be read",
          std::string(file.status().message()), latest->version);
    }
    return active;
  }
  if (!absl::IsNotFound(latest.status())) return latest.status();
  // An empty database: import the file (whole-file errors name it and the line).
  std::vector<router::Diagnostic> diagnostics;
  auto table = router::LoadRoutingTableFile(path, &diagnostics);
  if (!table.ok()) return table.status();
  LogWarnings(diagnostics);
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  CheckedTable checked{*table, diagnostics};
  absl::StatusOr<storage::RoutingTableRecord> stored = store_->ApplyRoutingTable(
      Prepare(checked, *std::move(text), "system",
              fmt::format("imported from {} at start-up", path), 0, 0));
  if (!stored.ok()) return stored.status();
  ActiveTable active{*table, stored->version};
  snapshot_->Set(active);
  return active;
}

absl::StatusOr<int64_t> RoutingAdmin::ApplyFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  // Diagnostics name the file, as at start-up. (An unchanged file is no new version: Apply.)
  std::vector<router::Diagnostic> diagnostics;
  auto table = router::ParseRoutingTable(*text, path, &diagnostics);
  if (!table.ok()) return table.status();
  absl::StatusOr<storage::RoutingTableRecord> record =
      Apply(*std::move(text), "system", fmt::format("SIGHUP: re-read {}", path), -1);
  if (!record.ok()) return record.status();
  return record->version;
}

absl::StatusOr<storage::RoutingTableRecord> RoutingAdmin::Apply(std::string text,
                                                                std::string author,
                                                                std::string comment,
                                                                int64_t expected_version,
                                                                int64_t restored_from) {
  CheckedTable checked = CheckTableText(text, "routing table");
  if (!checked.table.ok()) return checked.table.status();
  std::lock_guard<std::mutex> lock(mu_);
  // The text in force again (an edit undone, a file applied twice, SIGHUP without an edit):
  // nothing changes, so no version and no event; the version in force is the answer. A
  // stale expected_version still goes to the store, which refuses it.
  const int64_t current = snapshot_->Current().version;
  if (expected_version < 0 || expected_version == current) {
    absl::StatusOr<storage::RoutingTableRecord> in_force = store_->GetRoutingTable(current);
    if (in_force.ok() && in_force->sha256 == Sha256Hex(text)) return in_force;
  }
  storage::NewRoutingTable t = Prepare(checked, std::move(text), std::move(author),
                                       std::move(comment), expected_version, restored_from);
  // Desks this version leaves out: the store refuses it while one holds open hand-offs (a
  // rollback or a SIGHUP too), since nothing would route or escalate to them any more.
  if (const std::shared_ptr<const router::RoutingTable> in_force = snapshot_->Get()) {
    for (const router::Desk& d : in_force->desks) {
      if ((*checked.table)->FindDesk(d.id) == nullptr) t.removed_desk_ids.push_back(d.id);
    }
  }
  absl::StatusOr<storage::RoutingTableRecord> stored = store_->ApplyRoutingTable(t);
  if (!stored.ok()) return stored.status();
  snapshot_->Set(ActiveTable{*checked.table, stored->version});
  LogWarnings(checked.diagnostics);
  spdlog::info("routing table version {} ({}) in force, by {}", stored->version, stored->label,
               stored->author);
  return stored;
}

absl::StatusOr<std::pair<storage::RoutingTableRecord, std::vector<storage::AssignmentRecord>>>
RoutingAdmin::ApplyRemovingDesk(std::string text, std::string author, std::string comment,
                                int64_t expected_version, std::string desk_id,
                                storage::NewAssignment replacement) {
  CheckedTable checked = CheckTableText(text, "routing table");
  if (!checked.table.ok()) return checked.table.status();
  std::lock_guard<std::mutex> lock(mu_);
  auto stored = store_->ApplyRoutingTableMovingDesk(
      Prepare(checked, std::move(text), std::move(author), std::move(comment), expected_version,
              0),
      desk_id, replacement);
  if (!stored.ok()) return stored.status();
  snapshot_->Set(ActiveTable{*checked.table, stored->first.version});
  spdlog::info("routing table version {} in force: desk {} removed, {} assignments moved",
               stored->first.version, desk_id, stored->second.size());
  return stored;
}

}  // namespace hotline::server
