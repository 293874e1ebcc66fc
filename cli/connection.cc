#include "cli/connection.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <cmath>
#include <random>
#include <thread>

namespace hotline::cli {
namespace {

grpc::ChannelArguments ReconnectArguments(const ConnectionOptions& options) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
              static_cast<int>(options.initial_reconnect_backoff.count()));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
              static_cast<int>(options.max_reconnect_backoff.count()));
  return args;
}

}  // namespace

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

std::optional<std::string> ReadPemFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream pem;
  pem << in.rdbuf();
  if (!in || pem.str().find("-----BEGIN ") == std::string::npos) return std::nullopt;
  return pem.str();
}

static std::shared_ptr<grpc::ChannelCredentials> Credentials(const ConnectionOptions& options) {
  if (options.tls_ca.empty()) return grpc::InsecureChannelCredentials();
  std::optional<std::string> pem = ReadPemFile(options.tls_ca);
  if (!pem) {  // main() checked it; the file changed since
    throw std::runtime_error("--tls-ca: cannot read a PEM certificate from " + options.tls_ca);
  }
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = *std::move(pem);
  return grpc::SslCredentials(ssl);
}

Connection::Connection(ConnectionOptions options)
    : options_(std::move(options)),
      channel_(grpc::CreateCustomChannel(options_.server, Credentials(options_),
                                         ReconnectArguments(options_))),
      intake_(v1::Intake::NewStub(channel_)),
      admin_(v1::Admin::NewStub(channel_)),
      desk_(v1::Desk::NewStub(channel_)) {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  random_ = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

void Connection::PrepareContext(grpc::ClientContext& context) const {
  context.set_deadline(std::chrono::system_clock::now() + options_.timeout);
  PrepareStreamContext(context);
}

void Connection::PrepareStreamContext(grpc::ClientContext& context) const {
  if (!options_.token.empty()) context.AddMetadata("authorization", "Bearer " + options_.token);
}

bool Connection::WaitForConnected(std::chrono::milliseconds timeout) {
  return channel_->WaitForConnected(std::chrono::system_clock::now() + timeout);
}

double Connection::UnitRandom() { return random_(); }

void Connection::SleepFor(std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }

}  // namespace hotline::cli
