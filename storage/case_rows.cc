#include "storage/case_rows.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <limits>
#include <variant>

#include "storage/desk_ranges.h"
#include "storage/event_log.h"
#include "storage/json.h"
#include "storage/str_util.h"

namespace hotline::storage {
namespace {

constexpr const char* kSummaryColumns =
    "c.id, c.case_number, c.kind, c.status, c.channel, c.urgency, c.created_by, c.request_id, "
    "c.created_ms, c.updated_ms, COALESCE(c.closed_ms, 0), c.routing_version, c.outcome, "
    "c.outcome_summary, c.feedback_wanted, COALESCE(c.feedback_ms, 0), c.routing_table_version, "
    "c.reopened_ms, COALESCE(c.purged_ms, 0)";
constexpr const char* kFullColumns = ", c.detail, c.routing_trace";

CaseRecord CaseFromRow(const sqlite::Statement& row, CaseView view) {
  CaseRecord c;
  c.id = row.Int(0);
  c.case_number = row.Text(1);
  c.kind = row.Text(2);
  c.status = row.Text(3);
  c.channel = row.Text(4);
  c.urgency = row.Text(5);
  c.created_by = row.Text(6);
  c.request_id = row.Text(7);
  c.created_ms = row.Int(8);
  c.updated_ms = row.Int(9);
  c.closed_ms = row.Int(10);
  c.routing_version = row.Text(11);
  c.outcome = row.Text(12);
  c.outcome_summary = row.Text(13);
  c.feedback_wanted = row.Int(14) != 0;
  c.feedback_ms = row.Int(15);
  c.routing_table_version = row.Int(16);
  c.reopened_ms = row.Int(17);
  c.purged_ms = row.Int(18);
  if (view == CaseView::kFull) {
    c.detail = row.Blob(19);
    c.routing_trace = row.Blob(20);
  }
  return c;
}

absl::StatusOr<std::vector<std::string>> LoadStrings(sqlite::Connection& db, const char* sql,
                                                     int64_t case_id) {
  absl::StatusOr<sqlite::Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, case_id);
  std::vector<std::string> values;
  for (;;) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return values;
    values.push_back(stmt->Text(0));
  }
}

// Fills categories, jurisdictions and assignments (insertion order).
absl::Status LoadChildren(sqlite::Connection& db, CaseRecord& c) {
  absl::StatusOr<std::vector<std::string>> categories = LoadStrings(
      db, "SELECT category FROM case_categories WHERE case_id = ?1 ORDER BY rowid", c.id);
  if (!categories.ok()) return categories.status();
  absl::StatusOr<std::vector<std::string>> codes = LoadStrings(
      db, "SELECT code FROM case_jurisdictions WHERE case_id = ?1 ORDER BY rowid", c.id);
  if (!codes.ok()) return codes.status();
  absl::StatusOr<std::vector<AssignmentRecord>> assignments = LoadAssignments(db, c.id);
  if (!assignments.ok()) return assignments.status();
  c.categories = *std::move(categories);
  c.jurisdictions = *std::move(codes);
  c.assignments = *std::move(assignments);
  return absl::OkStatus();
}

absl::StatusOr<CaseRecord> LoadOne(sqlite::Connection& db, std::string_view where,
                                   const std::variant<int64_t, std::string_view>& key,
                                   CaseView view) {
  absl::StatusOr<sqlite::Statement> stmt =
      db.Prepare(Concat("SELECT ", kSummaryColumns, view == CaseView::kFull ? kFullColumns : "",
                        " FROM cases c WHERE ", where));
  if (!stmt.ok()) return stmt.status();
  if (const int64_t* id = std::get_if<int64_t>(&key)) {
    stmt->BindInt(1, *id);
  } else {
    stmt->BindText(1, std::get<std::string_view>(key));
  }
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    if (const int64_t* id = std::get_if<int64_t>(&key)) {
      return absl::NotFoundError(Concat("no case with id ", *id));
    }
    return absl::NotFoundError(Concat("no case ", std::get<std::string_view>(key)));
  }
  CaseRecord c = CaseFromRow(*stmt, view);
  if (absl::Status s = LoadChildren(db, c); !s.ok()) return s;
  return c;
}

}  // namespace

