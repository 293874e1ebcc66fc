#include "server/hotline_server.h"

#include <absl/synchronization/mutex.h>
#include <fmt/format.h>
#include <google/protobuf/stubs/logging.h>
#include <grpc/support/log.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "router/loader.h"
#include "server/admin_service.h"
#include "server/assignment_stream.h"
#include "server/auth.h"
#include "server/desk_service.h"
#include "server/escalator.h"
#include "server/intake_service.h"
#include "server/limits.h"
#include "server/retention.h"
#include "server/routing_admin.h"
#include "server/routing_snapshot.h"
#include "storage/sqlite_util.h"
#include "storage/store.h"

namespace hotline::server {

struct HotlineServer::Impl {
  ServerConfig config;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<RateLimiter> rate;
  std::unique_ptr<StreamLimiter> streams;
  std::unique_ptr<Authenticator> auth;
  std::unique_ptr<RoutingSnapshot> routing;
  std::unique_ptr<RoutingAdmin> tables;
  std::unique_ptr<StreamHub> hub;  // after the store, before the services that use it
  std::unique_ptr<Escalator> escalator;
  std::unique_ptr<IntakeService> intake;
  std::unique_ptr<DeskService> desk;
  std::unique_ptr<AdminService> admin;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  bool stopped = false;

