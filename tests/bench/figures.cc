#include "tests/bench/figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace hotline::bench {
namespace {

constexpr const char* kCeilings = "Ceilings (same machine, same run)";
constexpr const char* kSubmit = "SubmitReport through the real server (durable, group commit)";
constexpr const char* kRouting = "Route() on one core";
constexpr const char* kStream = "Desk.WatchAssignments: SubmitReport answer -> assignment.created";
constexpr const char* kMemory = "hotlined (child process) with N stored cases";
constexpr const char* kWhere = "Where SubmitReport's time goes (diagnostics, no target)";

Figure MakeFigure(std::string key, std::string group, std::string name, double value,
                  std::string unit) {
  Figure f;
  f.key = std::move(key);
  f.group = std::move(group);
  f.name = std::move(name);
  f.value = value;
  f.unit = std::move(unit);
  return f;
}

std::string Ms3(const LatencySummary& l) {
  return fmt::format("{:.2f} / {:.2f} / {:.2f} ms", l.p50_ms, l.p99_ms, l.p999_ms);
}

void Failed(Results* results, const std::string& key, const char* group, const std::string& what,
            const absl::Status& status) {
  Figure f;
  f.key = key;
  f.group = group;
  f.name = what;
  f.value_text = "ERROR";
  f.note = std::string(status.message());
  results->Add(f);
}

void AddCeilings(const Measurements& m, Results* results) {
  if (const IntakeFigures* in = Ok(m.intake)) {
    for (const auto& [c, r] : in->echo) {
      Figure f = MakeFigure(fmt::format("ceiling.echo.c{}", c), kCeilings,
                            fmt::format("gRPC echo, {} callers", c), r.per_second, "/s");
      f.value_text = fmt::format("{} /s  (p50 {:.2f}, p99 {:.2f} ms)", Grouped(r.per_second),
                                 r.latency.p50_ms, r.latency.p99_ms);
      if (r.failed > 0) f.note = fmt::format("{} calls failed: {}", r.failed, r.first_error);
      results->Add(f);
    }
  }
  for (const auto& [batch, ceiling] : m.sqlite) {
    if (!ceiling.ok()) {
      Failed(results, fmt::format("ceiling.sqlite.b{}", batch), kCeilings, "SQLite rows",
             ceiling.status());
      continue;
    }
    Figure f =
        MakeFigure(fmt::format("ceiling.sqlite.b{}", batch), kCeilings,
                   fmt::format("SQLite report rows, {} report{}/txn", batch, batch == 1 ? "" : "s"),
                   ceiling->rows_per_second, "rows/s");
    f.value_text = fmt::format("{} rows/s = {} reports/s (commit {:.2f} ms)",
                               Grouped(ceiling->rows_per_second),
                               Grouped(ceiling->reports_per_second), ceiling->commit_ms);
    results->Add(f);
  }
}

void AddSubmit(const Measurements& m, const Targets& t, int top, Results* results) {
  if (!m.intake) return;
  if (!m.intake->ok()) {
    Failed(results, "submit", kSubmit, "SubmitReport", m.intake->status());
    return;
  }
  const IntakeFigures& in = **m.intake;
  for (const auto& [c, r] : in.submit) {
    const LoadResult& echo = in.echo.at(c);
    Figure f = MakeFigure(fmt::format("submit.c{}.per_s", c), kSubmit,
                          fmt::format("{} callers: reports/s", c), r.per_second, "/s");
    f.ceiling_name = fmt::format("echo@{}", c);
    f.ceiling = echo.per_second;
    if (echo.per_second > 0) f.ratio = r.per_second / echo.per_second;
    if (c == top) {
      f.target = fmt::format(">= {:.0f}% of echo", t.submit_share_of_echo * 100);
      f.verdict = VerdictOf(f.ratio && *f.ratio >= t.submit_share_of_echo);
    }
    if (r.failed > 0) f.note = fmt::format("{} calls failed: {}", r.failed, r.first_error);
    results->Add(f);
    Figure l = MakeFigure(fmt::format("submit.c{}.p99_ms", c), kSubmit,
                          fmt::format("{} callers: p50 / p99 / p99.9", c), r.latency.p99_ms, "ms");
    l.value_text = Ms3(r.latency);
    l.ceiling_name = fmt::format("echo@{} p99", c);
    l.ceiling = echo.latency.p99_ms;
    l.ceiling_text = fmt::format("{:.2f} ms", echo.latency.p99_ms);
    if (echo.latency.p99_ms > 0) l.ratio = r.latency.p99_ms / echo.latency.p99_ms;
    if (c == top) {
      l.target = fmt::format("p99 < {:.0f} ms", t.submit_p99_ms);
      l.verdict = VerdictOf(r.latency.count > 0 && r.latency.p99_ms < t.submit_p99_ms);
    }
    results->Add(l);
  }
  auto sq = m.sqlite.find(64);
  if (in.submit.count(top) > 0 && sq != m.sqlite.end() && sq->second.ok()) {
    Figure f = MakeFigure(fmt::format("submit.c{}.vs_sqlite", top), kSubmit,
                          fmt::format("{} callers vs raw SQLite", top),
                          in.submit.at(top).per_second, "/s");
    f.ceiling_name = "SQLite 64/txn";
    f.ceiling = sq->second->reports_per_second;
    f.ceiling_text = Grouped(sq->second->reports_per_second) + " reports/s";
    f.ratio = f.value / sq->second->reports_per_second;
    results->Add(f);
  }
}

void AddRouting(const Measurements& m, const Targets& t, int top, Results* results) {
  double echo = 0;
  const IntakeFigures* in = Ok(m.intake);
  if (in != nullptr && in->echo.count(top) > 0) echo = in->echo.at(top).per_second;
  if (m.route_default) {
    const RouteFigures& r = *m.route_default;
    Figure f = MakeFigure("route.default.per_s", kRouting,
                          fmt::format("default table ({} rules, {} desks)", r.rules, r.desks),
                          r.decisions_per_second, "/s");
    f.ceiling_name = fmt::format("echo@{}", top);
    if (echo > 0) {
      f.ceiling = echo;
      f.ratio = r.decisions_per_second / echo;
    }
    f.target = fmt::format(">= {}/s", Grouped(t.route_default_per_s));
    f.verdict = VerdictOf(r.decisions_per_second >= t.route_default_per_s);
    f.note = fmt::format(
        "{:.1f} rule steps and {:.2f} desks per decision, into a reused Decision as the server "
        "routes; {}/s with a new Decision per call",
        r.mean_trace_steps, r.mean_targets, Grouped(r.fresh_decisions_per_second));
    results->Add(f);
  }
  if (!m.route_generated) return;
  if (!m.route_generated->ok()) {
    Failed(results, "route.generated.per_s", kRouting, "generated table",
           m.route_generated->status());
    return;
  }
  const RouteFigures& g = **m.route_generated;
  Figure f = MakeFigure(
      "route.generated.per_s", kRouting,
      fmt::format("generated ({} rules, {} desks, {} codes)", g.rules, g.desks, g.jurisdictions),
      g.decisions_per_second, "/s");
  if (m.route_default) {
    f.ceiling_name = "default table";
    f.ceiling = m.route_default->decisions_per_second;
    f.ratio = g.decisions_per_second / m.route_default->decisions_per_second;
  }
  f.target = fmt::format(">= {}/s", Grouped(t.route_generated_per_s));
  f.verdict = VerdictOf(g.decisions_per_second >= t.route_generated_per_s);
  f.note = fmt::format("{:.1f} rule steps and {:.2f} desks per decision; {}/s with a new Decision",
                       g.mean_trace_steps, g.mean_targets, Grouped(g.fresh_decisions_per_second));
  results->Add(f);
  Figure load =
      MakeFigure("route.generated.load_s", kRouting,
                 "generated: ParseRoutingTable (parse, check, compile)", g.load_seconds, "s");
  results->Add(load);
}

void AddStream(const Measurements& m, const Targets& t, Results* results) {
  if (!m.stream) return;
  if (!m.stream->ok()) {
    Failed(results, "stream", kStream, "stream latency", m.stream->status());
    return;
  }
  const StreamFigures& s = **m.stream;
  const IntakeFigures* in = Ok(m.intake);
  const LoadResult* echo1 = nullptr;
  if (in != nullptr && in->echo.count(1) > 0) echo1 = &in->echo.at(1);
  Figure r =
      MakeFigure("stream.rate", kStream, "reports/s submitted (paced)", s.submit.per_second, "/s");
  r.value_text =
      fmt::format("{} /s  (SubmitReport p50 {:.2f}, p99 {:.2f} ms)", Grouped(s.submit.per_second),
                  s.submit.latency.p50_ms, s.submit.latency.p99_ms);
  r.ceiling_name = "offered";
  r.ceiling = s.rate;
  r.ratio = s.submit.per_second / s.rate;
  if (s.submit.late > 0 || s.submit.failed > 0) {
    r.note = fmt::format("{} calls could not start on time, {} failed {}", s.submit.late,
                         s.submit.failed, s.submit.first_error);
  }
  results->Add(r);
  Figure f = MakeFigure("stream.p99_ms", kStream, "p50 / p99 / p99.9", s.latency.p99_ms, "ms");
  f.value_text = Ms3(s.latency);
  if (echo1 != nullptr) {
    f.ceiling_name = "echo@1 p99";
    f.ceiling = echo1->latency.p99_ms;
    f.ceiling_text = fmt::format("{:.2f} ms", echo1->latency.p99_ms);
    if (echo1->latency.p99_ms > 0) f.ratio = s.latency.p99_ms / echo1->latency.p99_ms;
  }
  f.target = fmt::format("p99 < {:.0f} ms", t.stream_p99_ms);
  f.verdict = VerdictOf(s.matched > 0 && s.missing == 0 && s.latency.p99_ms < t.stream_p99_ms);
  f.note = fmt::format(
      "{} reports matched, {} events never arrived, {} arrived before the answer "
      "(counted as 0 ms); {} stream messages",
      s.matched, s.missing, s.before_reply, s.events);
  results->Add(f);
  Figure e = MakeFigure("stream.end_to_end_p99_ms", kStream,
                        "SubmitReport sent -> event: p50 / p99 / p99.9", s.end_to_end.p99_ms, "ms");
  e.value_text = Ms3(s.end_to_end);
  if (in != nullptr && in->submit.count(1) > 0) {
    const LatencySummary& one = in->submit.at(1).latency;
    e.ceiling_name = "SubmitReport@1 p99";
    e.ceiling = one.p99_ms;
    e.ceiling_text = fmt::format("{:.2f} ms", one.p99_ms);
    if (one.p99_ms > 0) e.ratio = s.end_to_end.p99_ms / one.p99_ms;
  }
  results->Add(e);
  if (s.fetch_us_per_event > 0) {
    Figure fetch = MakeFigure("stream.fetch_us", kStream,
                              "server work per stream message (read log, assignment, case)",
                              s.fetch_us_per_event, "us");
    fetch.value_text = fmt::format("{:.0f} us/event", s.fetch_us_per_event);
    results->Add(fetch);
  }
}

void AddMemory(const Measurements& m, const Targets& t, Results* results) {
  if (!m.memory) return;
  if (!m.memory->ok()) {
    Failed(results, "memory", kMemory, "memory and start-up", m.memory->status());
    return;
  }
  const MemoryFigures& mem = **m.memory;
  Figure r =
      MakeFigure("memory.rss_mb", kMemory,
                 fmt::format("resident memory, {} cases", Grouped(static_cast<double>(mem.cases))),
                 mem.filled.rss_after_load_mb, "MB");
  r.value_text =
      fmt::format("{:.1f} MB (at start {:.1f}, peak {:.1f})", mem.filled.rss_after_load_mb,
                  mem.filled.rss_serving_mb, mem.filled.hwm_mb);
  r.ceiling_name = "empty db";
  r.ceiling = mem.empty.rss_after_load_mb;
  r.ceiling_text = fmt::format("{:.1f} MB", mem.empty.rss_after_load_mb);
  if (mem.empty.rss_after_load_mb > 0)
    r.ratio = mem.filled.rss_after_load_mb / mem.empty.rss_after_load_mb;
  r.target = fmt::format("< {:.0f} MB", t.rss_mb);
  r.verdict = VerdictOf(mem.filled.rss_after_load_mb > 0 && mem.filled.hwm_mb < t.rss_mb);
  r.note =
      fmt::format("after SubmitReport @16 ({} /s{}) and 20 ListCases pages; verdict on the peak",
                  Grouped(mem.filled.load_per_second),
                  mem.filled.load_error.empty() ? "" : ", error " + mem.filled.load_error);
  results->Add(r);
  Figure s = MakeFigure("memory.startup_s", kMemory,
                        fmt::format("start-up, {} cases (spawn -> serving line)",
                                    Grouped(static_cast<double>(mem.cases))),
                        mem.filled.startup_seconds, "s");
  s.value_text = fmt::format("{:.3f} s (min {:.3f}, max {:.3f})", mem.filled.startup_seconds,
                             mem.filled.startup_min, mem.filled.startup_max);
  s.ceiling_name = "empty db";
  s.ceiling = mem.empty.startup_seconds;
  s.ceiling_text = fmt::format("{:.3f} s", mem.empty.startup_seconds);
  if (mem.empty.startup_seconds > 0)
    s.ratio = mem.filled.startup_seconds / mem.empty.startup_seconds;
  s.target = fmt::format("< {:.0f} s", t.startup_s);
  s.verdict = VerdictOf(mem.filled.startup_seconds > 0 && mem.filled.startup_seconds < t.startup_s);
  results->Add(s);
  Figure d = MakeFigure("memory.db_mb", kMemory, "database file", mem.db_megabytes, "MB");
  d.note = mem.cache_reused
               ? "cached database reused"
               : fmt::format("filled now in {:.0f} s ({} cases/s)", mem.fill_seconds,
                             Grouped(static_cast<double>(mem.cases) / mem.fill_seconds));
  results->Add(d);
}

void AddWhere(const Measurements& m, int top, Results* results) {
  double echo_us = 0;  // one echo call's share of the machine at `top` callers
  const IntakeFigures* intake = Ok(m.intake);
  if (intake != nullptr && intake->echo.count(top) > 0 && intake->echo.at(top).per_second > 0) {
    echo_us = 1e6 / intake->echo.at(top).per_second;
  }
  if (const Breakdown* bp = Ok(m.breakdown)) {
    const Breakdown& b = *bp;
    const std::vector<std::pair<std::string, double>> steps = {
        {"auth: Store::Authenticate", b.auth_us},
        {"validate: CheckParsed + ValidateSubmitReport", b.validate_us},
        {"route: ToFacts + RouteInto() default table", b.route_us},
        {"map: ToFacts + ToNewCase (serialize, SHA-256, trace)", b.map_us},
        {"reply: ToCaseProto + serialize", b.reply_us},
        {"log: one spdlog line", b.log_us},
        {"sum of the above (one thread)", b.total_us()}};
    for (const auto& [name, us] : steps) {
      Figure f = MakeFigure("where." + name.substr(0, name.find(':')), kWhere, name, us, "us");
      f.value_text = fmt::format("{:.1f} us/report", us);
      if (echo_us > 0) {
        f.ceiling_name = fmt::format("1 echo@{}", top);
        f.ceiling = echo_us;
        f.ceiling_text = fmt::format("{:.1f} us", echo_us);
        f.ratio = us / echo_us;
      }
      results->Add(f);
    }
    Figure serial =
        MakeFigure("where.store_serial", kWhere, "Store::CreateCase alone, one at a time",
                   b.store_serial_per_s, "/s");
    serial.value_text =
        fmt::format("{} /s ({:.2f} ms each)", Grouped(b.store_serial_per_s), b.store_serial_ms);
    results->Add(serial);
    Figure async =
        MakeFigure("where.store_async64", kWhere, "Store::CreateCaseAsync alone, 64 in flight",
                   b.store_async_per_s, "/s");
    auto sq = m.sqlite.find(64);
    if (sq != m.sqlite.end() && sq->second.ok()) {
      async.ceiling_name = "SQLite 64/txn";
      async.ceiling = sq->second->reports_per_second;
      async.ceiling_text = Grouped(sq->second->reports_per_second) + " reports/s";
      async.ratio = b.store_async_per_s / sq->second->reports_per_second;
    }
    results->Add(async);
    // The same rows with storage/'s habits added one at a time: what the single writer paid on
    // the way to today's path (no savepoint unless a write of the batch fails).
    const std::vector<std::pair<WritePath, std::string>> paths = {
        {WritePath::kCached, "raw SQLite 64/txn, statements prepared once"},
        {WritePath::kPreparedPerUse, "raw SQLite 64/txn, statements prepared per use"},
        {WritePath::kLikeStore, "  + savepoint, lookups, read-back (storage/ until 11-28)"},
        {WritePath::kLikeStoreCached, "the same, statements prepared once"},
        {WritePath::kLikeStoreCachedNoReadBack, "  and no read-back (storage/ until 11-29)"}};
    for (const auto& [path, name] : paths) {
      const absl::StatusOr<SqliteCeiling>* r = nullptr;
      if (path == WritePath::kCached) {
        if (sq != m.sqlite.end()) r = &sq->second;
      } else if (auto it = m.sqlite_paths.find(path); it != m.sqlite_paths.end()) {
        r = &it->second;
      }
      if (r == nullptr) continue;
      const std::string key = fmt::format("where.sqlite_path{}", static_cast<int>(path));
      if (!r->ok()) {
        Failed(results, key, kWhere, name, r->status());
        continue;
      }
      Figure f = MakeFigure(key, kWhere, name, (*r)->reports_per_second, "/s");
      f.value_text = fmt::format("{} reports/s ({:.0f} us CPU each)",
                                 Grouped((*r)->reports_per_second), (*r)->cpu_us_per_report);
      if (path != WritePath::kCached && sq != m.sqlite.end() && sq->second.ok()) {
        f.ceiling_name = "prepared once";
        f.ceiling = sq->second->reports_per_second;
        f.ceiling_text = Grouped(sq->second->reports_per_second) + " reports/s";
        f.ratio = (*r)->reports_per_second / sq->second->reports_per_second;
      }
      results->Add(f);
    }
  } else if (m.breakdown) {
    Failed(results, "where", kWhere, "breakdown", m.breakdown->status());
  }
  if (intake == nullptr || intake->cpu_window_seconds <= 0) return;
  // Busiest thread groups during SubmitReport at `top` callers (whole process: the client's
  // and the server's gRPC threads share names).
  const IntakeFigures& in = *intake;
  std::vector<std::pair<double, std::string>> busiest;
  double total = 0;
  for (const auto& [name, seconds] : in.submit_cpu) {
    busiest.emplace_back(seconds, name);
    total += seconds;
  }
  std::sort(busiest.rbegin(), busiest.rend());
  const double window = in.cpu_window_seconds;
  Figure all = MakeFigure("where.cpu_total", kWhere,
                          fmt::format("CPU of this process during SubmitReport @{}", top),
                          total / window * 100, "% core");
  all.value_text = fmt::format("{:.0f}% of one core", total / window * 100);
  double echo_total = 0;
  for (const auto& [name, seconds] : in.echo_cpu) echo_total += seconds;
  all.ceiling_name = fmt::format("echo@{}", top);
  all.ceiling_text = fmt::format("{:.0f}%", echo_total / window * 100);
  results->Add(all);
  const double reports = in.submit.count(top) > 0 ? in.submit.at(top).per_second * window : 0;
  if (auto it = in.submit_cpu.find("hl-writer"); it != in.submit_cpu.end() && reports > 0) {
    Figure w =
        MakeFigure("where.writer_us", kWhere, "writer thread (\"hl-writer\") CPU per stored report",
                   it->second * 1e6 / reports, "us");
    w.value_text = fmt::format("{:.0f} us/report", w.value);
    results->Add(w);
  }
  for (size_t i = 0; i < busiest.size() && i < 6; ++i) {
    if (busiest[i].first <= 0) break;
    Figure f = MakeFigure("where.cpu." + busiest[i].second, kWhere,
                          fmt::format("  threads \"{}\"", busiest[i].second),
                          busiest[i].first / window * 100, "% core");
    f.value_text = fmt::format("{:.0f}% of one core", f.value);
    results->Add(f);
  }
}

}  // namespace

void AddFigures(const Measurements& m, const Targets& targets, int top_concurrency,
                Results* results) {
  AddCeilings(m, results);
  AddSubmit(m, targets, top_concurrency, results);
  AddRouting(m, targets, top_concurrency, results);
  AddStream(m, targets, results);
  AddMemory(m, targets, results);
  AddWhere(m, top_concurrency, results);
}

}  // namespace hotline::bench
