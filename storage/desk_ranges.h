// Reading the rows of several desks in id order, a page at a time, through an index led by
// desk_id. `desk_id IN (...) ORDER BY id LIMIT n` makes SQLite read every row of every desk
// and sort them all, for every page: seconds per page once a desk has a few hundred thousand
// rows. Here each desk is one arm of a compound SELECT (`... UNION ALL ... ORDER BY 1 LIMIT
// n`), which SQLite runs as a merge of index ranges already in order, stopping at the limit.
// Thread-safe (pure functions).
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/sqlite_util.h"

namespace hotline::storage {

// Desks one statement reads: one arm each, and SQLite allows 500 (SQLITE_MAX_COMPOUND_SELECT).
inline constexpr size_t kDesksPerStatement = 100;

// `desks` without repeats (UNION ALL would return a repeated desk's rows twice), in parts of
// at most kDesksPerStatement. A caller with several parts merges their rows itself.
std::vector<std::vector<std::string>> DeskParts(const std::vector<std::string>& desks);

// `count` copies of `arm` joined by " UNION ALL ", the i-th with its "?D" replaced by the
// parameter ?<first_param + i>.
std::string DeskArms(std::string_view arm, size_t count, int first_param);

// Reads `desks` part by part (DeskParts). `prepare(part)` returns the part's statement with
// its parameters bound; `read(statement)` makes one row of it. Each statement yields at most
// `limit` rows in `before` order; with several parts the rows are merged and cut to `limit`.
template <typename Row, typename Prepare, typename Read, typename Before>
absl::StatusOr<std::vector<Row>> ReadDeskParts(const std::vector<std::string>& desks, size_t limit,
                                               Prepare prepare, Read read, Before before) {
  const std::vector<std::vector<std::string>> parts = DeskParts(desks);
  std::vector<Row> rows;
  for (const std::vector<std::string>& part : parts) {
    absl::StatusOr<sqlite::Statement> stmt = prepare(part);
    if (!stmt.ok()) return stmt.status();
    for (;;) {
      absl::StatusOr<bool> row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      rows.push_back(read(*stmt));
    }
  }
  if (parts.size() > 1) {
    std::sort(rows.begin(), rows.end(), before);
    if (rows.size() > limit) rows.resize(limit);
  }
  return rows;
}

}  // namespace hotline::storage
