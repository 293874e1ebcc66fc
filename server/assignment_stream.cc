#include "server/assignment_stream.h"

#include <google/protobuf/util/time_util.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <deque>
#include <map>
#include <optional>

#include "proto/enum_names.h"
#include "server/case_access.h"
#include "server/grpc_status.h"
#include "server/mapping.h"

namespace hotline::server {

using Clock = std::chrono::steady_clock;

namespace {

constexpr int kPageSize = 128;  // events read per store query
constexpr std::string_view kCursorPrefix = "v2.";
constexpr size_t kCursorHashDigits = 8;

void SetTime(int64_t millis, google::protobuf::Timestamp* out) {
  *out = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(millis);
}

}  // namespace

absl::StatusOr<std::vector<v1::WatchAssignmentsResponse>> ReadWatchPage(
    storage::Store* store, const Caller& viewer, const std::vector<std::string>& desks,
    int64_t after_seq, int limit) {
  absl::StatusOr<storage::DeskFeed> feed = store->ReadDeskFeed(desks, after_seq, limit);
  if (!feed.ok()) return feed.status();
  std::map<int64_t, v1::CaseSummary> summaries;  // one per case of the page
  for (const auto& [id, c] : feed->cases) summaries.emplace(id, CaseSummaryFor(viewer, c));
  std::vector<v1::WatchAssignmentsResponse> page;
  page.reserve(feed->events.size());
  for (size_t i = 0; i < feed->events.size(); ++i) {
    const storage::EventRecord& e = feed->events[i];
    v1::WatchAssignmentsResponse& r = page.emplace_back();
    r.set_cursor(StreamHub::Cursor(e.seq, e.hash));
    v1::AssignmentEvent* ev = r.mutable_event();
    ev->set_seq(e.seq);
    ev->set_type(e.type);
    SetTime(e.time_ms, ev->mutable_time());
    ev->set_actor(e.actor);
    *ev->mutable_assignment() = ToAssignmentProto(feed->assignments[i]);  // as of the event
    if (e.type == "assignment.updated") {
      ev->set_update_kind(static_cast<v1::UpdateKind>(
          proto::ParseShortName(v1::UpdateKind_descriptor(), PayloadString(e, "kind"))
              .value_or(0)));
    }
    *ev->mutable_case_summary() = summaries[e.case_id];
  }
  return page;
}

class WatchReactor final : public grpc::ServerWriteReactor<v1::WatchAssignmentsResponse> {
 public:
  WatchReactor(StreamHub* hub, storage::Store* store, std::vector<std::string> desks,
               const StreamHub::Position& after, std::chrono::seconds heartbeat, Caller caller,
               std::function<void()> on_done)
      : on_done_(std::move(on_done)),
        hub_(hub),
        store_(store),
        desks_(std::move(desks)),
        heartbeat_(heartbeat),
        caller_(std::move(caller)),
        fetched_seq_(after.seq),
        last_cursor_(StreamHub::Cursor(after.seq, after.hash_prefix)),
        last_write_(Clock::now()) {}

  void Begin() {
    hub_->Add(this);
    Pump();
  }

