#include "server/mapping.h"

#include <google/protobuf/util/time_util.h>
#include <openssl/evp.h>

#include <algorithm>

#include "proto/enum_names.h"
#include "storage/json.h"

namespace hotline::server {
namespace {

using google::protobuf::util::TimeUtil;

std::string Deterministic(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

void SetTime(int64_t millis, google::protobuf::Timestamp* out) {
  *out = TimeUtil::MillisecondsToTimestamp(millis);
}

// The reporter's identity (art. 74): name, phone, and the organisation they speak for.
void RedactReporter(v1::Reporter* reporter) {
  reporter->clear_name();
  reporter->clear_phone();
  reporter->clear_organization();
}

template <typename E>
E ParseEnum(const google::protobuf::EnumDescriptor* type, const std::string& name) {
  return static_cast<E>(proto::ParseShortName(type, name).value_or(0));
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

std::string ReporterKind(const v1::Report& report) {
  const v1::Reporter& r = report.reporter();
  if (r.anonymous()) return "anonymous";
  if (r.relation() == v1::REPORTER_RELATION_SELF) return "self";
  if (report.channel() == v1::CHANNEL_AGENCY_REFERRAL) return "agency";
  switch (r.relation()) {
    case v1::REPORTER_RELATION_TEACHER:
    case v1::REPORTER_RELATION_DOCTOR:
    case v1::REPORTER_RELATION_SOCIAL_WORKER:
    case v1::REPORTER_RELATION_POLICE:
      return "mandated";
    default:
      return r.mandated_reporter() ? "mandated" : "public";
  }
}

router::Facts ToFacts(const v1::Report& report) {
  router::Facts facts;
  for (int c : report.categories()) {
    facts.categories.push_back(proto::ShortName(static_cast<v1::DistressCategory>(c)));
  }
  facts.urgency = proto::ShortName(report.urgency());
  facts.reporter_kind = ReporterKind(report);
  for (const v1::Child& child : report.children()) {
    router::ChildFacts cf;
    cf.jurisdiction = child.jurisdiction_code();
    if (child.has_age()) {
      cf.age_min = child.age().min_years();
      cf.age_max = child.age().max_years();
    }
    if (child.has_attends_school()) {
      cf.attends_school = child.attends_school();
    } else if (!child.school().empty()) {
      cf.attends_school = true;
    }
    facts.children.push_back(std::move(cf));
  }
  return facts;
}

v1::RoutingTrace ToTraceProto(const router::Decision& decision) {
  v1::RoutingTrace trace;
  trace.set_table_version(decision.table_version);
  for (const router::RuleStep& step : decision.trace) {
    v1::RoutingTrace::RuleStep* s = trace.add_steps();
    s->set_child_index(step.child_index);
    s->set_rule_id(step.rule_id);
    s->set_matched(step.matched);
    s->set_reason(step.reason);
  }
  return trace;
}

void AddDecisionAssignments(const router::Decision& decision,
                            google::protobuf::RepeatedPtrField<v1::Assignment>* out) {
  for (const router::RoutedTarget& t : decision.targets) {
    v1::Assignment* a = out->Add();
    a->set_desk_id(t.desk_id);
    a->set_desk_type(t.desk_type);
    a->set_desk_name(t.desk_name);
    a->set_status(v1::ASSIGNMENT_STATUS_PENDING);
    a->set_rule_id(t.rule_id);
    a->set_resolution(t.resolution);
  }
}

namespace {

template <typename List>
bool IsAscending(const List& list) {
  return std::is_sorted(list.begin(), list.end());
}

}  // namespace

// What a retry must repeat: the report, with its sets (categories, services needed) in enum
// order, so that a client rebuilding the request lists them in any order. A report whose
// sets are already in order is its own form: `detail`, serialized once.
std::vector<std::string> OpenDesks(const storage::CaseRecord& c) {
  std::vector<std::string> desks;
  for (const storage::AssignmentRecord& a : c.assignments) {
    if (storage::IsOpenAssignmentStatus(a.status)) desks.push_back(a.desk_id);
  }
  return desks;
}

std::string ReportIdentity(const v1::Report& report, const std::string& detail) {
  if (IsAscending(report.categories()) && IsAscending(report.services_needed())) return detail;
  v1::Report canonical = report;
  std::sort(canonical.mutable_categories()->begin(), canonical.mutable_categories()->end());
  std::sort(canonical.mutable_services_needed()->begin(),
            canonical.mutable_services_needed()->end());
  return Deterministic(canonical);
}

storage::NewCase ToNewCase(const v1::SubmitReportRequest& request,
                           const router::Decision& decision, std::string_view actor) {
  const v1::Report& report = request.report();
  storage::NewCase c;
  c.request_id = request.request_id();
  c.detail = Deterministic(report);
  c.request_fingerprint = Sha256Hex(ReportIdentity(report, c.detail));
  c.kind = "report";
  c.actor = std::string(actor);
  c.channel = proto::ShortName(report.channel());
  c.urgency = proto::ShortName(report.urgency());
  for (int cat : report.categories()) {
    c.categories.push_back(proto::ShortName(static_cast<v1::DistressCategory>(cat)));
  }
  for (const v1::Child& child : report.children()) {
    c.jurisdictions.push_back(child.jurisdiction_code());
  }
  c.routing_version = decision.table_version;
  c.routing_trace = Deterministic(ToTraceProto(decision));
  c.feedback_wanted = !report.reporter().anonymous();  // art. 37
  for (const router::RoutedTarget& t : decision.targets) {
    c.assignments.push_back(storage::NewAssignment{t.desk_id, t.desk_type, t.desk_name, t.rule_id,
                                                   t.resolution, t.ack_deadline.count()});
  }
  return c;
}

storage::NewCase ToNewCase(const v1::SubmitInquiryRequest& request, std::string_view actor) {
  storage::NewCase c;
  c.request_id = request.request_id();
  c.detail = Deterministic(request.inquiry());
  c.request_fingerprint = Sha256Hex(c.detail);
  c.kind = "inquiry";
  c.actor = std::string(actor);
  c.channel = proto::ShortName(request.inquiry().channel());
  return c;
}

v1::Assignment ToAssignmentProto(const storage::AssignmentRecord& r) {
  v1::Assignment a;
  a.set_id(r.id);
  a.set_desk_id(r.desk_id);
  a.set_desk_type(r.desk_type);
  a.set_desk_name(r.desk_name);
  auto status = proto::ParseShortName(v1::AssignmentStatus_descriptor(), r.status);
  a.set_status(static_cast<v1::AssignmentStatus>(status.value_or(0)));
  a.set_rule_id(r.rule_id);
  SetTime(r.created_ms, a.mutable_create_time());
  SetTime(r.ack_deadline_ms, a.mutable_ack_deadline());
  a.set_resolution(r.resolution);
  a.set_case_number(r.case_number);
  SetTime(r.updated_ms, a.mutable_update_time());
  a.set_replaces_assignment_id(r.replaces_id);
  a.set_outcome(r.outcome);
  if (r.overdue_ms != 0) SetTime(r.overdue_ms, a.mutable_overdue_time());
  return a;
}

v1::FeedbackState FeedbackStateOf(const storage::CaseRecord& r) {
  if (r.kind != "report" || !r.feedback_wanted) return v1::FEEDBACK_STATE_NOT_NEEDED;
  if (r.feedback_ms != 0) return v1::FEEDBACK_STATE_GIVEN;
  if (r.status == "resolved" || r.status == "closed") return v1::FEEDBACK_STATE_DUE;
  return v1::FEEDBACK_STATE_PENDING;
}

v1::CaseSummary ToCaseSummary(const storage::CaseRecord& r) {
  v1::CaseSummary s;
  s.set_case_number(r.case_number);
  s.set_status(ParseEnum<v1::CaseStatus>(v1::CaseStatus_descriptor(), r.status));
  s.set_urgency(ParseEnum<v1::Urgency>(v1::Urgency_descriptor(), r.urgency));
  for (const std::string& cat : r.categories) {
    s.add_categories(ParseEnum<v1::DistressCategory>(v1::DistressCategory_descriptor(), cat));
  }
  for (const std::string& code : r.jurisdictions) s.add_jurisdiction_codes(code);
  SetTime(r.created_ms, s.mutable_create_time());
  return s;
}

v1::AssignmentUpdate ToUpdateProto(const storage::EventRecord& e, int64_t assignment_id,
                                   std::string_view kind) {
  v1::AssignmentUpdate u;
  u.set_seq(e.seq);
  u.set_assignment_id(assignment_id);
  SetTime(e.time_ms, u.mutable_time());
  u.set_actor(e.actor);
  u.set_kind(ParseEnum<v1::UpdateKind>(v1::UpdateKind_descriptor(), std::string(kind)));
  u.set_text(e.private_data);
  return u;
}

v1::Case ToCaseProto(const storage::CaseRecord& r, CaseView view) {
  v1::Case c;
  c.set_id(r.id);
  c.set_case_number(r.case_number);
  c.set_kind(static_cast<v1::CaseKind>(
      proto::ParseShortName(v1::CaseKind_descriptor(), r.kind).value_or(0)));
  c.set_status(static_cast<v1::CaseStatus>(
      proto::ParseShortName(v1::CaseStatus_descriptor(), r.status).value_or(0)));
  SetTime(r.created_ms, c.mutable_create_time());
  SetTime(r.updated_ms, c.mutable_update_time());
  if (r.closed_ms != 0) SetTime(r.closed_ms, c.mutable_close_time());
  if (r.purged_ms != 0) SetTime(r.purged_ms, c.mutable_purge_time());
  c.set_created_by(r.created_by);
  c.set_request_id(r.request_id);
  c.set_outcome(r.outcome);
  c.set_outcome_summary(r.outcome_summary);
  c.set_feedback(FeedbackStateOf(r));
  c.set_routing_table_version(r.routing_table_version);
  for (const storage::AssignmentRecord& a : r.assignments) {
    *c.add_assignments() = ToAssignmentProto(a);
  }
  if (view == CaseView::kSummary) {
    // The list view still shows what the case is about, without personal data.
    if (r.kind == "report") {
      v1::Report* report = c.mutable_report();
      report->set_channel(static_cast<v1::Channel>(
          proto::ParseShortName(v1::Channel_descriptor(), r.channel).value_or(0)));
      report->set_urgency(static_cast<v1::Urgency>(
          proto::ParseShortName(v1::Urgency_descriptor(), r.urgency).value_or(0)));
      for (const std::string& cat : r.categories) {
        report->add_categories(static_cast<v1::DistressCategory>(
            proto::ParseShortName(v1::DistressCategory_descriptor(), cat).value_or(0)));
      }
      for (const std::string& code : r.jurisdictions) {
        report->add_children()->set_jurisdiction_code(code);
      }
    }
    return c;
  }
  if (r.kind == "report") {
    c.mutable_report()->ParseFromString(r.detail);
    if (view == CaseView::kRedactReporter) RedactReporter(c.mutable_report()->mutable_reporter());
  } else {
    c.mutable_inquiry()->ParseFromString(r.detail);
    if (view == CaseView::kRedactReporter) RedactReporter(c.mutable_inquiry()->mutable_contact());
  }
  if (!r.routing_trace.empty()) c.mutable_routing()->ParseFromString(r.routing_trace);
  return c;
}

v1::AuditProblem ToAuditProblem(storage::ChainProblem problem) {
  switch (problem) {
    case storage::ChainProblem::kNone:
      return v1::AUDIT_PROBLEM_UNSPECIFIED;
    case storage::ChainProblem::kOutOfOrder:
      return v1::AUDIT_PROBLEM_OUT_OF_ORDER;
    case storage::ChainProblem::kGap:
      return v1::AUDIT_PROBLEM_GAP;
    case storage::ChainProblem::kFirstPrevHash:
      return v1::AUDIT_PROBLEM_FIRST_PREV_HASH;
    case storage::ChainProblem::kPrevHash:
      return v1::AUDIT_PROBLEM_PREV_HASH;
    case storage::ChainProblem::kHash:
      return v1::AUDIT_PROBLEM_HASH_MISMATCH;
    case storage::ChainProblem::kDeskId:
      return v1::AUDIT_PROBLEM_DESK_ID;
    case storage::ChainProblem::kPrivateData:
      return v1::AUDIT_PROBLEM_PRIVATE_DATA;
    case storage::ChainProblem::kCommittedText:
      return v1::AUDIT_PROBLEM_COMMITTED_TEXT;
    case storage::ChainProblem::kAssignment:
      return v1::AUDIT_PROBLEM_ASSIGNMENT;
    case storage::ChainProblem::kAnchorMissing:
      return v1::AUDIT_PROBLEM_ANCHOR_MISSING;
    case storage::ChainProblem::kAnchorMismatch:
      return v1::AUDIT_PROBLEM_ANCHOR_MISMATCH;
  }
  return v1::AUDIT_PROBLEM_UNSPECIFIED;
}

v1::AuditEvent ToEventProto(const storage::EventRecord& r, bool include_private) {
  v1::AuditEvent e;
  e.set_seq(r.seq);
  e.set_case_number(r.case_number);
  SetTime(r.time_ms, e.mutable_time());
  e.set_actor(r.actor);
  e.set_type(r.type);
  e.set_payload_json(r.payload);
  e.set_prev_hash(r.prev_hash);
  e.set_hash(r.hash);
  if (include_private) e.set_private_text(r.private_data);
  return e;
}

storage::NewAssignment DeskAssignment(const router::RoutingTable& table, const router::Desk& desk,
                                      std::string rule_id, std::string resolution) {
  storage::NewAssignment a;
  a.desk_id = desk.id;
  a.desk_type = desk.type;
  a.desk_name = desk.name;
  a.rule_id = std::move(rule_id);
  a.resolution = std::move(resolution);
  a.ack_deadline_seconds = desk.ack_deadline.value_or(table.default_ack_deadline).count();
  return a;
}

storage::NewAssignment ToNewAssignment(const router::RoutedTarget& t) {
  return storage::NewAssignment{t.desk_id,    t.desk_type,    t.desk_name,
                                t.rule_id,    t.resolution,   t.ack_deadline.count()};
}

std::string PayloadString(const storage::EventRecord& event, const std::string& key) {
  return storage::JsonObjectMember(event.payload, key).value_or("");
}

void FillCaseAccess(const storage::EventRecord& event, v1::CaseAccess* out) {
  out->set_seq(event.seq);
  SetTime(event.time_ms, out->mutable_time());
  out->set_actor(event.actor);
  out->set_role(PayloadString(event, "role"));
  out->set_rpc(PayloadString(event, "rpc"));
}

std::string RedactPersonalData(std::string_view kind, const std::string& detail) {
  if (kind == "report") {
    v1::Report report;
    if (!report.ParseFromString(detail)) return "";
    RedactReporter(report.mutable_reporter());
    for (v1::Child& child : *report.mutable_children()) {
      child.clear_name();
      child.clear_address();
      child.clear_school();
    }
    for (v1::Guardian& g : *report.mutable_guardians()) {
      g.clear_name();
      g.clear_phone();
      g.clear_address();
      g.clear_situation();
    }
    report.clear_narrative();
    return Deterministic(report);
  }
  v1::Inquiry inquiry;
  if (!inquiry.ParseFromString(detail)) return "";
  inquiry.clear_contact();
  inquiry.clear_topic();  // free text: it can hold a name
  inquiry.clear_question();
  inquiry.clear_answer();
  return Deterministic(inquiry);
}

}  // namespace hotline::server
