#include "storage/retention.h"

#include "storage/case_rows.h"
#include "storage/case_writes.h"
#include "storage/crypto.h"
#include "storage/json.h"
#include "storage/str_util.h"

namespace hotline::storage {

absl::StatusOr<std::vector<CaseRecord>> LoadPurgeable(sqlite::Connection& db,
                                                      int64_t closed_before_ms, int limit) {
  absl::StatusOr<sqlite::Statement> stmt = db.Prepare(
      "SELECT id FROM cases WHERE closed_ms IS NOT NULL AND purged_ms IS NULL AND "
      "closed_ms <= ?1 ORDER BY closed_ms, id LIMIT ?2");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, closed_before_ms).BindInt(2, limit);
  absl::StatusOr<std::vector<int64_t>> ids = stmt->CollectInts();
  if (!ids.ok()) return ids.status();
  std::vector<CaseRecord> out;
  for (int64_t id : *ids) {
    absl::StatusOr<CaseRecord> c = LoadCaseById(db, id, CaseView::kFull);
    if (!c.ok()) return c.status();
    out.push_back(*std::move(c));
  }
  return out;
}

absl::StatusOr<CaseRecord> ApplyPurge(WriteContext& ctx, int64_t case_id,
                                      std::string_view redacted_detail, std::string_view actor,
                                      int64_t now_ms) {
  absl::StatusOr<CaseRecord> c = LoadCaseById(ctx.db, case_id, CaseView::kSummary);
  if (!c.ok()) return c.status();
  if (c->status != "closed") {
    return absl::FailedPreconditionError(
        Concat("case ", c->case_number, " is ", c->status, "; only closed cases are purged"));
  }
  absl::StatusOr<int64_t> purged =
      ctx.db.QueryInt(Concat("SELECT COALESCE(purged_ms, 0) FROM cases WHERE id = ", case_id).c_str());
  if (!purged.ok()) return purged.status();
  if (*purged != 0) {
    return absl::FailedPreconditionError(Concat("case ", c->case_number, " is already purged"));
  }
  absl::StatusOr<sqlite::Statement> update = ctx.db.Prepare(
      "UPDATE cases SET detail = ?2, outcome_summary = '', purged_ms = ?3 WHERE id = ?1");
  if (!update.ok()) return update.status();
  update->BindInt(1, case_id).BindBlob(2, redacted_detail).BindInt(3, now_ms);
  if (absl::Status s = update->Run(); !s.ok()) return s;
  absl::StatusOr<sqlite::Statement> erase = ctx.db.Prepare(
      "UPDATE events SET private = NULL WHERE case_id = ?1 AND private IS NOT NULL");
  if (!erase.ok()) return erase.status();
  erase->BindInt(1, case_id);
  if (absl::Status s = erase->Run(); !s.ok()) return s;
  const int64_t erased = ctx.db.Changes();
  std::string payload = JsonObject()
                            .Add("detail_sha256", Sha256Hex(redacted_detail))
                            .Add("private_parts_erased", erased)
                            .Finish();
  if (absl::Status s = Append(ctx, CaseEvent(*c, actor, now_ms, "case.purged", std::move(payload)));
      !s.ok()) {
    return s;
  }
  return LoadCaseById(ctx.db, case_id, CaseView::kFull);
}

}  // namespace hotline::storage
