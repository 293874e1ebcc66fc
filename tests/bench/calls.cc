#include "tests/bench/calls.h"

#include "tests/bench/sample_reports.h"

namespace hotline::bench {

CallFactory SubmitFactory(v1::Intake::Stub* stub, const std::string& token,
                          const std::string& prefix) {
  using SubmitCall = TypedCall<v1::SubmitReportRequest, v1::Case>;
  return [stub, token, prefix] {
    return std::make_unique<SubmitCall>(
        [stub](grpc::ClientContext* c, const v1::SubmitReportRequest& r, grpc::CompletionQueue* q) {
          return stub->PrepareAsyncSubmitReport(c, r, q);
        },
        [prefix](uint64_t seq, v1::SubmitReportRequest* r) { FillSubmitRequest(prefix, seq, r); },
        token);
  };
}

CallFactory EchoFactory(Echo::Stub* stub, const std::string& token, size_t request_bytes,
                        size_t reply_bytes) {
  using EchoCall = TypedCall<EchoRequest, EchoReply>;
  // Field tags and lengths take a few bytes; the padding makes up the rest.
  const std::string payload(request_bytes > 8 ? request_bytes - 8 : 1, 'p');
  return [stub, token, payload, reply_bytes] {
    return std::make_unique<EchoCall>(
        [stub](grpc::ClientContext* c, const EchoRequest& r, grpc::CompletionQueue* q) {
          return stub->PrepareAsyncEcho(c, r, q);
        },
        [payload, reply_bytes](uint64_t, EchoRequest* r) {
          if (r->payload().size() != payload.size()) r->set_payload(payload);
          r->set_reply_bytes(static_cast<int>(reply_bytes));
        },
        token);
  };
}

}  // namespace hotline::bench
