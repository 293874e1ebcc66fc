#include "storage/event_log.h"

#include <algorithm>
#include <cstdlib>

#include "storage/crypto.h"
#include "storage/desk_ranges.h"
#include "storage/json.h"
#include "storage/str_util.h"

namespace hotline::storage {
namespace {

void AppendNetstring(std::string_view bytes, std::string* out) {
  AppendTo(out, bytes.size(), ":", bytes, ",");
}

// Columns shared by the event queries, in EventFromRow's order.
constexpr const char* kEventColumns =
    "e.seq, COALESCE(e.case_id, 0), COALESCE(c.case_number, ''), e.time_ms, e.actor, e.type, "
    "e.payload, e.private, e.prev_hash, e.hash, COALESCE(e.desk_id, '')";

EventRecord EventFromRow(const sqlite::Statement& row) {
  EventRecord e;
  e.seq = row.Int(0);
  e.case_id = row.Int(1);
  e.case_number = row.Text(2);
  e.time_ms = row.Int(3);
  e.actor = row.Text(4);
  e.type = row.Text(5);
  e.payload = row.Text(6);
  e.private_data = row.Blob(7);
  e.prev_hash = row.Text(8);
  e.hash = row.Text(9);
  e.desk_id = row.Text(10);
  return e;
}

}  // namespace

NewEvent SystemEvent(std::string_view actor, int64_t now_ms, std::string type,
                     std::string payload) {
  NewEvent e;
  e.time_ms = now_ms;
  e.actor = std::string(actor);
  e.type = std::move(type);
  e.payload = std::move(payload);
  return e;
}

std::string CanonicalEventBytes(int64_t seq, std::string_view case_number, int64_t time_ms,
                                std::string_view actor, std::string_view type,
                                std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + actor.size() + 64);
  AppendNetstring(std::to_string(seq), &out);
  AppendNetstring(case_number, &out);
  AppendNetstring(std::to_string(time_ms), &out);
  AppendNetstring(actor, &out);
  AppendNetstring(type, &out);
  AppendNetstring(payload, &out);
  return out;
}

std::string EventHash(std::string_view prev_hash, std::string_view canonical) {
  std::string input;
  input.reserve(prev_hash.size() + canonical.size());
  input.append(prev_hash).append(canonical);
  return Sha256Hex(input);
}

absl::StatusOr<ChainHead> LoadChainHead(sqlite::Connection& db) {
  absl::StatusOr<sqlite::Statement> stmt =
      db.Prepare("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  ChainHead head;
  if (*row) {
    head.seq = stmt->Int(0);
    head.hash = stmt->Text(1);
  }
  return head;
}

absl::StatusOr<EventRecord> AppendEvent(sqlite::Connection& db, ChainHead& head,
                                        const NewEvent& e) {
  EventRecord r;
  r.seq = head.seq + 1;
  r.case_id = e.case_id;
  r.case_number = e.case_number;
  r.time_ms = e.time_ms;
  r.actor = e.actor;
  r.type = e.type;
  r.payload = e.payload;
  r.private_data = e.private_data;
  r.desk_id = e.desk_id;
  r.prev_hash = head.hash;
  r.hash = EventHash(r.prev_hash, CanonicalEventBytes(r.seq, r.case_number, r.time_ms, r.actor,
                                                      r.type, r.payload));

  absl::StatusOr<sqlite::Statement> stmt = db.Prepare(
      "INSERT INTO events (seq, case_id, time_ms, actor, type, payload, private, prev_hash, "
      "hash, desk_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, r.seq).BindInt(3, r.time_ms).BindText(4, r.actor).BindText(5, r.type);
  stmt->BindText(6, r.payload).BindText(8, r.prev_hash).BindText(9, r.hash);
  if (r.case_id != 0) {
    stmt->BindInt(2, r.case_id);
  } else {
    stmt->BindNull(2);
  }
  if (!r.private_data.empty()) {
    stmt->BindBlob(7, r.private_data);
  } else {
    stmt->BindNull(7);
  }
  if (!r.desk_id.empty()) {
    stmt->BindText(10, r.desk_id);
  } else {
    stmt->BindNull(10);
  }
  if (absl::Status s = stmt->Run(); !s.ok()) return s;
  head.seq = r.seq;
  head.hash = r.hash;
  return r;
}

absl::StatusOr<std::vector<EventRecord>> LoadCaseEvents(sqlite::Connection& db, int64_t case_id) {
  absl::StatusOr<sqlite::Statement> stmt =
      db.Prepare(Concat("SELECT ", kEventColumns,
                        " FROM events e LEFT JOIN cases c ON c.id = e.case_id WHERE e.case_id = ?1 "
                        "ORDER BY e.seq"));
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, case_id);
  std::vector<EventRecord> events;
  for (;;) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    events.push_back(EventFromRow(*stmt));
  }
  return events;
}

