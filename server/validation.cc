#include "server/validation.h"

#include <set>

#include <fmt/format.h>

#include "proto/utf8.h"

#include "router/routing_table.h"

namespace hotline::server {
namespace {

using absl::InvalidArgumentError;
using absl::OkStatus;
using absl::Status;

// Limits in code points (case.proto documents each).
constexpr int kMaxName = 100;
constexpr int kMaxOrganization = 200;
constexpr int kMaxAddress = 500;
constexpr int kMaxSchool = 200;
constexpr int kMaxRelation = 50;
constexpr int kMaxSituation = 2000;
constexpr int kMaxNarrative = 20000;
constexpr int kMaxTopic = 200;
constexpr int kMaxQuestion = 5000;
constexpr int kMaxNote = 5000;
constexpr int kMaxOutcome = 50;
constexpr int kMaxSummary = 2000;
constexpr int kMaxChildren = 20;
constexpr int kMaxGuardians = 10;
constexpr int kMaxCategories = 10;
constexpr int kMaxServices = 10;
constexpr int kMaxAge = 17;
constexpr int kMaxDesksPerRequest = 50;
constexpr int kMaxAnchors = 1000;

Status Error(std::string_view field, std::string_view reason) {
  return InvalidArgumentError(fmt::format("{}: {}", field, reason));
}

// Checks UTF-8 validity, length and control characters (only tab, line feed and carriage
// return are text; a NUL or an escape sequence in a name or narrative is not something an
// operator typed, and would reach every screen that shows it). `required` refuses the empty
// string and text of nothing but white space.
Status CheckText(std::string_view field, std::string_view text, int max_length, bool required) {
  int length = proto::Utf8Length(text);
  if (length < 0) return Error(field, "is not valid UTF-8");
  if (length > max_length) {
    return Error(field, fmt::format("is {} characters long; the limit is {}", length, max_length));
  }
  bool blank = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if ((c < 0x20 && !space) || c == 0x7f) {
      return Error(field, fmt::format("contains the control character U+{:04X} at byte {}; "
                                      "only tab and line breaks are allowed",
                                      c, i));
    }
    // C1 controls (U+0080..U+009F) are controls too. Bidirectional embeddings, overrides and
    // isolates (U+202A..U+202E, U+2066..U+2069) make a terminal or page show the text around
    // them in another order: a name could read as something else than was stored.
    const auto next = [&](size_t k) {
      return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
    };
    int code = 0;
    if (c == 0xC2 && next(1) >= 0x80 && next(1) <= 0x9F) code = next(1);
    if (c == 0xE2 && next(1) == 0x80 && next(2) >= 0xAA && next(2) <= 0xAE) {
      code = 0x2000 + next(2) - 0x80;
    }
    if (c == 0xE2 && next(1) == 0x81 && next(2) >= 0xA6 && next(2) <= 0xA9) {
      code = 0x2040 + next(2) - 0x80;
    }
    if (code >= 0x2000) {
      return Error(field, fmt::format("contains the bidirectional control U+{:04X} at byte {}; "
                                      "it would change the order in which screens show the text",
                                      code, i));
    }
    if (code != 0) {
      return Error(field, fmt::format("contains the control character U+{:04X} at byte {}; "
                                      "only tab and line breaks are allowed",
                                      code, i));
    }
    blank = blank && space;
  }
  if (required && blank) {
    return Error(field, length == 0 ? "is required" : "is required (it is only white space)");
  }
  return OkStatus();
}

// Digits with an optional leading '+', 5 to 20 digits.
Status CheckPhone(std::string_view field, std::string_view phone) {
  std::string_view digits = phone;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  bool all_digits = !digits.empty();
  for (char c : digits) all_digits = all_digits && c >= '0' && c <= '9';
  if (!all_digits || digits.size() < 5 || digits.size() > 20) {
    return Error(field, "must be 5 to 20 digits with an optional leading '+'");
  }
  return OkStatus();
}

template <typename IsValid>
Status CheckEnum(std::string_view field, int value, IsValid is_valid, bool required) {
  if (!is_valid(value)) return Error(field, fmt::format("unknown value {}", value));
  if (required && value == 0) return Error(field, "is required");
  return OkStatus();
}

#define RETURN_IF_ERROR(expr)      \
  do {                             \
    Status status_ = (expr);       \
    if (!status_.ok()) return status_; \
  } while (false)

Status CheckReporter(const v1::Reporter& reporter, std::string_view field, bool contact_required) {
  const std::string f(field);
  RETURN_IF_ERROR(ValidateText(f + ".name", reporter.name(), kMaxName, false, true));
  RETURN_IF_ERROR(
      ValidateText(f + ".phone", reporter.phone(), 21, false, true));  // '+' and 20 digits
  RETURN_IF_ERROR(
      ValidateText(f + ".organization", reporter.organization(), kMaxOrganization, false, true));
  RETURN_IF_ERROR(CheckEnum(f + ".relation", reporter.relation(), v1::ReporterRelation_IsValid, false));
  if (reporter.anonymous()) {
    if (!reporter.name().empty() || !reporter.phone().empty()) {
      return Error(f, "name and phone must be empty for an anonymous reporter");
    }
    return OkStatus();
  }
  if (reporter.phone().empty()) {
    if (contact_required) {
      return Error(f + ".phone",
                   "is required unless the reporter is anonymous (art. 36: record the reporter's "
                   "contact)");
    }
    return OkStatus();
  }
  return CheckPhone(f + ".phone", reporter.phone());
}

Status CheckChild(const v1::Child& child, const std::string& f, const router::RoutingTable& table) {
  RETURN_IF_ERROR(ValidateText(f + ".name", child.name(), kMaxName, false, true));
  if (child.has_age()) {
    const v1::AgeRange& age = child.age();
    for (auto [name, years] : {std::pair<const char*, int>{"min_years", age.min_years()},
                               std::pair<const char*, int>{"max_years", age.max_years()}}) {
      if (years < 0 || years > kMaxAge) {
        return Error(fmt::format("{}.age.{}", f, name),
                     fmt::format("{} is not a minor's age (0-{})", years, kMaxAge));
      }
    }
    if (age.min_years() > age.max_years()) {
      return Error(f + ".age", fmt::format("min_years {} is greater than max_years {}",
                                           age.min_years(), age.max_years()));
    }
  }
  RETURN_IF_ERROR(CheckEnum(f + ".sex", child.sex(), v1::Sex_IsValid, false));
  const std::string& code = child.jurisdiction_code();
  if (code.empty()) return Error(f + ".jurisdiction_code", "is required");
  if (!router::IsWellFormedJurisdiction(code)) {
    return Error(f + ".jurisdiction_code",
                 "must be a GB/T 2260 code of 2, 4, 6, 9 or 12 digits");
  }
  if (table.FindJurisdiction(code) == nullptr) {
    return Error(f + ".jurisdiction_code",
                 fmt::format("{} is not a jurisdiction the routing table knows", code));
  }
  RETURN_IF_ERROR(CheckText(f + ".address", child.address(), kMaxAddress, false));
  return ValidateText(f + ".school", child.school(), kMaxSchool, false, true);
}

Status CheckGuardian(const v1::Guardian& g, const std::string& f) {
  RETURN_IF_ERROR(ValidateText(f + ".name", g.name(), kMaxName, false, true));
  RETURN_IF_ERROR(ValidateText(f + ".relation", g.relation(), kMaxRelation, false, true));
  RETURN_IF_ERROR(ValidateText(f + ".phone", g.phone(), 21, false, true));  // '+' and 20 digits
  if (!g.phone().empty()) RETURN_IF_ERROR(CheckPhone(f + ".phone", g.phone()));
  RETURN_IF_ERROR(CheckText(f + ".address", g.address(), kMaxAddress, false));
  return CheckText(f + ".situation", g.situation(), kMaxSituation, false);
}

// One element of a repeated enum field ("report.categories[0]"): a known value other than
// the *_UNSPECIFIED one, which is named (an element is there, so "is required" would not do).
Status CheckEnumItem(std::string_view item, int value,
                     const google::protobuf::EnumDescriptor* type) {
  if (type->FindValueByNumber(value) == nullptr) {
    return Error(item, fmt::format("unknown value {}", value));
  }
  const std::string& unspecified = type->FindValueByNumber(0)->name();
  if (value == 0) return Error(item, fmt::format("must not be {}", unspecified));
  return OkStatus();
}

template <typename List>
Status CheckEnumList(std::string_view field, const List& values, int max_count, bool required,
                     const google::protobuf::EnumDescriptor* type) {
  if (required && values.empty()) return Error(field, "at least one is required");
  if (values.size() > max_count) {
    return Error(field, fmt::format("{} given; at most {}", values.size(), max_count));
  }
  std::set<int> seen;
  for (int i = 0; i < values.size(); ++i) {
    const std::string item = fmt::format("{}[{}]", field, i);
    RETURN_IF_ERROR(CheckEnumItem(item, values[i], type));
    if (!seen.insert(values[i]).second) return Error(item, "is repeated");
  }
  return OkStatus();
}

}  // namespace

