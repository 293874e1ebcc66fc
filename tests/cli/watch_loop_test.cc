#include "cli/watch_loop.h"

#include <catch2/catch.hpp>
#include <deque>
#include <memory>
#include <vector>

namespace hotline::cli {
namespace {

using std::chrono::milliseconds;

// One scripted stream: a message per cursor ("hb:v1.7" is a heartbeat with cursor v1.7,
// anything else an event), then `end`.
struct StreamScript {
  std::vector<std::string> cursors;
  grpc::Status end;
};

struct Log {
  std::vector<std::string> opened_after;
  std::vector<std::string> received;
  std::vector<milliseconds> sleeps;
  int finished = 0;
  int destroyed = 0;
};

class ScriptedStream final : public WatchStream {
 public:
  ScriptedStream(StreamScript script, Log& log) : script_(std::move(script)), log_(log) {}
  ~ScriptedStream() override { ++log_.destroyed; }

  bool Read(v1::WatchAssignmentsResponse* response) override {
    if (next_ == script_.cursors.size()) return false;
    const std::string& item = script_.cursors[next_++];
    response->Clear();
    if (item.rfind("hb:", 0) == 0) {
      response->set_cursor(item.substr(3));
      response->mutable_heartbeat();
    } else {
      response->set_cursor(item);
      response->mutable_event()->set_type("assignment.created");
    }
    return true;
  }

  grpc::Status Finish() override {
    ++log_.finished;
    return script_.end;
  }

 private:
  StreamScript script_;
  Log& log_;
  size_t next_ = 0;
};

const grpc::Status kUnavailable(grpc::StatusCode::UNAVAILABLE, "down");

// Hooks that serve `scripts` in order; a stop is requested once the last one was opened.
// on_message asks to stop after `max` messages when max > 0.
WatchHooks Hooks(std::deque<StreamScript>& scripts, Log& log, int max = 0) {
  WatchHooks hooks;
  hooks.open = [&scripts, &log](const std::string& after) -> std::unique_ptr<WatchStream> {
    log.opened_after.push_back(after);
    REQUIRE_FALSE(scripts.empty());
    StreamScript script = scripts.front();
    scripts.pop_front();
    return std::make_unique<ScriptedStream>(std::move(script), log);
  };
  hooks.on_message = [&log, max](const v1::WatchAssignmentsResponse& r) {
    log.received.push_back((r.has_heartbeat() ? "hb:" : "") + r.cursor());
    return max == 0 || static_cast<int>(log.received.size()) < max ? Handled::kContinue
                                                                   : Handled::kEnough;
  };
  hooks.sleep = [&log](milliseconds d) {
    log.sleeps.push_back(d);
    return true;
  };
  hooks.stop_requested = [&scripts] { return scripts.empty(); };
  hooks.unit_random = [] { return 0.5; };
  return hooks;
}

TEST_CASE("ReconnectDelay doubles from 200 ms up to 5 s", "[watch_loop]") {
  const WatchBackoff b;
  std::vector<milliseconds> delays;
  for (int attempt = 0; attempt < 8; ++attempt) delays.push_back(ReconnectDelay(b, attempt, 0.5));
  CHECK(delays == std::vector<milliseconds>{milliseconds(200), milliseconds(400), milliseconds(800),
                                            milliseconds(1600), milliseconds(3200),
                                            milliseconds(5000), milliseconds(5000),
                                            milliseconds(5000)});
  CHECK(ReconnectDelay(b, 0, 0.0) == milliseconds(160));
  CHECK(ReconnectDelay(b, 0, 0.999) <= milliseconds(240));
  CHECK(ReconnectDelay(b, 4, 0.999) == milliseconds(3839));
  CHECK(ReconnectDelay(b, 1000, 0.999) == milliseconds(5000));
}

// A fake clock for WaitBeforeReconnect: sleeping and waiting for a connection advance it.
struct FakeWait {
  std::chrono::steady_clock::time_point t{};
  milliseconds ready_at{milliseconds::max()};
  milliseconds stop_at{milliseconds::max()};
  bool connected_blocks = true;
  int connected_calls = 0;

  milliseconds Now() const {
    return std::chrono::duration_cast<milliseconds>(t.time_since_epoch());
  }

