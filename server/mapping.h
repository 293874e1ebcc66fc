// Maps between the wire types (hotline.v1) and the plain records of router/ and storage/.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "hotline/v1/admin.pb.h"
#include "hotline/v1/intake.pb.h"
#include "router/router.h"
#include "storage/records.h"

namespace hotline::server {

// Hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// The reporter kind the routing table's `reporter` condition tests: "anonymous", "self",
// "agency" (referral by a member unit), "mandated" (by profession), else "public".
std::string ReporterKind(const v1::Report& report);

// The routing facts of a (validated) report.
router::Facts ToFacts(const v1::Report& report);

v1::RoutingTrace ToTraceProto(const router::Decision& decision);

// The assignments a decision would create, as the contract shows them (no ids or times).
void AddDecisionAssignments(const router::Decision& decision,
                            google::protobuf::RepeatedPtrField<v1::Assignment>* out);

storage::NewCase ToNewCase(const v1::SubmitReportRequest& request,
                           const router::Decision& decision, std::string_view actor);
storage::NewCase ToNewCase(const v1::SubmitInquiryRequest& request, std::string_view actor);

// What of a case the caller sees.
enum class CaseView {
  kFull,             // everything (operators on their own cases, supervisors)
  kRedactReporter,   // reporter name and phone removed (art. 74: auditors, agencies)
  kSummary,          // list view: no report/inquiry detail and no trace
};

v1::Case ToCaseProto(const storage::CaseRecord& record, CaseView view);
v1::Assignment ToAssignmentProto(const storage::AssignmentRecord& record);
v1::AuditEvent ToEventProto(const storage::EventRecord& record, bool include_private);

}  // namespace hotline::server