Status CheckParsed(const google::protobuf::Message& request) {
  std::string failure = proto::RequestParseFailure(request);
  if (failure.empty()) return OkStatus();
  return InvalidArgumentError(failure);
}

Status ValidateRequestId(std::string_view field, std::string_view request_id) {
  if (request_id.empty()) return Error(field, "is required (a client-generated unique id)");
  if (request_id.size() > 64) return Error(field, "is longer than 64 characters");
  for (char c : request_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == ':' || c == '-';
    if (!ok) return Error(field, "may contain only letters, digits and _ . : -");
  }
  return OkStatus();
}

Status ValidateReport(const v1::Report& report, const router::RoutingTable& table,
                      bool routing_only) {
  RETURN_IF_ERROR(CheckEnum("report.channel", report.channel(), v1::Channel_IsValid, !routing_only));
  if (!routing_only && !report.has_reporter()) {
    return Error("report.reporter", "is required (set anonymous for an anonymous reporter)");
  }
  RETURN_IF_ERROR(CheckReporter(report.reporter(), "report.reporter", !routing_only));
  if (report.children().empty()) return Error("report.children", "at least one child is required");
  if (report.children_size() > kMaxChildren) {
    return Error("report.children",
                 fmt::format("{} given; at most {}", report.children_size(), kMaxChildren));
  }
  for (int i = 0; i < report.children_size(); ++i) {
    RETURN_IF_ERROR(CheckChild(report.children(i), fmt::format("report.children[{}]", i), table));
  }
  if (report.guardians_size() > kMaxGuardians) {
    return Error("report.guardians",
                 fmt::format("{} given; at most {}", report.guardians_size(), kMaxGuardians));
  }
  for (int i = 0; i < report.guardians_size(); ++i) {
    RETURN_IF_ERROR(CheckGuardian(report.guardians(i), fmt::format("report.guardians[{}]", i)));
  }
  RETURN_IF_ERROR(CheckEnumList("report.categories", report.categories(), kMaxCategories, true,
                                v1::DistressCategory_descriptor()));
  RETURN_IF_ERROR(CheckEnum("report.urgency", report.urgency(), v1::Urgency_IsValid, true));
  RETURN_IF_ERROR(CheckEnumList("report.services_needed", report.services_needed(), kMaxServices,
                                false, v1::Service_descriptor()));
  return CheckText("report.narrative", report.narrative(), kMaxNarrative, !routing_only);
}

