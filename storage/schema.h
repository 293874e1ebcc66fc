// The database schema and its migrations, versioned by PRAGMA user_version. Each migration
// runs in its own transaction. Not thread-safe: run on one connection before any other use.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "storage/sqlite_util.h"

namespace hotline::storage {

// The schema version this build migrates to.
inline constexpr int kSchemaVersion = 7;

// Brings `db` (opened on `path`, used in messages) to kSchemaVersion. FAILED_PRECONDITION
// naming the path when the database's schema is newer than this build knows.
absl::Status Migrate(sqlite::Connection& db, const std::string& path);

}  // namespace hotline::storage
