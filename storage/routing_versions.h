// Routing-table versions (issue 4): reads on any connection, writes on the writer thread
// inside a write's savepoint. Every applied version is a "routing_table.applied" event.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/records.h"
#include "storage/sqlite_util.h"
#include "storage/writer.h"

namespace hotline::storage {

// The version in force (the highest); NOT_FOUND when none is stored.
absl::StatusOr<RoutingTableRecord> LoadLatestRoutingTable(sqlite::Connection& db);
// One version (0: the latest); NOT_FOUND naming it.
absl::StatusOr<RoutingTableRecord> LoadRoutingTable(sqlite::Connection& db, int64_t version);
// Every version, newest first, texts left empty.
absl::StatusOr<std::vector<RoutingTableRecord>> LoadRoutingTables(sqlite::Connection& db);

// Stores `t` as the next version after checking expected_version against the current one
// (ABORTED when it differs).
absl::StatusOr<RoutingTableRecord> ApplyNewRoutingTable(WriteContext& ctx, const NewRoutingTable& t,
                                                        int64_t now_ms);

// Reports created at or after `since_ms`, newest first, at most `limit`, with their detail.
absl::StatusOr<std::vector<CaseRecord>> LoadReportsSince(sqlite::Connection& db, int64_t since_ms,
                                                         int limit);

// Open (pending or acknowledged) assignments per desk.
absl::StatusOr<std::map<std::string, int64_t>> CountOpenAssignments(sqlite::Connection& db);

// OK when `version` (the table that made a decision) is the version in force, or is 0; else
// ABORTED, marked for IsRoutingTableChanged.
absl::Status CheckRoutingTableInForce(sqlite::Connection& db, int64_t version);

}  // namespace hotline::storage
