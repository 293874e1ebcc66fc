#include "storage/store.h"

#include <utility>
#include <vector>

#include "storage/case_rows.h"
#include "storage/case_writes.h"
#include "storage/db_lock.h"
#include "storage/desk_writes.h"
#include "storage/event_log.h"
#include "storage/retention.h"
#include "storage/routing_versions.h"
#include "storage/schema.h"
#include "storage/store_impl.h"
#include "storage/str_util.h"

namespace hotline::storage {
namespace {

absl::Status RequireActor(std::string_view actor) {
  if (actor.empty()) return absl::InvalidArgumentError("actor is required");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.max_batch < 1) return absl::InvalidArgumentError("max_batch must be >= 1");
  if (options.list_many_matches < 1) {
    return absl::InvalidArgumentError("list_many_matches must be >= 1");
  }
  if (options.busy_timeout_ms < 0) {
    return absl::InvalidArgumentError("busy_timeout_ms must be >= 0");
  }
  const bool in_memory = options.path == ":memory:";
  if (!in_memory && options.read_connections < 1) {
    return absl::InvalidArgumentError("read_connections must be >= 1");
  }
  if (options.path.empty()) return absl::InvalidArgumentError("the database path is empty");
  if (!in_memory) {
    if (absl::Status s = RequireOneName(options.path); !s.ok()) return s;
    if (absl::Status s = CreatePrivateFile(options.path); !s.ok() && !absl::IsAlreadyExists(s)) {
      return s;
    }
  }

  sqlite::ConnectionOptions write_options;
  write_options.busy_timeout_ms = options.busy_timeout_ms;
  absl::StatusOr<sqlite::Connection> db = sqlite::Connection::Open(options.path, write_options);
  if (!db.ok()) return db.status();
  if (absl::Status s = Migrate(*db, options.path); !s.ok()) return s;

