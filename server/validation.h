// Validation of incoming requests. Every refusal is INVALID_ARGUMENT whose message starts
// with the field path ("report.children[0].age.max_years: ...") and says the reason.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "hotline/v1/admin.pb.h"
#include "hotline/v1/desk.pb.h"
#include "hotline/v1/intake.pb.h"
#include "router/routing_table.h"

namespace hotline::server {

// INVALID_ARGUMENT when the request's bytes could not be parsed (proto/parse_failure.h):
// protobuf refuses invalid UTF-8 in string fields, and malformed messages.
absl::Status CheckParsed(const google::protobuf::Message& request);

// `request_id`: 1-64 characters of [A-Za-z0-9_.:-].
absl::Status ValidateRequestId(std::string_view field, std::string_view request_id);

// A report: every rule documented in case.proto. Jurisdiction codes must be known to
// `table`. With `routing_only`, reporter identity and narrative are not required.
absl::Status ValidateReport(const v1::Report& report, const router::RoutingTable& table,
                            bool routing_only);

absl::Status ValidateSubmitReport(const v1::SubmitReportRequest& request,
                                  const router::RoutingTable& table);
absl::Status ValidateSubmitInquiry(const v1::SubmitInquiryRequest& request);
absl::Status ValidateCaseNumber(std::string_view field, std::string_view case_number);
absl::Status ValidateAddNote(const v1::AddNoteRequest& request);
absl::Status ValidateCloseCase(const v1::CloseCaseRequest& request);
absl::Status ValidateListCases(const v1::ListCasesRequest& request);
absl::Status ValidateReopenCase(const v1::ReopenCaseRequest& request);
absl::Status ValidateRecordFeedback(const v1::RecordFeedbackRequest& request);
absl::Status ValidateVerifyAuditLog(const v1::VerifyAuditLogRequest& request);

// Desk service. A desk id: 1-100 characters of [a-z0-9_.-] (whether the desk exists is
// checked against the routing table by the service).
absl::Status ValidateDeskId(std::string_view field, std::string_view desk_id);

// Free text: valid UTF-8 of at most `max_length` characters, no control characters but tab
// and line breaks; `required` refuses empty or blank text. With `one_line`, no tab or line
// break either (a name).
absl::Status ValidateText(std::string_view field, std::string_view text, int max_length,
                          bool required, bool one_line = false);
absl::Status ValidateDeskIds(const google::protobuf::RepeatedPtrField<std::string>& desk_ids);
absl::Status ValidateAssignmentId(int64_t id);
absl::Status ValidateWatchAssignments(const v1::WatchAssignmentsRequest& request);
absl::Status ValidateListAssignments(const v1::ListAssignmentsRequest& request);
absl::Status ValidatePostUpdate(const v1::PostUpdateRequest& request);
absl::Status ValidateDecline(const v1::DeclineRequest& request);
absl::Status ValidateTransfer(const v1::TransferRequest& request);
absl::Status ValidateResolve(const v1::ResolveRequest& request);

}  // namespace hotline::server