absl::StatusOr<std::vector<EventRecord>> LoadDeskEvents(sqlite::Connection& db,
                                                         const std::vector<std::string>& desks,
                                                         int64_t after_seq, int limit) {
  // One range of events_desk per desk, merged (desk_ranges.h). From the start of the
  // benchmark's 1,000,000 cases, the IN-list form took 1.7 s per page of 128; this, 1.2 ms.
  return ReadDeskParts<EventRecord>(
      desks, static_cast<size_t>(limit),
      [&](const std::vector<std::string>& part) -> absl::StatusOr<sqlite::Statement> {
        // ?1 the cursor, ?2 the limit, then the desks.
        absl::StatusOr<sqlite::Statement> stmt = db.Prepare(Concat(
            "WITH picked(seq) AS (",
            DeskArms(
                "SELECT seq FROM events INDEXED BY events_desk WHERE desk_id = ?D AND seq > ?1",
                part.size(), 3),
            " ORDER BY 1 LIMIT ?2) SELECT ", kEventColumns,
            " FROM picked p JOIN events e ON e.seq = p.seq LEFT JOIN cases c ON c.id = "
            "e.case_id ORDER BY e.seq"));
        if (!stmt.ok()) return stmt;
        stmt->BindInt(1, after_seq).BindInt(2, limit);
        for (size_t i = 0; i < part.size(); ++i) stmt->BindText(static_cast<int>(i) + 3, part[i]);
        return stmt;
      },
      EventFromRow, [](const EventRecord& a, const EventRecord& b) { return a.seq < b.seq; });
}

// `result` of a verification that stopped at `seq` with `problem`.
static VerifyResult Failed(VerifyResult result, int64_t seq, ChainProblem kind,
                           std::string problem) {
  result.ok = false;
  result.first_bad_seq = seq;
  result.problem_kind = kind;
  result.problem = std::move(problem);
  return result;
}

// The texts the chain commits to but does not hold: each case's report (its detail, with
// the SHA-256 of its last report.received, inquiry.recorded or case.purged event) and each
// routing table's text (routing_table.applied's sha256). `result` is an intact chain.
static absl::StatusOr<VerifyResult> VerifyCommittedTexts(sqlite::Connection& db,
                                                         VerifyResult result) {
  const auto fail = [&](int64_t seq, std::string problem) {
    return Failed(std::move(result), seq, ChainProblem::kCommittedText, std::move(problem));
  };
  absl::StatusOr<sqlite::Statement> cases = db.Prepare(
      "SELECT c.case_number, c.detail, e.seq, e.payload FROM cases c LEFT JOIN events e ON "
      "e.seq = (SELECT MAX(x.seq) FROM events x WHERE x.case_id = c.id AND x.type IN "
      "('report.received', 'inquiry.recorded', 'case.purged')) ORDER BY c.id");
  if (!cases.ok()) return cases.status();
  for (;;) {
    absl::StatusOr<bool> row = cases->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (cases->IsNull(2)) {
      return fail(0, Concat("case ", cases->Text(0), " has no event committing to its report"));
    }
    if (JsonObjectMember(cases->Text(3), "detail_sha256") != Sha256Hex(cases->Blob(1))) {
      return fail(cases->Int(2), Concat("case ", cases->Text(0),
                                        ": the stored report does not match the detail_sha256 "
                                        "of event ",
                                        cases->Int(2)));
    }
  }
  absl::StatusOr<sqlite::Statement> tables = db.Prepare(
      "SELECT r.version, r.text, e.seq, json_extract(e.payload, '$.sha256') FROM routing_tables r "
      "LEFT JOIN events e ON e.type = 'routing_table.applied' AND "
      "json_extract(e.payload, '$.version') = r.version ORDER BY r.version");
  if (!tables.ok()) return tables.status();
  for (;;) {
    absl::StatusOr<bool> row = tables->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (tables->IsNull(2) || tables->Text(3) != Sha256Hex(tables->Text(1))) {
      return fail(tables->IsNull(2) ? 0 : tables->Int(2),
                  Concat("routing table version ", tables->Int(0),
                         ": its text does not match the sha256 of its routing_table.applied "
                         "event"));
    }
  }
  return result;
}

