// Retention (issue 5): erases the personal data of cases closed more than `retention_days`
// ago, keeping categories, jurisdictions, timeline and outcome for statistics. Each purge is
// a "case.purged" event; the audit chain still verifies (personal data was never in the
// hashed bytes). Afterwards the WAL is checkpointed and truncated, and secure_delete has
// overwritten the old bytes, so the erased data is gone from the files.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace hotline::server {

// Purges every case closed at or before now_ms - retention_days. Returns how many.
// retention_days <= 0 purges nothing.
absl::StatusOr<int> PurgeExpired(storage::Store& store, int retention_days, int64_t now_ms);

}  // namespace hotline::server