  // Hub thread: the log's head moved to `head`.
  void OnHead(int64_t head) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      known_head_ = std::max(known_head_, head);
      if (head <= scanned_) return;
    }
    Pump();
  }

  // Hub thread: sends a heartbeat when idle and silent for the interval, or ends the stream
  // if the caller's token has been revoked since (by `hotlined token revoke`, another
  // process: no commit of this server announces it).
  void MaybeHeartbeat(Clock::time_point now) {
    std::lock_guard<std::mutex> lock(mu_);
    if (finish_requested_ || writing_ || !queue_.empty()) return;
    if (now - last_write_ < heartbeat_) return;
    if (absl::Status allowed = store_->CheckTokenActive(caller_.principal.token_id);
        absl::IsUnauthenticated(allowed)) {
      RequestFinishLocked(ToGrpcStatus(allowed));
      return;
    }
    current_.Clear();
    current_.set_cursor(last_cursor_);
    SetTime(std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count(),
            current_.mutable_heartbeat()->mutable_time());
    writing_ = true;
    StartWrite(&current_);
  }

  // Ends the stream (server shutting down): UNAVAILABLE, so clients reconnect.
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    RequestFinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                     "the server is shutting down; reconnect with your cursor"));
  }

  void OnWriteDone(bool ok) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      writing_ = false;
      last_write_ = Clock::now();
      if (!ok) RequestFinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
      if (finish_requested_) {
        FinishIfIdleLocked();
        return;
      }
    }
    Pump();
  }

  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    RequestFinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    hub_->Remove(this);  // once it returns, the hub thread no longer calls this watcher
    if (on_done_) on_done_();
    {
      std::lock_guard<std::mutex> lock(mu_);
      spdlog::info("rpc=WatchAssignments caller={} desks={} events_sent={} last_cursor={} code={}",
                   caller_.principal.name, desks_.size(), events_sent_, last_cursor_,
                   static_cast<int>(final_status_.error_code()));
    }
    delete this;
  }

 private:
  // Fills the queue from the log when it is empty, and starts the next write.
  void Pump() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      if (finish_requested_ || writing_) return;
      if (!queue_.empty()) break;
      if (fetching_) {
        refetch_ = true;  // the fetch in flight may predate a commit: go again after it
        return;
      }
      fetching_ = true;
      refetch_ = false;
      const int64_t after = fetched_seq_;
      const int64_t head_before = known_head_;
      lock.unlock();
      absl::Status error;
      std::deque<v1::WatchAssignmentsResponse> page;
      bool full = false;
      int64_t last = after;
      Fetch(after, &page, &full, &last, &error);
      lock.lock();
      fetching_ = false;
      if (finish_requested_) {  // cancelled (or closed) while we read: finish now
        FinishIfIdleLocked();
        return;
      }
      if (absl::IsUnauthenticated(error)) {  // revoked: the page read is dropped
        RequestFinishLocked(ToGrpcStatus(error));
        FinishIfIdleLocked();
        return;
      }
      if (!error.ok()) {
        RequestFinishLocked(ToGrpcStatus(absl::UnavailableError(
            "cannot read the event log; reconnect with your cursor")));
        FinishIfIdleLocked();
        return;
      }
      fetched_seq_ = last;
      for (auto& r : page) queue_.push_back(std::move(r));
      if (!full) scanned_ = std::max(scanned_, head_before);
      if (queue_.empty() && !full && !refetch_) return;  // caught up: wait for the hub
    }
    current_ = std::move(queue_.front());
    queue_.pop_front();
    last_cursor_ = current_.cursor();
    ++events_sent_;
    writing_ = true;
    StartWrite(&current_);
  }

  // Reads the next page of events after `after` (no lock held). UNAUTHENTICATED, and no
  // page, when the caller's token has been revoked: checked after the page is read, so any
  // event committed after a revocation is in a page read after it, and is never sent.
  void Fetch(int64_t after, std::deque<v1::WatchAssignmentsResponse>* out, bool* full,
             int64_t* last, absl::Status* error) {
    absl::StatusOr<std::vector<v1::WatchAssignmentsResponse>> page =
        ReadWatchPage(store_, caller_, desks_, after, kPageSize);
    if (!page.ok()) {
      *error = page.status();
      return;
    }
    if (absl::Status allowed = store_->CheckTokenActive(caller_.principal.token_id);
        !allowed.ok()) {
      *error = allowed;
      return;
    }
    *full = static_cast<int>(page->size()) == kPageSize;
    if (!page->empty()) *last = page->back().event().seq();
    for (v1::WatchAssignmentsResponse& r : *page) out->push_back(std::move(r));
  }

  void RequestFinishLocked(grpc::Status status) {
    if (finish_requested_) return;
    finish_requested_ = true;
    final_status_ = std::move(status);
    FinishIfIdleLocked();
  }

  // Finish may not overlap a write: it runs once the write in flight is done.
  void FinishIfIdleLocked() {
    if (finished_ || writing_ || fetching_) return;
    finished_ = true;
    Finish(final_status_);
  }

  std::function<void()> on_done_;
  StreamHub* const hub_;
  storage::Store* const store_;
  const std::vector<std::string> desks_;
  const std::chrono::seconds heartbeat_;
  const Caller caller_;  // its token (Principal::token_id) is checked before every page

  std::mutex mu_;
  std::deque<v1::WatchAssignmentsResponse> queue_;  // guarded by mu_
  v1::WatchAssignmentsResponse current_;            // the write in flight; guarded by mu_
  int64_t fetched_seq_;     // last seq read into the queue; guarded by mu_
  std::string last_cursor_;  // of the last event written (or where the watch began); guarded
                             // by mu_
  int64_t known_head_ = 0;  // guarded by mu_
  int64_t scanned_ = -1;    // the log is read up to here (nothing more for us); guarded by mu_
  int64_t events_sent_ = 0;
  Clock::time_point last_write_;  // guarded by mu_
  bool writing_ = false;          // guarded by mu_
  bool fetching_ = false;         // guarded by mu_
  bool refetch_ = false;          // guarded by mu_
  bool finish_requested_ = false;  // guarded by mu_
  bool finished_ = false;          // guarded by mu_
  grpc::Status final_status_;      // guarded by mu_
};