  // The listener points at hub and escalator, which go before the store.
  ~Impl() {
    if (store != nullptr) store->SetCommitListener({});
  }
};

namespace {

absl::StatusOr<std::string> ReadPem(const std::string& key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (!in || contents.str().empty()) {
    return absl::FailedPreconditionError(fmt::format("{}: cannot read {}", key, path));
  }
  if (contents.str().find("-----BEGIN ") == std::string::npos) {
    return absl::FailedPreconditionError(fmt::format("{}: {} is not a PEM file", key, path));
  }
  return contents.str();
}

bool IsLoopback(const std::string& listen) {
  const std::string host = listen.substr(0, listen.rfind(':'));
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" ||
         host.rfind("127.", 0) == 0 || host.rfind("unix:", 0) == 0;
}

// TLS when configured (optionally requiring client certificates); plaintext only on a
// loopback address unless the config says allow_insecure (issue 5).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const ServerConfig& config) {
  if (config.tls_cert.empty()) {
    if (!IsLoopback(config.listen)) {
      if (!config.allow_insecure) {
        return absl::FailedPreconditionError(fmt::format(
            "refusing to listen on {} without TLS: set tls_cert and tls_key, or "
            "allow_insecure = true for a network that encrypts by itself",
            config.listen));
      }
      spdlog::warn("listening on {} WITHOUT TLS (allow_insecure = true): tokens and reports "
                   "cross the network in plaintext",
                   config.listen);
    }
    return grpc::InsecureServerCredentials();
  }
  auto cert = ReadPem("tls_cert", config.tls_cert);
  if (!cert.ok()) return cert.status();
  auto key = ReadPem("tls_key", config.tls_key);
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!config.tls_client_ca.empty()) {
    auto ca = ReadPem("tls_client_ca", config.tls_client_ca);
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace

HotlineServer::HotlineServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HotlineServer::~HotlineServer() { Shutdown(std::chrono::seconds(0)); }

int HotlineServer::port() const { return impl_->port; }

namespace {

// Above the 64 concurrent calls of one busy client (the benchmark's), far below gRPC's
// default of 2^31.
constexpr int kMaxStreamsPerConnection = 128;

std::string_view BaseName(const char* path) {
  std::string_view p = path == nullptr ? "" : path;
  const size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

// gRPC's and protobuf's own messages (a port in use, a string field that is not UTF-8) go to
// the server's log in its format, instead of raw lines on stderr. They name files, fields and
// addresses, not the values sent.
void LogGrpcMessage(gpr_log_func_args* args) {
  const spdlog::level::level_enum level =
      args->severity == GPR_LOG_SEVERITY_ERROR
          ? spdlog::level::err
          : (args->severity == GPR_LOG_SEVERITY_INFO ? spdlog::level::info : spdlog::level::debug);
  spdlog::log(level, "grpc: {} ({}:{})", args->message, BaseName(args->file), args->line);
}

void LogProtobufMessage(google::protobuf::LogLevel level, const char* file, int line,
                        const std::string& message) {
  spdlog::log(level >= google::protobuf::LOGLEVEL_ERROR     ? spdlog::level::err
              : level == google::protobuf::LOGLEVEL_WARNING ? spdlog::level::warn
                                                            : spdlog::level::info,
              "protobuf: {} ({}:{})", message, BaseName(file), line);
}

}  // namespace

void ConfigureProcess() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  storage::sqlite::ConfigureLibrary();
  gpr_set_log_function(LogGrpcMessage);
  google::protobuf::SetLogHandler(LogProtobufMessage);
}

absl::StatusOr<std::unique_ptr<HotlineServer>> HotlineServer::Start(const ServerConfig& config) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;

  storage::StoreOptions options;
  options.path = config.db_path;
  options.max_batch = config.max_batch;
  options.busy_timeout_ms = config.db_busy_timeout_ms;
  auto store = storage::Store::Open(options);
  if (!store.ok()) return store.status();
  impl->store = *std::move(store);
  // Times, case numbers and hand-off deadlines follow the wall clock. A clock set back (a
  // machine restored from a snapshot, a wrong time zone) dates new events before old ones
  // and puts new deadlines late: said at start, since nothing else would show it.
  if (absl::StatusOr<int64_t> last = impl->store->HeadTimeMs(); last.ok()) {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    if (*last - now > 60'000) {
      spdlog::warn(
          "the system clock is {} s behind the audit log's last event: new events, "
          "case numbers and deadlines will be dated before events already stored; "
          "check the clock",
          (*last - now) / 1000);
    }
  }
  impl->rate = std::make_unique<RateLimiter>(config.rate_limit_per_second,
                                             2.0 * config.rate_limit_per_second);
  impl->streams = std::make_unique<StreamLimiter>(config.max_streams_per_principal);
  impl->auth = std::make_unique<Authenticator>(impl->store.get(), impl->rate.get());

  // The routing table in force is the latest stored version; an empty database imports
  // config.routing_table as version 1.
  impl->routing = std::make_unique<RoutingSnapshot>(ActiveTable{});
  impl->tables = std::make_unique<RoutingAdmin>(impl->store.get(), impl->routing.get());
  auto table = impl->tables->LoadAtStart(config.routing_table);
  if (!table.ok()) return table.status();

  ServiceDeps deps{impl->store.get(), impl->auth.get(), impl->routing.get(), impl->tables.get()};
  impl->hub = std::make_unique<StreamHub>(impl->store.get());
  impl->escalator = std::make_unique<Escalator>(impl->store.get(), impl->routing.get(),
                                                storage::Clock::Real());
  impl->store->SetCommitListener([hub = impl->hub.get(), escalator = impl->escalator.get()](
                                     int64_t head) {
    hub->OnCommit(head);
    escalator->Poke();
  });
  impl->intake = std::make_unique<IntakeService>(deps);
  impl->desk = std::make_unique<DeskService>(deps, impl->hub.get(), impl->streams.get());
  impl->admin = std::make_unique<AdminService>(deps);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (const std::string problem = ListenProblem(config.listen); !problem.empty()) {
    return absl::InvalidArgumentError("listen: " + problem);  // --listen overrides the config
  }
  auto credentials = ServerCredentials(config);
  if (!credentials.ok()) return credentials.status();
  // gRPC sets SO_REUSEPORT by default on Linux: a second hotlined on the same address would
  // then share the port and get half the calls, into another database. One server per port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(config.listen, *credentials, &impl->port);
  builder.SetMaxReceiveMessageSize(config.max_message_bytes);
  // What the network may make the server hold before any call is authenticated (review
  // finding: clients without a token announcing 1 MB messages on 100 streams a connection and
  // never finishing them grew the server by 100 MB a connection, to a crash). gRPC accounts
  // its buffers against this quota (transport_memory_mb; ordinary load needs tens of MB, and
  // 3,000 concurrent reports of the largest allowed size took 1.3 GB without it); under pressure it
  // shrinks flow-control windows and stops accepting connections. Streams per connection are
  // capped, and a connection that has not completed its handshake within 10 s is closed (each holds
  // a file descriptor).
  grpc::ResourceQuota quota("hotlined");
  quota.Resize(static_cast<size_t>(config.transport_memory_mb) << 20);
  builder.SetResourceQuota(quota);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, kMaxStreamsPerConnection);
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, 10'000);
  builder.RegisterService(impl->intake.get());
  builder.RegisterService(impl->desk.get());
  builder.RegisterService(impl->admin.get());
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || impl->port == 0) {
    return absl::UnavailableError(fmt::format(
        "cannot listen on {}: the address is in use (another server?) or not this machine's",
        config.listen));
  }
  // Deadlines that passed while the server was down fire now.
  impl->escalator->Start();
  grpc::HealthCheckServiceInterface* health = impl->server->GetHealthCheckService();
  health->SetServingStatus("hotline.v1.Intake", true);
  health->SetServingStatus("hotline.v1.Desk", true);
  health->SetServingStatus("hotline.v1.Admin", true);
  spdlog::info("routing table version {} ({}) in force: {} desks, {} rules, {} routing tests",
               table->version, table->table->version, table->table->desks.size(),
               table->table->rules.size(), table->table->expectations.size());
  return std::unique_ptr<HotlineServer>(new HotlineServer(std::move(impl)));
}

