// What every command runs with: the global options, the UI language, whether stdin is a
// terminal, the connection (created on first use) and the output conventions (stdout for
// results, one line on stderr for errors). Not thread-safe.
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "cli/connection.h"
#include "cli/i18n.h"
#include "cli/prompt.h"
#include "cli/table.h"

namespace hotline::cli {

// The global flags, with their defaults.
struct GlobalOptions {
  std::string server = "127.0.0.1:50051";  // --server, else HOTLINE_SERVER.
  std::string token;                       // --token, else HOTLINE_TOKEN.
  bool json = false;                       // --json
  std::string lang;                        // --lang (read before parsing, see main.cc).
  double timeout_seconds = 10;             // --timeout
  bool wide = false;                       // --wide
  std::string tls_ca;                      // --tls-ca, else HOTLINE_TLS_CA.
};

class CommandContext {
 public:
  // `out`, `err` and `in` must outlive the context.
  CommandContext(GlobalOptions options, Ui ui, bool interactive, std::istream& in,
                 std::ostream& out, std::ostream& err);
  ~CommandContext();

  const Ui& ui() const { return ui_; }
  bool json() const { return options_.json; }
  // True when stdin is a terminal: missing required fields are asked for.
  bool interactive() const { return interactive_; }
  TableStyle table_style() const { return TableStyle{options_.wide}; }

  Connection& connection();
  Prompter& prompter() { return prompter_; }

  // Writes `text` to stdout as is.
  void Print(std::string_view text);
  // True once writing to stdout failed (e.g. the reader of a pipe went away).
  bool output_failed() const;
  // Writes `message` as one JSON document and a newline to stdout.
  void PrintJson(const google::protobuf::Message& message);
  // Says that the output about to be printed reports case `case_number`, just stored with
  // request id `request_id`: if it cannot be written, Finish names both, so the number the
  // caller must be told is not lost.
  void NoteStored(std::string case_number, std::string request_id);
  // For a command that deals with a failed output itself (desk watch stops when nobody
  // reads any more): Finish leaves its exit code as it is.
  void set_output_failure_handled() { output_failure_handled_ = true; }
  // The exit code of a command that returned `code`. When writing to stdout failed (a full
  // disk, a closed pipe) and `code` says success, the answer never arrived: one line on
  // stderr says so (with the stored case and request id, see NoteStored) and the code is
  // kExitUnreachable, as for an answer lost on the way.
  int Finish(int code);
  // Writes "hotline: usage: <detail>" to stderr; returns kExitUsage.
  int Usage(std::string_view detail);
  // Writes "hotline: <CODE>: <message>" to stderr; returns kExitUnreachable when the
  // server could not be reached, did not answer in time or stopped during the call, else
  // kExitRpcFailed.
  int RpcFailed(const grpc::Status& status);

  // Sends a submission (a report or an inquiry, with request id `request_id`) with `send`.
  // When the server could not be reached or did not answer in time, nobody knows whether it
  // was stored: on a terminal the operator is asked whether to send it again with the same
  // request id (which never creates a second case), so what they typed is not lost.
  grpc::Status SendSubmission(const std::function<grpc::Status()>& send);
  // RpcFailed for a submission: when the outcome is unknown, the line also says how to send
  // it again safely (the same command with --request-id `request_id`).
  int SubmissionFailed(const grpc::Status& status, std::string_view request_id);
  // Writes "hotline: <line>" to stderr.
  void PrintError(std::string_view line);
  // Writes `line` as is, and a newline, to stderr.
  void PrintStderr(std::string_view line);

 private:
  GlobalOptions options_;
  Ui ui_;
  bool interactive_;
  bool unknown_outcome_shown_ = false;  // SendSubmission printed the error and asked
  std::string output_error_;            // strerror of the first failed write to stdout
  std::string stored_case_number_;      // NoteStored
  std::string stored_request_id_;
  bool output_failure_handled_ = false;
  std::ostream& out_;
  std::ostream& err_;
  Prompter prompter_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace hotline::cli