// Each hand-off's desk and status, from which the desks' lists and streams are read, against
// its last event: a row edited to move a case to another desk, or to mark a hand-off done,
// shows. `result` is an intact chain.
static absl::StatusOr<VerifyResult> VerifyAssignments(sqlite::Connection& db, VerifyResult result) {
  absl::StatusOr<sqlite::Statement> stmt = db.Prepare(
      "SELECT a.id, a.desk_id, a.status, e.seq, e.type, "
      "COALESCE(json_extract(e.payload, '$.desk_id'), ''), "
      "COALESCE(json_extract(e.payload, '$.status'), '') FROM assignments a LEFT JOIN events e "
      "ON e.seq = (SELECT MAX(x.seq) FROM events x WHERE x.case_id = a.case_id AND x.type LIKE "
      "'assignment.%' AND json_extract(x.payload, '$.assignment_id') = a.id) ORDER BY a.id");
  if (!stmt.ok()) return stmt.status();
  for (;;) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return result;
    const int64_t id = stmt->Int(0);
    const std::string desk = stmt->Text(1);
    const std::string status = stmt->Text(2);
    if (stmt->IsNull(3)) {
      return Failed(std::move(result), 0, ChainProblem::kAssignment,
                    Concat("assignment ", id, " has no event"));
    }
    const std::string type = stmt->Text(4);
    std::string expected = stmt->Text(6);
    if (expected.empty()) {
      const std::string suffix = type.substr(type.find('.') + 1);
      expected = suffix == "created" ? "pending" : suffix;
    }
    if (desk != stmt->Text(5) || status != expected) {
      return Failed(std::move(result), stmt->Int(3), ChainProblem::kAssignment,
                    Concat("assignment ", id, " is at desk ", desk, ", ", status,
                           "; its last "
                           "event says desk ",
                           stmt->Text(5), ", ", expected));
    }
  }
}

