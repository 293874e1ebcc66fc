// Turns a request that protobuf cannot parse into a clear INVALID_ARGUMENT instead of the
// empty UNIMPLEMENTED that gRPC 1.51's callback handlers answer for any deserialization
// failure (server_callback_handlers.h). Deserialize keeps the failure as a marker in the
// message's unknown fields; validation checks RequestParseFailed() first.
// Force-included (-include) into every TU that sees the generated code, so every TU uses
// the same SerializationTraits specializations.
#pragma once

#include <grpcpp/impl/codegen/proto_buffer_reader.h>
#include <grpcpp/impl/codegen/proto_buffer_writer.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include <map>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/unknown_field_set.h>

#include "hotline/v1/admin.pb.h"
#include "hotline/v1/desk.pb.h"
#include "hotline/v1/intake.pb.h"
#include "proto/utf8.h"

namespace hotline::proto {

// Field number of the marker; the largest valid field number, never used by the contract.
inline constexpr int kParseFailureMarker = 536870911;

// Why the request could not be parsed ("report.narrative: is not valid UTF-8"), or "" when
// it parsed.
inline std::string RequestParseFailure(const google::protobuf::Message& message) {
  const google::protobuf::UnknownFieldSet& unknown =
      message.GetReflection()->GetUnknownFields(message);
  for (int i = 0; i < unknown.field_count(); ++i) {
    if (unknown.field(i).number() == kParseFailureMarker &&
        unknown.field(i).type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      return unknown.field(i).length_delimited();
    }
  }
  return "";
}

// Walks raw message bytes with the descriptor and names the first string field that is not
// valid UTF-8, as a field path ("report.children[0].name").
inline std::string FindInvalidUtf8(const google::protobuf::Descriptor* type,
                                   const std::string& bytes, const std::string& prefix) {
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(bytes)) return "";
  std::map<int, int> seen;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& f = fields.field(i);
    const int index = seen[f.number()]++;
    if (f.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) continue;
    const google::protobuf::FieldDescriptor* field = type->FindFieldByNumber(f.number());
    if (field == nullptr) continue;
    std::string path = prefix + field->name();
    if (field->is_repeated()) path += "[" + std::to_string(index) + "]";
    if (field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
        Utf8Length(f.length_delimited()) < 0) {
      return path;
    }
    if (field->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      std::string inner = FindInvalidUtf8(field->message_type(), f.length_delimited(), path + ".");
      if (!inner.empty()) return inner;
    }
  }
  return "";
}

template <typename T>
struct MarkingSerializationTraits {
  static grpc::Status Serialize(const grpc::protobuf::MessageLite& msg, grpc::ByteBuffer* bb,
                                bool* own_buffer) {
    return grpc::GenericSerialize<grpc::ProtoBufferWriter, T>(msg, bb, own_buffer);
  }
  static grpc::Status Deserialize(grpc::ByteBuffer* buffer, grpc::protobuf::MessageLite* msg) {
    grpc::ByteBuffer copy(*buffer);  // shares the slices; parsing clears `buffer`
    grpc::Status status = grpc::GenericDeserialize<grpc::ProtoBufferReader, T>(buffer, msg);
    if (status.ok()) {
      // A client cannot forge the marker: only this function sets it.
      auto* message = static_cast<T*>(msg);
      message->GetReflection()->MutableUnknownFields(message)->DeleteByNumber(kParseFailureMarker);
      return status;
    }
    if (status.error_code() != grpc::StatusCode::INTERNAL) return status;
    std::string bytes;
    std::vector<grpc::Slice> slices;
    if (copy.Dump(&slices).ok()) {
      for (const grpc::Slice& slice : slices) {
        bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
    }
    const std::string field = FindInvalidUtf8(T::descriptor(), bytes, "");
    auto* message = static_cast<T*>(msg);
    message->Clear();
    message->GetReflection()->MutableUnknownFields(message)->AddLengthDelimited(
        kParseFailureMarker, field.empty()
                                 ? "request: could not be parsed: the bytes are not a valid message"
                                 : field + ": is not valid UTF-8");
    return grpc::Status::OK;
  }
};

}  // namespace hotline::proto

#define HOTLINE_MARK_PARSE_FAILURES(T)                                                 \
  template <>                                                                          \
  class grpc::SerializationTraits<T, void> : public hotline::proto::MarkingSerializationTraits<T> {};

HOTLINE_MARK_PARSE_FAILURES(hotline::v1::SubmitReportRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::SubmitInquiryRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::AddNoteRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::CloseCaseRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::GetCaseRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::GetCaseHistoryRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::ListCasesRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::ExplainRouteRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::ReopenCaseRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::RecordFeedbackRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::ListCaseAccessRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::WatchAssignmentsRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::ListAssignmentsRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::GetAssignmentRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::AcknowledgeRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::PostUpdateRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::DeclineRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::TransferRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::ResolveRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::ValidateRoutingTableRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::ApplyRoutingTableRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::GetRoutingTableRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::ListRoutingTableVersionsRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::DiffRoutingTablesRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::RollbackRoutingTableRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::ReplayRoutingRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::ListDesksRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::PutDeskRequest)
HOTLINE_MARK_PARSE_FAILURES(hotline::v1::DisableDeskRequest)

#undef HOTLINE_MARK_PARSE_FAILURES
