#include "cli/connection.h"

#include <catch2/catch.hpp>
#include <vector>

namespace hotline::cli {
namespace {

using std::chrono::milliseconds;

TEST_CASE("BackoffDelay doubles from 100 ms with bounded jitter", "[connection]") {
  const RetryPolicy policy;
  CHECK(BackoffDelay(policy, 0, 0.5) == milliseconds(100));
  CHECK(BackoffDelay(policy, 1, 0.5) == milliseconds(200));
  CHECK(BackoffDelay(policy, 4, 0.5) == milliseconds(1600));
  CHECK(BackoffDelay(policy, 0, 0.0) == milliseconds(80));
  CHECK(BackoffDelay(policy, 0, 0.999) <= milliseconds(120));
}

struct Script {
  explicit Script(std::vector<grpc::StatusCode> scripted) : codes(std::move(scripted)) {}

  std::vector<grpc::StatusCode> codes;
  int calls = 0;
  std::vector<milliseconds> sleeps;

  grpc::Status Next() {
    const grpc::StatusCode code =
        codes[static_cast<size_t>(std::min<int>(calls, static_cast<int>(codes.size()) - 1))];
    ++calls;
    return code == grpc::StatusCode::OK ? grpc::Status::OK : grpc::Status(code, "x");
  }
};

grpc::Status Run(Script& script, const RetryPolicy& policy) {
  return CallWithRetry([&] { return script.Next(); }, policy,
                       [&](milliseconds d) { script.sleeps.push_back(d); }, [] { return 0.5; });
}

TEST_CASE("CallWithRetry retries UNAVAILABLE until success", "[connection]") {
  Script script{
      {grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::UNAVAILABLE, grpc::StatusCode::OK}};
  CHECK(Run(script, RetryPolicy{}).ok());
  CHECK(script.calls == 3);
  CHECK(script.sleeps == std::vector<milliseconds>{milliseconds(100), milliseconds(200)});
}

TEST_CASE("CallWithRetry gives up after 5 retries", "[connection]") {
  Script script{{grpc::StatusCode::UNAVAILABLE}};
  CHECK(Run(script, RetryPolicy{}).error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(script.calls == 6);
  CHECK(script.sleeps.size() == 5);
}

TEST_CASE("CallWithRetry does not retry other errors or with kNoRetry", "[connection]") {
  Script invalid{{grpc::StatusCode::INVALID_ARGUMENT}};
  CHECK(Run(invalid, RetryPolicy{}).error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(invalid.calls == 1);
  Script unavailable{{grpc::StatusCode::UNAVAILABLE}};
  CHECK(Run(unavailable, kNoRetry).error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(unavailable.calls == 1);
}

}  // namespace
}  // namespace hotline::cli
