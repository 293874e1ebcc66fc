// Service hotline.v1.Desk (callback API): what partner agencies and the centre use to take
// up, act on and follow the hand-offs of their desks. Thin adapters over router/ and
// storage/; visibility is decided in case_access.h. Thread-safe.
#pragma once

#include "hotline/v1/desk.grpc.pb.h"
#include "server/assignment_stream.h"
#include "server/limits.h"
#include "server/service_deps.h"

namespace hotline::server {

class DeskService final : public v1::Desk::CallbackService {
 public:
  // `hub` feeds WatchAssignments; `streams` caps them per principal. Not owned.
  DeskService(ServiceDeps deps, StreamHub* hub, StreamLimiter* streams)
      : deps_(deps), hub_(hub), streams_(streams) {}

  grpc::ServerWriteReactor<v1::WatchAssignmentsResponse>* WatchAssignments(
      grpc::CallbackServerContext* context, const v1::WatchAssignmentsRequest* request) override;
  grpc::ServerUnaryReactor* ListAssignments(grpc::CallbackServerContext* context,
                                            const v1::ListAssignmentsRequest* request,
                                            v1::ListAssignmentsResponse* response) override;
  grpc::ServerUnaryReactor* GetAssignment(grpc::CallbackServerContext* context,
                                          const v1::GetAssignmentRequest* request,
                                          v1::GetAssignmentResponse* response) override;
  grpc::ServerUnaryReactor* Acknowledge(grpc::CallbackServerContext* context,
                                        const v1::AcknowledgeRequest* request,
                                        v1::AssignmentChange* response) override;
  grpc::ServerUnaryReactor* PostUpdate(grpc::CallbackServerContext* context,
                                       const v1::PostUpdateRequest* request,
                                       v1::AssignmentUpdate* response) override;
  grpc::ServerUnaryReactor* Decline(grpc::CallbackServerContext* context,
                                    const v1::DeclineRequest* request,
                                    v1::AssignmentChange* response) override;
  grpc::ServerUnaryReactor* Transfer(grpc::CallbackServerContext* context,
                                     const v1::TransferRequest* request,
                                     v1::AssignmentChange* response) override;
  grpc::ServerUnaryReactor* Resolve(grpc::CallbackServerContext* context,
                                    const v1::ResolveRequest* request,
                                    v1::AssignmentChange* response) override;

 private:
  ServiceDeps deps_;
  StreamHub* hub_;
  StreamLimiter* streams_;
};

}  // namespace hotline::server
