// The writer on its own: a first run without savepoints, savepoint isolation on a rerun, failed commits, draining.
#include "storage/writer.h"

#include <catch2/catch.hpp>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/schema.h"
#include "storage/str_util.h"

namespace hotline::storage {
namespace {

sqlite::Connection FreshDb() {
  absl::StatusOr<sqlite::Connection> db = sqlite::Connection::Open(":memory:", {});
  REQUIRE(db.ok());
  REQUIRE(Migrate(*db, ":memory:").ok());
  REQUIRE(db->Exec("CREATE TABLE scratch (x INTEGER NOT NULL)").ok());
  return *std::move(db);
}

// A write that inserts `x` and one event, then returns `result`.
Writer::Apply InsertThen(int x, absl::Status result) {
  return [x, result](WriteContext& ctx) -> absl::Status {
    absl::StatusOr<sqlite::Statement> s = ctx.db.Prepare("INSERT INTO scratch (x) VALUES (?1)");
    if (!s.ok()) return s.status();
    s->BindInt(1, x);
    if (absl::Status st = s->Run(); !st.ok()) return st;
    NewEvent e;
    e.actor = "test";
    e.type = "test.event";
    e.payload = "{\"x\":" + std::to_string(x) + "}";
    if (absl::Status st = AppendEvent(ctx.db, ctx.head, e).status(); !st.ok()) return st;
    return result;
  };
}

// A write that blocks the writer thread until `gate` is set, so later writes queue up.
Writer::Apply Blocker(std::shared_future<void> gate, std::promise<void>* entered) {
  return [gate, entered](WriteContext&) {
    entered->set_value();
    gate.wait();
    return absl::OkStatus();
  };
}

struct Results {
  std::vector<std::promise<absl::Status>> promises;
  std::vector<std::future<absl::Status>> futures;
  explicit Results(int n) : promises(n) {
    for (auto& p : promises) futures.push_back(p.get_future());
  }
  Writer::Done At(int i) {
    return [this, i](absl::Status s) { promises[i].set_value(std::move(s)); };
  }
};

TEST_CASE("A failing write rolls back alone, the rest of its batch commits") {
  Writer writer(FreshDb(), 256, nullptr);
  std::promise<void> open;
  std::promise<void> entered;
  Results r(4);
  writer.Submit(Blocker(open.get_future().share(), &entered), r.At(0));
  entered.get_future().wait();  // the writer holds batch 1
  writer.Submit(InsertThen(1, absl::OkStatus()), r.At(1));
  writer.Submit(InsertThen(2, absl::InvalidArgumentError("no")), r.At(2));
  writer.Submit(InsertThen(3, absl::OkStatus()), r.At(3));
  open.set_value();
  CHECK(r.futures[0].get().ok());
  CHECK(r.futures[1].get().ok());
  CHECK(r.futures[2].get().code() == absl::StatusCode::kInvalidArgument);
  CHECK(r.futures[3].get().ok());
  CHECK(writer.batches() == 2);

  sqlite::Connection& db = writer.connection();  // the writer is idle now
  CHECK(*db.QueryInt("SELECT count(*) FROM scratch") == 2);
  CHECK(*db.QueryInt("SELECT sum(x) FROM scratch") == 4);
  CHECK(*db.QueryText("SELECT group_concat(payload, ' ') FROM events ORDER BY seq") ==
        "{\"x\":1} {\"x\":3}");
  absl::StatusOr<VerifyResult> v = VerifyChain(db);
  REQUIRE(v.ok());
  CHECK(v->ok);
  CHECK(v->events_checked == 2);
}

// Counts its runs, then behaves as InsertThen.
Writer::Apply Counted(std::atomic<int>* runs, int x, absl::Status result) {
  Writer::Apply inner = InsertThen(x, std::move(result));
  return [runs, inner](WriteContext& ctx) {
    ++*runs;
    return inner(ctx);
  };
}

TEST_CASE("A batch runs once without savepoints, and again with them only when a write fails") {
  Writer writer(FreshDb(), 256, nullptr);
  std::atomic<int> runs[4] = {0, 0, 0, 0};
  std::promise<void> open;
  std::promise<void> entered;
  Results r(5);
  writer.Submit(Blocker(open.get_future().share(), &entered), r.At(0));
  entered.get_future().wait();
  writer.Submit(Counted(&runs[0], 1, absl::OkStatus()), r.At(1));
  writer.Submit(Counted(&runs[1], 2, absl::OkStatus()), r.At(2));
  open.set_value();
  CHECK(r.futures[1].get().ok());
  CHECK(r.futures[2].get().ok());
  CHECK(runs[0] == 1);  // no failure: each write ran once
  CHECK(runs[1] == 1);

  std::promise<void> open2;
  std::promise<void> entered2;
  Results r2(3);
  writer.Submit(Blocker(open2.get_future().share(), &entered2), r.At(3));
  entered2.get_future().wait();
  writer.Submit(Counted(&runs[2], 3, absl::OkStatus()), r2.At(0));
  writer.Submit(Counted(&runs[3], 4, absl::AbortedError("refused")), r2.At(1));
  writer.Submit(InsertThen(5, absl::OkStatus()), r2.At(2));
  open2.set_value();
  CHECK(r.futures[3].get().ok());
  CHECK(r2.futures[0].get().ok());
  CHECK(r2.futures[1].get().code() == absl::StatusCode::kAborted);
  CHECK(r2.futures[2].get().ok());
  CHECK(runs[2] == 2);  // rolled back with the batch, then run again under its savepoint
  CHECK(runs[3] == 2);

  sqlite::Connection& db = writer.connection();
  CHECK(*db.QueryText("SELECT group_concat(x, ' ') FROM (SELECT x FROM scratch ORDER BY rowid)") ==
        "1 2 3 5");
  CHECK(*db.QueryText("SELECT group_concat(payload, ' ') FROM events ORDER BY seq") ==
        "{\"x\":1} {\"x\":2} {\"x\":3} {\"x\":5}");
  absl::StatusOr<VerifyResult> v = VerifyChain(db);
  REQUIRE(v.ok());
  CHECK(v->ok);
  CHECK(v->events_checked == 4);
}

TEST_CASE("A failed COMMIT fails every write of the batch and reloads the chain head") {
  sqlite::Connection fresh = FreshDb();
  // A deferred foreign key is checked only at COMMIT.
  REQUIRE(fresh
              .Exec("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                    "CREATE TABLE child (p INTEGER REFERENCES parent(id) "
                    "DEFERRABLE INITIALLY DEFERRED);")
              .ok());
  Writer writer(std::move(fresh), 256, nullptr);
  std::promise<void> open;
  std::promise<void> entered;
  Results r(4);
  writer.Submit(Blocker(open.get_future().share(), &entered), r.At(0));
  entered.get_future().wait();
  writer.Submit(InsertThen(1, absl::OkStatus()), r.At(1));
  writer.Submit([](WriteContext& ctx) { return ctx.db.Exec("INSERT INTO child (p) VALUES (42)"); },
                r.At(2));
  open.set_value();
  CHECK(r.futures[0].get().ok());
  const absl::Status s1 = r.futures[1].get();
  const absl::Status s2 = r.futures[2].get();
  CHECK(s1.code() == absl::StatusCode::kFailedPrecondition);  // foreign key constraint
  CHECK(s2.code() == absl::StatusCode::kFailedPrecondition);

  writer.Submit(InsertThen(7, absl::OkStatus()), r.At(3));
  CHECK(r.futures[3].get().ok());
  sqlite::Connection& db = writer.connection();
  CHECK(*db.QueryInt("SELECT count(*) FROM scratch") == 1);
  CHECK(*db.QueryInt("SELECT count(*) FROM child") == 0);
  CHECK(*db.QueryInt("SELECT max(seq) FROM events") == 1);  // the lost event's seq is reused
  CHECK(VerifyChain(db)->ok);
}

TEST_CASE("The writer completes every queued write before it stops") {
  std::atomic<int> ok{0};
  {
    Writer writer(FreshDb(), 8, nullptr);
    for (int i = 0; i < 100; ++i) {
      writer.Submit(InsertThen(i, absl::OkStatus()), [&ok](absl::Status s) {
        if (s.ok()) ++ok;
      });
    }
  }
  CHECK(ok == 100);
}

TEST_CASE("Completions run off the writer thread, in order, before the commit listener") {
  Writer writer(FreshDb(), 8, nullptr);
  std::mutex mu;
  std::vector<std::string> order;
  std::promise<int64_t> heard;
  int listened = 0;
  writer.SetCommitListener([&](int64_t head) {
    std::lock_guard<std::mutex> lock(mu);
    order.push_back("listener");
    if (++listened == 2) heard.set_value(head);  // after the second batch
  });
  std::thread::id writer_thread;
  std::promise<void> entered;
  std::promise<void> release;
  writer.Submit(
      [&](WriteContext&) {
        writer_thread = std::this_thread::get_id();
        entered.set_value();
        release.get_future().wait();  // the next three queue up: one batch
        return absl::OkStatus();
      },
      [&](absl::Status s) {
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(s.ok() ? "first" : "first failed");
        if (std::this_thread::get_id() == writer_thread) order.push_back("on the writer thread");
      });
  entered.get_future().wait();
  for (int i = 0; i < 3; ++i) {
    writer.Submit(InsertThen(i, absl::OkStatus()), [&, i](absl::Status s) {
      std::lock_guard<std::mutex> lock(mu);
      order.push_back(Concat(s.ok() ? "ok " : "failed ", i));
    });
  }
  release.set_value();
  auto head = heard.get_future();
  REQUIRE(head.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(head.get() == 3);  // the three events
  std::lock_guard<std::mutex> lock(mu);
  CHECK(order == std::vector<std::string>{"first", "listener", "ok 0", "ok 1", "ok 2",
                                          "listener"});
}

TEST_CASE("Removing the commit listener waits for a call in progress") {
  Writer writer(FreshDb(), 8, nullptr);
  std::promise<void> in_call;
  std::atomic<bool> finished{false};
  std::atomic<int> calls{0};
  writer.SetCommitListener([&](int64_t) {
    if (calls++ > 0) return;
    in_call.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    finished = true;
  });
  writer.Submit(InsertThen(1, absl::OkStatus()), [](absl::Status) {});
  in_call.get_future().wait();
  writer.SetCommitListener({});  // what the listener points at may go right after this
  CHECK(finished);
  const int before = calls;
  std::promise<void> done;
  writer.Submit(InsertThen(2, absl::OkStatus()), [&](absl::Status) { done.set_value(); });
  done.get_future().wait();
  CHECK(calls == before);  // removed: not called again
}

TEST_CASE("A throwing write fails alone as INTERNAL") {
  Writer writer(FreshDb(), 8, nullptr);
  std::promise<absl::Status> p;
  writer.Submit([](WriteContext&) -> absl::Status { throw std::runtime_error("boom"); },
                [&p](absl::Status s) { p.set_value(s); });
  CHECK(p.get_future().get().code() == absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace hotline::storage