absl::StatusOr<CaseRecord> LoadCaseByNumber(sqlite::Connection& db, std::string_view number,
                                            CaseView view) {
  return LoadOne(db, "c.case_number = ?1", number, view);
}

absl::StatusOr<CaseRecord> LoadCaseById(sqlite::Connection& db, int64_t id, CaseView view) {
  return LoadOne(db, "c.id = ?1", id, view);
}

absl::StatusOr<StoredRequest> FindRequest(sqlite::Connection& db, std::string_view request_id) {
  absl::StatusOr<sqlite::Statement> stmt = db.Prepare(
      "SELECT id, case_number, request_fingerprint, created_by FROM cases WHERE request_id = ?1");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, request_id);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError("no case for this request_id");
  return StoredRequest{stmt->Int(0), stmt->Text(1), stmt->Text(2), stmt->Text(3)};
}

namespace {

constexpr const char* kAssignmentColumns =
    "a.id, a.case_id, a.desk_id, a.desk_type, a.desk_name, a.rule_id, a.resolution, a.status, "
    "a.created_ms, a.ack_deadline_ms, a.updated_ms, c.case_number, a.replaces_id, a.outcome, "
    "COALESCE(a.overdue_ms, 0)";

AssignmentRecord AssignmentFromRow(const sqlite::Statement& row) {
  AssignmentRecord a;
  a.id = row.Int(0);
  a.case_id = row.Int(1);
  a.desk_id = row.Text(2);
  a.desk_type = row.Text(3);
  a.desk_name = row.Text(4);
  a.rule_id = row.Text(5);
  a.resolution = row.Text(6);
  a.status = row.Text(7);
  a.created_ms = row.Int(8);
  a.ack_deadline_ms = row.Int(9);
  a.updated_ms = row.Int(10);
  a.case_number = row.Text(11);
  a.replaces_id = row.Int(12);
  a.outcome = row.Text(13);
  a.overdue_ms = row.Int(14);
  return a;
}

// The least string above every string that starts with `prefix`, in SQLite's BINARY order
// (bytes): the prefix with its last byte that is not 0xFF raised by one. Empty when there is
// none (the prefix is all 0xFF bytes).
std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xFF) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

// A case-list filter on rows that hang off a case (categories, jurisdictions, assignments).
// It is read one of two ways:
//  - as a list, `c.id IN (SELECT case_id FROM <from> WHERE ...)`: SQLite reads every match,
//    then walks the cases newest first. Cheap when there are few matches.
//  - as a test of each case, `EXISTS (SELECT 1 FROM <per_case_from> WHERE case_id = c.id AND
//    ...)`: SQLite walks the cases newest first and probes each. Cheap when there are many
//    matches, since a page is found after a few hundred cases.
// On the benchmark's 1,000,000 cases the list form took 94 ms a page for a category of
// 250,000 cases and 1,076 ms for a prefix that covers all of them; the test form, 1.1 and
// 0.3 ms. For a rare value the list form is the fast one.
struct CaseRowsFilter {
  std::string from;           // for the list and for counting
  std::string per_case_from;  // for the per-case test: an index led by case_id
  std::string condition;      // its values as $1, $2, ...
  std::vector<std::string> values;
};

// `condition` with each "$k" replaced by params[k - 1] (k is 1..9).
std::string WithParams(std::string_view condition, const std::vector<std::string>& params) {
  std::string out;
  for (size_t i = 0; i < condition.size(); ++i) {
    if (condition[i] == '$' && i + 1 < condition.size() && condition[i + 1] >= '1' &&
        condition[i + 1] <= '9') {
      out += params[static_cast<size_t>(condition[i + 1] - '1')];
      ++i;
    } else {
      out += condition[i];
    }
  }
  return out;
}