StreamHub::StreamHub(storage::Store* store) : store_(store) {
  if (absl::StatusOr<int64_t> head = store_->HeadSeq(); head.ok()) head_seq_ = *head;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "hl-hub");
    Run();
  });
}

StreamHub::~StreamHub() {
  {
    std::lock_guard<std::mutex> lock(head_mu_);
    stopping_ = true;
    cv_.notify_one();
  }
  thread_.join();
}

void StreamHub::OnCommit(int64_t head) {
  std::lock_guard<std::mutex> lock(head_mu_);
  head_seq_ = std::max(head_seq_, head);
  head_changed_ = true;
  cv_.notify_one();
}

grpc::ServerWriteReactor<v1::WatchAssignmentsResponse>* StreamHub::Watch(
    std::vector<std::string> desks, Position after, std::chrono::seconds heartbeat, Caller caller,
    std::function<void()> on_done) {
  auto* reactor = new WatchReactor(this, store_, std::move(desks), after, heartbeat,
                                   std::move(caller), std::move(on_done));
  reactor->Begin();
  return reactor;
}

void StreamHub::Add(WatchReactor* watcher) {
  std::lock_guard<std::mutex> lock(watchers_mu_);
  watchers_.insert(watcher);
}

void StreamHub::Remove(WatchReactor* watcher) {
  std::lock_guard<std::mutex> lock(watchers_mu_);
  watchers_.erase(watcher);
}

void StreamHub::CloseAll() {
  std::lock_guard<std::mutex> lock(watchers_mu_);
  for (WatchReactor* w : watchers_) w->Close();
}

std::string StreamHub::Cursor(int64_t seq, std::string_view event_hash) {
  std::string cursor = std::string(kCursorPrefix) + std::to_string(seq);
  if (seq > 0) cursor.append(".").append(event_hash.substr(0, kCursorHashDigits));
  return cursor;
}

std::optional<StreamHub::Position> StreamHub::ParseCursor(const std::string& cursor) {
  if (cursor.compare(0, kCursorPrefix.size(), kCursorPrefix) != 0) return std::nullopt;
  const std::string_view rest = std::string_view(cursor).substr(kCursorPrefix.size());
  const size_t dot = rest.find('.');
  const std::string_view digits = rest.substr(0, dot);
  if (digits.empty() || digits.size() > 18 || (digits.size() > 1 && digits[0] == '0')) {
    return std::nullopt;
  }
  Position position;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    position.seq = position.seq * 10 + (c - '0');
  }
  if (position.seq == 0) {
    if (dot != std::string_view::npos) return std::nullopt;
    return position;
  }
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view hash = rest.substr(dot + 1);
  if (hash.size() != kCursorHashDigits) return std::nullopt;
  for (char c : hash) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  position.hash_prefix = std::string(hash);
  return position;
}

void StreamHub::Run() {
  for (;;) {
    bool changed = false;
    int64_t head = 0;
    {
      std::unique_lock<std::mutex> lock(head_mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(250),
                   [this] { return stopping_ || head_changed_; });
      if (stopping_) return;
      changed = head_changed_;
      head_changed_ = false;
      head = head_seq_;
    }
    const Clock::time_point now = Clock::now();
    std::lock_guard<std::mutex> lock(watchers_mu_);
    for (WatchReactor* w : watchers_) {
      if (changed) w->OnHead(head);
      w->MaybeHeartbeat(now);
    }
  }
}

}  // namespace hotline::server
