// Service hotline.v1.Intake (callback API): thin adapters that authenticate, validate,
// call router/ and storage/, and map the results. Thread-safe.
#pragma once

#include "hotline/v1/intake.grpc.pb.h"
#include "server/service_deps.h"

namespace hotline::server {

class IntakeService final : public v1::Intake::CallbackService {
 public:
  explicit IntakeService(ServiceDeps deps) : deps_(deps) {}

  grpc::ServerUnaryReactor* SubmitReport(grpc::CallbackServerContext* context,
                                         const v1::SubmitReportRequest* request,
                                         v1::Case* response) override;
  grpc::ServerUnaryReactor* SubmitInquiry(grpc::CallbackServerContext* context,
                                          const v1::SubmitInquiryRequest* request,
                                          v1::Case* response) override;
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const v1::GetCaseRequest* request,
                                    v1::Case* response) override;
  grpc::ServerUnaryReactor* ListCases(grpc::CallbackServerContext* context,
                                      const v1::ListCasesRequest* request,
                                      v1::ListCasesResponse* response) override;
  grpc::ServerUnaryReactor* AddNote(grpc::CallbackServerContext* context,
                                    const v1::AddNoteRequest* request,
                                    v1::AuditEvent* response) override;
  grpc::ServerUnaryReactor* CloseCase(grpc::CallbackServerContext* context,
                                      const v1::CloseCaseRequest* request,
                                      v1::Case* response) override;
  grpc::ServerUnaryReactor* GetCaseHistory(grpc::CallbackServerContext* context,
                                           const v1::GetCaseHistoryRequest* request,
                                           v1::GetCaseHistoryResponse* response) override;
  grpc::ServerUnaryReactor* VerifyAuditLog(grpc::CallbackServerContext* context,
                                           const v1::VerifyAuditLogRequest* request,
                                           v1::VerifyAuditLogResponse* response) override;
  grpc::ServerUnaryReactor* ReopenCase(grpc::CallbackServerContext* context,
                                       const v1::ReopenCaseRequest* request,
                                       v1::Case* response) override;
  grpc::ServerUnaryReactor* RecordFeedback(grpc::CallbackServerContext* context,
                                           const v1::RecordFeedbackRequest* request,
                                           v1::Case* response) override;
  grpc::ServerUnaryReactor* ListCaseAccess(grpc::CallbackServerContext* context,
                                           const v1::ListCaseAccessRequest* request,
                                           v1::ListCaseAccessResponse* response) override;

 private:
  ServiceDeps deps_;
};

}  // namespace hotline::server