// Whether `f` matches at least `many` rows; reads at most that many index entries.
absl::StatusOr<bool> HasManyMatches(sqlite::Connection& db, const CaseRowsFilter& f, int many) {
  std::vector<std::string> params;
  for (size_t i = 0; i < f.values.size(); ++i) params.push_back(Concat("?", i + 1));
  const int limit_param = static_cast<int>(f.values.size()) + 1;
  absl::StatusOr<sqlite::Statement> stmt =
      db.Prepare(Concat("SELECT count(*) FROM (SELECT 1 FROM ", f.from, " WHERE ",
                        WithParams(f.condition, params), " LIMIT ?", limit_param, ")"));
  if (!stmt.ok()) return stmt.status();
  for (size_t i = 0; i < f.values.size(); ++i) {
    stmt->BindText(static_cast<int>(i) + 1, f.values[i]);
  }
  stmt->BindInt(limit_param, many);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  return *row && stmt->Int(0) >= many;
}

}  // namespace

absl::StatusOr<std::vector<AssignmentRecord>> LoadAssignments(sqlite::Connection& db,
                                                              int64_t case_id) {
  absl::StatusOr<sqlite::Statement> stmt =
      db.Prepare(Concat("SELECT ", kAssignmentColumns,
                        " FROM assignments a JOIN cases c ON c.id = a.case_id "
                        "WHERE a.case_id = ?1 ORDER BY a.id"));
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, case_id);
  std::vector<AssignmentRecord> out;
  for (;;) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(AssignmentFromRow(*stmt));
  }
}

absl::StatusOr<AssignmentRecord> LoadAssignment(sqlite::Connection& db, int64_t id) {
  absl::StatusOr<sqlite::Statement> stmt =
      db.Prepare(Concat("SELECT ", kAssignmentColumns,
                        " FROM assignments a JOIN cases c ON c.id = a.case_id WHERE a.id = ?1"));
  if (!stmt.ok()) return stmt.status();
  stmt->BindInt(1, id);
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError(Concat("assignment ", id, " not found"));
  return AssignmentFromRow(*stmt);
}

absl::StatusOr<AssignmentPage> QueryAssignments(sqlite::Connection& db,
                                                const AssignmentFilter& filter, int page_size,
                                                int64_t before_id) {
  if (page_size < 1 || page_size > 1000) {
    return absl::InvalidArgumentError(Concat("page_size must be 1..1000, got ", page_size));
  }
  if (filter.desk_ids.empty()) return absl::InvalidArgumentError("desk_ids is required");
  // One range of assignments_by_desk per desk, newest first, merged (desk_ranges.h). An
  // agency with two desks of 250,000 assignments each waited 1.7 s per page with the IN-list
  // form on the benchmark's 1,000,000 cases.
  // ?1 the id bound, ?2 the rows wanted, then the statuses, then the desks.
  std::string arm =
      "SELECT id FROM assignments INDEXED BY assignments_by_desk WHERE desk_id = ?D AND id < ?1";
  int param = 3;
  if (!filter.statuses.empty()) {
    arm += " AND status IN (";
    for (size_t i = 0; i < filter.statuses.size(); ++i) {
      AppendTo(&arm, i == 0 ? "" : ", ", "?", param++);
    }
    arm += ")";
  }
  const int64_t below = before_id > 0 ? before_id : std::numeric_limits<int64_t>::max();
  const int wanted = page_size + 1;  // one more tells whether a next page exists
  absl::StatusOr<std::vector<AssignmentRecord>> rows = ReadDeskParts<AssignmentRecord>(
      filter.desk_ids, static_cast<size_t>(wanted),
      [&](const std::vector<std::string>& part) -> absl::StatusOr<sqlite::Statement> {
        absl::StatusOr<sqlite::Statement> stmt = db.Prepare(
            Concat("WITH picked(id) AS (", DeskArms(arm, part.size(), param),
                   " ORDER BY 1 DESC LIMIT ?2) SELECT ", kAssignmentColumns,
                   " FROM picked p JOIN assignments a ON a.id = p.id JOIN cases c ON c.id = "
                   "a.case_id ORDER BY a.id DESC"));
        if (!stmt.ok()) return stmt;
        stmt->BindInt(1, below).BindInt(2, wanted);
        for (size_t i = 0; i < filter.statuses.size(); ++i) {
          stmt->BindText(3 + static_cast<int>(i), filter.statuses[i]);
        }
        for (size_t i = 0; i < part.size(); ++i) {
          stmt->BindText(param + static_cast<int>(i), part[i]);
        }
        return stmt;
      },
      AssignmentFromRow,
      [](const AssignmentRecord& a, const AssignmentRecord& b) { return a.id > b.id; });
  if (!rows.ok()) return rows.status();
  AssignmentPage page;
  page.assignments = *std::move(rows);
  if (page.assignments.size() > static_cast<size_t>(page_size)) {
    page.assignments.resize(static_cast<size_t>(page_size));
    page.next_before_id = page.assignments.back().id;
  }
  return page;
}

