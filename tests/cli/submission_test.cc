// CommandContext::SendSubmission / SubmissionFailed: a report the server may not have stored
// is never silently dropped. On a terminal the operator is asked to send it again (with the
// same request, so the same request id); otherwise the error line says how to resend safely.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command_context.h"
#include "cli/exit_codes.h"

namespace hotline::cli {
namespace {

struct Terminal {
  explicit Terminal(std::string input, bool interactive = true)
      : in(std::move(input)), ctx(GlobalOptions{}, Ui(Lang::kEnglish), interactive, in, out, err) {}
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  CommandContext ctx;
};

// A send that answers with `answers` in turn (the last one again once they run out).
struct Answers {
  std::vector<grpc::Status> answers;
  int calls = 0;
  grpc::Status operator()() {
    const size_t i = std::min(static_cast<size_t>(calls), answers.size() - 1);
    ++calls;
    return answers[i];
  }
};

const grpc::Status kUnavailable(grpc::StatusCode::UNAVAILABLE, "failed to connect");
const grpc::Status kTimedOut(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded");
// What a server stopping gracefully answers a call still in flight.
const grpc::Status kStopped(grpc::StatusCode::CANCELLED, "CANCELLED");
const grpc::Status kRefused(grpc::StatusCode::INVALID_ARGUMENT, "report.urgency: is required");

TEST_CASE("On a terminal an unanswered submission is sent again when the operator says yes",
          "[submission]") {
  Terminal t("yes\n1\n");  // a choice by name or by its number
  Answers send{{kUnavailable, kTimedOut, grpc::Status::OK}};
  const grpc::Status status = t.ctx.SendSubmission([&] { return send(); });
  CHECK(status.ok());
  CHECK(send.calls == 3);
  const std::string err = t.err.str();
  CHECK_THAT(err, Catch::Contains("UNAVAILABLE: failed to connect"));
  CHECK_THAT(err, Catch::Contains("DEADLINE_EXCEEDED"));
  CHECK_THAT(err, Catch::Contains("Send it again"));
}

TEST_CASE("Saying no, or the input ending, gives the failure back with how to resend",
          "[submission]") {
  for (const char* input : {"no\n", ""}) {
    Terminal t(input);
    Answers send{{kUnavailable}};
    const grpc::Status status = t.ctx.SendSubmission([&] { return send(); });
    CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
    CHECK(send.calls == 1);
    CHECK(t.ctx.SubmissionFailed(status, "req-42") == kExitUnreachable);
    // The error was shown once, above the question; the last line says what to do.
    const std::string err = t.err.str();
    CHECK(err.find("UNAVAILABLE: failed to connect") ==
          err.rfind("UNAVAILABLE: failed to connect"));
    CHECK_THAT(err, Catch::StartsWith("hotline: UNAVAILABLE: failed to connect\n"));
    CHECK_THAT(err, Catch::EndsWith("hotline: not sent again; it is not known to be stored: to "
                                    "send it again safely, repeat the command with --request-id "
                                    "req-42\n"));
  }
}

TEST_CASE("A script gets one line with the error and how to resend", "[submission]") {
  Terminal t("", /*interactive=*/false);
  Answers send{{kUnavailable}};
  const grpc::Status status = t.ctx.SendSubmission([&] { return send(); });
  CHECK(t.ctx.SubmissionFailed(status, "req-42") == kExitUnreachable);
  CHECK(t.err.str() ==
        "hotline: UNAVAILABLE: failed to connect; it is not known to be stored: to send it again "
        "safely, repeat the command with --request-id req-42\n");
}

// Review finding: a report in flight when the server stopped gracefully was said to be
// refused (exit 1), with no request id to send it again with and no question.
TEST_CASE("A call cut short by a server stopping is an unknown outcome, not a refusal",
          "[submission]") {
  SECTION("on a terminal the operator is asked") {
    Terminal t("yes\n");
    Answers send{{kStopped, grpc::Status::OK}};
    CHECK(t.ctx.SendSubmission([&] { return send(); }).ok());
    CHECK(send.calls == 2);
    CHECK_THAT(t.err.str(), Catch::Contains("Send it again"));
  }
  SECTION("a script is told the request id") {
    Terminal t("", /*interactive=*/false);
    Answers send{{kStopped}};
    const grpc::Status status = t.ctx.SendSubmission([&] { return send(); });
    CHECK(t.ctx.SubmissionFailed(status, "req-7") == kExitUnreachable);
    CHECK(t.err.str() ==
          "hotline: CANCELLED: CANCELLED; it is not known to be stored: to send it again safely, "
          "repeat the command with --request-id req-7\n");
  }
  SECTION("any other call exits 4") {
    Terminal t("");
    CHECK(t.ctx.RpcFailed(kStopped) == kExitUnreachable);
  }
}

TEST_CASE("A refusal is not asked about, and a script is never asked", "[submission]") {
  SECTION("refused") {
    Terminal t("yes\n");
    Answers send{{kRefused, grpc::Status::OK}};
    const grpc::Status status = t.ctx.SendSubmission([&] { return send(); });
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(send.calls == 1);
    CHECK(t.ctx.SubmissionFailed(status, "req-1") == kExitRpcFailed);
    CHECK(t.err.str() == "hotline: INVALID_ARGUMENT: report.urgency: is required\n");
  }
  SECTION("not a terminal") {
    Terminal t("yes\n", /*interactive=*/false);
    Answers send{{kTimedOut, grpc::Status::OK}};
    const grpc::Status status = t.ctx.SendSubmission([&] { return send(); });
    CHECK(status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
    CHECK(send.calls == 1);
    CHECK(t.err.str().empty());
  }
}

TEST_CASE("RpcFailed tells an unreachable server from a refusal by exit code", "[submission]") {
  Terminal t("");
  CHECK(t.ctx.RpcFailed(kUnavailable) == kExitUnreachable);
  CHECK(t.ctx.RpcFailed(kTimedOut) == kExitUnreachable);
  CHECK(t.ctx.RpcFailed(kRefused) == kExitRpcFailed);
  CHECK(t.ctx.RpcFailed(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "no")) == kExitRpcFailed);
}

}  // namespace
}  // namespace hotline::cli
