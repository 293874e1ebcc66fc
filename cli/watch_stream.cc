#include "cli/watch_stream.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace hotline::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kWatchdogStep{100};

class GrpcWatchStream final : public WatchStream {
 public:
  GrpcWatchStream(Connection& connection, const v1::WatchAssignmentsRequest& request,
                  WatchStreamOptions options)
      : options_(std::move(options)), last_message_(Clock::now().time_since_epoch().count()) {
    connection.PrepareStreamContext(context_);
    reader_ = connection.desk().WatchAssignments(&context_, request);
    watchdog_ = std::thread([this] { RunWatchdog(); });
  }

  ~GrpcWatchStream() override {
    if (!finished_) {
      context_.TryCancel();
      v1::WatchAssignmentsResponse ignored;
      while (reader_->Read(&ignored)) {
      }
      reader_->Finish();
    }
    StopWatchdog();
  }

  bool Read(v1::WatchAssignmentsResponse* response) override {
    const bool ok = reader_->Read(response);
    if (ok) last_message_.store(Clock::now().time_since_epoch().count());
    return ok;
  }

  grpc::Status Finish() override {
    grpc::Status status = reader_->Finish();
    finished_ = true;
    StopWatchdog();
    if (stale_.load() && status.error_code() == grpc::StatusCode::CANCELLED) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, options_.stale_message);
    }
    return status;
  }

 private:
  bool Stale() const {
    if (options_.stale_after.count() <= 0) return false;
    const Clock::time_point last{Clock::duration(last_message_.load())};
    return Clock::now() - last > options_.stale_after;
  }

  // Cancels the call on a stop request or when the server fell silent; ends on StopWatchdog.
  void RunWatchdog() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!done_) {
      wake_.wait_for(lock, kWatchdogStep);
      if (done_) return;
      if (options_.stop_requested && options_.stop_requested()) {
        context_.TryCancel();
        return;
      }
      if (Stale()) {
        stale_.store(true);
        context_.TryCancel();
        return;
      }
    }
  }

  void StopWatchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    wake_.notify_all();
    if (watchdog_.joinable()) watchdog_.join();
  }

  WatchStreamOptions options_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::WatchAssignmentsResponse>> reader_;
  std::atomic<Clock::rep> last_message_;  // Time of the last message, as ticks of Clock.
  std::atomic<bool> stale_{false};
  bool finished_ = false;
  std::mutex mu_;
  std::condition_variable wake_;
  bool done_ = false;  // Guarded by mu_.
  std::thread watchdog_;
};

}  // namespace

std::unique_ptr<WatchStream> OpenWatchStream(Connection& connection,
                                             const v1::WatchAssignmentsRequest& request,
                                             WatchStreamOptions options) {
  return std::make_unique<GrpcWatchStream>(connection, request, std::move(options));
}

}  // namespace hotline::cli