Status ValidateSubmitReport(const v1::SubmitReportRequest& request,
                            const router::RoutingTable& table) {
  RETURN_IF_ERROR(ValidateRequestId("request_id", request.request_id()));
  if (!request.has_report()) return Error("report", "is required");
  return ValidateReport(request.report(), table, /*routing_only=*/false);
}

Status ValidateSubmitInquiry(const v1::SubmitInquiryRequest& request) {
  RETURN_IF_ERROR(ValidateRequestId("request_id", request.request_id()));
  if (!request.has_inquiry()) return Error("inquiry", "is required");
  const v1::Inquiry& q = request.inquiry();
  RETURN_IF_ERROR(CheckEnum("inquiry.channel", q.channel(), v1::Channel_IsValid, true));
  RETURN_IF_ERROR(CheckText("inquiry.topic", q.topic(), kMaxTopic, true));
  RETURN_IF_ERROR(CheckText("inquiry.question", q.question(), kMaxQuestion, true));
  RETURN_IF_ERROR(CheckText("inquiry.answer", q.answer(), kMaxQuestion, true));
  return CheckReporter(q.contact(), "inquiry.contact", /*contact_required=*/false);
}

Status ValidateCaseNumber(std::string_view field, std::string_view case_number) {
  if (case_number.empty()) return Error(field, "is required (e.g. HL-2026-000123)");
  // HL-YYYY-NNNNNN (6 or more digits).
  bool ok = case_number.size() >= 14 && case_number.size() <= 20 &&
            case_number.substr(0, 3) == "HL-" && case_number[7] == '-';
  for (size_t i = 3; ok && i < case_number.size(); ++i) {
    ok = i == 7 || (case_number[i] >= '0' && case_number[i] <= '9');
  }
  if (!ok) return Error(field, "must look like HL-2026-000123");
  return OkStatus();
}

