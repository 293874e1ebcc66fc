// Desk.WatchAssignments: a server-streaming reactor fed from the audit event log.
//
// Each watcher keeps a cursor (the seq of the last event it sent). It reads its desks'
// events after the cursor from the store in pages and writes them one at a time; when it has
// caught up it waits. The store's commit listener wakes the StreamHub, whose thread wakes
// every idle watcher that is behind the new head, and sends heartbeats to watchers that have
// been silent for their interval. Nothing is held only in memory: a watcher that reconnects
// with its last cursor, to this process or to a restarted one, reads the same log.
#pragma once

#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "hotline/v1/desk.pb.h"
#include "server/auth.h"
#include "storage/store.h"

namespace hotline::server {

class WatchReactor;

// One page of a watch: the messages for the next `limit` (1..10000) events of `desks` after
// `after_seq`, each with the assignment as it was right after the event and the case's
// summary as `viewer` may see it now (CaseSummaryFor), read in one transaction. What
// WatchAssignments sends, and what the benchmark's "server work per stream message" times.
absl::StatusOr<std::vector<v1::WatchAssignmentsResponse>> ReadWatchPage(
    storage::Store* store, const Caller& viewer, const std::vector<std::string>& desks,
    int64_t after_seq, int limit);

// Wakes watchers on commits and sends heartbeats. Thread-safe.
class StreamHub {
 public:
  // A position in the event log: after event `seq`, whose chain hash begins with
  // `hash_prefix` (empty for 0, the start). The hash names the history up to the event, so a
  // cursor from a log that was since replaced (a restore from a backup, another database)
  // is told apart from one of this log even where their sequence numbers coincide.
  struct Position {
    int64_t seq = 0;
    std::string hash_prefix;
  };
  // Starts its thread. Call OnCommit from the store's commit listener.
  explicit StreamHub(storage::Store* store);
  // Stops the thread. Every watcher must be gone (the gRPC server has been shut down) and
  // the commit listener removed.
  ~StreamHub();

  // The store committed up to `head` (runs on the store's completion thread: only takes a
  // short lock).
  void OnCommit(int64_t head);
  StreamHub(const StreamHub&) = delete;
  StreamHub& operator=(const StreamHub&) = delete;

  // Starts a watch for `caller`; the reactor deletes itself when the call is done, after
  // calling `on_done`. The stream ends with UNAUTHENTICATED once the caller's token is
  // revoked: it checks before every page it sends and every heartbeat.
  grpc::ServerWriteReactor<v1::WatchAssignmentsResponse>* Watch(std::vector<std::string> desks,
                                                                Position after,
                                                                std::chrono::seconds heartbeat,
                                                                Caller caller,
                                                                std::function<void()> on_done);

  void Add(WatchReactor* watcher);
  void Remove(WatchReactor* watcher);

  // Ends every stream with UNAVAILABLE (call before shutting the gRPC server down, so
  // watchers reconnect elsewhere instead of holding the shutdown for its grace period).
  void CloseAll();

  // The cursor text "v2.<seq>.<8 hex digits of the event's hash>" ("v2.0" for the start),
  // and back (nullopt: not a cursor of this format).
  static std::string Cursor(int64_t seq, std::string_view event_hash);
  static std::optional<Position> ParseCursor(const std::string& cursor);

 private:
  void Run();

  storage::Store* store_;
  // The commit listener runs on the store's completion thread and takes only head_mu_, which is
  // never held across store reads, so streams never slow down writes.
  std::mutex head_mu_;
  std::condition_variable cv_;
  int64_t head_seq_ = 0;       // guarded by head_mu_
  bool head_changed_ = false;  // guarded by head_mu_
  bool stopping_ = false;      // guarded by head_mu_
  // Held while the hub thread calls into watchers; a watcher removes itself under it before
  // it is deleted.
  std::mutex watchers_mu_;
  std::set<WatchReactor*> watchers_;  // guarded by watchers_mu_
  std::thread thread_;
};

}  // namespace hotline::server
