#include "cli/connection.h"

#include <cmath>
#include <random>
#include <thread>

namespace hotline::cli {

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, double unit_random) {
  const double base = static_cast<double>(policy.initial_backoff.count()) * std::pow(2.0, retry);
  return std::chrono::milliseconds(std::llround(base * (0.8 + 0.4 * unit_random)));
}

grpc::Status CallWithRetry(const std::function<grpc::Status()>& attempt, const RetryPolicy& policy,
                           const std::function<void(std::chrono::milliseconds)>& sleep,
                           const std::function<double()>& unit_random) {
  grpc::Status status = attempt();
  for (int retry = 0;
       retry < policy.max_retries && status.error_code() == grpc::StatusCode::UNAVAILABLE;
       ++retry) {
    sleep(BackoffDelay(policy, retry, unit_random()));
    status = attempt();
  }
  return status;
}

Connection::Connection(ConnectionOptions options)
    : options_(std::move(options)),
      channel_(grpc::CreateChannel(options_.server, grpc::InsecureChannelCredentials())),
      intake_(v1::Intake::NewStub(channel_)),
      admin_(v1::Admin::NewStub(channel_)) {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  random_ = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

void Connection::PrepareContext(grpc::ClientContext& context) const {
  context.set_deadline(std::chrono::system_clock::now() + options_.timeout);
  if (!options_.token.empty()) context.AddMetadata("authorization", "Bearer " + options_.token);
}

double Connection::UnitRandom() { return random_(); }

void Connection::SleepFor(std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }

}  // namespace hotline::cli
