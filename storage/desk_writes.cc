#include "storage/desk_writes.h"

#include <optional>
#include <string>

#include "storage/case_rows.h"
#include "storage/case_writes.h"
#include "storage/crypto.h"
#include "storage/json.h"
#include "storage/str_util.h"

namespace hotline::storage {
namespace {

absl::Status WrongStatus(const AssignmentRecord& a, std::string_view wanted) {
  return absl::FailedPreconditionError(Concat("assignment ", a.id, " is ", a.status, "; ", wanted));
}

// The assignment and its case, refusing work on a closed case.
struct Loaded {
  AssignmentRecord assignment;
  CaseRecord c;
};

// A hand-off that is no longer open is left to the action's own status check, whose refusal
// names only the hand-off's status: a desk that handed the case on may no longer see it, and
// must not learn from a refusal that the case has been closed since.
absl::StatusOr<Loaded> LoadForAction(sqlite::Connection& db, int64_t id) {
  absl::StatusOr<AssignmentRecord> a = LoadAssignment(db, id);
  if (!a.ok()) return a.status();
  absl::StatusOr<CaseRecord> c = LoadCaseById(db, a->case_id, CaseView::kSummary);
  if (!c.ok()) return c.status();
  if (IsOpenAssignmentStatus(a->status) && c->status == "closed") {
    return absl::FailedPreconditionError(
        Concat("case ", c->case_number, " is closed; assignment ", id, " is ", a->status));
  }
  return Loaded{*std::move(a), *std::move(c)};
}

absl::Status SetAssignmentStatus(sqlite::Connection& db, int64_t id, std::string_view status,
                                 std::string_view outcome, int64_t now_ms) {
  absl::StatusOr<sqlite::Statement> stmt = db.Prepare(
      "UPDATE assignments SET status = ?2, outcome = ?3, updated_ms = ?4 WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, id).BindText(2, status).BindText(3, outcome).BindInt(4, now_ms);
  return stmt->Run();
}

// An assignment event: desk_id in the payload and in the indexed column, the status after
// the event, and `private_text` (if any) beside it, committed to by its hash.
absl::StatusOr<EventRecord> AppendAssignmentEvent(WriteContext& ctx, const CaseRecord& c,
                                                  const AssignmentRecord& a,
                                                  std::string_view actor, int64_t now_ms,
                                                  std::string type, JsonObject payload,
                                                  std::string_view private_text) {
  payload.Add("assignment_id", a.id).Add("desk_id", a.desk_id);
  if (!private_text.empty()) payload.Add("private_sha256", Sha256Hex(private_text));
  NewEvent e = CaseEvent(c, actor, now_ms, std::move(type), payload.Finish());
  e.desk_id = a.desk_id;
  e.private_data = std::string(private_text);
  return AppendEvent(ctx.db, ctx.head, e);
}

// Re-derives the case status after an assignment changed; records "case.status_changed"
// when it moved. Returns the status now.
absl::StatusOr<std::string> RefreshCaseStatus(WriteContext& ctx, int64_t case_id,
                                              std::string_view actor, int64_t now_ms) {
  absl::StatusOr<CaseRecord> c = LoadCaseById(ctx.db, case_id, CaseView::kSummary);
  if (!c.ok()) return c.status();
  if (c->status == "closed") return c->status;
  const std::string status = DeriveCaseStatus(*c);
  absl::StatusOr<sqlite::Statement> stmt =
      ctx.db.Prepare("UPDATE cases SET status = ?2, updated_ms = ?3 WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, case_id).BindText(2, status).BindInt(3, now_ms);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  if (status != c->status) {
    std::string payload = JsonObject().Add("from", c->status).Add("to", status).Finish();
    if (absl::Status s =
            Append(ctx, CaseEvent(*c, actor, now_ms, "case.status_changed", std::move(payload)));
        !s.ok()) {
      return s;
    }
  }
  return status;
}

absl::StatusOr<AssignmentChange> Finish(WriteContext& ctx, int64_t id, std::string_view actor,
                                        int64_t now_ms) {
  AssignmentChange change;
  absl::StatusOr<AssignmentRecord> a = LoadAssignment(ctx.db, id);
  if (!a.ok()) return a.status();
  change.assignment = *std::move(a);
  absl::StatusOr<std::string> status = RefreshCaseStatus(ctx, change.assignment.case_id, actor,
                                                         now_ms);
  if (!status.ok()) return status.status();
  change.case_status = *std::move(status);
  return change;
}

}  // namespace

std::string DeriveCaseStatus(const CaseRecord& c) {
  bool open = false, taken_up = false, resolved = false;
  for (const AssignmentRecord& a : c.assignments) {
    // After a reopening, only the hand-offs made since count.
    if (a.created_ms < c.reopened_ms) continue;
    if (IsOpenAssignmentStatus(a.status)) open = true;
    if (a.status == "acknowledged" || a.status == "resolved") taken_up = true;
    if (a.status == "resolved") resolved = true;
  }
  if (open) return taken_up ? "in_progress" : "routed";
  return resolved ? "resolved" : "routed";
}

absl::StatusOr<AssignmentChange> ApplyAcknowledge(WriteContext& ctx, int64_t id,
                                                  std::string_view actor, int64_t now_ms) {
  absl::StatusOr<Loaded> l = LoadForAction(ctx.db, id);
  if (!l.ok()) return l.status();
  if (l->assignment.status == "acknowledged") {
    AssignmentChange same;
    same.assignment = l->assignment;
    same.case_status = l->c.status;
    same.changed = false;
    return same;
  }
  if (l->assignment.status != "pending") {
    return WrongStatus(l->assignment, "only a pending assignment can be acknowledged");
  }
  if (absl::Status s = SetAssignmentStatus(ctx.db, id, "acknowledged", "", now_ms); !s.ok()) {
    return s;
  }
  JsonObject payload;
  payload.Add("status", "acknowledged");
  payload.Add("late", now_ms > l->assignment.ack_deadline_ms ? "yes" : "no");
  if (auto e = AppendAssignmentEvent(ctx, l->c, l->assignment, actor, now_ms,
                                     "assignment.acknowledged", std::move(payload), "");
      !e.ok()) {
    return e.status();
  }
  return Finish(ctx, id, actor, now_ms);
}

absl::StatusOr<EventRecord> ApplyPostUpdate(WriteContext& ctx, int64_t id, std::string_view actor,
                                            std::string_view kind, std::string_view text,
                                            int64_t now_ms) {
  absl::StatusOr<Loaded> l = LoadForAction(ctx.db, id);
  if (!l.ok()) return l.status();
  if (l->assignment.status != "acknowledged") {
    return WrongStatus(l->assignment, "updates are posted on an acknowledged assignment");
  }
  absl::StatusOr<sqlite::Statement> touch =
      ctx.db.Prepare("UPDATE assignments SET updated_ms = ?2 WHERE id = ?1");
  if (!touch.ok()) return touch.status();
  touch->BindInt(1, id).BindInt(2, now_ms);
  if (absl::Status s = touch->Run(); !s.ok()) return s;
  JsonObject payload;
  payload.Add("kind", kind).Add("status", "acknowledged");
  return AppendAssignmentEvent(ctx, l->c, l->assignment, actor, now_ms, "assignment.updated",
                               std::move(payload), text);
}

absl::StatusOr<AssignmentChange> ApplyHandOff(WriteContext& ctx, int64_t id, std::string_view actor,
                                              std::string_view new_status, std::string_view reason,
                                              const NewAssignment& successor, int64_t now_ms,
                                              WhenSuccessorHoldsCase when_held) {
  if (new_status != "declined" && new_status != "transferred") {
    return absl::InvalidArgumentError("a hand-off is declined or transferred");
  }
  absl::StatusOr<Loaded> l = LoadForAction(ctx.db, id);
  if (!l.ok()) return l.status();
  const AssignmentRecord& a = l->assignment;
  if (!IsOpenAssignmentStatus(a.status)) {
    return WrongStatus(a, Concat("only a pending or acknowledged assignment can be ",
                                 new_status == "declined" ? "declined" : "transferred"));
  }
  const bool has_successor = !successor.desk_id.empty();
  if (has_successor && successor.desk_id == a.desk_id) {
    return absl::InvalidArgumentError(Concat("the successor desk must differ from ", a.desk_id));
  }
  const AssignmentRecord* held = nullptr;  // the successor desk's open hand-off of the case
  for (const AssignmentRecord& other : l->c.assignments) {
    if (has_successor && other.id != a.id && other.desk_id == successor.desk_id &&
        IsOpenAssignmentStatus(other.status)) {
      held = &other;
    }
  }
  if (held != nullptr && when_held == WhenSuccessorHoldsCase::kRefuse) {
    return absl::FailedPreconditionError(Concat("desk ", successor.desk_id, " already holds case ",
                                                l->c.case_number, " (assignment ", held->id, ", ",
                                                held->status, "); choose another desk"));
  }
  if (!has_successor) {
    // Declining without a successor is allowed only while another desk still works on the
    // case: a case must never be left without an open hand-off.
    bool other_open = false;
    for (const AssignmentRecord& other : l->c.assignments) {
      if (other.id != a.id && IsOpenAssignmentStatus(other.status)) other_open = true;
    }
    if (new_status != "declined") {
      return absl::InvalidArgumentError("a transfer needs the desk it goes to");
    }
    if (!other_open) {
      return absl::FailedPreconditionError(
          Concat("assignment ", a.id, " is ", a.status, " and no other desk is left to take ",
                 "the case; transfer it to a named desk instead"));
    }
  }
  if (absl::Status s = SetAssignmentStatus(ctx.db, id, new_status, "", now_ms); !s.ok()) return s;
  JsonObject payload;
  payload.Add("status", new_status).Add("to_desk_id", successor.desk_id);  // "" for none
  if (held != nullptr) payload.Add("held_assignment_id", held->id);        // it carries on
  if (auto e = AppendAssignmentEvent(ctx, l->c, a, actor, now_ms,
                                     Concat("assignment.", new_status), std::move(payload), reason);
      !e.ok()) {
    return e.status();
  }
  std::optional<AssignmentRecord> next;
  if (has_successor && held == nullptr) {
    absl::StatusOr<AssignmentRecord> inserted =
        InsertAssignment(ctx, l->c, successor, actor, now_ms, a.id);
    if (!inserted.ok()) return inserted.status();
    next = *std::move(inserted);
  }
  absl::StatusOr<AssignmentChange> change = Finish(ctx, id, actor, now_ms);
  if (!change.ok()) return change;
  change->successor = std::move(next);
  return change;
}

absl::StatusOr<AssignmentChange> ApplyResolve(WriteContext& ctx, int64_t id,
                                              std::string_view actor, std::string_view outcome,
                                              std::string_view summary, int64_t now_ms) {
  absl::StatusOr<Loaded> l = LoadForAction(ctx.db, id);
  if (!l.ok()) return l.status();
  if (l->assignment.status != "acknowledged") {
    return WrongStatus(l->assignment,
                       l->assignment.status == "pending"
                           ? "acknowledge it before resolving it"
                           : "only an acknowledged assignment can be resolved");
  }
  if (absl::Status s = SetAssignmentStatus(ctx.db, id, "resolved", outcome, now_ms); !s.ok()) {
    return s;
  }
  JsonObject payload;
  payload.Add("status", "resolved").Add("outcome", outcome);
  if (auto e = AppendAssignmentEvent(ctx, l->c, l->assignment, actor, now_ms,
                                     "assignment.resolved", std::move(payload), summary);
      !e.ok()) {
    return e.status();
  }
  return Finish(ctx, id, actor, now_ms);
}

absl::StatusOr<CaseRecord> ApplyReopen(WriteContext& ctx, std::string_view case_number,
                                       std::string_view actor, std::string_view reason,
                                       const NewAssignment& desk, int64_t now_ms) {
  absl::StatusOr<CaseRecord> c = LoadCaseByNumber(ctx.db, case_number, CaseView::kSummary);
  if (!c.ok()) return c.status();
  if (c->kind != "report") {
    return absl::FailedPreconditionError(
        Concat("case ", c->case_number, " is an inquiry; only reports are reopened"));
  }
  if (c->status != "resolved" && c->status != "closed") {
    return absl::FailedPreconditionError(Concat("case ", c->case_number, " is ", c->status,
                                                "; only a resolved or closed case is reopened"));
  }
  // A purged case stays closed: its personal data is gone, and work on it again would gather
  // new personal data that the purge, done once per case, would never erase.
  absl::StatusOr<sqlite::Statement> purged =
      ctx.db.Prepare("SELECT purged_ms IS NOT NULL FROM cases WHERE id = ?1");
  if (!purged.ok()) return purged.status();
  purged->BindInt(1, c->id);
  absl::StatusOr<bool> row = purged->Step();
  if (!row.ok()) return row.status();
  if (*row && purged->Int(0) != 0) {
    return absl::FailedPreconditionError(
        Concat("case ", c->case_number, " is closed and its personal data was erased under the ",
               "retention policy; it cannot be reopened: record a new report that refers to it"));
  }
  absl::StatusOr<sqlite::Statement> stmt = ctx.db.Prepare(
      "UPDATE cases SET status = 'routed', closed_ms = NULL, outcome = '', outcome_summary = '', "
      "feedback_ms = NULL, reopened_ms = ?2, updated_ms = ?2 WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, c->id).BindInt(2, now_ms);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  NewEvent e = CaseEvent(*c, actor, now_ms, "case.reopened",
                         JsonObject()
                             .Add("from", c->status)
                             .Add("desk_id_assigned", desk.desk_id)
                             .Add("private_sha256", Sha256Hex(reason))
                             .Finish());
  e.private_data = std::string(reason);
  if (absl::Status s = Append(ctx, e); !s.ok()) return s;
  absl::StatusOr<AssignmentRecord> a = InsertAssignment(ctx, *c, desk, actor, now_ms, 0);
  if (!a.ok()) return a.status();
  return LoadCaseById(ctx.db, c->id, CaseView::kFull);
}

absl::StatusOr<CaseRecord> ApplyRecordFeedback(WriteContext& ctx, std::string_view case_number,
                                               std::string_view actor, std::string_view note,
                                               int64_t now_ms) {
  absl::StatusOr<CaseRecord> c = LoadCaseByNumber(ctx.db, case_number, CaseView::kSummary);
  if (!c.ok()) return c.status();
  if (!c->feedback_wanted) {
    return absl::FailedPreconditionError(
        Concat("case ", c->case_number, " owes no feedback (anonymous reporter or an inquiry)"));
  }
  if (c->feedback_ms != 0) {
    return absl::FailedPreconditionError(
        Concat("feedback for case ", c->case_number, " was already recorded"));
  }
  if (c->status != "resolved" && c->status != "closed") {
    return absl::FailedPreconditionError(Concat("case ", c->case_number, " is ", c->status,
                                                "; feedback is due once it is resolved"));
  }
  absl::StatusOr<sqlite::Statement> stmt =
      ctx.db.Prepare("UPDATE cases SET feedback_ms = ?2, updated_ms = ?2 WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, c->id).BindInt(2, now_ms);
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  NewEvent e = CaseEvent(*c, actor, now_ms, "feedback.given",
                         JsonObject().Add("private_sha256", Sha256Hex(note)).Finish());
  e.private_data = std::string(note);
  if (absl::Status s = Append(ctx, e); !s.ok()) return s;
  return LoadCaseById(ctx.db, c->id, CaseView::kFull);
}

absl::StatusOr<EventRecord> ApplyRecordAccess(WriteContext& ctx, int64_t case_id,
                                              std::string_view actor, std::string_view role,
                                              std::string_view rpc, int64_t now_ms) {
  absl::StatusOr<CaseRecord> c = LoadCaseById(ctx.db, case_id, CaseView::kSummary);
  if (!c.ok()) return c.status();
  return AppendEvent(ctx.db, ctx.head,
                     CaseEvent(*c, actor, now_ms, "case.viewed",
                               JsonObject().Add("role", role).Add("rpc", rpc).Finish()));
}

absl::StatusOr<AssignmentChange> ApplyEscalate(WriteContext& ctx, int64_t id,
                                               const NewAssignment& successor, int64_t now_ms) {
  static constexpr std::string_view kSystem = "system";
  absl::StatusOr<Loaded> l = LoadForAction(ctx.db, id);
  if (!l.ok()) return l.status();
  const AssignmentRecord& a = l->assignment;
  if (a.status != "pending") return WrongStatus(a, "only a pending assignment escalates");
  if (a.ack_deadline_ms > now_ms) {
    return absl::FailedPreconditionError(Concat("assignment ", a.id, " is not due yet"));
  }
  if (a.overdue_ms != 0) {
    return absl::FailedPreconditionError(Concat("assignment ", a.id, " is already overdue"));
  }
  if (successor.desk_id.empty()) {
    absl::StatusOr<sqlite::Statement> stmt = ctx.db.Prepare(
        "UPDATE assignments SET overdue_ms = ?2, updated_ms = ?2 WHERE id = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->BindInt(1, id).BindInt(2, now_ms);
    if (absl::Status s = stmt->Run(); !s.ok()) return s;
    JsonObject payload;
    payload.Add("status", "pending").Add("deadline_ms", a.ack_deadline_ms);
    if (auto e = AppendAssignmentEvent(ctx, l->c, a, kSystem, now_ms, "assignment.overdue",
                                       std::move(payload), "");
        !e.ok()) {
      return e.status();
    }
    return Finish(ctx, id, kSystem, now_ms);
  }
  if (successor.desk_id == a.desk_id) {
    return absl::InvalidArgumentError(Concat("the successor desk must differ from ", a.desk_id));
  }
  // The successor was chosen from an earlier read; a transfer or decline committed since may
  // have given that desk the case. No desk holds two open hand-offs of one case.
  for (const AssignmentRecord& other : l->c.assignments) {
    if (other.desk_id == successor.desk_id && IsOpenAssignmentStatus(other.status)) {
      return absl::AbortedError(Concat("desk ", successor.desk_id, " took case ", l->c.case_number,
                                       " meanwhile (assignment ", other.id, "); decide again"));
    }
  }
  if (absl::Status s = SetAssignmentStatus(ctx.db, id, "escalated", "", now_ms); !s.ok()) {
    return s;
  }
  JsonObject payload;
  payload.Add("status", "escalated")
      .Add("deadline_ms", a.ack_deadline_ms)
      .Add("to_desk_id", successor.desk_id);
  if (auto e = AppendAssignmentEvent(ctx, l->c, a, kSystem, now_ms, "assignment.escalated",
                                     std::move(payload), "");
      !e.ok()) {
    return e.status();
  }
  absl::StatusOr<AssignmentRecord> next = InsertAssignment(ctx, l->c, successor, kSystem, now_ms, id);
  if (!next.ok()) return next.status();
  absl::StatusOr<AssignmentChange> change = Finish(ctx, id, kSystem, now_ms);
  if (!change.ok()) return change;
  change->successor = *std::move(next);
  return change;
}

absl::StatusOr<std::vector<AssignmentRecord>> ApplyMoveOpenAssignments(
    WriteContext& ctx, std::string_view desk_id, const NewAssignment& replacement,
    std::string_view actor, std::string_view reason, int64_t now_ms) {
  absl::StatusOr<sqlite::Statement> stmt = ctx.db.Prepare(
      "SELECT id FROM assignments WHERE desk_id = ?1 AND status IN ('pending', 'acknowledged') "
      "ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, desk_id);
  absl::StatusOr<std::vector<int64_t>> ids = stmt->CollectInts();
  if (!ids.ok()) return ids.status();
  std::vector<AssignmentRecord> moved;
  for (int64_t id : *ids) {
    absl::StatusOr<AssignmentChange> change =
        ApplyHandOff(ctx, id, actor, "transferred", reason, replacement, now_ms,
                     WhenSuccessorHoldsCase::kCloseInto);
    if (!change.ok()) return change.status();
    if (change->successor) moved.push_back(*change->successor);
  }
  return moved;
}

absl::StatusOr<std::vector<AssignmentRecord>> LoadDueAssignments(sqlite::Connection& db,
                                                                 int64_t now_ms, int limit) {
  absl::StatusOr<sqlite::Statement> stmt = db.Prepare(
      "SELECT id FROM assignments WHERE status = 'pending' AND overdue_ms IS NULL AND "
      "ack_deadline_ms <= ?1 ORDER BY ack_deadline_ms, id LIMIT ?2");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, now_ms).BindInt(2, limit);
  absl::StatusOr<std::vector<int64_t>> ids = stmt->CollectInts();
  if (!ids.ok()) return ids.status();
  std::vector<AssignmentRecord> out;
  for (int64_t id : *ids) {
    absl::StatusOr<AssignmentRecord> a = LoadAssignment(db, id);
    if (!a.ok()) return a.status();
    out.push_back(*std::move(a));
  }
  return out;
}

absl::StatusOr<int64_t> LoadNextDeadline(sqlite::Connection& db) {
  return db.QueryInt(
      "SELECT COALESCE(min(ack_deadline_ms), 0) FROM assignments WHERE status = 'pending' AND "
      "overdue_ms IS NULL");
}

}  // namespace hotline::storage