Status ValidateAddNote(const v1::AddNoteRequest& request) {
  RETURN_IF_ERROR(ValidateCaseNumber("case_number", request.case_number()));
  return CheckText("text", request.text(), kMaxNote, true);
}

// An outcome is a code ("child_safe"), not prose: statistics group cases by it, and prose
// belongs in the summary.
Status CheckOutcomeCode(std::string_view outcome) {
  RETURN_IF_ERROR(CheckText("outcome", outcome, kMaxOutcome, true));
  for (char c : outcome) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return Error("outcome",
                   "must be a code of [a-z0-9_] (e.g. child_safe, referred); "
                   "put the details in the summary");
    }
  }
  return OkStatus();
}

Status ValidateCloseCase(const v1::CloseCaseRequest& request) {
  RETURN_IF_ERROR(ValidateCaseNumber("case_number", request.case_number()));
  RETURN_IF_ERROR(CheckOutcomeCode(request.outcome()));
  return CheckText("summary", request.summary(), kMaxSummary, false);
}

Status ValidateListCases(const v1::ListCasesRequest& request) {
  if (request.page_size() < 0 || request.page_size() > 500) {
    return Error("page_size", "must be 0 (default 50) to 500");
  }
  RETURN_IF_ERROR(CheckEnum("status", request.status(), v1::CaseStatus_IsValid, false));
  RETURN_IF_ERROR(CheckEnum("kind", request.kind(), v1::CaseKind_IsValid, false));
  RETURN_IF_ERROR(CheckEnum("urgency", request.urgency(), v1::Urgency_IsValid, false));
  RETURN_IF_ERROR(CheckEnum("category", request.category(), v1::DistressCategory_IsValid, false));
  const std::string& prefix = request.jurisdiction_prefix();
  for (char c : prefix) {
    if (c < '0' || c > '9') return Error("jurisdiction_prefix", "must be digits");
  }
  if (prefix.size() > 12) return Error("jurisdiction_prefix", "is longer than 12 digits");
  if (!request.desk_id().empty()) return ValidateDeskId("desk_id", request.desk_id());
  return OkStatus();
}

Status ValidateReopenCase(const v1::ReopenCaseRequest& request) {
  RETURN_IF_ERROR(ValidateCaseNumber("case_number", request.case_number()));
  RETURN_IF_ERROR(CheckText("reason", request.reason(), kMaxSummary, true));
  if (!request.desk_id().empty()) RETURN_IF_ERROR(ValidateDeskId("desk_id", request.desk_id()));
  return OkStatus();
}

Status ValidateRecordFeedback(const v1::RecordFeedbackRequest& request) {
  RETURN_IF_ERROR(ValidateCaseNumber("case_number", request.case_number()));
  return CheckText("note", request.note(), kMaxSummary, true);
}

