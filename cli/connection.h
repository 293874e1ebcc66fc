// The client side of a call: one channel to the server, the bearer token sent as
// "authorization: Bearer <token>", a deadline on every attempt, and retries with exponential
// backoff on UNAVAILABLE. Server streams (Desk.WatchAssignments) get the token but no
// deadline. Not thread-safe (one command runs at a time).
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "hotline/v1/admin.grpc.pb.h"
#include "hotline/v1/desk.grpc.pb.h"
#include "hotline/v1/intake.grpc.pb.h"

namespace hotline::cli {

struct ConnectionOptions {
  std::string server;  // host:port
  std::string token;   // Sent as a bearer token; empty sends no authorization.
  std::chrono::milliseconds timeout{10'000};  // Deadline of each attempt.
  // PEM file of the CA to trust for TLS; empty: plaintext (hotlined allows that on loopback).
  std::string tls_ca;
  // How the channel itself retries a lost connection: first after `initial`, doubling up to
  // `max` (gRPC's own default grows to 120 s, which would keep `desk watch` away that long).
  std::chrono::milliseconds initial_reconnect_backoff{200};
  std::chrono::milliseconds max_reconnect_backoff{5'000};
};

struct RetryPolicy {
  int max_retries = 5;  // Retries after the first attempt, on UNAVAILABLE only.
  std::chrono::milliseconds initial_backoff{100};  // Doubles on every retry.
};

// For calls that must not be repeated (a note would be added twice).
inline constexpr RetryPolicy kNoRetry{0, std::chrono::milliseconds(0)};

// The wait before retry `retry` (0-based): initial_backoff * 2^retry, scaled by a jitter
// factor 0.8 + 0.4 * unit_random, where unit_random lies in [0, 1).
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, double unit_random);

// Runs `attempt` until it returns anything but UNAVAILABLE or the policy's retries are spent,
// sleeping BackoffDelay between attempts. Returns the last status.
grpc::Status CallWithRetry(const std::function<grpc::Status()>& attempt, const RetryPolicy& policy,
                           const std::function<void(std::chrono::milliseconds)>& sleep,
                           const std::function<double()>& unit_random);

// The PEM text of a --tls-ca file, or nullopt when it cannot be read or holds no PEM
// certificate. The CLI checks it before it connects (a usage error, not a failed call).
std::optional<std::string> ReadPemFile(const std::string& path);

class Connection {
 public:
  // Creates the channel (TLS when options.tls_ca is set, else plaintext); nothing connects
  // until the first call. Throws std::runtime_error when the CA file cannot be read.
  explicit Connection(ConnectionOptions options);

  v1::Intake::Stub& intake() { return *intake_; }
  v1::Admin::Stub& admin() { return *admin_; }
  v1::Desk::Stub& desk() { return *desk_; }

  // Waits up to `timeout` for the channel to be connected (and tries to connect it); true
  // when it is.
  bool WaitForConnected(std::chrono::milliseconds timeout);

  // Prepares `context` for a server stream: the token, and no deadline (a stream runs until
  // it is cancelled or the server ends it).
  void PrepareStreamContext(grpc::ClientContext& context) const;

  // Calls `rpc` (e.g. &v1::Intake::Stub::GetCase) on `stub`, each attempt with a fresh
  // context carrying the token and deadline, retrying per `policy`. `response` holds the
  // last attempt's answer.
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(Stub& stub,
                    grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response, const RetryPolicy& policy) {
    return CallWithRetry(
        [&] {
          grpc::ClientContext context;
          PrepareContext(context);
          response->Clear();
          return (stub.*rpc)(&context, request, response);
        },
        policy, &SleepFor, [this] { return UnitRandom(); });
  }

 private:
  void PrepareContext(grpc::ClientContext& context) const;
  double UnitRandom();
  static void SleepFor(std::chrono::milliseconds delay);

  ConnectionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Intake::Stub> intake_;
  std::unique_ptr<v1::Admin::Stub> admin_;
  std::unique_ptr<v1::Desk::Stub> desk_;
  std::function<double()> random_;
};

}  // namespace hotline::cli
