// libFuzzer target: arbitrary bytes as the body of Intake.SubmitReport (issue 5, hostile
// input). The bytes take the path hotlined gives them: gRPC's deserialization with the
// marking SerializationTraits (proto/parse_failure.h), CheckParsed, ValidateSubmitReport
// against the default routing table (config/routing.toml), and for a valid request ToFacts,
// Route, ToNewCase, ToCaseProto in every CaseView and RedactPersonalData (server/mapping.h).
// The same bytes also go through plain protobuf parsing, and as a SubmitInquiryRequest.
//
// Besides the sanitizers, the target checks what the contract promises: the redacted views
// and RedactPersonalData leave no reporter identity or narrative behind.
#include <google/protobuf/stubs/logging.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "router/loader.h"
#include "router/router.h"
#include "router/routing_table.h"
#include "server/mapping.h"
#include "server/validation.h"
#include "storage/records.h"

namespace {

namespace v1 = hotline::v1;
using hotline::server::CaseView;

const hotline::router::RoutingTable& DefaultTable() {
  static const std::shared_ptr<const hotline::router::RoutingTable> table = [] {
    const std::string path = std::string(HOTLINE_SOURCE_DIR) + "/config/routing.toml";
    auto loaded = hotline::router::LoadRoutingTableFile(path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "fuzz_report_validation: %s: %s\n", path.c_str(),
                   loaded.status().ToString().c_str());
      std::abort();
    }
    return *loaded;
  }();
  return *table;
}

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz_report_validation: broken promise: %s\n", what);
    std::abort();
  }
}

// What hotlined's generated handler does with the request bytes.
template <typename T>
bool DeserializeLikeGrpc(const std::string& bytes, T* message) {
  grpc::Slice slice(bytes);
  grpc::ByteBuffer buffer(&slice, 1);
  return grpc::SerializationTraits<T>::Deserialize(&buffer, message).ok();
}

// The case record the store would return for `new_case` (storage/case_writes.cc writes the
// same fields), so ToCaseProto sees what it sees in the server.
hotline::storage::CaseRecord StoredCase(const hotline::storage::NewCase& c) {
  hotline::storage::CaseRecord r;
  r.id = 1;
  r.case_number = "HL-2026-000001";
  r.kind = c.kind;
  r.status = c.kind == "report" ? "routed" : "closed";
  r.channel = c.channel;
  r.urgency = c.urgency;
  r.categories = c.categories;
  r.jurisdictions = c.jurisdictions;
  r.created_by = c.actor;
  r.request_id = c.request_id;
  r.created_ms = 1'790'000'000'000;
  r.updated_ms = r.created_ms;
  r.detail = c.detail;
  r.routing_version = c.routing_version;
  r.routing_trace = c.routing_trace;
  r.feedback_wanted = c.feedback_wanted;
  r.routing_table_version = 1;
  int64_t id = 0;
  for (const hotline::storage::NewAssignment& a : c.assignments) {
    hotline::storage::AssignmentRecord ar;
    ar.id = ++id;
    ar.case_id = r.id;
    ar.desk_id = a.desk_id;
    ar.desk_type = a.desk_type;
    ar.desk_name = a.desk_name;
    ar.rule_id = a.rule_id;
    ar.resolution = a.resolution;
    ar.status = "pending";
    ar.created_ms = r.created_ms;
    ar.ack_deadline_ms = r.created_ms + a.ack_deadline_seconds * 1000;
    ar.updated_ms = r.created_ms;
    ar.case_number = r.case_number;
    r.assignments.push_back(std::move(ar));
  }
  return r;
}

void CheckNoReporterIdentity(const v1::Reporter& reporter) {
  Check(reporter.name().empty() && reporter.phone().empty() && reporter.organization().empty(),
        "a redacted view carries no reporter name, phone or organisation");
}

