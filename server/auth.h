// Bearer-token authentication and role checks for every RPC. Thread-safe.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <grpcpp/server_context.h>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace hotline::server {

// ARCHITECTURE.md "Roles". Agencies are bound to desks (Principal::desks).
enum class Role { kOperator, kAgency, kSupervisor, kAdmin, kAuditor };

std::optional<Role> ParseRole(std::string_view name);
std::string_view RoleName(Role role);

struct Caller {
  storage::Principal principal;
  Role role = Role::kOperator;
};

class RateLimiter;

class Authenticator {
 public:
  // `limiter` (may be null: no limit) is consulted after the role check; not owned.
  explicit Authenticator(storage::Store* store, RateLimiter* limiter = nullptr)
      : store_(store), limiter_(limiter) {}

  // Reads "authorization: Bearer <token>" from the call's metadata and checks the role.
  // UNAUTHENTICATED for a missing, malformed, unknown or revoked token; PERMISSION_DENIED
  // (naming the rpc and the caller's role) when the role is not in `allowed`;
  // RESOURCE_EXHAUSTED when the principal exceeds its call rate.
  absl::StatusOr<Caller> Check(const grpc::ServerContextBase& context,
                               std::initializer_list<Role> allowed, std::string_view rpc) const;

 private:
  storage::Store* store_;  // not owned
  RateLimiter* limiter_;   // not owned; null: no limit
};

}  // namespace hotline::server
