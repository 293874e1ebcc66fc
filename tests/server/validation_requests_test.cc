// Validation of the Intake requests other than reports: inquiries, request ids, case
// numbers, notes, closing, listing, reopening and feedback.
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "server/validation.h"
#include "tests/server/test_util.h"

namespace hotline::server {
namespace {

using testing::IsAccepted;
using testing::IsRefused;
using testing::Repeat;
using testing::ValidInquiryRequest;

template <typename Request>
struct Variant {
  std::string name;
  std::function<void(Request&)> mutate;
  std::string field;
  std::string reason;
};

// Applies each variant to `valid` and checks `validate` refuses it as the variant says.
template <typename Request, typename Validate>
void CheckVariants(const Request& valid, Validate validate,
                   const std::vector<Variant<Request>>& variants) {
  for (const Variant<Request>& v : variants) {
    DYNAMIC_SECTION(v.name) {
      Request request = valid;
      v.mutate(request);
      CHECK_THAT(validate(request), IsRefused(v.field, v.reason));
    }
  }
}

TEST_CASE("SubmitInquiry: a complete inquiry passes and every broken field is named",
          "[validation][inquiry]") {
  CHECK_THAT(ValidateSubmitInquiry(ValidInquiryRequest()), IsAccepted());
  SECTION("the contact is optional") {
    v1::SubmitInquiryRequest request = ValidInquiryRequest();
    request.mutable_inquiry()->clear_contact();
    CHECK_THAT(ValidateSubmitInquiry(request), IsAccepted());
    request.mutable_inquiry()->mutable_contact()->set_name("only a name");
    CHECK_THAT(ValidateSubmitInquiry(request), IsAccepted());
  }
  using R = v1::SubmitInquiryRequest;
  CheckVariants<R>(
      ValidInquiryRequest(), ValidateSubmitInquiry,
      {
          {"no request_id", [](R& r) { r.clear_request_id(); }, "request_id", "is required"},
          {"request_id with a non-ASCII letter", [](R& r) { r.set_request_id("anfrage-ä"); },
           "request_id", "may contain only"},
          {"no inquiry", [](R& r) { r.clear_inquiry(); }, "inquiry", "is required"},
          {"no channel", [](R& r) { r.mutable_inquiry()->clear_channel(); }, "inquiry.channel",
           "is required"},
          {"unknown channel", [](R& r) { r.mutable_inquiry()->set_channel(v1::Channel(6)); },
           "inquiry.channel", "unknown value 6"},
          {"no topic", [](R& r) { r.mutable_inquiry()->clear_topic(); }, "inquiry.topic",
           "is required"},
          {"topic of 201 characters",
           [](R& r) { r.mutable_inquiry()->set_topic(Repeat("题", 201)); }, "inquiry.topic",
           "is 201 characters long; the limit is 200"},
          {"no question", [](R& r) { r.mutable_inquiry()->clear_question(); }, "inquiry.question",
           "is required"},
          {"question of 5,001 characters",
           [](R& r) { r.mutable_inquiry()->set_question(Repeat("q", 5001)); }, "inquiry.question",
           "is 5001 characters long; the limit is 5000"},
          {"no answer", [](R& r) { r.mutable_inquiry()->clear_answer(); }, "inquiry.answer",
           "is required"},
          {"answer not UTF-8", [](R& r) { r.mutable_inquiry()->set_answer("\xff"); },
           "inquiry.answer", "is not valid UTF-8"},
          {"contact phone malformed",
           [](R& r) { r.mutable_inquiry()->mutable_contact()->set_phone("+86 138"); },
           "inquiry.contact.phone", "must be 5 to 20 digits"},
          {"anonymous contact with a phone",
           [](R& r) { r.mutable_inquiry()->mutable_contact()->set_anonymous(true); },
           "inquiry.contact", "name and phone must be empty for an anonymous reporter"},
          {"contact relation unknown",
           [](R& r) {
             r.mutable_inquiry()->mutable_contact()->set_relation(v1::ReporterRelation(11));
           },
           "inquiry.contact.relation", "unknown value 11"},
      });
}

TEST_CASE("ValidateRequestId accepts 1-64 characters of [A-Za-z0-9_.:-]",
          "[validation][request_id]") {
  for (const std::string& id :
       {std::string("a"), std::string("550e8400-e29b-41d4-a716-446655440000"),
        std::string("A_b.c:d-9"), Repeat("Z", 64)}) {
    DYNAMIC_SECTION("valid: " << id) {
      CHECK_THAT(ValidateRequestId("request_id", id), IsAccepted());
    }
  }
  struct Bad {
    std::string id;
    std::string reason;
  };
  const std::vector<Bad> bad = {
      {"", "is required (a client-generated unique id)"},
      {Repeat("a", 65), "is longer than 64 characters"},
      {"a b", "may contain only letters, digits and _ . : -"},
      {"a/b", "may contain only"},
      {"a\nb", "may contain only"},
      {"id#1", "may contain only"},
      {"编号", "may contain only"},
      {std::string("a\0b", 3), "may contain only"},
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    DYNAMIC_SECTION("invalid #" << i << ": " << bad[i].reason) {
      // The field path is the caller's, verbatim.
      CHECK_THAT(ValidateRequestId("batch[3].request_id", bad[i].id),
                 IsRefused("batch[3].request_id", bad[i].reason));
    }
  }
}

TEST_CASE("ValidateCaseNumber accepts HL-YYYY- and 6 to 12 digits", "[validation][case_number]") {
  for (const std::string number : {"HL-2026-000123", "HL-2026-1234567", "HL-1999-000000000000"}) {
    DYNAMIC_SECTION("valid: " << number) {
      CHECK_THAT(ValidateCaseNumber("case_number", number), IsAccepted());
    }
  }
  CHECK_THAT(ValidateCaseNumber("case_number", ""),
             IsRefused("case_number", "is required (e.g. HL-2026-000123)"));
  for (const std::string number :
       {"HL-2026-00012", "hl-2026-000123", "XX-2026-000123", "HL_2026-000123", "HL-2026_000123",
        "HL-20a6-000123", "HL-2026-00012x", "HL-2026-0000000000000", "HL-2026-000123 ",
        "HL-026-0000123", "HL-2026--00123"}) {
    DYNAMIC_SECTION("invalid: " << number) {
      CHECK_THAT(ValidateCaseNumber("case_number", number),
                 IsRefused("case_number", "must look like HL-2026-000123"));
    }
  }
}

TEST_CASE("AddNote needs a case number and 1 to 5000 characters", "[validation][note]") {
  v1::AddNoteRequest valid;
  valid.set_case_number("HL-2026-000001");
  valid.set_text("called the school; the teacher will visit");
  CHECK_THAT(ValidateAddNote(valid), IsAccepted());
  using R = v1::AddNoteRequest;
  CheckVariants<R>(
      valid, ValidateAddNote,
      {
          {"no case number", [](R& r) { r.clear_case_number(); }, "case_number", "is required"},
          {"bad case number", [](R& r) { r.set_case_number("2026-1"); }, "case_number",
           "must look like"},
          {"no text", [](R& r) { r.clear_text(); }, "text", "is required"},
          {"text of 5,001 characters", [](R& r) { r.set_text(Repeat("注", 5001)); }, "text",
           "is 5001 characters long; the limit is 5000"},
          {"text not UTF-8", [](R& r) { r.set_text("\xe4\xb8"); }, "text", "is not valid UTF-8"},
          {"text of only white space", [](R& r) { r.set_text(" \t\n "); }, "text",
           "is required (it is only white space)"},
          {"text with a NUL", [](R& r) { r.set_text(std::string("a\0b", 3)); }, "text",
           "contains the control character U+0000 at byte 1"},
          {"text with an escape sequence", [](R& r) { r.set_text("red \x1b[31mtext"); }, "text",
           "contains the control character U+001B at byte 4"},
          {"text with DEL", [](R& r) { r.set_text("x\x7f"); }, "text",
           "contains the control character U+007F at byte 1"},
      });
  // Line breaks and tabs are text.
  R multiline = valid;
  multiline.set_text("first line\r\nsecond\tline\n");
  CHECK_THAT(ValidateAddNote(multiline), IsAccepted());
}

TEST_CASE("CloseCase needs an outcome of 1-50 characters and an optional summary",
          "[validation][close]") {
  v1::CloseCaseRequest valid;
  valid.set_case_number("HL-2026-000001");
  valid.set_outcome("resolved");
  CHECK_THAT(ValidateCloseCase(valid), IsAccepted());
  valid.set_summary(Repeat("s", 2000));
  CHECK_THAT(ValidateCloseCase(valid), IsAccepted());
  using R = v1::CloseCaseRequest;
  CheckVariants<R>(
      valid, ValidateCloseCase,
      {
          {"bad case number", [](R& r) { r.set_case_number("HL-2026-1"); }, "case_number",
           "must look like"},
          {"no outcome", [](R& r) { r.clear_outcome(); }, "outcome", "is required"},
          {"outcome of 51 characters", [](R& r) { r.set_outcome(Repeat("o", 51)); }, "outcome",
           "is 51 characters long; the limit is 50"},
          {"outcome written as prose", [](R& r) { r.set_outcome("Child found!! 已找到"); },
           "outcome", "must be a code of [a-z0-9_] (e.g. child_safe, referred)"},
          {"outcome in capitals", [](R& r) { r.set_outcome("RESOLVED"); }, "outcome",
           "must be a code of [a-z0-9_]"},
          {"summary of 2,001 characters", [](R& r) { r.set_summary(Repeat("s", 2001)); }, "summary",
           "is 2001 characters long; the limit is 2000"},
      });
  valid.set_outcome("placed_in_care_2");
  CHECK_THAT(ValidateCloseCase(valid), IsAccepted());
}

TEST_CASE("Resolve takes an outcome code and a summary", "[validation][resolve]") {
  v1::ResolveRequest valid;
  valid.set_assignment_id(42);
  valid.set_outcome("child_safe");
  valid.set_summary("the child is back with the grandmother");
  CHECK_THAT(ValidateResolve(valid), IsAccepted());
  using R = v1::ResolveRequest;
  CheckVariants<R>(valid, ValidateResolve,
                   {
                       {"no outcome", [](R& r) { r.clear_outcome(); }, "outcome", "is required"},
                       {"outcome with a space", [](R& r) { r.set_outcome("child safe"); },
                        "outcome", "put the details in the summary"},
                       {"no summary", [](R& r) { r.clear_summary(); }, "summary", "is required"},
                   });
}

TEST_CASE("ListAssignments: statuses name an unspecified or unknown status",
          "[validation][list_assignments]") {
  v1::ListAssignmentsRequest valid;
  valid.add_statuses(v1::ASSIGNMENT_STATUS_PENDING);
  valid.add_statuses(v1::ASSIGNMENT_STATUS_RESOLVED);
  CHECK_THAT(ValidateListAssignments(valid), IsAccepted());
  using R = v1::ListAssignmentsRequest;
  CheckVariants<R>(
      valid, ValidateListAssignments,
      {
          // An element is there: "is required" (as the reviewer got) would not say what is wrong.
          {"unspecified status", [](R& r) { r.set_statuses(0, v1::ASSIGNMENT_STATUS_UNSPECIFIED); },
           "statuses[0]", "must not be ASSIGNMENT_STATUS_UNSPECIFIED"},
          {"unknown status", [](R& r) { r.add_statuses(v1::AssignmentStatus(99)); }, "statuses[2]",
           "unknown value 99"},
          {"page size", [](R& r) { r.set_page_size(501); }, "page_size", "0 (default 50) to 500"},
      });
}

TEST_CASE("ListCases: every filter is optional and bad ones are named", "[validation][list]") {
  CHECK_THAT(ValidateListCases(v1::ListCasesRequest()), IsAccepted());
  v1::ListCasesRequest full;
  full.set_page_size(500);
  full.set_status(v1::CASE_STATUS_CLOSED);
  full.set_kind(v1::CASE_KIND_REPORT);
  full.set_urgency(v1::URGENCY_ROUTINE);
  full.set_category(v1::DISTRESS_CATEGORY_OTHER);
  full.set_jurisdiction_prefix("110105001001");
  full.set_desk_id("police-110105");
  full.set_feedback_due(true);
  full.set_overdue(true);
  CHECK_THAT(ValidateListCases(full), IsAccepted());
  using R = v1::ListCasesRequest;
  CheckVariants<R>(
      full, ValidateListCases,
      {
          {"negative page size", [](R& r) { r.set_page_size(-1); }, "page_size",
           "must be 0 (default 50) to 500"},
          {"page size 501", [](R& r) { r.set_page_size(501); }, "page_size", "to 500"},
          {"unknown status", [](R& r) { r.set_status(v1::CaseStatus(99)); }, "status",
           "unknown value 99"},
          {"unknown kind", [](R& r) { r.set_kind(v1::CaseKind(3)); }, "kind", "unknown value 3"},
          {"unknown urgency", [](R& r) { r.set_urgency(v1::Urgency(-1)); }, "urgency",
           "unknown value -1"},
          {"unknown category", [](R& r) { r.set_category(v1::DistressCategory(24)); }, "category",
           "unknown value 24"},
          {"prefix with a letter", [](R& r) { r.set_jurisdiction_prefix("1101a"); },
           "jurisdiction_prefix", "must be digits"},
          {"prefix of 13 digits", [](R& r) { r.set_jurisdiction_prefix(Repeat("1", 13)); },
           "jurisdiction_prefix", "is longer than 12 digits"},
          {"desk id of 101 characters", [](R& r) { r.set_desk_id(Repeat("d", 101)); }, "desk_id",
           "is longer than 100 characters"},
          {"desk id that is not one", [](R& r) { r.set_desk_id("Bad Desk"); }, "desk_id",
           "must match [a-z0-9_.-]+"},
      });
}

TEST_CASE("ReopenCase and RecordFeedback need a case number and a reason or note",
          "[validation][reopen][feedback]") {
  v1::ReopenCaseRequest reopen;
  reopen.set_case_number("HL-2026-000001");
  reopen.set_reason("the child was seen begging again");
  CHECK_THAT(ValidateReopenCase(reopen), IsAccepted());
  reopen.set_desk_id("police-110105");
  CHECK_THAT(ValidateReopenCase(reopen), IsAccepted());
  using Reopen = v1::ReopenCaseRequest;
  CheckVariants<Reopen>(
      reopen, ValidateReopenCase,
      {
          {"no reason", [](Reopen& r) { r.clear_reason(); }, "reason", "is required"},
          {"desk id with capitals", [](Reopen& r) { r.set_desk_id("Police-110105"); }, "desk_id",
           "must match [a-z0-9_.-]+"},
          {"bad case number", [](Reopen& r) { r.set_case_number("HL-2026"); }, "case_number",
           "must look like"},
      });

  v1::RecordFeedbackRequest feedback;
  feedback.set_case_number("HL-2026-000001");
  feedback.set_note("told the caller the police visited");
  CHECK_THAT(ValidateRecordFeedback(feedback), IsAccepted());
  using Feedback = v1::RecordFeedbackRequest;
  CheckVariants<Feedback>(
      feedback, ValidateRecordFeedback,
      {
          {"no note", [](Feedback& r) { r.clear_note(); }, "note", "is required"},
          {"note of 2,001 characters", [](Feedback& r) { r.set_note(Repeat("n", 2001)); }, "note",
           "is 2001 characters long; the limit is 2000"},
      });
}

TEST_CASE("VerifyAuditLog anchors need an event number and a 64-hex-digit hash",
          "[validation][audit]") {
  v1::VerifyAuditLogRequest request;
  CHECK_THAT(ValidateVerifyAuditLog(request), IsAccepted());
  v1::AuditAnchor* anchor = request.add_anchors();
  anchor->set_seq(12);
  anchor->set_hash(Repeat("ab", 32));
  CHECK_THAT(ValidateVerifyAuditLog(request), IsAccepted());
  using Request = v1::VerifyAuditLogRequest;
  CheckVariants<Request>(
      request, ValidateVerifyAuditLog,
      {
          {"seq 0", [](Request& r) { r.mutable_anchors(0)->set_seq(0); }, "anchors[0].seq",
           "must be an event's sequence number, >= 1"},
          {"negative seq", [](Request& r) { r.mutable_anchors(0)->set_seq(-5); }, "anchors[0].seq",
           "must be an event's sequence number, >= 1"},
          {"short hash", [](Request& r) { r.mutable_anchors(0)->set_hash(Repeat("a", 63)); },
           "anchors[0].hash", "must be 64 lowercase hex digits (an event's hash)"},
          {"upper-case hash", [](Request& r) { r.mutable_anchors(0)->set_hash(Repeat("AB", 32)); },
           "anchors[0].hash", "must be 64 lowercase hex digits (an event's hash)"},
          {"second anchor without hash", [](Request& r) { r.add_anchors()->set_seq(3); },
           "anchors[1].hash", "must be 64 lowercase hex digits (an event's hash)"},
          {"1,001 anchors",
           [](Request& r) {
             for (int i = 0; i < 1000; ++i) *r.add_anchors() = r.anchors(0);
           },
           "anchors", "at most 1000 anchors"},
      });
}

}  // namespace
}  // namespace hotline::server
