// Group commit through the Store: duplicates and failures inside one batch, concurrency,
// reopening a file database, asynchronous completion.
#include <catch2/catch.hpp>
#include <future>
#include <set>
#include <thread>

#include "tests/storage/test_util.h"

namespace hotline::storage {
namespace {

using testing::GateClock;
using testing::kMarch2026;
using testing::SampleReport;
using testing::TempDb;

using Result = absl::StatusOr<CaseRecord>;

// Queues `c` asynchronously; the future gets the result.
std::future<Result> Async(Store& store, NewCase c) {
  auto promise = std::make_shared<std::promise<Result>>();
  std::future<Result> future = promise->get_future();
  store.CreateCaseAsync(std::move(c), [promise](Result r) { promise->set_value(std::move(r)); });
  return future;
}

int64_t CountCases(Store& store) {
  absl::StatusOr<CasePage> page = store.ListCases({}, 1000, 0);
  REQUIRE(page.ok());
  return static_cast<int64_t>(page->cases.size());
}

TEST_CASE("The same request_id twice in one batch, from two threads, makes one case") {
  GateClock clock(kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock);
  clock.Arm();
  std::future<Result> blocker = Async(*store, SampleReport("blocker"));
  clock.WaitUntilHeld();  // the writer is inside batch 1: the next writes share batch 2

  std::future<Result> a, b;
  std::thread t1([&] { a = Async(*store, SampleReport("dup")); });
  std::thread t2([&] { b = Async(*store, SampleReport("dup")); });
  t1.join();
  t2.join();
  NewCase other = SampleReport("dup2");
  std::future<Result> c = Async(*store, other);
  other.request_fingerprint = "different";
  std::future<Result> d = Async(*store, other);
  clock.Release();

  REQUIRE(blocker.get().ok());
  const Result ra = a.get();
  const Result rb = b.get();
  REQUIRE(ra.ok());
  REQUIRE(rb.ok());
  CHECK(ra->case_number == rb->case_number);
  CHECK(ra->replayed != rb->replayed);  // exactly one replay
  CHECK(c.get().ok());
  const Result rd = d.get();
  CHECK(rd.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(CountCases(*store) == 3);
  CHECK(*store->CountEvents() == 3 * 4);
  CHECK(store->VerifyAuditLog()->ok);
}

TEST_CASE("A write failing mid-way in a batch rolls back alone, the others commit") {
  TempDb db;
  GateClock clock(kMarch2026);
  auto store = testing::OpenStore(db.path(), &clock);
  {
    // Makes any assignment to desk "explode" fail after the case row and two events exist.
    testing::RawDb raw(db.path());
    REQUIRE(raw.Exec("CREATE TRIGGER test_explode BEFORE INSERT ON assignments "
                     "WHEN NEW.desk_id = 'explode' BEGIN SELECT RAISE(ABORT, 'boom'); END;") ==
            SQLITE_OK);
  }
  clock.Arm();
  std::future<Result> blocker = Async(*store, SampleReport("blocker"));
  clock.WaitUntilHeld();
  std::future<Result> ok1 = Async(*store, SampleReport("ok1"));
  std::future<Result> bad = Async(*store, SampleReport("bad", {"police-1", "explode"}));
  std::future<Result> ok2 = Async(*store, SampleReport("ok2"));
  clock.Release();

  REQUIRE(blocker.get().ok());
  const Result r1 = ok1.get();
  const Result rbad = bad.get();
  const Result r2 = ok2.get();
  REQUIRE(r1.ok());
  REQUIRE(r2.ok());
  CHECK(rbad.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(r1->case_number == "HL-2026-000002");
  CHECK(r2->case_number == "HL-2026-000003");  // the failed write's number was rolled back
  CHECK(CountCases(*store) == 3);
  CHECK(*store->CountEvents() == 3 * 4);
  absl::StatusOr<VerifyResult> v = store->VerifyAuditLog();
  REQUIRE(v.ok());
  CHECK(v->ok);
  CHECK(v->events_checked == 12);
  absl::StatusOr<std::vector<EventRecord>> h2 = store->GetCaseHistory("HL-2026-000003");
  REQUIRE(h2.ok());
  CHECK(h2->front().seq == 9);
}

TEST_CASE("16 threads x 50 concurrent CreateCase on a file database") {
  TempDb db;
  auto store = testing::OpenStore(db.path(), nullptr);
  constexpr int kThreads = 16;
  constexpr int kPerThread = 50;
  std::vector<std::vector<std::string>> numbers(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Result r = store->CreateCase(
            SampleReport("t" + std::to_string(t) + "-" + std::to_string(i), {"police-1"}));
        if (r.ok()) {
          numbers[t].push_back(r->case_number);
        } else {
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(failures == 0);
  std::set<std::string> distinct;
  for (const auto& v : numbers) distinct.insert(v.begin(), v.end());
  CHECK(distinct.size() == kThreads * kPerThread);
  CHECK(CountCases(*store) == kThreads * kPerThread);
  absl::StatusOr<VerifyResult> v = store->VerifyAuditLog();
  REQUIRE(v.ok());
  CHECK(v->ok);
  CHECK(v->events_checked == kThreads * kPerThread * 3);
}

TEST_CASE("Reopening a file database continues the chain and the numbering") {
  TempDb db;
  ManualClock clock(kMarch2026);
  std::string head;
  {
    auto store = testing::OpenStore(db.path(), &clock);
    for (int i = 0; i < 3; ++i)
      REQUIRE(store->CreateCase(SampleReport("a" + std::to_string(i))).ok());
    head = store->VerifyAuditLog()->head_hash;
  }
  auto store = testing::OpenStore(db.path(), &clock);
  CHECK(store->GetCase("HL-2026-000003").ok());
  CHECK(store->CreateCase(SampleReport("a0"))->replayed);  // idempotency survives a restart
  Result next = store->CreateCase(SampleReport("b"));
  REQUIRE(next.ok());
  CHECK(next->case_number == "HL-2026-000004");
  absl::StatusOr<std::vector<EventRecord>> h = store->GetCaseHistory("HL-2026-000004");
  REQUIRE(h.ok());
  CHECK(h->front().seq == 13);
  CHECK(h->front().prev_hash == head);
  absl::StatusOr<VerifyResult> v = store->VerifyAuditLog();
  REQUIRE(v.ok());
  CHECK(v->ok);
  CHECK(v->events_checked == 16);
}

TEST_CASE("CreateCaseAsync completes on the writer thread after the commit") {
  TempDb db;
  auto store = testing::OpenStore(db.path(), nullptr);
  std::promise<std::pair<std::thread::id, bool>> seen;
  Store* raw_store = store.get();
  store->CreateCaseAsync(SampleReport("async"), [&](Result r) {
    // A read from the callback already sees the committed case.
    const bool visible = r.ok() && raw_store->GetCase(r->case_number).ok();
    seen.set_value({std::this_thread::get_id(), visible});
  });
  const auto [thread, visible] = seen.get_future().get();
  CHECK(thread != std::this_thread::get_id());
  CHECK(visible);

  std::promise<std::pair<std::thread::id, absl::Status>> invalid;
  NewCase bad = SampleReport("x");
  bad.kind = "other";
  store->CreateCaseAsync(bad, [&](Result r) {
    invalid.set_value({std::this_thread::get_id(), r.status()});
  });
  const auto [invalid_thread, status] = invalid.get_future().get();
  CHECK(invalid_thread == thread);  // the writer thread, even for a rejected case
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("Destroying the store completes queued asynchronous writes") {
  std::vector<std::future<Result>> futures;
  {
    auto store = testing::OpenStore(":memory:", nullptr);
    for (int i = 0; i < 50; ++i) futures.push_back(Async(*store, SampleReport(std::to_string(i))));
  }
  int ok = 0;
  for (auto& f : futures) ok += f.get().ok() ? 1 : 0;
  CHECK(ok == 50);
}

TEST_CASE("A write held up by another process's lock fails UNAVAILABLE after the timeout") {
  TempDb db;
  StoreOptions options;
  options.path = db.path();
  options.busy_timeout_ms = 100;
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(options);
  REQUIRE(store.ok());
  testing::RawDb raw(db.path());
  REQUIRE(raw.Exec("BEGIN IMMEDIATE") == SQLITE_OK);
  Result r = (*store)->CreateCase(SampleReport("locked"));
  CHECK(r.status().code() == absl::StatusCode::kUnavailable);
  CHECK_THAT(std::string(r.status().message()), Catch::Contains("database is locked"));
  REQUIRE(raw.Exec("COMMIT") == SQLITE_OK);
  CHECK((*store)->CreateCase(SampleReport("locked")).ok());
  CHECK((*store)->VerifyAuditLog()->ok);
}

}  // namespace
}  // namespace hotline::storage
