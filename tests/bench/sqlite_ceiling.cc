#include "tests/bench/sqlite_ceiling.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sqlite3.h>
#include <time.h>

#include <filesystem>
#include <map>
#include <memory>
#include <vector>

#include "router/router.h"
#include "server/mapping.h"
#include "storage/store.h"
#include "tests/bench/sample_reports.h"
#include "tests/bench/stats.h"

namespace hotline::bench {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

constexpr const char* kCounter =
    "INSERT INTO case_counters (year, next) VALUES (2026, 2) "
    "ON CONFLICT (year) DO UPDATE SET next = next + 1 RETURNING next - 1";
constexpr const char* kCase =
    "INSERT INTO cases (case_number, kind, status, channel, urgency, created_by, request_id, "
    "request_fingerprint, created_ms, updated_ms, closed_ms, detail, routing_version, "
    "routing_trace, outcome, outcome_summary, feedback_wanted, routing_table_version) "
    "VALUES (?1, 'report', 'routed', ?2, ?3, ?4, ?5, ?6, ?7, ?7, NULL, ?8, ?9, ?10, '', '', 1, 1)";
constexpr const char* kCategory = "INSERT INTO case_categories (case_id, category) VALUES (?1, ?2)";
constexpr const char* kJurisdiction =
    "INSERT INTO case_jurisdictions (case_id, code) VALUES (?1, ?2)";
constexpr const char* kAssignment =
    "INSERT INTO assignments (case_id, desk_id, desk_type, desk_name, rule_id, resolution, "
    "status, created_ms, ack_deadline_ms, updated_ms, replaces_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8, ?7, 0)";
constexpr const char* kEvent =
    "INSERT INTO events (seq, case_id, time_ms, actor, type, payload, private, prev_hash, hash, "
    "desk_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, ?9)";
// What storage/ reads around the inserts (kLikeStore).
constexpr const char* kFindRequest =
    "SELECT id, case_number, request_fingerprint FROM cases WHERE request_id = ?1";
constexpr const char* kChainHead = "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1";
constexpr const char* kReadCase =
    "SELECT c.id, c.case_number, c.kind, c.status, c.channel, c.urgency, c.created_by, "
    "c.request_id, c.created_ms, c.updated_ms, COALESCE(c.closed_ms, 0), c.routing_version, "
    "c.outcome, c.outcome_summary, c.feedback_wanted, COALESCE(c.feedback_ms, 0), "
    "c.routing_table_version, c.reopened_ms, c.detail, c.routing_trace FROM cases c WHERE c.id = "
    "?1";
constexpr const char* kReadCategories =
    "SELECT category FROM case_categories WHERE case_id = ?1 ORDER BY rowid";
constexpr const char* kReadJurisdictions =
    "SELECT code FROM case_jurisdictions WHERE case_id = ?1 ORDER BY rowid";
constexpr const char* kReadAssignments =
    "SELECT a.id, a.case_id, a.desk_id, a.desk_type, a.desk_name, a.rule_id, a.resolution, "
    "a.status, a.created_ms, a.ack_deadline_ms, a.updated_ms, c.case_number, a.replaces_id, "
    "a.outcome, COALESCE(a.overdue_ms, 0) FROM assignments a JOIN cases c ON c.id = a.case_id "
    "WHERE a.case_id = ?1 ORDER BY a.id";

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Statements by SQL text: prepared once (cached) or for every use, as the path says.
class Statements {
 public:
  Statements(sqlite3* db, bool cached) : db_(db), cached_(cached) {}
  ~Statements() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  }

  // A statement ready to bind. Errors are remembered and returned by Finish().
  sqlite3_stmt* Get(const char* sql) {
    if (cached_) {
      auto it = cache_.find(sql);
      if (it != cache_.end()) return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_, sql, -1, cached_ ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
    if (rc != SQLITE_OK) Fail(sql);
    if (cached_) cache_[sql] = stmt;
    return stmt;
  }

  // Steps `stmt` to the end, touching every column of every row (as a reader copies them);
  // then resets (cached) or finalizes it. Returns the first row's column 0.
  int64_t Run(sqlite3_stmt* stmt) {
    if (stmt == nullptr) return 0;
    int64_t first = 0;
    bool any = false;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        if (!any) first = sqlite3_column_int64(stmt, 0);
        any = true;
        for (int c = 0, n = sqlite3_column_count(stmt); c < n; ++c) {
          sink_ += static_cast<size_t>(sqlite3_column_bytes(stmt, c));
        }
        continue;
      }
      if (rc != SQLITE_DONE) Fail(sqlite3_sql(stmt));
      break;
    }
    if (cached_) {
      sqlite3_reset(stmt);
    } else {
      sqlite3_finalize(stmt);
    }
    return first;
  }

  void Exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) Fail(sql);
  }

  absl::Status Finish() const { return error_; }

 private:
  void Fail(const char* what) {
    if (error_.ok()) error_ = absl::InternalError(fmt::format("{}: {}", what, sqlite3_errmsg(db_)));
  }
  sqlite3* db_;
  const bool cached_;
  std::map<const char*, sqlite3_stmt*> cache_;
  absl::Status error_;
  size_t sink_ = 0;
};