namespace {

// `a`, read now, as it was right after `e`, one of its events. Its status is the one the
// payload names, else the one the type names ("assignment.created": pending,
// "assignment.withdrawn": withdrawn). Its outcome is given when it is resolved (final: a
// resolved hand-off never changes again). Its overdue mark holds from the event that set it
// on: only a pending hand-off is marked, once, and the only event it can have had before is
// its creation (a clock set back cannot blur this, as a comparison of times could). Its
// update time is the event's.
AssignmentRecord AssignmentAtEvent(AssignmentRecord a, const EventRecord& e) {
  std::string status = JsonObjectMember(e.payload, "status").value_or("");
  if (status.empty()) {
    status = e.type.substr(e.type.find('.') + 1);
    if (status == "created") status = "pending";
  }
  a.status = std::move(status);
  if (a.status != "resolved") a.outcome.clear();
  if (e.type == "assignment.created") a.overdue_ms = 0;
  a.updated_ms = e.time_ms;
  return a;
}

}  // namespace

absl::StatusOr<DeskFeed> LoadDeskFeed(sqlite::Connection& db, const std::vector<std::string>& desks,
                                      int64_t after_seq, int limit) {
  absl::StatusOr<std::vector<EventRecord>> events = LoadDeskEvents(db, desks, after_seq, limit);
  if (!events.ok()) return events.status();
  DeskFeed feed;
  feed.events = *std::move(events);
  feed.assignments.reserve(feed.events.size());
  for (const EventRecord& e : feed.events) {
    // The payload is ours and hash-chained, but a bad number must not throw: it names no
    // assignment, and the page fails with NOT_FOUND.
    const std::string id_text = JsonObjectMember(e.payload, "assignment_id").value_or("");
    int64_t id = 0;
    const char* end = id_text.data() + id_text.size();
    if (std::from_chars(id_text.data(), end, id).ptr != end) id = 0;
    absl::StatusOr<AssignmentRecord> a = LoadAssignment(db, id);
    if (!a.ok()) return a.status();
    feed.assignments.push_back(AssignmentAtEvent(*std::move(a), e));
    if (feed.cases.count(e.case_id) == 0) {
      absl::StatusOr<CaseRecord> c = LoadCaseById(db, e.case_id, CaseView::kSummary);
      if (!c.ok()) return c.status();
      feed.cases.emplace(e.case_id, *std::move(c));
    }
  }
  return feed;
}

