#include "storage/routing_versions.h"

#include "absl/strings/cord.h"
#include "storage/case_rows.h"
#include "storage/case_writes.h"
#include "storage/crypto.h"
#include "storage/event_log.h"
#include "storage/json.h"
#include "storage/store.h"
#include "storage/str_util.h"

namespace hotline::storage {
namespace {

constexpr const char* kColumns =
    "version, label, sha256, author, comment, created_ms, restored_from, warnings";

RoutingTableRecord FromRow(const sqlite::Statement& row, bool with_text) {
  RoutingTableRecord r;
  r.version = row.Int(0);
  r.label = row.Text(1);
  r.sha256 = row.Text(2);
  r.author = row.Text(3);
  r.comment = row.Text(4);
  r.created_ms = row.Int(5);
  r.restored_from = row.Int(6);
  r.warnings = row.Text(7);
  if (with_text) r.text = row.Text(8);
  return r;
}

absl::StatusOr<RoutingTableRecord> LoadOne(sqlite::Connection& db, const std::string& where,
                                           int64_t version) {
  absl::StatusOr<sqlite::Statement> stmt =
      db.Prepare(Concat("SELECT ", kColumns, ", text FROM routing_tables ", where));
  if (!stmt.ok()) return stmt.status();
  if (version > 0) stmt->BindInt(1, version);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::NotFoundError(version > 0 ? Concat("routing table version ", version, " not found")
                                           : std::string("no routing table is stored yet"));
  }
  return FromRow(*stmt, true);
}

}  // namespace

absl::StatusOr<RoutingTableRecord> LoadLatestRoutingTable(sqlite::Connection& db) {
  return LoadOne(db, "ORDER BY version DESC LIMIT 1", 0);
}

absl::StatusOr<RoutingTableRecord> LoadRoutingTable(sqlite::Connection& db, int64_t version) {
  if (version == 0) return LoadLatestRoutingTable(db);
  return LoadOne(db, "WHERE version = ?1", version);
}

absl::StatusOr<std::vector<RoutingTableRecord>> LoadRoutingTables(sqlite::Connection& db) {
  absl::StatusOr<sqlite::Statement> stmt =
      db.Prepare(Concat("SELECT ", kColumns, " FROM routing_tables ORDER BY version DESC"));
  if (!stmt.ok()) return stmt.status();
  std::vector<RoutingTableRecord> out;
  for (;;) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(FromRow(*stmt, false));
  }
}

namespace {

absl::StatusOr<int64_t> VersionInForce(sqlite::Connection& db) {
  return db.QueryInt("SELECT COALESCE(max(version), 0) FROM routing_tables");
}

constexpr char kRoutingTableChanged[] = "hotline.storage/routing-table-changed";

}  // namespace

absl::Status CheckRoutingTableInForce(sqlite::Connection& db, int64_t version) {
  if (version == 0) return absl::OkStatus();
  absl::StatusOr<int64_t> current = VersionInForce(db);
  if (!current.ok()) return current.status();
  if (*current == version) return absl::OkStatus();
  absl::Status changed = absl::AbortedError(
      Concat("routing table version ", *current, " came into force after version ", version,
             " made this decision; decide again on the new version"));
  changed.SetPayload(kRoutingTableChanged, absl::Cord());
  return changed;
}

bool IsRoutingTableChanged(const absl::Status& status) {
  return status.GetPayload(kRoutingTableChanged).has_value();
}

absl::StatusOr<RoutingTableRecord> ApplyNewRoutingTable(WriteContext& ctx, const NewRoutingTable& t,
                                                        int64_t now_ms) {
  absl::StatusOr<int64_t> current = VersionInForce(ctx.db);
  if (!current.ok()) return current.status();
  if (t.expected_version >= 0 && t.expected_version != *current) {
    return absl::AbortedError(Concat("expected_version ", t.expected_version,
                                     " is stale: version ", *current,
                                     " is current; re-read it and retry"));
  }
  if (!t.removed_desk_ids.empty()) {
    absl::StatusOr<std::map<std::string, int64_t>> open = CountOpenAssignments(ctx.db);
    if (!open.ok()) return open.status();
    std::string busy;
    for (const std::string& desk : t.removed_desk_ids) {
      auto it = open->find(desk);
      if (it == open->end() || it->second == 0) continue;
      AppendTo(&busy, busy.empty() ? "" : ", ", desk, " (", it->second, ")");
    }
    if (!busy.empty()) {
      return absl::FailedPreconditionError(
          Concat("this version leaves out desks that still hold open hand-offs: ", busy,
                 "; disable each desk first, naming a replacement desk to take its hand-offs over, "
                 "or keep it in the table"));
    }
  }
  RoutingTableRecord r;
  r.version = *current + 1;
  r.label = t.label;
  r.text = t.text;
  r.sha256 = Sha256Hex(t.text);
  r.author = t.author;
  r.comment = t.comment;
  r.created_ms = now_ms;
  r.restored_from = t.restored_from;
  r.warnings = t.warnings;
  absl::StatusOr<sqlite::Statement> stmt = ctx.db.Prepare(
      "INSERT INTO routing_tables (version, label, text, sha256, author, comment, created_ms, "
      "restored_from, warnings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, r.version).BindText(2, r.label).BindText(3, r.text).BindText(4, r.sha256);
  stmt->BindText(5, r.author).BindText(6, r.comment).BindInt(7, r.created_ms);
  stmt->BindInt(8, r.restored_from).BindText(9, r.warnings);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  NewEvent e;
  e.time_ms = now_ms;
  e.actor = t.author;
  e.type = "routing_table.applied";
  JsonObject payload;
  payload.Add("version", r.version).Add("label", r.label).Add("sha256", r.sha256);
  if (r.restored_from != 0) payload.Add("restored_from", r.restored_from);
  payload.Add("private_sha256", Sha256Hex(t.comment));
  e.payload = payload.Finish();
  e.private_data = t.comment;
  if (absl::Status s = Append(ctx, e); !s.ok()) return s;
  return r;
}

absl::StatusOr<std::vector<CaseRecord>> LoadReportsSince(sqlite::Connection& db, int64_t since_ms,
                                                         int limit) {
  absl::StatusOr<sqlite::Statement> stmt = db.Prepare(
      "SELECT id FROM cases WHERE kind = 'report' AND created_ms >= ?1 ORDER BY id DESC "
      "LIMIT ?2");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, since_ms).BindInt(2, limit);
  absl::StatusOr<std::vector<int64_t>> ids = stmt->CollectInts();
  if (!ids.ok()) return ids.status();
  std::vector<CaseRecord> out;
  out.reserve(ids->size());
  for (int64_t id : *ids) {
    absl::StatusOr<CaseRecord> c = LoadCaseById(db, id, CaseView::kFull);
    if (!c.ok()) return c.status();
    out.push_back(*std::move(c));
  }
  return out;
}

absl::StatusOr<std::map<std::string, int64_t>> CountOpenAssignments(sqlite::Connection& db) {
  // One arm per open status, each read from its partial index alone (schema 7): a single
  // `status IN (...)` cannot use them, and read every assignment instead.
  absl::StatusOr<sqlite::Statement> stmt = db.Prepare(
      "SELECT desk_id, count(*) FROM (SELECT desk_id FROM assignments WHERE status = 'pending' "
      "UNION ALL SELECT desk_id FROM assignments WHERE status = 'acknowledged') GROUP BY desk_id");
  if (!stmt.ok()) return stmt.status();
  std::map<std::string, int64_t> out;
  for (;;) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out[stmt->Text(0)] = stmt->Int(1);
  }
}

}  // namespace hotline::storage
