// CheckParsed: bytes protobuf refuses (invalid UTF-8 in a string field, malformed messages)
// reach the handler as a marked message, and CheckParsed turns the mark into
// INVALID_ARGUMENT naming the field (proto/parse_failure.h).
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <catch2/catch.hpp>
#include <string>
#include <type_traits>
#include <utility>

#include "server/validation.h"
#include "tests/server/test_util.h"

namespace hotline::server {
namespace {

using google::protobuf::UnknownFieldSet;
using testing::IsAccepted;
using testing::IsRefused;

const std::string kBadUtf8 = "\xff\xfe";

std::string Bytes(const UnknownFieldSet& fields) {
  std::string out;
  REQUIRE(fields.SerializeToString(&out));
  return out;
}

// The wire bytes of a Child (field numbers from case.proto).
std::string ChildBytes(const std::string& name, const std::string& code) {
  UnknownFieldSet child;
  child.AddLengthDelimited(1, name);
  child.AddLengthDelimited(4, code);
  return Bytes(child);
}

// The wire bytes of a SubmitReportRequest with two children; every string is given raw.
std::string ReportRequestBytes(const std::string& request_id, const std::string& narrative,
                               const std::string& second_child_name) {
  UnknownFieldSet reporter;
  reporter.AddLengthDelimited(3, "13800000000");  // phone
  UnknownFieldSet report;
  report.AddVarint(1, v1::CHANNEL_PHONE);
  report.AddLengthDelimited(2, Bytes(reporter));
  report.AddLengthDelimited(3, ChildBytes("first", "110105"));
  report.AddLengthDelimited(3, ChildBytes(second_child_name, "110105"));
  report.AddVarint(5, v1::DISTRESS_CATEGORY_BEGGING);
  report.AddVarint(6, v1::URGENCY_URGENT);
  report.AddLengthDelimited(8, narrative);
  UnknownFieldSet request;
  request.AddLengthDelimited(1, request_id);
  request.AddLengthDelimited(2, Bytes(report));
  return Bytes(request);
}

// What the server's generated handlers do with the request bytes.
template <typename T>
std::pair<grpc::Status, T> Deserialize(const std::string& bytes) {
  grpc::Slice slice(bytes);
  grpc::ByteBuffer buffer(&slice, 1);
  T message;
  grpc::Status status = grpc::SerializationTraits<T>::Deserialize(&buffer, &message);
  return {status, message};
}

static_assert(std::is_base_of_v<proto::MarkingSerializationTraits<v1::SubmitReportRequest>,
                                grpc::SerializationTraits<v1::SubmitReportRequest>>,
              "parse_failure.h must be force-included: requests must use the marking traits");

TEST_CASE("well-formed request bytes parse and pass CheckParsed", "[parse]") {
  const std::string bytes = ReportRequestBytes("req-1", "child begging", "second");
  auto [status, request] = Deserialize<v1::SubmitReportRequest>(bytes);
  REQUIRE(status.ok());
  CHECK_THAT(CheckParsed(request), IsAccepted());
  CHECK(request.request_id() == "req-1");
  CHECK(request.report().narrative() == "child begging");
  REQUIRE(request.report().children_size() == 2);
  CHECK(request.report().children(1).name() == "second");
  CHECK(proto::RequestParseFailure(request).empty());
}

TEST_CASE("a message built in code passes CheckParsed", "[parse]") {
  CHECK_THAT(CheckParsed(testing::ValidReportRequest()), IsAccepted());
  CHECK_THAT(CheckParsed(v1::AddNoteRequest()), IsAccepted());
}

TEST_CASE("invalid UTF-8 in a string field is INVALID_ARGUMENT naming the field", "[parse]") {
  struct Case {
    std::string name;
    std::string bytes;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"request_id", ReportRequestBytes(kBadUtf8, "ok", "ok"), "request_id"},
      {"narrative", ReportRequestBytes("req-1", "begging " + kBadUtf8, "ok"), "report.narrative"},
      {"second child's name", ReportRequestBytes("req-1", "ok", kBadUtf8),
       "report.children[1].name"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      // The control: protobuf itself refuses these bytes.
      v1::SubmitReportRequest plain;
      CHECK_FALSE(plain.ParseFromString(c.bytes));

      auto [status, request] = Deserialize<v1::SubmitReportRequest>(c.bytes);
      // gRPC must not answer for us (1.51 would say UNIMPLEMENTED with no message).
      INFO(status.error_message());
      REQUIRE(status.ok());
      CHECK_THAT(CheckParsed(request), IsRefused(c.field, "is not valid UTF-8"));
      // Nothing of the unparsable request is left to act on.
      CHECK(request.request_id().empty());
      CHECK_FALSE(request.has_report());
    }
  }
}

TEST_CASE("other request types are marked too", "[parse]") {
  SECTION("AddNote text") {
    UnknownFieldSet note;
    note.AddLengthDelimited(1, "HL-2026-000001");
    note.AddLengthDelimited(2, "note " + kBadUtf8);
    auto [status, request] = Deserialize<v1::AddNoteRequest>(Bytes(note));
    REQUIRE(status.ok());
    CHECK_THAT(CheckParsed(request), IsRefused("text", "is not valid UTF-8"));
  }
  SECTION("ListCases desk_id") {
    UnknownFieldSet list;
    list.AddVarint(1, 10);
    list.AddLengthDelimited(8, kBadUtf8);
    auto [status, request] = Deserialize<v1::ListCasesRequest>(Bytes(list));
    REQUIRE(status.ok());
    CHECK_THAT(CheckParsed(request), IsRefused("desk_id", "is not valid UTF-8"));
  }
  SECTION("SubmitInquiry contact name") {
    UnknownFieldSet contact;
    contact.AddLengthDelimited(2, kBadUtf8);
    UnknownFieldSet inquiry;
    inquiry.AddVarint(1, v1::CHANNEL_PHONE);
    inquiry.AddLengthDelimited(5, Bytes(contact));
    UnknownFieldSet request_fields;
    request_fields.AddLengthDelimited(1, "inq-1");
    request_fields.AddLengthDelimited(2, Bytes(inquiry));
    auto [status, request] = Deserialize<v1::SubmitInquiryRequest>(Bytes(request_fields));
    REQUIRE(status.ok());
    CHECK_THAT(CheckParsed(request), IsRefused("inquiry.contact.name", "is not valid UTF-8"));
  }
}

TEST_CASE("bytes that are not a message at all are INVALID_ARGUMENT on 'request'", "[parse]") {
  // A length-delimited field 1 that claims 5 bytes and has 2.
  const std::string truncated = std::string("\x0a\x05", 2) + "ab";
  auto [status, request] = Deserialize<v1::SubmitReportRequest>(truncated);
  REQUIRE(status.ok());
  CHECK_THAT(CheckParsed(request),
             IsRefused("request", "could not be parsed: the bytes are not a valid message"));
}

}  // namespace
}  // namespace hotline::server
