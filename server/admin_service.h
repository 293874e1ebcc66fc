// Service hotline.v1.Admin (callback API). Thread-safe.
#pragma once

#include "hotline/v1/admin.grpc.pb.h"
#include "server/service_deps.h"

namespace hotline::server {

class AdminService final : public v1::Admin::CallbackService {
 public:
  explicit AdminService(ServiceDeps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* ExplainRoute(grpc::CallbackServerContext* context,
                                         const v1::ExplainRouteRequest* request,
                                         v1::ExplainRouteResponse* response) override;

 private:
  ServiceDeps deps_;
};

}  // namespace hotline::server
