// Bearer tokens: issue, authenticate, revoke, validation; only hashes are stored.
#include <catch2/catch.hpp>

#include "storage/crypto.h"
#include "tests/storage/test_util.h"

namespace hotline::storage {
namespace {

using testing::RawDb;
using testing::TempDb;

TEST_CASE("An issued token authenticates as its principal") {
  ManualClock clock(testing::kMarch2026);
  auto store = testing::OpenStore(":memory:", &clock);
  absl::StatusOr<std::string> token = store->IssueToken("operator", "anna", {}, "admin-1");
  REQUIRE(token.ok());
  CHECK(token->rfind("hl_", 0) == 0);
  CHECK(token->size() == 3 + 43);
  CHECK(token->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                                 3) == std::string::npos);

  absl::StatusOr<Principal> p = store->Authenticate(*token);
  REQUIRE(p.ok());
  CHECK(p->name == "anna");
  CHECK(p->role == "operator");
  CHECK(p->desks.empty());
  CHECK(p->created_ms == testing::kMarch2026);
  CHECK(p->token_id > 0);

  absl::StatusOr<std::string> other = store->IssueToken("operator", "anna", {}, "admin-1");
  REQUIRE(other.ok());
  CHECK(*other != *token);
  CHECK(*store->CountEvents() == 2);
  CHECK(store->VerifyAuditLog()->ok);
}

TEST_CASE("An agency token carries its desks") {
  auto store = testing::OpenStore(":memory:", nullptr);
  const std::vector<std::string> desks = {"police-110105", "edu \"x\" 110105"};
  absl::StatusOr<std::string> token = store->IssueToken("agency", "police-chaoyang", desks, "adm");
  REQUIRE(token.ok());
  absl::StatusOr<Principal> p = store->Authenticate(*token);
  REQUIRE(p.ok());
  CHECK(p->role == "agency");
  CHECK(p->desks == desks);
}

TEST_CASE("Revoking tokens takes effect at once") {
  auto store = testing::OpenStore(":memory:", nullptr);
  absl::StatusOr<std::string> t1 = store->IssueToken("supervisor", "sam", {}, "adm");
  absl::StatusOr<std::string> t2 = store->IssueToken("supervisor", "sam", {}, "adm");
  absl::StatusOr<std::string> t3 = store->IssueToken("auditor", "alex", {}, "adm");
  REQUIRE((t1.ok() && t2.ok() && t3.ok()));
  absl::StatusOr<Principal> sam = store->Authenticate(*t1);
  absl::StatusOr<Principal> alex = store->Authenticate(*t3);
  REQUIRE((sam.ok() && alex.ok()));
  CHECK(store->CheckTokenActive(sam->token_id).ok());

  absl::StatusOr<int> revoked = store->RevokeTokens("sam", "adm");
  REQUIRE(revoked.ok());
  CHECK(*revoked == 2);
  for (const std::string& t : {*t1, *t2}) {
    absl::StatusOr<Principal> p = store->Authenticate(t);
    CHECK(p.status().code() == absl::StatusCode::kUnauthenticated);
    CHECK(p.status().message() == "unknown or revoked token");
  }
  CHECK(store->Authenticate(*t3).ok());
  // What a long-lived call (a desk's stream) checks by token id.
  const absl::Status gone = store->CheckTokenActive(sam->token_id);
  CHECK(gone.code() == absl::StatusCode::kUnauthenticated);
  CHECK(gone.message() == "the token was revoked");
  CHECK(store->CheckTokenActive(alex->token_id).ok());
  CHECK(store->CheckTokenActive(12345).code() == absl::StatusCode::kUnauthenticated);
  CHECK(store->RevokeTokens("sam", "adm").status().code() == absl::StatusCode::kNotFound);
  CHECK(*store->CountEvents() == 4);
  CHECK(store->VerifyAuditLog()->ok);
}

TEST_CASE("Unknown tokens are UNAUTHENTICATED") {
  auto store = testing::OpenStore(":memory:", nullptr);
  CHECK(store->Authenticate("").status().code() == absl::StatusCode::kUnauthenticated);
  CHECK(store->Authenticate("hl_nope").status().code() == absl::StatusCode::kUnauthenticated);
}

TEST_CASE("IssueToken validates role, name and desks") {
  auto store = testing::OpenStore(":memory:", nullptr);
  const auto code = [&](std::string_view role, std::string_view name,
                        std::vector<std::string> desks) {
    return store->IssueToken(role, name, desks, "adm").status().code();
  };
  constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
  CHECK(code("root", "x", {}) == kInvalid);
  CHECK(code("", "x", {}) == kInvalid);
  CHECK(code("agency", "police", {}) == kInvalid);
  CHECK(code("agency", "police", {""}) == kInvalid);
  CHECK(code("operator", "anna", {"police-110105"}) == kInvalid);
  CHECK(code("operator", "", {}) == kInvalid);
  CHECK(code("operator", std::string(101, 'a'), {}) == kInvalid);
  CHECK(code("operator", "tab\there", {}) == kInvalid);
  CHECK(code("operator", std::string(100, 'a'), {}) == absl::StatusCode::kOk);
  CHECK(code("operator", "北京接线员", {}) == absl::StatusCode::kOk);
  CHECK(*store->CountEvents() == 2);
}

// A reviewer issued an agency token named like an existing operator, and operator tokens
// named "OP1", " op1" and "op1 ": the audit trail's actors became ambiguous.
TEST_CASE("IssueToken keeps one role per name, and names apart by more than case or spaces") {
  auto store = testing::OpenStore(":memory:", nullptr);
  REQUIRE(store->IssueToken("operator", "op1", {}, "adm").ok());
  REQUIRE(store->IssueToken("operator", "op1", {}, "adm").ok());  // a second token of op1
  const int64_t events = *store->CountEvents();
  const auto refused = [&](std::string_view role, std::string_view name,
                           std::vector<std::string> desks) {
    absl::StatusOr<std::string> t = store->IssueToken(role, name, desks, "adm");
    REQUIRE_FALSE(t.ok());
    return std::string(t.status().message());
  };
  CHECK(refused("agency", "op1", {"police-110105"}) ==
        "name \"op1\" belongs to an operator (a name keeps one role in the audit trail): choose "
        "another name");
  CHECK(refused("operator", "OP1", {}) ==
        "name \"OP1\" differs only in letter case from \"op1\", an operator: choose a name that "
        "reads differently");
  CHECK(refused("operator", " op1", {}) == "name must not begin or end with a space");
  CHECK(refused("operator", "op1 ", {}) == "name must not begin or end with a space");
  CHECK(*store->CountEvents() == events);
  // Revoked tokens still hold their name: the trail keeps their actions under it.
  REQUIRE(store->RevokeTokens("op1", "adm").ok());
  CHECK(refused("supervisor", "op1", {}) ==
        "name \"op1\" belongs to an operator (a name keeps one role in the audit trail): choose "
        "another name");
  CHECK(store->IssueToken("operator", "op2", {}, "adm").ok());
}

TEST_CASE("Only the token's SHA-256 is stored, and the event never carries the token") {
  TempDb db;
  std::string token;
  {
    auto store = testing::OpenStore(db.path(), nullptr);
    absl::StatusOr<std::string> t = store->IssueToken("agency", "pol", {"police-1"}, "adm");
    REQUIRE(t.ok());
    token = *t;
  }
  RawDb raw(db.path());
  CHECK(raw.QueryText("SELECT token_hash FROM tokens") == Sha256Hex(token));
  CHECK(raw.QueryInt("SELECT count(*) FROM tokens WHERE instr(name || role || desks || "
                     "token_hash, '" +
                     token.substr(3) + "') > 0") == 0);
  CHECK(raw.QueryText("SELECT type FROM events") == "token.issued");
  CHECK(raw.QueryText("SELECT payload FROM events") ==
        "{\"name\":\"pol\",\"role\":\"agency\",\"desks\":[\"police-1\"]}");
  CHECK(raw.QueryInt("SELECT count(*) FROM events WHERE case_id IS NULL") == 1);
}

}  // namespace
}  // namespace hotline::storage