Status ValidateVerifyAuditLog(const v1::VerifyAuditLogRequest& request) {
  if (request.anchors_size() > kMaxAnchors) {
    return Error("anchors", "at most " + std::to_string(kMaxAnchors) + " anchors");
  }
  for (int i = 0; i < request.anchors_size(); ++i) {
    const v1::AuditAnchor& anchor = request.anchors(i);
    const std::string f = "anchors[" + std::to_string(i) + "]";
    if (anchor.seq() < 1) return Error(f + ".seq", "must be an event's sequence number, >= 1");
    const std::string& hash = anchor.hash();
    if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return Error(f + ".hash", "must be 64 lowercase hex digits (an event's hash)");
    }
  }
  return OkStatus();
}

Status ValidateText(std::string_view field, std::string_view text, int max_length, bool required,
                    bool one_line) {
  RETURN_IF_ERROR(CheckText(field, text, max_length, required));
  if (one_line && text.find_first_of("\t\n\r") != std::string_view::npos) {
    return Error(field, "must be one line (no tab or line break)");
  }
  return OkStatus();
}

Status ValidateDeskId(std::string_view field, std::string_view desk_id) {
  if (desk_id.empty()) return Error(field, "is required");
  if (desk_id.size() > 100) return Error(field, "is longer than 100 characters");
  for (char c : desk_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                    c == '-';
    if (!ok) return Error(field, "must match [a-z0-9_.-]+ (a desk id of the routing table)");
  }
  return OkStatus();
}

Status ValidateDeskIds(const google::protobuf::RepeatedPtrField<std::string>& desk_ids) {
  if (desk_ids.size() > kMaxDesksPerRequest) {
    return Error("desk_ids", fmt::format("has {} entries; the limit is {}", desk_ids.size(),
                                         kMaxDesksPerRequest));
  }
  for (int i = 0; i < desk_ids.size(); ++i) {
    RETURN_IF_ERROR(ValidateDeskId(fmt::format("desk_ids[{}]", i), desk_ids[i]));
  }
  return OkStatus();
}

Status ValidateAssignmentId(int64_t id) {
  if (id <= 0) return Error("assignment_id", "is required (a positive assignment id)");
  return OkStatus();
}

Status ValidateWatchAssignments(const v1::WatchAssignmentsRequest& request) {
  RETURN_IF_ERROR(ValidateDeskIds(request.desk_ids()));
  if (request.heartbeat_seconds() < 0 || request.heartbeat_seconds() > 300) {
    return Error("heartbeat_seconds", "must be 0 (default 15) to 300");
  }
  return OkStatus();
}

Status ValidateListAssignments(const v1::ListAssignmentsRequest& request) {
  RETURN_IF_ERROR(ValidateDeskIds(request.desk_ids()));
  for (int i = 0; i < request.statuses_size(); ++i) {
    RETURN_IF_ERROR(CheckEnumItem(fmt::format("statuses[{}]", i), request.statuses(i),
                                  v1::AssignmentStatus_descriptor()));
  }
  if (request.page_size() < 0 || request.page_size() > 500) {
    return Error("page_size", "must be 0 (default 50) to 500");
  }
  return OkStatus();
}

Status ValidatePostUpdate(const v1::PostUpdateRequest& request) {
  RETURN_IF_ERROR(ValidateAssignmentId(request.assignment_id()));
  RETURN_IF_ERROR(CheckEnum("kind", request.kind(), v1::UpdateKind_IsValid, true));
  return CheckText("text", request.text(), kMaxNote, true);
}

Status ValidateDecline(const v1::DeclineRequest& request) {
  RETURN_IF_ERROR(ValidateAssignmentId(request.assignment_id()));
  return CheckText("reason", request.reason(), kMaxSummary, true);
}

Status ValidateTransfer(const v1::TransferRequest& request) {
  RETURN_IF_ERROR(ValidateAssignmentId(request.assignment_id()));
  RETURN_IF_ERROR(ValidateDeskId("to_desk_id", request.to_desk_id()));
  return CheckText("reason", request.reason(), kMaxSummary, true);
}

Status ValidateResolve(const v1::ResolveRequest& request) {
  RETURN_IF_ERROR(ValidateAssignmentId(request.assignment_id()));
  RETURN_IF_ERROR(CheckOutcomeCode(request.outcome()));
  return CheckText("summary", request.summary(), kMaxSummary, true);
}

}  // namespace hotline::server
