#include "cli/command_context.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ostream>

#include "cli/exit_codes.h"
#include "cli/output.h"

namespace hotline::cli {
namespace {

constexpr double kMaxTimeoutSeconds = 24 * 60 * 60;

// The call may or may not have taken effect, and may succeed if tried again. CANCELLED is
// what a server stopping gracefully answers the calls still in flight (this client never
// cancels a unary call itself).
bool OutcomeUnknown(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
         status.error_code() == grpc::StatusCode::CANCELLED;
}

}  // namespace

CommandContext::CommandContext(GlobalOptions options, Ui ui, bool interactive, std::istream& in,
                               std::ostream& out, std::ostream& err)
    : options_(std::move(options)),
      ui_(ui),
      interactive_(interactive),
      out_(out),
      err_(err),
      prompter_(in, err, ui) {}

CommandContext::~CommandContext() = default;

Connection& CommandContext::connection() {
  if (connection_ == nullptr) {
    ConnectionOptions options;
    options.server = options_.server;
    options.token = options_.token;
    options.tls_ca = options_.tls_ca;
    options.timeout = std::chrono::milliseconds(
        std::llround(std::min(options_.timeout_seconds, kMaxTimeoutSeconds) * 1000));
    connection_ = std::make_unique<Connection>(std::move(options));
  }
  return *connection_;
}

void CommandContext::Print(std::string_view text) {
  const bool failed_before = out_.fail();
  errno = 0;
  out_ << text << std::flush;
  if (out_.fail() && !failed_before && errno != 0) output_error_ = std::strerror(errno);
}

bool CommandContext::output_failed() const { return out_.fail(); }

void CommandContext::PrintJson(const google::protobuf::Message& message) {
  Print(ToJson(message) + "\n");
}

void CommandContext::NoteStored(std::string case_number, std::string request_id) {
  stored_case_number_ = std::move(case_number);
  stored_request_id_ = std::move(request_id);
}

int CommandContext::Finish(int code) {
  if (code != kExitOk || output_failure_handled_) return code;
  if (!out_.fail()) Print("");  // flushes what is still buffered
  if (!out_.fail()) return code;
  const std::string reason = output_error_.empty() ? "" : " (" + output_error_ + ")";
  PrintError(stored_case_number_.empty()
                 ? ui_.Format(Msg::kOutputNotWritten, reason)
                 : ui_.Format(Msg::kOutputNotWrittenStored, stored_case_number_, reason,
                              stored_request_id_));
  return kExitUnreachable;
}

int CommandContext::Usage(std::string_view detail) {
  PrintError(ui_.Format(Msg::kUsageLine, detail));
  return kExitUsage;
}

int CommandContext::RpcFailed(const grpc::Status& status) {
  err_ << RpcErrorLine(status) << '\n' << std::flush;
  return OutcomeUnknown(status) ? kExitUnreachable : kExitRpcFailed;
}

grpc::Status CommandContext::SendSubmission(const std::function<grpc::Status()>& send) {
  unknown_outcome_shown_ = false;
  for (;;) {
    grpc::Status status = send();
    if (status.ok() || !OutcomeUnknown(status) || !interactive_) return status;
    err_ << RpcErrorLine(status) << '\n' << std::flush;
    unknown_outcome_shown_ = true;
    std::optional<std::string> again =
        prompter_.AskChoice(ui_(Msg::kAskSendAgain), YesNoChoices(ui_));
    if (!again || *again == "no") return status;
  }
}

int CommandContext::SubmissionFailed(const grpc::Status& status, std::string_view request_id) {
  if (!OutcomeUnknown(status)) return RpcFailed(status);
  if (unknown_outcome_shown_) {  // the error is on the line above the question: not again
    PrintError(ui_.Format(Msg::kNotSentAgain, request_id));
    return kExitUnreachable;
  }
  err_ << RpcErrorLine(status) << ui_.Format(Msg::kHintSendAgain, request_id) << '\n' << std::flush;
  return kExitUnreachable;
}

void CommandContext::PrintError(std::string_view line) {
  err_ << ErrorLine(line) << '\n' << std::flush;
}

void CommandContext::PrintStderr(std::string_view line) { err_ << line << '\n' << std::flush; }

}  // namespace hotline::cli
