// Service hotline.v1.Admin (callback API): routing administration over RoutingAdmin
// (versions) and router/ (checks, diffs, desk edits). Thread-safe.
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
  grpc::ServerUnaryReactor* ValidateRoutingTable(grpc::CallbackServerContext* context,
                                 const v1::ValidateRoutingTableRequest* request,
                                 v1::ValidateRoutingTableResponse* response) override;
  grpc::ServerUnaryReactor* ApplyRoutingTable(grpc::CallbackServerContext* context,
                                 const v1::ApplyRoutingTableRequest* request,
                                 v1::RoutingTableVersion* response) override;
  grpc::ServerUnaryReactor* GetRoutingTable(grpc::CallbackServerContext* context,
                                 const v1::GetRoutingTableRequest* request,
                                 v1::RoutingTableVersion* response) override;
  grpc::ServerUnaryReactor* ListRoutingTableVersions(grpc::CallbackServerContext* context,
                                 const v1::ListRoutingTableVersionsRequest* request,
                                 v1::ListRoutingTableVersionsResponse* response) override;
  grpc::ServerUnaryReactor* DiffRoutingTables(grpc::CallbackServerContext* context,
                                 const v1::DiffRoutingTablesRequest* request,
                                 v1::DiffRoutingTablesResponse* response) override;
  grpc::ServerUnaryReactor* RollbackRoutingTable(grpc::CallbackServerContext* context,
                                 const v1::RollbackRoutingTableRequest* request,
                                 v1::RoutingTableVersion* response) override;
  grpc::ServerUnaryReactor* ReplayRouting(grpc::CallbackServerContext* context,
                                 const v1::ReplayRoutingRequest* request,
                                 v1::ReplayRoutingResponse* response) override;
  grpc::ServerUnaryReactor* ListDesks(grpc::CallbackServerContext* context,
                                 const v1::ListDesksRequest* request,
                                 v1::ListDesksResponse* response) override;
  grpc::ServerUnaryReactor* PutDesk(grpc::CallbackServerContext* context,
                                 const v1::PutDeskRequest* request,
                                 v1::RoutingTableVersion* response) override;
  grpc::ServerUnaryReactor* DisableDesk(grpc::CallbackServerContext* context,
                                 const v1::DisableDeskRequest* request,
                                 v1::DisableDeskResponse* response) override;

 private:
  ServiceDeps deps_;
};

}  // namespace hotline::server
