#include "server/admin_service.h"

#include "router/router.h"
#include "server/call_log.h"
#include "server/mapping.h"
#include "server/validation.h"

namespace hotline::server {

grpc::ServerUnaryReactor* AdminService::ExplainRoute(grpc::CallbackServerContext* context,
                                                     const v1::ExplainRouteRequest* request,
                                                     v1::ExplainRouteResponse* response) {
  static constexpr std::string_view kRpc = "ExplainRoute";
  auto caller = deps_.auth->Check(
      *context, {Role::kOperator, Role::kSupervisor, Role::kAdmin}, kRpc);
  if (!caller.ok()) return FinishCall(context, kRpc, "-", "", caller.status());
  if (absl::Status s = CheckParsed(*request); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  const std::shared_ptr<const router::RoutingTable> table = deps_.routing->Get();
  if (!request->has_report()) {
    return FinishCall(context, kRpc, caller->principal.name, "",
                      absl::InvalidArgumentError("report: is required"));
  }
  if (absl::Status s = ValidateReport(request->report(), *table, /*routing_only=*/true); !s.ok()) {
    return FinishCall(context, kRpc, caller->principal.name, "", s);
  }
  const router::Decision decision = router::Route(*table, ToFacts(request->report()));
  AddDecisionAssignments(decision, response->mutable_assignments());
  *response->mutable_routing() = ToTraceProto(decision);
  return FinishCall(context, kRpc, caller->principal.name, "", absl::OkStatus());
}

}  // namespace hotline::server
