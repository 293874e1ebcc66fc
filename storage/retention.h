// Retention (issue 5): erasing the personal data of cases closed long ago, keeping what
// statistics and accountability need. Writes run on the writer thread inside a savepoint.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/records.h"
#include "storage/sqlite_util.h"
#include "storage/writer.h"

namespace hotline::storage {

// Closed cases with closed_ms <= closed_before_ms whose personal data is still stored,
// oldest closed first, at most `limit`, with their detail.
absl::StatusOr<std::vector<CaseRecord>> LoadPurgeable(sqlite::Connection& db,
                                                      int64_t closed_before_ms, int limit);

// Replaces the case's detail with `redacted_detail`, clears its outcome summary and the
// private part of every event of the case (notes, reasons, update texts), sets purged_ms, and
// appends "case.purged" (the new detail's SHA-256 and how many private parts were erased).
// The hashed event bytes never held personal data, so the chain still verifies.
// FAILED_PRECONDITION unless the case is closed and not yet purged.
absl::StatusOr<CaseRecord> ApplyPurge(WriteContext& ctx, int64_t case_id,
                                      std::string_view redacted_detail, std::string_view actor,
                                      int64_t now_ms);

}  // namespace hotline::storage
