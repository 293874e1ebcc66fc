#include "storage/case_writes.h"

#include <algorithm>
#include <string>
#include <vector>

#include "storage/case_rows.h"
#include "storage/crypto.h"
#include "storage/event_log.h"
#include "storage/json.h"
#include "storage/routing_versions.h"
#include "storage/str_util.h"

namespace hotline::storage {
namespace {

std::vector<std::string> Distinct(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& v : values) {
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

// Takes the next number of `year` from case_counters (starting at 1).
absl::StatusOr<int64_t> NextCaseNumber(sqlite::Connection& db, int year) {
  absl::StatusOr<sqlite::Statement> stmt = db.Prepare(
      "INSERT INTO case_counters (year, next) VALUES (?1, 2) "
      "ON CONFLICT (year) DO UPDATE SET next = next + 1 RETURNING next - 1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, year);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("case counter: no row returned");
  const int64_t number = stmt->Int(0);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  return number;
}

absl::Status InsertStrings(sqlite::Connection& db, const char* sql, int64_t case_id,
                           const std::vector<std::string>& values) {
  for (const std::string& v : values) {
    absl::StatusOr<sqlite::Statement> stmt = db.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    stmt->BindInt(1, case_id).BindText(2, v);
    if (absl::Status s = stmt->Run(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

bool IsOpen(const AssignmentRecord& a) { return IsOpenAssignmentStatus(a.status); }

}  // namespace

absl::Status Append(WriteContext& ctx, const NewEvent& e) {
  return AppendEvent(ctx.db, ctx.head, e).status();
}

NewEvent CaseEvent(const CaseRecord& c, std::string_view actor, int64_t now_ms, std::string type,
                   std::string payload) {
  NewEvent e;
  e.case_id = c.id;
  e.case_number = c.case_number;
  e.time_ms = now_ms;
  e.actor = std::string(actor);
  e.type = std::move(type);
  e.payload = std::move(payload);
  return e;
}

absl::Status ValidateNewCase(const NewCase& c) {
  const auto missing = [](const char* field) {
    return absl::InvalidArgumentError(Concat(field, " is required"));
  };
  if (c.request_id.empty()) return missing("request_id");
  if (c.request_fingerprint.empty()) return missing("request_fingerprint");
  if (c.actor.empty()) return missing("actor");
  if (c.channel.empty()) return missing("channel");
  if (c.kind == "report") {
    if (c.urgency.empty()) return missing("urgency");
    if (c.assignments.empty()) return absl::InvalidArgumentError("a report needs assignments");
  } else if (c.kind == "inquiry") {
    if (!c.assignments.empty()) {
      return absl::InvalidArgumentError("an inquiry has no assignments");
    }
  } else {
    return absl::InvalidArgumentError("kind must be \"report\" or \"inquiry\"");
  }
  for (const NewAssignment& a : c.assignments) {
    if (a.desk_id.empty()) return missing("assignments.desk_id");
    if (a.ack_deadline_seconds < 0) {
      return absl::InvalidArgumentError("assignments.ack_deadline_seconds must be >= 0");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<CaseRecord> ApplyCreateCase(WriteContext& ctx, const NewCase& c, int64_t now_ms) {
  sqlite::Connection& db = ctx.db;
  // The writer's connection sees every earlier write of this batch: a duplicate queued in the
  // same batch is found here too.
  absl::StatusOr<StoredRequest> stored = FindRequest(db, c.request_id);
  if (stored.ok()) {
    // A request id is its sender's: a replay answers only the principal that created the
    // case, and the refusal names no case to anyone else (an operator sees only their own
    // cases; art. 74 keeps the reporter's identity from everyone who does not need it).
    if (stored->created_by != c.actor) {
      return absl::AlreadyExistsError(Concat("request_id \"", c.request_id,
                                             "\" was already used by another caller; send the "
                                             "request with a new request_id"));
    }
    if (stored->fingerprint != c.request_fingerprint) {
      return absl::AlreadyExistsError(Concat("request_id \"", c.request_id,
                                             "\" was already used for case ", stored->case_number,
                                             " with a different request"));
    }
    absl::StatusOr<CaseRecord> existing = LoadCaseById(db, stored->case_id, CaseView::kFull);
    if (existing.ok()) existing->replayed = true;
    return existing;
  }
  if (!absl::IsNotFound(stored.status())) return stored.status();
  // Routed on a version that is no longer in force: the server routes it again (a replay,
  // above, answers with the case as it was stored).
  if (absl::Status s = CheckRoutingTableInForce(db, c.routing_table_version); !s.ok()) return s;

  const bool report = c.kind == "report";
  const int year = UtcYear(now_ms);
  absl::StatusOr<int64_t> number = NextCaseNumber(db, year);
  if (!number.ok()) return number.status();
  // The record is built from what is inserted, not read back: the writer is the one thread
  // every report passes through. The store tests compare it with GetCase field by field.
  CaseRecord rec;
  rec.case_number = FormatCaseNumber(year, *number);
  rec.kind = c.kind;
  rec.status = report ? "routed" : "closed";
  rec.channel = c.channel;
  rec.urgency = c.urgency;
  rec.created_by = c.actor;
  rec.request_id = c.request_id;
  rec.created_ms = now_ms;
  rec.updated_ms = now_ms;
  rec.closed_ms = report ? 0 : now_ms;
  rec.detail = c.detail;
  rec.routing_version = c.routing_version;
  rec.routing_trace = c.routing_trace;
  rec.outcome = report ? "" : "answered";
  rec.feedback_wanted = report && c.feedback_wanted;
  rec.routing_table_version = c.routing_table_version;

  absl::StatusOr<sqlite::Statement> insert = db.Prepare(
      "INSERT INTO cases (case_number, kind, status, channel, urgency, created_by, request_id, "
      "request_fingerprint, created_ms, updated_ms, closed_ms, detail, routing_version, "
      "routing_trace, outcome, outcome_summary, feedback_wanted, routing_table_version) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14, '', ?15, ?16)");
  if (!insert.ok()) return insert.status();
  insert->BindText(1, rec.case_number).BindText(2, rec.kind);
  insert->BindText(3, rec.status).BindText(4, rec.channel);
  insert->BindText(5, rec.urgency).BindText(6, rec.created_by).BindText(7, rec.request_id);
  insert->BindText(8, c.request_fingerprint).BindInt(9, now_ms);
  if (rec.closed_ms == 0) {
    insert->BindNull(10);
  } else {
    insert->BindInt(10, rec.closed_ms);
  }
  insert->BindBlob(11, rec.detail).BindText(12, rec.routing_version);
  insert->BindBlob(13, rec.routing_trace).BindText(14, rec.outcome);
  insert->BindInt(15, rec.feedback_wanted ? 1 : 0);
  insert->BindInt(16, rec.routing_table_version);
  if (absl::Status s = insert->Run(); !s.ok()) return s;
  rec.id = db.LastInsertRowid();

  rec.categories = Distinct(c.categories);
  rec.jurisdictions = Distinct(c.jurisdictions);
  const std::vector<std::string>& categories = rec.categories;
  const std::vector<std::string>& jurisdictions = rec.jurisdictions;
  if (absl::Status s =
          InsertStrings(db, "INSERT INTO case_categories (case_id, category) VALUES (?1, ?2)",
                        rec.id, categories);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          InsertStrings(db, "INSERT INTO case_jurisdictions (case_id, code) VALUES (?1, ?2)",
                        rec.id, jurisdictions);
      !s.ok()) {
    return s;
  }

  const std::string detail_sha256 = Sha256Hex(c.detail);
  if (!report) {
    std::string payload = JsonObject()
                              .Add("request_id", c.request_id)
                              .Add("channel", c.channel)
                              .Add("detail_sha256", detail_sha256)
                              .Finish();
    if (absl::Status s =
            Append(ctx, CaseEvent(rec, c.actor, now_ms, "inquiry.recorded", std::move(payload)));
        !s.ok()) {
      return s;
    }
    return rec;
  }

  std::string received = JsonObject()
                             .Add("request_id", c.request_id)
                             .Add("kind", c.kind)
                             .Add("channel", c.channel)
                             .Add("urgency", c.urgency)
                             .Add("categories", categories)
                             .Add("jurisdictions", jurisdictions)
                             .Add("detail_sha256", detail_sha256)
                             .Finish();
  if (absl::Status s =
          Append(ctx, CaseEvent(rec, c.actor, now_ms, "report.received", std::move(received)));
      !s.ok()) {
    return s;
  }
  std::vector<std::string> desks, rules;
  for (const NewAssignment& a : c.assignments) {
    desks.push_back(a.desk_id);
    rules.push_back(a.rule_id);
  }
  JsonObject routed_payload;
  routed_payload.Add("table_version", c.routing_version);
  if (c.routing_table_version != 0) {
    routed_payload.Add("routing_table_version", c.routing_table_version);
  }
  std::string routed =
      routed_payload.Add("desks", desks).Add("rules", Distinct(rules)).Finish();
  if (absl::Status s =
          Append(ctx, CaseEvent(rec, c.actor, now_ms, "case.routed", std::move(routed)));
      !s.ok()) {
    return s;
  }

  rec.assignments.reserve(c.assignments.size());
  for (const NewAssignment& a : c.assignments) {
    absl::StatusOr<AssignmentRecord> inserted = InsertAssignment(ctx, rec, a, c.actor, now_ms, 0);
    if (!inserted.ok()) return inserted.status();
    rec.assignments.push_back(*std::move(inserted));
  }
  return rec;
}

absl::StatusOr<AssignmentRecord> InsertAssignment(WriteContext& ctx, const CaseRecord& c,
                                                  const NewAssignment& a, std::string_view actor,
                                                  int64_t now_ms, int64_t replaces_id) {
  if (absl::Status s = CheckRoutingTableInForce(ctx.db, a.routing_table_version); !s.ok()) {
    return s;
  }
  const int64_t deadline = now_ms + a.ack_deadline_seconds * 1000;
  absl::StatusOr<sqlite::Statement> stmt = ctx.db.Prepare(
      "INSERT INTO assignments (case_id, desk_id, desk_type, desk_name, rule_id, resolution, "
      "status, created_ms, ack_deadline_ms, updated_ms, replaces_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8, ?7, ?9)");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, c.id).BindText(2, a.desk_id).BindText(3, a.desk_type);
  stmt->BindText(4, a.desk_name).BindText(5, a.rule_id).BindText(6, a.resolution);
  stmt->BindInt(7, now_ms).BindInt(8, deadline).BindInt(9, replaces_id);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  AssignmentRecord r;
  r.id = ctx.db.LastInsertRowid();
  r.case_id = c.id;
  r.case_number = c.case_number;
  r.desk_id = a.desk_id;
  r.desk_type = a.desk_type;
  r.desk_name = a.desk_name;
  r.rule_id = a.rule_id;
  r.resolution = a.resolution;
  r.status = "pending";
  r.created_ms = now_ms;
  r.ack_deadline_ms = deadline;
  r.updated_ms = now_ms;
  r.replaces_id = replaces_id;
  JsonObject payload;
  payload.Add("assignment_id", r.id)
      .Add("desk_id", a.desk_id)
      .Add("desk_type", a.desk_type)
      .Add("rule_id", a.rule_id)
      .Add("ack_deadline_ms", deadline)
      .Add("resolution", a.resolution);
  if (replaces_id != 0) payload.Add("replaces_assignment_id", replaces_id);
  NewEvent e = CaseEvent(c, actor, now_ms, "assignment.created", payload.Finish());
  e.desk_id = a.desk_id;
  if (absl::Status s = Append(ctx, e); !s.ok()) return s;
  return r;
}

absl::StatusOr<EventRecord> ApplyAddNote(WriteContext& ctx, std::string_view case_number,
                                         std::string_view actor, std::string_view text,
                                         int64_t now_ms) {
  absl::StatusOr<CaseRecord> c = LoadCaseByNumber(ctx.db, case_number, CaseView::kSummary);
  if (!c.ok()) return c.status();
  absl::StatusOr<sqlite::Statement> touch =
      ctx.db.Prepare("UPDATE cases SET updated_ms = ?2 WHERE id = ?1");
  if (!touch.ok()) return touch.status();
  touch->BindInt(1, c->id).BindInt(2, now_ms);
  if (absl::Status s = touch->Run(); !s.ok()) return s;
  NewEvent e = CaseEvent(*c, actor, now_ms, "note.added",
                         JsonObject().Add("private_sha256", Sha256Hex(text)).Finish());
  e.private_data = std::string(text);
  return AppendEvent(ctx.db, ctx.head, e);
}

absl::StatusOr<CaseRecord> ApplyCloseCase(WriteContext& ctx, std::string_view case_number,
                                          std::string_view actor, std::string_view outcome,
                                          std::string_view summary, bool withdraw_open,
                                          int64_t now_ms) {
  sqlite::Connection& db = ctx.db;
  absl::StatusOr<CaseRecord> c = LoadCaseByNumber(db, case_number, CaseView::kSummary);
  if (!c.ok()) return c.status();
  if (c->status == "closed") {
    return absl::FailedPreconditionError(Concat("case ", c->case_number, " is already closed"));
  }
  std::vector<const AssignmentRecord*> open;
  for (const AssignmentRecord& a : c->assignments) {
    if (IsOpen(a)) open.push_back(&a);
  }
  if (!open.empty() && !withdraw_open) {
    std::string list;
    for (const AssignmentRecord* a : open) {
      AppendTo(&list, list.empty() ? "" : ", ", a->id, " (", a->desk_id, ", ", a->status, ")");
    }
    return absl::FailedPreconditionError(Concat("case ", c->case_number, " has open assignments: ",
                                                list, "; close them first or withdraw them"));
  }
  for (const AssignmentRecord* a : open) {
    absl::StatusOr<sqlite::Statement> stmt =
        db.Prepare("UPDATE assignments SET status = 'withdrawn', updated_ms = ?2 WHERE id = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->BindInt(1, a->id).BindInt(2, now_ms);
    if (absl::Status s = stmt->Run(); !s.ok()) return s;
    std::string payload = JsonObject()
                              .Add("assignment_id", a->id)
                              .Add("desk_id", a->desk_id)
                              .Add("reason", "case closed")
                              .Finish();
    NewEvent e = CaseEvent(*c, actor, now_ms, "assignment.withdrawn", std::move(payload));
    e.desk_id = a->desk_id;
    if (absl::Status s = Append(ctx, e); !s.ok()) return s;
  }
  absl::StatusOr<sqlite::Statement> close = db.Prepare(
      "UPDATE cases SET status = 'closed', closed_ms = ?2, updated_ms = ?2, outcome = ?3, "
      "outcome_summary = ?4 WHERE id = ?1");
  if (!close.ok()) return close.status();
  close->BindInt(1, c->id).BindInt(2, now_ms).BindText(3, outcome).BindText(4, summary);
  if (absl::Status s = close->Run(); !s.ok()) return s;
  JsonObject payload;
  payload.Add("outcome", outcome);
  if (!summary.empty()) payload.Add("summary_sha256", Sha256Hex(summary));
  if (absl::Status s = Append(ctx, CaseEvent(*c, actor, now_ms, "case.closed", payload.Finish()));
      !s.ok()) {
    return s;
  }
  return LoadCaseById(db, c->id, CaseView::kFull);
}

}  // namespace hotline::storage
