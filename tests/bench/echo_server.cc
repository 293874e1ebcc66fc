#include "tests/bench/echo_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <chrono>

namespace hotline::bench {

class EchoServer::Service final : public hotline::bench::Echo::CallbackService {
 public:
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context, const EchoRequest* request,
                                 EchoReply* reply) override {
    // Reads the same metadata a hotline call reads (the bearer token), then answers.
    (void)context->client_metadata().find("authorization");
    reply->mutable_payload()->assign(static_cast<size_t>(std::max(0, request->reply_bytes())), 'x');
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

EchoServer::EchoServer() : service_(std::make_unique<Service>()) {}

EchoServer::~EchoServer() {
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
  }
}

absl::StatusOr<std::unique_ptr<EchoServer>> EchoServer::Start(const std::string& listen,
                                                              int max_message_bytes) {
  std::unique_ptr<EchoServer> echo(new EchoServer());
  // As server/hotline_server.cc.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &echo->port_);
  builder.SetMaxReceiveMessageSize(max_message_bytes);
  builder.RegisterService(echo->service_.get());
  echo->server_ = builder.BuildAndStart();
  if (echo->server_ == nullptr || echo->port_ == 0) {
    return absl::UnavailableError("echo server: cannot listen on " + listen);
  }
  echo->server_->GetHealthCheckService()->SetServingStatus("hotline.bench.Echo", true);
  return echo;
}

}  // namespace hotline::bench