absl::StatusOr<VerifyResult> VerifyChain(sqlite::Connection& db, std::vector<AuditAnchor> anchors) {
  std::sort(anchors.begin(), anchors.end(),
            [](const AuditAnchor& a, const AuditAnchor& b) { return a.seq < b.seq; });
  size_t next_anchor = 0;
  // Restores recorded in the log: event R dropped the replaced log's events B+1..H (its
  // payload's backup_events and replaced_head_seq). A restore legitimately starts the log
  // again from an older point: an anchored event in such a range may be gone for that reason,
  // and the message says so; one outside every range has no such excuse.
  struct Restore {
    int64_t seq, backup_events, replaced_head_seq;
  };
  std::vector<Restore> restores;
  const auto restore_note = [&restores](int64_t anchor) {
    for (auto r = restores.rbegin(); r != restores.rend(); ++r) {
      if (r->backup_events < anchor && anchor <= r->replaced_head_seq) {
        return Concat(" (or the restore from a backup recorded at event ", r->seq, " dropped it)");
      }
    }
    return std::string();
  };
  // One cursor over the seq order: SQLite steps through the table, so memory stays flat
  // however long the log is.
  absl::StatusOr<sqlite::Statement> stmt =
      db.Prepare(Concat("SELECT ", kEventColumns,
                        ", COALESCE(json_extract(e.payload, '$.desk_id'), '') "
                        "FROM events e LEFT JOIN cases c ON c.id = e.case_id ORDER BY e.seq"));
  if (!stmt.ok()) return stmt.status();
  VerifyResult result;
  result.head_hash = kGenesisHash;
  int64_t expected_seq = 1;
  const auto fail = [&](int64_t seq, ChainProblem kind, std::string problem) {
    return Failed(std::move(result), seq, kind, std::move(problem));
  };
  for (;;) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const EventRecord e = EventFromRow(*stmt);
    if (e.seq != expected_seq) {
      if (e.seq < expected_seq) {
        return fail(e.seq, ChainProblem::kOutOfOrder, Concat("event ", e.seq, " out of order"));
      }
      return fail(expected_seq, ChainProblem::kGap,
                  Concat("gap: event ", expected_seq, " missing"));
    }
    if (e.prev_hash != result.head_hash) {
      if (e.seq == 1) {
        return fail(e.seq, ChainProblem::kFirstPrevHash,
                    "prev_hash of the first event is not zero");
      }
      return fail(e.seq, ChainProblem::kPrevHash,
                  Concat("prev_hash does not match event ", e.seq - 1));
    }
    const std::string hash =
        EventHash(e.prev_hash,
                  CanonicalEventBytes(e.seq, e.case_number, e.time_ms, e.actor, e.type, e.payload));
    if (hash != e.hash) return fail(e.seq, ChainProblem::kHash, "hash mismatch");
    // desk_id is an index of the hashed payload (desk streams read through it): it must say
    // what the payload says, or a desk could silently miss an event.
    if (e.desk_id != stmt->Text(11)) {
      return fail(e.seq, ChainProblem::kDeskId, "desk_id does not match the payload");
    }
    // Personal data is kept beside the hashed bytes, committed to by its SHA-256 in the
    // payload. (A purge erases it: nothing left to check.)
    if (!e.private_data.empty() &&
        JsonObjectMember(e.payload, "private_sha256") != Sha256Hex(e.private_data)) {
      return fail(e.seq, ChainProblem::kPrivateData,
                  "private data does not match the payload's private_sha256");
    }
    if (e.type == "database.restored") {
      const auto number = [&e](std::string_view key) {
        return std::atoll(JsonObjectMember(e.payload, key).value_or("0").c_str());
      };
      restores.push_back({e.seq, number("backup_events"), number("replaced_head_seq")});
    }
    for (; next_anchor < anchors.size() && anchors[next_anchor].seq <= e.seq; ++next_anchor) {
      const AuditAnchor& anchor = anchors[next_anchor];
      if (anchor.seq == e.seq && anchor.hash != e.hash) {
        return fail(e.seq, ChainProblem::kAnchorMismatch,
                    Concat("event ", e.seq, " is not the anchored one: its hash is ",
                           e.hash.substr(0, 16), "..., the anchor's ", anchor.hash.substr(0, 16),
                           "...: the log was rewritten up to here", restore_note(e.seq)));
      }
      ++result.anchors_checked;
    }
    result.head_hash = e.hash;
    result.head_seq = e.seq;
    ++result.events_checked;
    ++expected_seq;
  }
  if (next_anchor < anchors.size()) {
    const int64_t seq = anchors[next_anchor].seq;
    return fail(seq, ChainProblem::kAnchorMissing,
                Concat("anchored event ", seq, " is missing: the log ends at event ",
                       result.head_seq, "; events were removed from its end", restore_note(seq)));
  }
  absl::StatusOr<VerifyResult> texts = VerifyCommittedTexts(db, std::move(result));
  if (!texts.ok() || !texts->ok) return texts;
  return VerifyAssignments(db, *std::move(texts));
}

}  // namespace hotline::storage
