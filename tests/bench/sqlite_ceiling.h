// The storage ceiling: the rows one report writes (case, categories, jurisdictions,
// assignments, events, the case-number counter), inserted with raw SQLite into the real
// schema with storage/'s durability settings (WAL, synchronous=FULL, foreign_keys,
// secure_delete), many reports per transaction. Two slower variants take storage/'s habits
// one at a time, to show what each costs. Thread-safe (each call uses its own database).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "router/routing_table.h"

namespace hotline::bench {

enum class WritePath {
  kCached,          // statements prepared once (the ceiling)
  kPreparedPerUse,  // every statement prepared, run and finalized each time, as storage/ does
  // kPreparedPerUse, plus what storage/'s CreateCase does around the inserts: a SAVEPOINT per
  // report, the request-id lookup, the counter's RETURNING, the chain head read per
  // transaction, and reading the stored case back (case row with detail and trace,
  // categories, jurisdictions, assignments).
  kLikeStore,
  // What storage/ would pay with the changes worth making: kLikeStore with every statement
  // prepared once (a per-connection statement cache), and then also without the read-back
  // (the writer already holds every value it inserted).
  kLikeStoreCached,
  kLikeStoreCachedNoReadBack,
};

struct SqliteCeiling {
  int reports_per_transaction = 0;
  double reports_per_second = 0;
  double rows_per_second = 0;
  double rows_per_report = 0;
  double commit_ms = 0;          // mean time of one COMMIT (the fsyncs)
  double cpu_us_per_report = 0;  // this thread's CPU time per report
};

// Inserts into a new database at `path` (any old file there is removed; created with
// storage::Store, so the schema is the real one) for `seconds`, committing every
// `reports_per_transaction` reports. The report mix is tests/bench/sample_reports.h routed
// with `table`.
absl::StatusOr<SqliteCeiling> MeasureSqliteCeiling(const std::string& path,
                                                   const router::RoutingTable& table,
                                                   int reports_per_transaction, double seconds,
                                                   WritePath write_path = WritePath::kCached);

// Removes a database file and its -wal and -shm companions.
void RemoveDatabaseFiles(const std::string& path);

}  // namespace hotline::bench