  ReconnectWait Wait() {
    ReconnectWait w;
    w.connected = [this](milliseconds step) {
      ++connected_calls;
      if (Now() >= ready_at) return true;
      if (connected_blocks) t += step;
      return false;
    };
    w.stop_requested = [this] { return Now() >= stop_at; };
    w.sleep = [this](milliseconds d) { t += d; };
    w.now = [this] { return t; };
    return w;
  }
};

TEST_CASE("WaitBeforeReconnect ends early once the server can be reached", "[watch_loop]") {
  FakeWait f;
  f.ready_at = milliseconds(1000);
  CHECK(WaitBeforeReconnect(milliseconds(5000), f.Wait()));
  CHECK(f.Now() == milliseconds(1000));
}

TEST_CASE("WaitBeforeReconnect waits at least 200 ms, and never longer than the delay",
          "[watch_loop]") {
  FakeWait ready;
  ready.ready_at = milliseconds(0);
  CHECK(WaitBeforeReconnect(milliseconds(5000), ready.Wait()));
  CHECK(ready.Now() == milliseconds(200));

  FakeWait short_delay;
  short_delay.ready_at = milliseconds(0);
  CHECK(WaitBeforeReconnect(milliseconds(150), short_delay.Wait()));
  CHECK(short_delay.Now() == milliseconds(150));
  CHECK(short_delay.connected_calls == 0);

  FakeWait never;
  CHECK(WaitBeforeReconnect(milliseconds(5000), never.Wait()));
  CHECK(never.Now() == milliseconds(5000));

  FakeWait impatient;  // A connection check that answers at once does not spin.
  impatient.connected_blocks = false;
  CHECK(WaitBeforeReconnect(milliseconds(1000), impatient.Wait()));
  CHECK(impatient.Now() == milliseconds(1000));
  CHECK(impatient.connected_calls == 8);
}

TEST_CASE("WaitBeforeReconnect returns false on a stop request", "[watch_loop]") {
  FakeWait early;
  early.stop_at = milliseconds(100);
  CHECK_FALSE(WaitBeforeReconnect(milliseconds(5000), early.Wait()));
  CHECK(early.Now() == milliseconds(100));

  FakeWait late;
  late.stop_at = milliseconds(300);
  CHECK_FALSE(WaitBeforeReconnect(milliseconds(5000), late.Wait()));
  CHECK(late.Now() == milliseconds(300));
}

TEST_CASE("WatchWithReconnect resumes after the last cursor on UNAVAILABLE", "[watch_loop]") {
  Log log;
  std::deque<StreamScript> scripts = {
      {{"v1.1", "v1.2"}, kUnavailable}, {{"v1.3"}, grpc::Status::OK}, {{}, grpc::Status::OK}};
  const WatchResult r = WatchWithReconnect("v1.0", Hooks(scripts, log));
  CHECK(r.end == WatchEnd::kStreamEnded);
  CHECK(r.last_cursor == "v1.3");
  CHECK(log.opened_after == std::vector<std::string>{"v1.0", "v1.2"});
  CHECK(log.received == std::vector<std::string>{"v1.1", "v1.2", "v1.3"});
  CHECK(log.sleeps == std::vector<milliseconds>{milliseconds(200)});
  CHECK(log.finished == 2);
}

TEST_CASE("WatchWithReconnect backs off while nothing arrives, resets after a message",
          "[watch_loop]") {
  Log log;
  std::deque<StreamScript> scripts = {{{}, kUnavailable}, {{}, kUnavailable},
                                      {{}, kUnavailable}, {{"hb:v1.7"}, kUnavailable},
                                      {{}, kUnavailable}, {{}, kUnavailable}};
  std::vector<std::string> reconnect_cursors;
  WatchHooks hooks = Hooks(scripts, log);
  hooks.on_reconnect = [&](const grpc::Status& s, milliseconds, const std::string& cursor) {
    CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
    reconnect_cursors.push_back(cursor);
  };
  const WatchResult r = WatchWithReconnect("", hooks);
  CHECK(r.end == WatchEnd::kStopped);  // The script ran out.
  CHECK(r.last_cursor == "v1.7");      // Heartbeats carry the cursor too.
  CHECK(log.opened_after == std::vector<std::string>{"", "", "", "", "v1.7", "v1.7"});
  CHECK(log.sleeps == std::vector<milliseconds>{milliseconds(200), milliseconds(400),
                                                milliseconds(800), milliseconds(200),
                                                milliseconds(400)});
  CHECK(reconnect_cursors == std::vector<std::string>{"", "", "", "v1.7", "v1.7"});
}

TEST_CASE("WatchWithReconnect gives up on any other error", "[watch_loop]") {
  Log log;
  std::deque<StreamScript> scripts = {
      {{"v1.4"}, grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "no")}, {{}, kUnavailable}};
  const WatchResult r = WatchWithReconnect("", Hooks(scripts, log));
  CHECK(r.end == WatchEnd::kFailed);
  CHECK(r.status.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(r.last_cursor == "v1.4");
  CHECK(log.sleeps.empty());
  CHECK(log.opened_after.size() == 1);
}

TEST_CASE("WatchWithReconnect reconnects when the server cancelled the stream", "[watch_loop]") {
  Log log;
  std::deque<StreamScript> scripts = {
      {{"v1.4"}, grpc::Status(grpc::StatusCode::CANCELLED, "server shutting down")},
      {{}, grpc::Status::OK},
      {{}, grpc::Status::OK}};
  const WatchResult r = WatchWithReconnect("", Hooks(scripts, log));
  CHECK(r.end == WatchEnd::kStreamEnded);
  CHECK(log.opened_after == std::vector<std::string>{"", "v1.4"});
  CHECK(log.sleeps == std::vector<milliseconds>{milliseconds(200)});
}

TEST_CASE("WatchWithReconnect stops when on_message has had enough", "[watch_loop]") {
  Log log;
  std::deque<StreamScript> scripts = {{{"v1.1", "v1.2", "v1.3"}, grpc::Status::OK},
                                      {{}, grpc::Status::OK}};
  const WatchResult r = WatchWithReconnect("", Hooks(scripts, log, 2));
  CHECK(r.end == WatchEnd::kEnough);
  CHECK(r.last_cursor == "v1.2");
  CHECK(log.received.size() == 2);
  CHECK(log.finished == 0);   // Not waited for: the stream is cancelled...
  CHECK(log.destroyed == 1);  // ...by destroying it.
}

TEST_CASE("WatchWithReconnect: a message not delivered leaves the cursor before it",
          "[watch_loop]") {
  // `desk watch | head -2`: the third line cannot be written. A resume from the cursor
  // printed at the end must start with that line, not after it.
  Log log;
  std::deque<StreamScript> scripts = {{{"v1.1", "v1.2", "v1.3", "v1.4"}, grpc::Status::OK},
                                      {{}, grpc::Status::OK}};
  WatchHooks hooks = Hooks(scripts, log);
  hooks.on_message = [&log](const v1::WatchAssignmentsResponse& r) {
    log.received.push_back(r.cursor());
    return log.received.size() < 3 ? Handled::kContinue : Handled::kNotDelivered;
  };
  const WatchResult r = WatchWithReconnect("v1.0", hooks);
  CHECK(r.end == WatchEnd::kEnough);
  CHECK(r.last_cursor == "v1.2");
  CHECK(log.received == std::vector<std::string>{"v1.1", "v1.2", "v1.3"});

  SECTION("even when it was the first message") {
    Log log2;
    std::deque<StreamScript> scripts2 = {{{"v1.1"}, grpc::Status::OK}, {{}, grpc::Status::OK}};
    WatchHooks hooks2 = Hooks(scripts2, log2);
    hooks2.on_message = [](const v1::WatchAssignmentsResponse&) { return Handled::kNotDelivered; };
    CHECK(WatchWithReconnect("v1.0", hooks2).last_cursor == "v1.0");
  }
}

TEST_CASE("WatchWithReconnect stops on request, even when the stream ended with an error",
          "[watch_loop]") {
  Log log;
  std::deque<StreamScript> scripts = {
      {{"v1.1"}, grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")}, {{}, kUnavailable}};
  bool stop = false;
  WatchHooks hooks = Hooks(scripts, log);
  hooks.on_message = [&](const v1::WatchAssignmentsResponse&) {
    stop = true;  // As a signal arriving while the stream runs would.
    return Handled::kContinue;
  };
  hooks.stop_requested = [&] { return stop; };
  const WatchResult r = WatchWithReconnect("", hooks);
  CHECK(r.end == WatchEnd::kStopped);
  CHECK(r.last_cursor == "v1.1");
  CHECK(log.opened_after.size() == 1);
}

TEST_CASE("WatchWithReconnect stops when the wait before a reconnect is interrupted",
          "[watch_loop]") {
  Log log;
  std::deque<StreamScript> scripts = {{{}, kUnavailable}, {{}, kUnavailable}};
  WatchHooks hooks = Hooks(scripts, log);
  hooks.sleep = [](milliseconds) { return false; };
  const WatchResult r = WatchWithReconnect("v1.9", hooks);
  CHECK(r.end == WatchEnd::kStopped);
  CHECK(r.last_cursor == "v1.9");
  CHECK(log.opened_after.size() == 1);
}

}  // namespace
}  // namespace hotline::cli
