// Store's principals: bearer tokens (only their SHA-256 is stored) and who they belong to.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "storage/crypto.h"
#include "storage/event_log.h"
#include "storage/json.h"
#include "storage/store.h"
#include "storage/store_impl.h"
#include "storage/str_util.h"

namespace hotline::storage {
namespace {

constexpr std::array<std::string_view, 5> kRoles = {"operator", "agency", "supervisor", "admin",
                                                    "auditor"};
constexpr int kMaxNameChars = 100;
constexpr int kTokenBytes = 32;

// UTF-8 code points in `s` (continuation bytes are not counted).
int CountChars(std::string_view s) {
  return static_cast<int>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

absl::Status ValidatePrincipal(std::string_view role, std::string_view name,
                               const std::vector<std::string>& desks) {
  if (std::find(kRoles.begin(), kRoles.end(), role) == kRoles.end()) {
    return absl::InvalidArgumentError(
        Concat("unknown role \"", role, "\" (operator, agency, supervisor, admin or auditor)"));
  }
  const int chars = CountChars(name);
  if (chars < 1 || chars > kMaxNameChars || HasControl(name)) {
    return absl::InvalidArgumentError("name must be 1-100 characters without control characters");
  }
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  if (space(name.front()) || space(name.back())) {
    return absl::InvalidArgumentError("name must not begin or end with a space");
  }
  if (role == "agency") {
    if (desks.empty()) return absl::InvalidArgumentError("an agency token needs at least one desk");
    for (const std::string& d : desks) {
      if (d.empty() || HasControl(d)) return absl::InvalidArgumentError("invalid desk id");
    }
  } else if (!desks.empty()) {
    return absl::InvalidArgumentError(Concat("a ", role, " token has no desks"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> Store::IssueToken(std::string_view role, std::string_view name,
                                              const std::vector<std::string>& desks,
                                              std::string_view actor) {
  if (absl::Status s = ValidatePrincipal(role, name, desks); !s.ok()) return s;
  if (actor.empty()) return absl::InvalidArgumentError("actor is required");
  absl::StatusOr<std::string> random = RandomBytes(kTokenBytes);
  if (!random.ok()) return random.status();
  const std::string token = "hl_" + Base64Url(*random);
  const std::string token_hash = Sha256Hex(token);
  const Clock* clock = impl_->clock;
  absl::StatusOr<bool> written =
      impl_->Write<bool>([&, clock](WriteContext& ctx) -> absl::StatusOr<bool> {
        // A name is one identity in the audit trail: it keeps its role, and a name that
        // differs from another only in letter case would read as the same actor.
        absl::StatusOr<sqlite::Statement> same = ctx.db.Prepare(
            "SELECT name, role FROM tokens WHERE lower(name) = lower(?1) AND (name != ?1 OR "
            "role != ?2) LIMIT 1");
        if (!same.ok()) return same.status();
        same->BindText(1, name).BindText(2, role);
        absl::StatusOr<bool> clash = same->Step();
        if (!clash.ok()) return clash.status();
        if (*clash) {
          const std::string other = same->Text(0);
          const std::string other_role = same->Text(1);
          const std::string a_role = Concat(
              std::string_view("aeiou").find(other_role.front()) == std::string_view::npos ? "a "
                                                                                           : "an ",
              other_role);
          if (other != name) {
            return absl::FailedPreconditionError(
                Concat("name \"", name, "\" differs only in letter case from \"", other, "\", ",
                       a_role, ": choose a name that reads differently"));
          }
          return absl::FailedPreconditionError(
              Concat("name \"", name, "\" belongs to ", a_role,
                     " (a name keeps one role in the audit trail): choose another name"));
        }
        const int64_t now = clock->NowMillis();
        absl::StatusOr<sqlite::Statement> stmt = ctx.db.Prepare(
            "INSERT INTO tokens (name, role, desks, token_hash, created_ms) "
            "VALUES (?1, ?2, ?3, ?4, ?5)");
        if (!stmt.ok()) return stmt.status();
        stmt->BindText(1, name).BindText(2, role).BindText(3, JsonStringArray(desks));
        stmt->BindText(4, token_hash).BindInt(5, now);
        if (absl::Status s = stmt->Run(); !s.ok()) return s;
        std::string payload =
            JsonObject().Add("name", name).Add("role", role).Add("desks", desks).Finish();
        absl::StatusOr<EventRecord> e = AppendEvent(
            ctx.db, ctx.head, SystemEvent(actor, now, "token.issued", std::move(payload)));
        if (!e.ok()) return e.status();
        return true;
      });
  if (!written.ok()) return written.status();
  return token;
}

absl::StatusOr<int> Store::RevokeTokens(std::string_view name, std::string_view actor) {
  if (actor.empty()) return absl::InvalidArgumentError("actor is required");
  const Clock* clock = impl_->clock;
  return impl_->Write<int>([&, clock](WriteContext& ctx) -> absl::StatusOr<int> {
    const int64_t now = clock->NowMillis();
    absl::StatusOr<sqlite::Statement> stmt =
        ctx.db.Prepare("UPDATE tokens SET revoked_ms = ?2 WHERE name = ?1 AND revoked_ms IS NULL");
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, name).BindInt(2, now);
    if (absl::Status s = stmt->Run(); !s.ok()) return s;
    const int count = ctx.db.Changes();
    if (count == 0) {
      return absl::NotFoundError(Concat("no active token for \"", name, "\""));
    }
    std::string payload = JsonObject().Add("name", name).Add("count", int64_t{count}).Finish();
    absl::StatusOr<EventRecord> e =
        AppendEvent(ctx.db, ctx.head, SystemEvent(actor, now, "token.revoked", std::move(payload)));
    if (!e.ok()) return e.status();
    return count;
  });
}

absl::StatusOr<Principal> Store::Authenticate(std::string_view token) {
  const absl::Status unknown = absl::UnauthenticatedError("unknown or revoked token");
  if (token.empty()) return unknown;
  const std::string token_hash = Sha256Hex(token);
  return impl_->Read([&](sqlite::Connection& db) -> absl::StatusOr<Principal> {
    absl::StatusOr<sqlite::Statement> stmt = db.Prepare(
        "SELECT id, name, role, desks, created_ms FROM tokens "
        "WHERE token_hash = ?1 AND revoked_ms IS NULL");
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, token_hash);
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return unknown;
    Principal p;
    p.token_id = stmt->Int(0);
    p.name = stmt->Text(1);
    p.role = stmt->Text(2);
    absl::StatusOr<std::vector<std::string>> desks = ParseJsonStringArray(stmt->Text(3));
    if (!desks.ok()) return desks.status();
    p.desks = *std::move(desks);
    p.created_ms = stmt->Int(4);
    return p;
  });
}

absl::Status Store::CheckTokenActive(int64_t token_id) {
  return impl_->Read([&](sqlite::Connection& db) -> absl::Status {
    absl::StatusOr<sqlite::Statement> stmt =
        db.Prepare("SELECT 1 FROM tokens WHERE id = ?1 AND revoked_ms IS NULL");
    if (!stmt.ok()) return stmt.status();
    stmt->BindInt(1, token_id);
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::UnauthenticatedError("the token was revoked");
    return absl::OkStatus();
  });
}

}  // namespace hotline::storage