void MapReport(const v1::SubmitReportRequest& request,
               const hotline::router::RoutingTable& table) {
  const hotline::router::Decision decision =
      hotline::router::Route(table, hotline::server::ToFacts(request.report()));
  Check(!decision.targets.empty(), "a valid report reaches at least one desk");
  (void)hotline::server::ToTraceProto(decision);
  google::protobuf::RepeatedPtrField<v1::Assignment> assignments;
  hotline::server::AddDecisionAssignments(decision, &assignments);
  for (const hotline::router::RoutedTarget& t : decision.targets) {
    (void)hotline::server::ToNewAssignment(t);
  }

  const hotline::storage::NewCase new_case =
      hotline::server::ToNewCase(request, decision, "fuzz.operator");
  const hotline::storage::CaseRecord record = StoredCase(new_case);
  for (CaseView view : {CaseView::kFull, CaseView::kRedactReporter, CaseView::kSummary}) {
    const v1::Case c = hotline::server::ToCaseProto(record, view);
    if (view != CaseView::kFull) CheckNoReporterIdentity(c.report().reporter());
    (void)c.ByteSizeLong();
  }
  (void)hotline::server::ToCaseSummary(record);
  (void)hotline::server::FeedbackStateOf(record);

  v1::Report redacted;
  Check(redacted.ParseFromString(hotline::server::RedactPersonalData("report", new_case.detail)),
        "RedactPersonalData returns a report");
  CheckNoReporterIdentity(redacted.reporter());
  Check(redacted.narrative().empty(), "RedactPersonalData removes the narrative");
  for (const v1::Child& child : redacted.children()) {
    Check(child.name().empty() && child.address().empty() && child.school().empty(),
          "RedactPersonalData removes children's names, addresses and schools");
  }
  for (const v1::Guardian& g : redacted.guardians()) {
    Check(g.name().empty() && g.phone().empty() && g.address().empty() && g.situation().empty(),
          "RedactPersonalData removes guardians' details");
  }
}

void MapInquiry(const v1::SubmitInquiryRequest& request) {
  const hotline::storage::NewCase new_case = hotline::server::ToNewCase(request, "fuzz.operator");
  const hotline::storage::CaseRecord record = StoredCase(new_case);
  for (CaseView view : {CaseView::kFull, CaseView::kRedactReporter, CaseView::kSummary}) {
    const v1::Case c = hotline::server::ToCaseProto(record, view);
    if (view != CaseView::kFull) CheckNoReporterIdentity(c.inquiry().contact());
  }
  v1::Inquiry redacted;
  Check(redacted.ParseFromString(hotline::server::RedactPersonalData("inquiry", new_case.detail)),
        "RedactPersonalData returns an inquiry");
  Check(!redacted.has_contact() && redacted.question().empty() && redacted.answer().empty(),
        "RedactPersonalData removes an inquiry's contact, question and answer");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  // protobuf logs an ERROR for every string field with invalid UTF-8 it refuses, and the
  // fuzzer makes many; only a FATAL message (protobuf aborts after it) is worth printing.
  google::protobuf::SetLogHandler([](google::protobuf::LogLevel level, const char* file, int line,
                                     const std::string& message) {
    if (level == google::protobuf::LOGLEVEL_FATAL) {
      std::fprintf(stderr, "[libprotobuf FATAL %s:%d] %s\n", file, line, message.c_str());
    }
  });
  (void)DefaultTable();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const hotline::router::RoutingTable& table = DefaultTable();
  const std::string bytes(reinterpret_cast<const char*>(data), size);

  // The server's path: gRPC deserialization (marking parse failures), CheckParsed, validation.
  v1::SubmitReportRequest request;
  if (DeserializeLikeGrpc(bytes, &request) && hotline::server::CheckParsed(request).ok() &&
      hotline::server::ValidateSubmitReport(request, table).ok()) {
    MapReport(request, table);
  }

  // Plain protobuf parsing: what a request built in code (or replayed from storage) looks like.
  v1::SubmitReportRequest plain;
  if (plain.ParseFromString(bytes)) {
    (void)hotline::server::CheckParsed(plain);
    if (hotline::server::ValidateSubmitReport(plain, table).ok()) MapReport(plain, table);
    // Routing-only validation (Admin.ExplainRoute, ReplayRouting).
    if (hotline::server::ValidateReport(plain.report(), table, /*routing_only=*/true).ok()) {
      (void)hotline::router::Route(table, hotline::server::ToFacts(plain.report()));
    }
  }

  // Stored detail bytes of any shape: RedactPersonalData must cope with them.
  (void)hotline::server::RedactPersonalData("report", bytes);
  (void)hotline::server::RedactPersonalData("inquiry", bytes);

  // The same bytes as the body of Intake.SubmitInquiry.
  v1::SubmitInquiryRequest inquiry;
  if (DeserializeLikeGrpc(bytes, &inquiry) && hotline::server::CheckParsed(inquiry).ok() &&
      hotline::server::ValidateSubmitInquiry(inquiry).ok()) {
    MapInquiry(inquiry);
  }
  return 0;
}