void Text(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
void Blob(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_blob(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}

// What one report of the mix writes, precomputed (the payloads are as long as the real ones).
struct ReportRows {
  storage::NewCase c;
  std::vector<std::string> payloads;  // report.received, case.routed, assignment.created...
};

std::vector<ReportRows> BuildRows(const router::RoutingTable& table) {
  std::vector<ReportRows> rows;
  for (size_t i = 0; i < SampleReports().size(); ++i) {
    v1::SubmitReportRequest request;
    FillSubmitRequest("ceiling", i, &request);
    const router::Decision d = router::Route(table, server::ToFacts(request.report()));
    ReportRows r;
    r.c = server::ToNewCase(request, d, "bench-operator");
    const std::string sha(64, 'a');
    r.payloads.push_back(fmt::format(
        R"({{"request_id":"{}","kind":"report","channel":"phone","urgency":"{}","categories":["{}"],"jurisdictions":["{}"],"detail_sha256":"{}"}})",
        r.c.request_id, r.c.urgency, fmt::join(r.c.categories, "\",\""),
        fmt::join(r.c.jurisdictions, "\",\""), sha));
    std::vector<std::string> desks, rules;
    for (const storage::NewAssignment& a : r.c.assignments) {
      desks.push_back(a.desk_id);
      rules.push_back(a.rule_id);
    }
    r.payloads.push_back(fmt::format(
        R"({{"table_version":"{}","routing_table_version":1,"desks":["{}"],"rules":["{}"]}})",
        r.c.routing_version, fmt::join(desks, "\",\""), fmt::join(rules, "\",\"")));
    for (const storage::NewAssignment& a : r.c.assignments) {
      r.payloads.push_back(fmt::format(
          R"({{"assignment_id":123456,"desk_id":"{}","desk_type":"{}","rule_id":"{}","ack_deadline_ms":1790000000000,"resolution":"{}"}})",
          a.desk_id, a.desk_type, a.rule_id, a.resolution));
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

// Writes report number `n` of the mix; returns the rows written.
int WriteReport(Statements& st, sqlite3* db, const ReportRows& r, int64_t n, int64_t* seq,
                bool like_store, bool read_back) {
  static const std::string kHash(64, 'f');
  static const std::string kTypes[] = {"report.received", "case.routed", "assignment.created"};
  constexpr int64_t kNow = 1790000000000;
  const std::string number = fmt::format("HL-2026-{:07d}", n + 1);
  const std::string request_id = fmt::format("ceiling-{}", n);
  if (like_store) {
    st.Exec("SAVEPOINT hotline_write");
    sqlite3_stmt* find = st.Get(kFindRequest);
    Text(find, 1, request_id);
    st.Run(find);
  }
  st.Run(st.Get(kCounter));
  sqlite3_stmt* c = st.Get(kCase);
  Text(c, 1, number);
  Text(c, 2, r.c.channel);
  Text(c, 3, r.c.urgency);
  Text(c, 4, r.c.actor);
  Text(c, 5, request_id);
  Text(c, 6, r.c.request_fingerprint);
  sqlite3_bind_int64(c, 7, kNow);
  Blob(c, 8, r.c.detail);
  Text(c, 9, r.c.routing_version);
  Blob(c, 10, r.c.routing_trace);
  st.Run(c);
  const int64_t case_id = sqlite3_last_insert_rowid(db);
  int rows = 2;
  for (const std::string& v : r.c.categories) {
    sqlite3_stmt* s = st.Get(kCategory);
    sqlite3_bind_int64(s, 1, case_id);
    Text(s, 2, v);
    st.Run(s);
    ++rows;
  }
  for (const std::string& v : r.c.jurisdictions) {
    sqlite3_stmt* s = st.Get(kJurisdiction);
    sqlite3_bind_int64(s, 1, case_id);
    Text(s, 2, v);
    st.Run(s);
    ++rows;
  }
  for (size_t p = 0; p < r.payloads.size(); ++p) {
    const storage::NewAssignment* a = p >= 2 ? &r.c.assignments[p - 2] : nullptr;
    if (a != nullptr) {
      sqlite3_stmt* s = st.Get(kAssignment);
      sqlite3_bind_int64(s, 1, case_id);
      Text(s, 2, a->desk_id);
      Text(s, 3, a->desk_type);
      Text(s, 4, a->desk_name);
      Text(s, 5, a->rule_id);
      Text(s, 6, a->resolution);
      sqlite3_bind_int64(s, 7, kNow);
      sqlite3_bind_int64(s, 8, kNow + a->ack_deadline_seconds * 1000);
      st.Run(s);
      ++rows;
    }
    sqlite3_stmt* e = st.Get(kEvent);
    sqlite3_bind_int64(e, 1, ++*seq);
    sqlite3_bind_int64(e, 2, case_id);
    sqlite3_bind_int64(e, 3, kNow);
    Text(e, 4, r.c.actor);
    Text(e, 5, kTypes[std::min<size_t>(p, 2)]);
    Text(e, 6, r.payloads[p]);
    Text(e, 7, kHash);
    Text(e, 8, kHash);
    if (a != nullptr) {
      Text(e, 9, a->desk_id);
    } else {
      sqlite3_bind_null(e, 9);
    }
    st.Run(e);
    ++rows;
  }
  if (read_back) {
    for (const char* sql : {kReadCase, kReadCategories, kReadJurisdictions, kReadAssignments}) {
      sqlite3_stmt* s = st.Get(sql);
      sqlite3_bind_int64(s, 1, case_id);
      st.Run(s);
    }
  }
  if (like_store) st.Exec("RELEASE hotline_write");
  return rows;
}

}  // namespace

void RemoveDatabaseFiles(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path + suffix, ignored);
  }
}

absl::StatusOr<SqliteCeiling> MeasureSqliteCeiling(const std::string& path,
                                                   const router::RoutingTable& table,
                                                   int reports_per_transaction, double seconds,
                                                   WritePath write_path) {
  RemoveDatabaseFiles(path);
  {
    storage::StoreOptions options;
    options.path = path;
    options.read_connections = 1;
    auto store = storage::Store::Open(options);  // creates the real schema
    if (!store.ok()) return store.status();
  }
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    sqlite3_close_v2(raw);
    return absl::UnavailableError("cannot open " + path);
  }
  Db db(raw);
  const bool like_store = write_path == WritePath::kLikeStore ||
                          write_path == WritePath::kLikeStoreCached ||
                          write_path == WritePath::kLikeStoreCachedNoReadBack;
  const bool read_back =
      write_path == WritePath::kLikeStore || write_path == WritePath::kLikeStoreCached;
  Statements st(db.get(),
                write_path != WritePath::kPreparedPerUse && write_path != WritePath::kLikeStore);
  // storage/sqlite_util.cc Connection::Open.
  st.Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
      "PRAGMA secure_delete=ON;");
  const std::vector<ReportRows> mix = BuildRows(table);
  int64_t seq = 0, reports = 0, rows = 0, commits = 0;
  SteadyClock::duration commit_time{};
  const double cpu_start = ThreadCpuSeconds();
  const SteadyClock::time_point start = SteadyClock::now();
  const auto elapsed = [&] { return Seconds(SteadyClock::now() - start); };
  while (elapsed() < seconds) {
    st.Exec("BEGIN IMMEDIATE");
    if (like_store) st.Run(st.Get(kChainHead));
    for (int i = 0; i < reports_per_transaction; ++i, ++reports) {
      rows += WriteReport(st, db.get(), mix[reports % mix.size()], reports, &seq, like_store,
                          read_back);
    }
    const SteadyClock::time_point before_commit = SteadyClock::now();
    st.Exec("COMMIT");
    commit_time += SteadyClock::now() - before_commit;
    ++commits;
    if (absl::Status s = st.Finish(); !s.ok()) return s;
  }
  const double took = elapsed();
  SqliteCeiling out;
  out.reports_per_transaction = reports_per_transaction;
  out.reports_per_second = static_cast<double>(reports) / took;
  out.rows_per_second = static_cast<double>(rows) / took;
  out.rows_per_report =
      static_cast<double>(rows) / static_cast<double>(std::max<int64_t>(1, reports));
  out.commit_ms = commits > 0 ? Seconds(commit_time) * 1000.0 / static_cast<double>(commits) : 0;
  out.cpu_us_per_report =
      (ThreadCpuSeconds() - cpu_start) * 1e6 / static_cast<double>(std::max<int64_t>(1, reports));
  return out;
}

}  // namespace hotline::bench