absl::Status HotlineServer::ReloadRoutingTable() {
  const int64_t before = impl_->routing->Current().version;
  auto version = impl_->tables->ApplyFile(impl_->config.routing_table);
  if (!version.ok()) return version.status();
  if (*version == before) {
    spdlog::info("{} is unchanged (routing table version {} stays in force)",
                 impl_->config.routing_table, before);
  }
  return absl::OkStatus();
}

absl::StatusOr<int> HotlineServer::RunRetention() {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return PurgeExpired(*impl_->store, impl_->config.retention_days, now);
}

void HotlineServer::LogChainHead() {
  if (impl_ == nullptr || impl_->store == nullptr) return;
  absl::StatusOr<int64_t> seq = impl_->store->HeadSeq();
  absl::StatusOr<std::string> hash =
      seq.ok() && *seq > 0 ? impl_->store->EventHash(*seq) : absl::StatusOr<std::string>("");
  if (!seq.ok() || !hash.ok()) {
    spdlog::error("cannot read the audit chain head: {}",
                  std::string((seq.ok() ? hash.status() : seq.status()).message()));
    return;
  }
  if (*seq > 0) spdlog::info("audit chain head seq={} hash={}", *seq, *hash);
}

void HotlineServer::Shutdown(std::chrono::seconds grace) {
  if (impl_ == nullptr || impl_->stopped) return;
  impl_->stopped = true;
  if (impl_->server != nullptr) {
    impl_->server->GetHealthCheckService()->Shutdown();
    impl_->hub->CloseAll();  // streams end at once with UNAVAILABLE; clients reconnect
    impl_->server->Shutdown(std::chrono::system_clock::now() + grace);
    impl_->server->Wait();
  }
  impl_->store->SetCommitListener({});
  impl_->escalator.reset();
  impl_->hub.reset();    // no watcher is left once the server has shut down
  LogChainHead();        // every call is done: the head the next start will find
  impl_->store.reset();  // drains queued writes
}

}  // namespace hotline::server
