#include "tests/bench/intake_bench.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "hotline/v1/intake.grpc.pb.h"
#include "server/config.h"
#include "tests/bench/calls.h"
#include "tests/bench/echo_server.h"
#include "tests/bench/in_process_server.h"
#include "tests/bench/sample_reports.h"

namespace hotline::bench {

absl::StatusOr<IntakeFigures> MeasureIntake(const BenchOptions& options) {
  const std::string dir = options.work_dir + "/intake";
  std::filesystem::create_directories(dir);
  auto server = StartInProcessServer(dir, options.routing_table, "hl");
  if (!server.ok()) return server.status();
  auto channel = grpc::CreateChannel(server->address, grpc::InsecureChannelCredentials());
  auto intake = v1::Intake::NewStub(channel);

  IntakeFigures out;
  {
    // One call first: checks the setup and gives the message sizes for the echo.
    v1::SubmitReportRequest request;
    FillSubmitRequest("probe", 0, &request);
    v1::Case reply;
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + server->operator_token);
    const grpc::Status status = intake->SubmitReport(&context, request, &reply);
    if (!status.ok()) {
      return absl::InternalError("SubmitReport probe failed: " + status.error_message());
    }
    out.request_bytes = request.ByteSizeLong();
    out.reply_bytes = reply.ByteSizeLong();
  }

  auto echo_server = EchoServer::Start("127.0.0.1:0", server::ServerConfig{}.max_message_bytes);
  if (!echo_server.ok()) return echo_server.status();
  auto echo_channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*echo_server)->port()),
                                          grpc::InsecureChannelCredentials());
  auto echo = Echo::NewStub(echo_channel);

  const int top = options.concurrency.empty() ? 64 : options.concurrency.back();
  for (int c : options.concurrency) {
    LoadSpec spec;
    spec.concurrency = c;
    spec.warmup_seconds = options.warmup;
    spec.duration_seconds = options.duration;
    std::fprintf(stderr, "hotline_bench: echo @%d ...\n", c);
    ThreadCpu before = SampleThreadCpu(getpid());
    out.echo[c] = RunUnaryLoad(
        EchoFactory(echo.get(), server->operator_token, out.request_bytes, out.reply_bytes), spec);
    if (c == top) out.echo_cpu = CpuDelta(before, SampleThreadCpu(getpid()));
    std::fprintf(stderr, "hotline_bench: SubmitReport @%d ...\n", c);
    before = SampleThreadCpu(getpid());
    const SteadyClock::time_point t0 = SteadyClock::now();
    out.submit[c] = RunUnaryLoad(
        SubmitFactory(intake.get(), server->operator_token, "bench-c" + std::to_string(c)), spec);
    if (c == top) {
      out.submit_cpu = CpuDelta(before, SampleThreadCpu(getpid()));
      out.cpu_window_seconds = Seconds(SteadyClock::now() - t0);
    }
  }
  server->server->Shutdown(std::chrono::seconds(2));
  return out;
}

}  // namespace hotline::bench
