// `hotline desk watch`: follows Desk.WatchAssignments and prints each event as it arrives
// (or, with --json, every message as one JSON line), reconnecting after the last cursor when
// the server is unavailable. SIGINT/SIGTERM end it with exit 0 and "last cursor: X" on stderr.
#include <CLI/CLI.hpp>
#include <climits>
#include <memory>
#include <random>

#include "cli/commands.h"
#include "cli/desk_flags.h"
#include "cli/desk_view.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/stop_signal.h"
#include "cli/table.h"
#include "cli/watch_stream.h"

namespace hotline::cli {
namespace {

constexpr int kMinHeartbeat = 1;
constexpr int kMaxHeartbeat = 300;
constexpr int kServerDefaultHeartbeat = 15;
// A stream without any message for this many heartbeat periods is taken as lost.
constexpr int kHeartbeatsBeforeStale = 3;

struct WatchOptions {
  std::vector<std::string> desks;
  std::string after;
  std::string heartbeat;   // Empty: the server's default.
  std::string max_events;  // Empty: no limit.
  bool heartbeats = false;
};

struct WatchSettings {
  int heartbeat_seconds = 0;  // 0: the server's default.
  int max_events = 0;         // 0: no limit.
};

Result<WatchSettings> ParseSettings(const WatchOptions& o, const Ui& ui) {
  WatchSettings s;
  if (!o.heartbeat.empty()) {
    Result<int> v = ParseBoundedInt("--heartbeat", o.heartbeat, kMinHeartbeat, kMaxHeartbeat, ui);
    if (!v.ok()) return Error{v.error()};
    s.heartbeat_seconds = v.value();
  }
  if (!o.max_events.empty()) {
    Result<int> v = ParseBoundedInt("--max-events", o.max_events, 1, INT_MAX, ui);
    if (!v.ok()) return Error{v.error()};
    s.max_events = v.value();
  }
  return s;
}

int RunWatch(CommandContext& ctx, const WatchOptions& o) {
  const Ui& ui = ctx.ui();
  Result<WatchSettings> settings = ParseSettings(o, ui);
  if (!settings.ok()) return ctx.Usage(settings.error());
  const WatchSettings s = settings.value();
  v1::WatchAssignmentsRequest request;
  for (const std::string& desk : SplitDeskIds(o.desks)) request.add_desk_ids(desk);
  request.set_heartbeat_seconds(s.heartbeat_seconds);

  InstallStopSignals();
  const int stale_seconds =
      kHeartbeatsBeforeStale *
      (s.heartbeat_seconds > 0 ? s.heartbeat_seconds : kServerDefaultHeartbeat);
  WatchStreamOptions stream_options;
  stream_options.stale_after = std::chrono::seconds(stale_seconds);
  stream_options.stale_message = ui.Format(Msg::kWatchStale, stale_seconds);
  stream_options.stop_requested = &StopRequested;
  Connection& connection = ctx.connection();
  std::mt19937_64 engine{std::random_device{}()};
  int events = 0;
  bool received = false;

  WatchHooks hooks;
  hooks.open = [&](const std::string& cursor) {
    request.set_after_cursor(cursor);
    return OpenWatchStream(connection, request, stream_options);
  };
  hooks.on_message = [&](const v1::WatchAssignmentsResponse& r) {
    received = true;
    const bool event = r.has_event();
    if (ctx.json()) {
      ctx.Print(WatchJsonLine(r));
    } else if (event || o.heartbeats) {
      ctx.Print(WatchLine(r, ui) + "\n");
    }
    if (ctx.output_failed()) {  // Nobody reads any more: stop, exit 0 (`| head`).
      ctx.set_output_failure_handled();
      return Handled::kNotDelivered;  // The cursor printed at the end is the line before.
    }
    if (event) ++events;
    return s.max_events == 0 || events < s.max_events ? Handled::kContinue : Handled::kEnough;
  };
  hooks.on_reconnect = [&](const grpc::Status& status, std::chrono::milliseconds delay,
                           const std::string& cursor) {
    const std::string why = StatusCodeName(status.error_code()) + ": " + status.error_message();
    ctx.PrintError(ui.Format(Msg::kWatchReconnecting, OneLine(why),
                             fmt::format("{:.1f}", static_cast<double>(delay.count()) / 1000),
                             cursor.empty() ? "-" : cursor));
  };
  ReconnectWait wait;
  wait.connected = [&connection](std::chrono::milliseconds step) {
    return connection.WaitForConnected(step);
  };
  wait.stop_requested = &StopRequested;
  wait.sleep = [](std::chrono::milliseconds d) { SleepUnlessStopped(d); };
  wait.now = [] { return std::chrono::steady_clock::now(); };
  hooks.sleep = [&wait](std::chrono::milliseconds delay) {
    return WaitBeforeReconnect(delay, wait);
  };
  hooks.stop_requested = &StopRequested;
  hooks.unit_random = [&engine] { return std::uniform_real_distribution<double>(0, 1)(engine); };

  const WatchResult result = WatchWithReconnect(o.after, hooks);
  if (result.end == WatchEnd::kFailed) {
    const int code = ctx.RpcFailed(result.status);
    // Worth resuming only when this run got somewhere; else the error stays one line.
    if (received) ctx.PrintStderr(ui.Format(Msg::kWatchLastCursor, result.last_cursor));
    return code;
  }
  ctx.PrintStderr(result.last_cursor.empty()
                      ? ui(Msg::kWatchNoCursor)
                      : ui.Format(Msg::kWatchLastCursor, result.last_cursor));
  return kExitOk;
}

}  // namespace

void AddDeskWatchCommand(CLI::App& desk_command, const Ui& ui, Action& action) {
  auto o = std::make_shared<WatchOptions>();
  CLI::App* watch = AddSubcommand(desk_command, "watch", ui(Msg::kHelpDeskWatch), ui);
  watch->add_option("--desk", o->desks, ui(Msg::kHelpDeskIds))
      ->allow_extra_args(false)
      ->type_name("ID");
  watch->add_option("--after", o->after, ui(Msg::kHelpAfterCursor))->type_name("CURSOR");
  watch->add_option("--heartbeat", o->heartbeat, ui(Msg::kHelpHeartbeat))->type_name("SECONDS");
  watch->add_flag("--heartbeats", o->heartbeats, ui(Msg::kHelpHeartbeats));
  watch->add_option("--max-events", o->max_events, ui(Msg::kHelpMaxEvents))->type_name("N");
  watch->callback(
      [o, &action] { action = [o](CommandContext& ctx) { return RunWatch(ctx, *o); }; });
}

}  // namespace hotline::cli