absl::StatusOr<CasePage> QueryCases(sqlite::Connection& db, const CaseFilter& filter, int page_size,
                                    int64_t before_id, int many_matches) {
  if (page_size < 1 || page_size > 1000) {
    return absl::InvalidArgumentError(Concat("page_size must be 1..1000, got ", page_size));
  }
  if (before_id < 0) {
    return absl::InvalidArgumentError(Concat("before_id must be >= 0, got ", before_id));
  }
  std::string sql = Concat("SELECT ", kSummaryColumns, " FROM cases c WHERE 1");
  std::vector<std::string> texts;  // bound in order, from ?1
  const auto text_param = [&](std::string_view value) {
    texts.emplace_back(value);
    return Concat("?", texts.size());
  };
  const auto equals = [&](const char* column, const std::string& value) {
    if (!value.empty()) AppendTo(&sql, " AND c.", column, " = ", text_param(value));
  };
  equals("status", filter.status);
  equals("kind", filter.kind);
  equals("urgency", filter.urgency);
  equals("created_by", filter.created_by);
  // Filters on the rows hanging off a case: its categories, jurisdictions, assignments.
  std::vector<CaseRowsFilter> row_filters;
  if (!filter.category.empty()) {
    row_filters.push_back(
        {"case_categories", "case_categories", "category = $1", {filter.category}});
  }
  if (!filter.jurisdiction_prefix.empty()) {
    // An exact, case-sensitive prefix test (LIKE would treat '%', '_' and ASCII case
    // specially). The codes with the prefix are one range of the code index, [prefix,
    // PrefixEnd): without the upper bound SQLite read every code after the prefix too (for
    // "110101" on the benchmark's 1,000,000 cases, 761 ms a page instead of 267 ms).
    const std::string end = PrefixEnd(filter.jurisdiction_prefix);
    CaseRowsFilter f{"case_jurisdictions", "case_jurisdictions", "code >= $1", {}};
    f.values.push_back(filter.jurisdiction_prefix);
    if (!end.empty()) {
      f.condition += " AND code < $2";
      f.values.push_back(end);
    }
    f.condition += " AND substr(code, 1, length($1)) = $1";
    row_filters.push_back(std::move(f));
  }
  if (!filter.desk_id.empty()) {
    row_filters.push_back({"assignments",
                           "assignments INDEXED BY assignments_case",
                           "desk_id = $1",
                           {filter.desk_id}});
  }
  if (filter.overdue_at_ms > 0) {
    row_filters.push_back(
        {"assignments",
         "assignments INDEXED BY assignments_case",
         Concat("status = 'pending' AND ack_deadline_ms <= ", filter.overdue_at_ms),
         {}});
  }
  for (const CaseRowsFilter& f : row_filters) {
    absl::StatusOr<bool> many = HasManyMatches(db, f, many_matches);
    if (!many.ok()) return many.status();
    std::vector<std::string> params;
    for (const std::string& v : f.values) params.push_back(text_param(v));
    const std::string condition = WithParams(f.condition, params);
    if (*many) {
      AppendTo(&sql, " AND EXISTS (SELECT 1 FROM ", f.per_case_from, " WHERE case_id = c.id AND ",
               condition, ")");
    } else {
      AppendTo(&sql, " AND c.id IN (SELECT case_id FROM ", f.from, " WHERE ", condition, ")");
    }
  }
  if (filter.feedback_due) {
    AppendTo(&sql,
             " AND c.feedback_wanted = 1 AND c.feedback_ms IS NULL"
             " AND c.status IN ('resolved', 'closed')");
  }
  const int id_param = static_cast<int>(texts.size()) + 1;
  if (before_id > 0) AppendTo(&sql, " AND c.id < ?", id_param);
  AppendTo(&sql, " ORDER BY c.id DESC LIMIT ?", id_param + 1);

  absl::StatusOr<sqlite::Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  for (size_t i = 0; i < texts.size(); ++i) stmt->BindText(static_cast<int>(i) + 1, texts[i]);
  if (before_id > 0) stmt->BindInt(id_param, before_id);
  stmt->BindInt(id_param + 1, page_size + 1);  // one more tells whether a next page exists

  CasePage page;
  for (;;) {
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (static_cast<int>(page.cases.size()) == page_size) {
      page.next_before_id = page.cases.back().id;
      break;
    }
    page.cases.push_back(CaseFromRow(*stmt, CaseView::kSummary));
  }
  for (CaseRecord& c : page.cases) {
    if (absl::Status s = LoadChildren(db, c); !s.ok()) return s;
  }
  return page;
}

int UtcYear(int64_t time_ms) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(time_ms)));
  return static_cast<int>(year_month_day(day).year());
}

std::string FormatCaseNumber(int year, int64_t number) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "HL-%04d-%06lld", year, static_cast<long long>(number));
  return buf;
}

}  // namespace hotline::storage
