// Maps between the wire types (hotline.v1) and the plain records of router/ and storage/.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "hotline/v1/admin.pb.h"
#include "hotline/v1/desk.pb.h"
#include "hotline/v1/intake.pb.h"
#include "router/router.h"
#include "storage/records.h"

namespace hotline::server {

// Hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// The bytes a SubmitReport retry is compared by (their SHA-256 is the request fingerprint):
// `report` with its categories and services needed in enum order, since they are sets.
// `detail` is the report's deterministic serialization, returned as it is when the sets are
// already in order.
std::string ReportIdentity(const v1::Report& report, const std::string& detail);

// Desks that hold an open (pending or acknowledged) hand-off of the case: a decline or an
// escalation skips them, so no desk holds a case twice.
std::vector<std::string> OpenDesks(const storage::CaseRecord& c);

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
  kRedactReporter,   // reporter name, phone, organisation removed (art. 74: auditors, agencies)
  kSummary,          // list view: no report/inquiry detail and no trace
};

v1::Case ToCaseProto(const storage::CaseRecord& record, CaseView view);
v1::Assignment ToAssignmentProto(const storage::AssignmentRecord& record);
v1::AuditEvent ToEventProto(const storage::EventRecord& record, bool include_private);
v1::AuditProblem ToAuditProblem(storage::ChainProblem problem);

// A pending assignment of `desk` (deadline: the desk's, else the table default).
storage::NewAssignment DeskAssignment(const router::RoutingTable& table, const router::Desk& desk,
                                      std::string rule_id, std::string resolution);
storage::NewAssignment ToNewAssignment(const router::RoutedTarget& target);

// A top-level string (or integer, in decimal) of an event's JSON payload; "" when absent.
std::string PayloadString(const storage::EventRecord& event, const std::string& key);

// A "case.viewed" event as the read it records.
void FillCaseAccess(const storage::EventRecord& event, v1::CaseAccess* out);

// Retention (issue 5): the serialized report or inquiry `detail` without personal data —
// names, phones, addresses, schools, organisations, guardians' details, the narrative, an
// inquiry's question, answer and contact — keeping what statistics need (channel, urgency,
// categories, services, ages, sex, jurisdiction codes, relations, topic).
std::string RedactPersonalData(std::string_view kind, const std::string& detail);

// Feedback to the reporter (art. 37), from the case's status and feedback columns.
v1::FeedbackState FeedbackStateOf(const storage::CaseRecord& record);
// The non-personal facts of a case, for desk lists and streams.
v1::CaseSummary ToCaseSummary(const storage::CaseRecord& record);
// An "assignment.updated" event as the update it records (`kind`: its short name).
v1::AssignmentUpdate ToUpdateProto(const storage::EventRecord& event, int64_t assignment_id,
                                   std::string_view kind);

}  // namespace hotline::server
