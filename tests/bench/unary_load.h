// A cheap async load generator for unary RPCs: one thread drives every call in flight through
// one grpc::CompletionQueue. Closed loop (a fixed number of callers, each starting its next
// call when the last one answered) or open loop (calls started at a steady rate).
// RunUnaryLoad is thread-safe; a Call object is used by one run at a time.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "tests/bench/stats.h"

namespace hotline::bench {

// One call slot, reused call after call.
class Call {
 public:
  virtual ~Call() = default;
  // Starts call number `seq` on `cq`; its completion arrives with `tag`.
  virtual void Start(grpc::CompletionQueue* cq, uint64_t seq, void* tag) = 0;
  // After the completion: the call's status.
  virtual const grpc::Status& status() const = 0;
  // After an OK completion, on the load thread: when the call started and when its answer
  // arrived.
  virtual void OnReply(SteadyClock::time_point /*started*/, SteadyClock::time_point /*at*/) {}
};

// Makes a fresh slot (the runner makes as many as it needs calls in flight).
using CallFactory = std::function<std::unique_ptr<Call>()>;

struct LoadSpec {
  int concurrency = 1;          // closed loop: calls in flight; open loop: the most in flight
  double rate_per_second = 0;   // > 0: open loop at this rate
  double warmup_seconds = 1;    // calls run but are not counted
  double duration_seconds = 5;  // the measured window
};

struct LoadResult {
  int64_t ok = 0;          // answered OK inside the window
  int64_t failed = 0;      // answered with an error inside the window
  int64_t late = 0;        // open loop: calls that could not start on time (all slots busy)
  double seconds = 0;      // the window
  double per_second = 0;   // ok / seconds
  LatencySummary latency;  // of the calls answered OK inside the window
  std::string first_error;
};

LoadResult RunUnaryLoad(const CallFactory& make_call, const LoadSpec& spec);

// A Call for a generated async stub method. `prepare` is e.g.
//   [stub](grpc::ClientContext* c, const Req& r, grpc::CompletionQueue* q) {
//     return stub->PrepareAsyncSubmitReport(c, r, q); }
// `fill` writes request number `seq`; `on_reply` (optional) sees each OK answer.
template <typename Request, typename Response>
class TypedCall final : public Call {
 public:
  using Prepare = std::function<std::unique_ptr<grpc::ClientAsyncResponseReader<Response>>(
      grpc::ClientContext*, const Request&, grpc::CompletionQueue*)>;
  using Fill = std::function<void(uint64_t seq, Request*)>;
  using OnReplyFn =
      std::function<void(const Response&, SteadyClock::time_point, SteadyClock::time_point)>;

  TypedCall(Prepare prepare, Fill fill, std::string token, OnReplyFn on_reply = {})
      : prepare_(std::move(prepare)),
        fill_(std::move(fill)),
        token_(std::move(token)),
        on_reply_(std::move(on_reply)) {}

  void Start(grpc::CompletionQueue* cq, uint64_t seq, void* tag) override {
    context_ = std::make_unique<grpc::ClientContext>();
    if (!token_.empty()) context_->AddMetadata("authorization", "Bearer " + token_);
    context_->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    fill_(seq, &request_);
    response_.Clear();
    reader_ = prepare_(context_.get(), request_, cq);
    reader_->StartCall();
    reader_->Finish(&response_, &status_, tag);
  }
  const grpc::Status& status() const override { return status_; }
  void OnReply(SteadyClock::time_point started, SteadyClock::time_point at) override {
    if (on_reply_) on_reply_(response_, started, at);
  }

 private:
  Prepare prepare_;
  Fill fill_;
  std::string token_;
  OnReplyFn on_reply_;
  std::unique_ptr<grpc::ClientContext> context_;
  Request request_;
  Response response_;
  grpc::Status status_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader_;
};

}  // namespace hotline::bench
