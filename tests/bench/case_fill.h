// The database behind the memory and start-up figures: `cases` reports stored through
// storage::Store::CreateCaseAsync (the real schema, rows, events and hash chain; the group
// commit of the single writer), the routing table imported as version 1 the way hotlined
// imports it. Filled once and cached; later runs reuse the file. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace hotline::bench {

struct FilledDatabase {
  std::string path;
  bool reused = false;
  double fill_seconds = 0;  // when filled now
};

// "<cache_dir>/cases-<cases>-schema<V>.db", filled unless it already exists (an interrupted
// fill leaves only a ".partial" file, never a cache entry).
absl::StatusOr<FilledDatabase> EnsureFilledDatabase(const std::string& cache_dir, int64_t cases,
                                                    const std::string& routing_table);

}  // namespace hotline::bench