  std::vector<sqlite::Connection> readers;
  if (!in_memory) {
    sqlite::ConnectionOptions read_options = write_options;
    read_options.query_only = true;
    for (int i = 0; i < options.read_connections; ++i) {
      absl::StatusOr<sqlite::Connection> r = sqlite::Connection::Open(options.path, read_options);
      if (!r.ok()) return r.status();
      readers.push_back(*std::move(r));
    }
  }

  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->clock = options.clock != nullptr ? options.clock : Clock::Real();
  if (!in_memory) {
    absl::StatusOr<std::unique_ptr<Checkpointer>> checkpointer =
        Checkpointer::Start(options.path, options.busy_timeout_ms, options.checkpoint_pages);
    if (!checkpointer.ok()) return checkpointer.status();
    impl->checkpointer = *std::move(checkpointer);
    impl->checkpointer->Attach(*db);
  }
  std::function<void()> between_batches;
  if (impl->checkpointer) between_batches = [c = impl->checkpointer.get()] { c->CatchUp(); };
  impl->writer = std::make_unique<Writer>(*std::move(db), options.max_batch,
                                          in_memory ? &impl->memory_mutex : nullptr,
                                          std::move(between_batches));
  if (in_memory) {
    impl->reads = std::make_unique<ReadPool>(&impl->writer->connection(), &impl->memory_mutex);
  } else {
    impl->reads = std::make_unique<ReadPool>(std::move(readers));
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Store::~Store() = default;

int Store::SchemaVersion() { return kSchemaVersion; }

// --- Cases ---------------------------------------------------------------------------

absl::StatusOr<CaseRecord> Store::CreateCase(const NewCase& c) {
  if (absl::Status s = ValidateNewCase(c); !s.ok()) return s;
  const Clock* clock = impl_->clock;
  return impl_->Write<CaseRecord>(
      [&c, clock](WriteContext& ctx) { return ApplyCreateCase(ctx, c, clock->NowMillis()); });
}

void Store::CreateCaseAsync(NewCase c, std::function<void(absl::StatusOr<CaseRecord>)> done) {
  // Even a rejected case completes on the completion thread, as promised: callers may hold
  // locks around this call that `done` takes.
  absl::Status valid = ValidateNewCase(c);
  const Clock* clock = impl_->clock;
  impl_->SubmitWrite<CaseRecord>(
      [c = std::move(c), valid = std::move(valid),
       clock](WriteContext& ctx) -> absl::StatusOr<CaseRecord> {
        if (!valid.ok()) return valid;
        return ApplyCreateCase(ctx, c, clock->NowMillis());
      },
      std::move(done));
}

absl::StatusOr<CaseRecord> Store::GetCase(std::string_view case_number) {
  return impl_->Read([case_number](sqlite::Connection& db) {
    return LoadCaseByNumber(db, case_number, CaseView::kFull);
  });
}

absl::StatusOr<CasePage> Store::ListCases(const CaseFilter& filter, int page_size,
                                          int64_t before_id) {
  return impl_->Read([&](sqlite::Connection& db) {
    return QueryCases(db, filter, page_size, before_id, impl_->options.list_many_matches);
  });
}

absl::StatusOr<EventRecord> Store::AddNote(std::string_view case_number, std::string_view actor,
                                           std::string_view text) {
  if (absl::Status s = RequireActor(actor); !s.ok()) return s;
  if (text.empty()) return absl::InvalidArgumentError("the note text is empty");
  const Clock* clock = impl_->clock;
  return impl_->Write<EventRecord>([&, clock](WriteContext& ctx) {
    return ApplyAddNote(ctx, case_number, actor, text, clock->NowMillis());
  });
}

absl::StatusOr<CaseRecord> Store::CloseCase(std::string_view case_number, std::string_view actor,
                                            std::string_view outcome, std::string_view summary,
                                            bool withdraw_open) {
  if (absl::Status s = RequireActor(actor); !s.ok()) return s;
  if (outcome.empty()) return absl::InvalidArgumentError("outcome is required");
  const Clock* clock = impl_->clock;
  return impl_->Write<CaseRecord>([&, clock](WriteContext& ctx) {
    return ApplyCloseCase(ctx, case_number, actor, outcome, summary, withdraw_open,
                          clock->NowMillis());
  });
}

absl::StatusOr<CaseRecord> Store::ReopenCase(std::string_view case_number, std::string_view actor,
                                             std::string_view reason, const NewAssignment& desk) {
  if (absl::Status s = RequireActor(actor); !s.ok()) return s;
  if (reason.empty()) return absl::InvalidArgumentError("reason is required");
  if (desk.desk_id.empty()) return absl::InvalidArgumentError("desk_id is required");
  const Clock* clock = impl_->clock;
  return impl_->Write<CaseRecord>([&, clock](WriteContext& ctx) {
    return ApplyReopen(ctx, case_number, actor, reason, desk, clock->NowMillis());
  });
}

absl::StatusOr<CaseRecord> Store::RecordFeedback(std::string_view case_number,
                                                 std::string_view actor, std::string_view note) {
  if (absl::Status s = RequireActor(actor); !s.ok()) return s;
  if (note.empty()) return absl::InvalidArgumentError("note is required");
  const Clock* clock = impl_->clock;
  return impl_->Write<CaseRecord>([&, clock](WriteContext& ctx) {
    return ApplyRecordFeedback(ctx, case_number, actor, note, clock->NowMillis());
  });
}

absl::StatusOr<EventRecord> Store::RecordCaseAccess(int64_t case_id, std::string_view actor,
                                                    std::string_view role,
                                                    std::string_view rpc) {
  if (absl::Status s = RequireActor(actor); !s.ok()) return s;
  const Clock* clock = impl_->clock;
  return impl_->Write<EventRecord>([&, clock](WriteContext& ctx) {
    return ApplyRecordAccess(ctx, case_id, actor, role, rpc, clock->NowMillis());
  });
}

// --- Desk work -----------------------------------------------------------------------

absl::StatusOr<AssignmentRecord> Store::GetAssignment(int64_t id) {
  return impl_->Read([id](sqlite::Connection& db) { return LoadAssignment(db, id); });
}

absl::StatusOr<AssignmentPage> Store::ListAssignments(const AssignmentFilter& filter,
                                                      int page_size, int64_t before_id) {
  return impl_->Read([&](sqlite::Connection& db) {
    return QueryAssignments(db, filter, page_size, before_id);
  });
}

absl::StatusOr<AssignmentChange> Store::AcknowledgeAssignment(int64_t id, std::string_view actor) {
  if (absl::Status s = RequireActor(actor); !s.ok()) return s;
  const Clock* clock = impl_->clock;
  return impl_->Write<AssignmentChange>([&, clock](WriteContext& ctx) {
    return ApplyAcknowledge(ctx, id, actor, clock->NowMillis());
  });
}

absl::StatusOr<EventRecord> Store::PostAssignmentUpdate(int64_t id, std::string_view actor,
                                                        std::string_view kind,
                                                        std::string_view text) {
  if (absl::Status s = RequireActor(actor); !s.ok()) return s;
  if (kind.empty()) return absl::InvalidArgumentError("kind is required");
  if (text.empty()) return absl::InvalidArgumentError("text is required");
  const Clock* clock = impl_->clock;
  return impl_->Write<EventRecord>([&, clock](WriteContext& ctx) {
    return ApplyPostUpdate(ctx, id, actor, kind, text, clock->NowMillis());
  });
}

absl::StatusOr<AssignmentChange> Store::HandOffAssignment(int64_t id, std::string_view actor,
                                                          std::string_view new_status,
                                                          std::string_view reason,
                                                          const NewAssignment& successor) {
  if (absl::Status s = RequireActor(actor); !s.ok()) return s;
  if (reason.empty()) return absl::InvalidArgumentError("reason is required");
  const Clock* clock = impl_->clock;
  return impl_->Write<AssignmentChange>([&, clock](WriteContext& ctx) {
    return ApplyHandOff(ctx, id, actor, new_status, reason, successor, clock->NowMillis());
  });
}

absl::StatusOr<AssignmentChange> Store::ResolveAssignment(int64_t id, std::string_view actor,
                                                          std::string_view outcome,
                                                          std::string_view summary) {
  if (absl::Status s = RequireActor(actor); !s.ok()) return s;
  if (outcome.empty()) return absl::InvalidArgumentError("outcome is required");
  const Clock* clock = impl_->clock;
  return impl_->Write<AssignmentChange>([&, clock](WriteContext& ctx) {
    return ApplyResolve(ctx, id, actor, outcome, summary, clock->NowMillis());
  });
}

// --- Escalation ----------------------------------------------------------------------

absl::StatusOr<std::vector<AssignmentRecord>> Store::ListDueAssignments(int64_t now_ms, int limit) {
  if (limit < 1 || limit > 10000) return absl::InvalidArgumentError("limit must be 1..10000");
  return impl_->Read(
      [&](sqlite::Connection& db) { return LoadDueAssignments(db, now_ms, limit); });
}

absl::StatusOr<int64_t> Store::NextAckDeadline() {
  return impl_->Read([](sqlite::Connection& db) { return LoadNextDeadline(db); });
}

absl::StatusOr<AssignmentChange> Store::EscalateAssignment(int64_t id,
                                                           const NewAssignment& successor) {
  const Clock* clock = impl_->clock;
  return impl_->Write<AssignmentChange>([&, clock](WriteContext& ctx) {
    return ApplyEscalate(ctx, id, successor, clock->NowMillis());
  });
}

// --- Routing tables ------------------------------------------------------------------

namespace {

absl::Status ValidateNewRoutingTable(const NewRoutingTable& t) {
  if (t.text.empty()) return absl::InvalidArgumentError("text is required");
  if (t.author.empty()) return absl::InvalidArgumentError("author is required");
  if (t.comment.empty()) return absl::InvalidArgumentError("comment is required");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RoutingTableRecord> Store::ApplyRoutingTable(const NewRoutingTable& t) {
  if (absl::Status s = ValidateNewRoutingTable(t); !s.ok()) return s;
  const Clock* clock = impl_->clock;
  return impl_->Write<RoutingTableRecord>([&, clock](WriteContext& ctx) {
    return ApplyNewRoutingTable(ctx, t, clock->NowMillis());
  });
}

absl::StatusOr<std::pair<RoutingTableRecord, std::vector<AssignmentRecord>>>
Store::ApplyRoutingTableMovingDesk(const NewRoutingTable& t, std::string_view desk_id,
                                   const NewAssignment& replacement) {
  if (absl::Status s = ValidateNewRoutingTable(t); !s.ok()) return s;
  using Result = std::pair<RoutingTableRecord, std::vector<AssignmentRecord>>;
  const Clock* clock = impl_->clock;
  return impl_->Write<Result>([&, clock](WriteContext& ctx) -> absl::StatusOr<Result> {
    const int64_t now = clock->NowMillis();
    absl::StatusOr<RoutingTableRecord> version = ApplyNewRoutingTable(ctx, t, now);
    if (!version.ok()) return version.status();
    std::vector<AssignmentRecord> moved;
    if (replacement.desk_id.empty()) {
      absl::StatusOr<std::map<std::string, int64_t>> open = storage::CountOpenAssignments(ctx.db);
      if (!open.ok()) return open.status();
      auto it = open->find(std::string(desk_id));
      if (it != open->end() && it->second > 0) {
        return absl::FailedPreconditionError(
            Concat("desk ", desk_id, " has ", it->second,
                   it->second == 1 ? " open assignment" : " open assignments",
                   "; name a replacement desk to take ", it->second == 1 ? "it" : "them", " over"));
      }
    } else {
      absl::StatusOr<std::vector<AssignmentRecord>> m = ApplyMoveOpenAssignments(
          ctx, desk_id, replacement, t.author,
          Concat("desk ", desk_id, " removed in routing table version ", version->version), now);
      if (!m.ok()) return m.status();
      moved = *std::move(m);
    }
    return Result{*std::move(version), std::move(moved)};
  });
}

absl::StatusOr<RoutingTableRecord> Store::GetRoutingTable(int64_t version) {
  return impl_->Read([version](sqlite::Connection& db) { return LoadRoutingTable(db, version); });
}

absl::StatusOr<std::vector<RoutingTableRecord>> Store::ListRoutingTables() {
  return impl_->Read([](sqlite::Connection& db) { return LoadRoutingTables(db); });
}

absl::StatusOr<std::vector<CaseRecord>> Store::ListReportsSince(int64_t since_ms, int limit) {
  if (limit < 1 || limit > 100000) return absl::InvalidArgumentError("limit must be 1..100000");
  return impl_->Read(
      [&](sqlite::Connection& db) { return LoadReportsSince(db, since_ms, limit); });
}

absl::StatusOr<std::map<std::string, int64_t>> Store::CountOpenAssignments() {
  return impl_->Read([](sqlite::Connection& db) { return storage::CountOpenAssignments(db); });
}

// --- Retention -----------------------------------------------------------------------

absl::StatusOr<std::vector<CaseRecord>> Store::ListPurgeable(int64_t closed_before_ms, int limit) {
  if (limit < 1 || limit > 10000) return absl::InvalidArgumentError("limit must be 1..10000");
  return impl_->Read(
      [&](sqlite::Connection& db) { return LoadPurgeable(db, closed_before_ms, limit); });
}

absl::StatusOr<CaseRecord> Store::PurgeCase(int64_t case_id, const std::string& redacted_detail,
                                            std::string_view actor) {
  if (absl::Status s = RequireActor(actor); !s.ok()) return s;
  const Clock* clock = impl_->clock;
  return impl_->Write<CaseRecord>([&, clock](WriteContext& ctx) {
    return ApplyPurge(ctx, case_id, redacted_detail, actor, clock->NowMillis());
  });
}

absl::Status Store::Checkpoint() {
  if (impl_->options.path == ":memory:") return absl::OkStatus();
  // Outside any transaction: a write that commits nothing, then the checkpoint on the
  // writer's connection after the batch (a checkpoint cannot run inside a transaction).
  absl::Status status = impl_->Write<bool>([](WriteContext&) -> absl::StatusOr<bool> {
                                 return true;
                               }).status();
  if (!status.ok()) return status;
  absl::StatusOr<sqlite::Connection> db = sqlite::Connection::Open(impl_->options.path, {});
  if (!db.ok()) return db.status();
  // A reader that started before the purge (a backup, a page of a desk's stream) keeps the
  // checkpoint from copying everything. SQLite waits for it (the busy timeout, 5 s) and then
  // reports "busy" in the first column rather than failing: say so.
  absl::StatusOr<sqlite::Statement> stmt = db->Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (*row && stmt->Int(0) == 0) return absl::OkStatus();
  return absl::UnavailableError(
      "the WAL file could not be emptied: a reader (a backup, a long-running read) held it "
      "for 5 s, so old page images may remain in it; run the purge again once it is done");
}

// --- Audit log -----------------------------------------------------------------------

namespace {

absl::Status CheckDeskRead(const std::vector<std::string>& desks, int limit) {
  if (desks.empty()) return absl::InvalidArgumentError("desks is required");
  if (limit < 1 || limit > 10000) return absl::InvalidArgumentError("limit must be 1..10000");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<EventRecord>> Store::ListDeskEvents(
    const std::vector<std::string>& desks, int64_t after_seq, int limit) {
  if (absl::Status s = CheckDeskRead(desks, limit); !s.ok()) return s;
  return impl_->Read([&](sqlite::Connection& db) {
    return LoadDeskEvents(db, desks, after_seq, limit);
  });
}

absl::StatusOr<DeskFeed> Store::ReadDeskFeed(const std::vector<std::string>& desks,
                                             int64_t after_seq, int limit) {
  if (absl::Status s = CheckDeskRead(desks, limit); !s.ok()) return s;
  return impl_->Read(
      [&](sqlite::Connection& db) { return LoadDeskFeed(db, desks, after_seq, limit); });
}

absl::StatusOr<int64_t> Store::HeadSeq() {
  return impl_->Read([](sqlite::Connection& db) {
    return db.QueryInt("SELECT COALESCE(max(seq), 0) FROM events");
  });
}

absl::StatusOr<int64_t> Store::HeadTimeMs() {
  return impl_->Read([](sqlite::Connection& db) {
    return db.QueryInt(
        "SELECT COALESCE((SELECT time_ms FROM events ORDER BY seq DESC LIMIT 1), 0)");
  });
}

absl::StatusOr<std::string> Store::EventHash(int64_t seq) {
  return impl_->Read([seq](sqlite::Connection& db) -> absl::StatusOr<std::string> {
    absl::StatusOr<sqlite::Statement> stmt = db.Prepare("SELECT hash FROM events WHERE seq = ?1");
    if (!stmt.ok()) return stmt.status();
    stmt->BindInt(1, seq);
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::NotFoundError(Concat("no event ", seq));
    return stmt->Text(0);
  });
}

void Store::SetCommitListener(std::function<void(int64_t head_seq)> listener) {
  impl_->writer->SetCommitListener(std::move(listener));
}

absl::StatusOr<std::vector<EventRecord>> Store::GetCaseHistory(std::string_view case_number) {
  return impl_->Read(
      [case_number](sqlite::Connection& db) -> absl::StatusOr<std::vector<EventRecord>> {
        absl::StatusOr<CaseRecord> c = LoadCaseByNumber(db, case_number, CaseView::kSummary);
        if (!c.ok()) return c.status();
        return LoadCaseEvents(db, c->id);
      });
}

absl::StatusOr<VerifyResult> Store::VerifyAuditLog(std::vector<AuditAnchor> anchors) {
  return impl_->Read([&anchors](sqlite::Connection& db) { return VerifyChain(db, anchors); });
}

absl::StatusOr<int64_t> Store::CountEvents() {
  return impl_->Read(
      [](sqlite::Connection& db) { return db.QueryInt("SELECT count(*) FROM events"); });
}

}  // namespace hotline::storage
