// Reading cases and their assignments, and case numbers. Free functions over a connection
// (a read connection, or the writer's inside its transaction). Not thread-safe per connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/records.h"
#include "storage/sqlite_util.h"

namespace hotline::storage {

// Whether detail and routing_trace are loaded (lists leave them empty).
enum class CaseView { kSummary, kFull };

// The case with categories, jurisdictions and assignments. NOT_FOUND naming the number.
absl::StatusOr<CaseRecord> LoadCaseByNumber(sqlite::Connection& db, std::string_view number,
                                            CaseView view);
absl::StatusOr<CaseRecord> LoadCaseById(sqlite::Connection& db, int64_t id, CaseView view);

// The case stored under `request_id` and its fingerprint; NOT_FOUND when there is none.
struct StoredRequest {
  int64_t case_id = 0;
  std::string case_number;
  std::string fingerprint;
  std::string created_by;  // the principal whose request it was
};
absl::StatusOr<StoredRequest> FindRequest(sqlite::Connection& db, std::string_view request_id);

absl::StatusOr<std::vector<AssignmentRecord>> LoadAssignments(sqlite::Connection& db,
                                                              int64_t case_id);

// One assignment (with its case number). NOT_FOUND naming the id.
absl::StatusOr<AssignmentRecord> LoadAssignment(sqlite::Connection& db, int64_t id);
// ListAssignments: newest first; validates page_size (1..1000); desk_ids required.
absl::StatusOr<AssignmentPage> QueryAssignments(sqlite::Connection& db,
                                                const AssignmentFilter& filter, int page_size,
                                                int64_t before_id);
// A desk's stream page: LoadDeskEvents, then for each event the assignment its payload's
// "assignment_id" names, as it was right after the event (status, outcome, overdue mark and
// update time; the rest does not change), and the summary of its case as it is now, in the
// caller's one read transaction. NOT_FOUND when an event names no stored assignment.
absl::StatusOr<DeskFeed> LoadDeskFeed(sqlite::Connection& db, const std::vector<std::string>& desks,
                                      int64_t after_seq, int limit);
// ListCases: validates page_size (1..1000) and before_id (>= 0). A category, jurisdiction,
// desk or overdue filter with at least `many_matches` matching rows is tested case by case
// instead of read as a list (see CaseRowsFilter in case_rows.cc).
absl::StatusOr<CasePage> QueryCases(sqlite::Connection& db, const CaseFilter& filter, int page_size,
                                    int64_t before_id, int many_matches);

// The UTC calendar year of a time in milliseconds since the epoch.
int UtcYear(int64_t time_ms);
// "HL-<year>-<number, at least 6 digits>".
std::string FormatCaseNumber(int year, int64_t number);

}  // namespace hotline::storage
