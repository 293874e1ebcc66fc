#include "server/auth.h"

#include <array>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "absl/status/status.h"
#include "server/limits.h"

namespace hotline::server {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 5> kRoleNames = {{
    {Role::kOperator, "operator"},
    {Role::kAgency, "agency"},
    {Role::kSupervisor, "supervisor"},
    {Role::kAdmin, "admin"},
    {Role::kAuditor, "auditor"},
}};

}  // namespace

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& [role, role_name] : kRoleNames) {
    if (role_name == name) return role;
  }
  return std::nullopt;
}

std::string_view RoleName(Role role) {
  for (const auto& [r, role_name] : kRoleNames) {
    if (r == role) return role_name;
  }
  return "unknown";
}

absl::StatusOr<Caller> Authenticator::Check(const grpc::ServerContextBase& context,
                                            std::initializer_list<Role> allowed,
                                            std::string_view rpc) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    spdlog::info("{}: refused: no authorization metadata", rpc);
    return absl::UnauthenticatedError(
        "missing credentials: send metadata \"authorization: Bearer <token>\"");
  }
  std::string_view value(it->second.data(), it->second.size());
  constexpr std::string_view kBearer = "Bearer ";
  if (value.substr(0, kBearer.size()) != kBearer || value.size() == kBearer.size()) {
    spdlog::info("{}: refused: malformed authorization metadata", rpc);
    return absl::UnauthenticatedError("malformed authorization: expected \"Bearer <token>\"");
  }
  absl::StatusOr<storage::Principal> principal = store_->Authenticate(value.substr(kBearer.size()));
  if (!principal.ok()) {
    spdlog::info("{}: refused: {}", rpc, std::string(principal.status().message()));
    if (principal.status().code() == absl::StatusCode::kUnauthenticated) {
      return principal.status();
    }
    return absl::UnavailableError(
        fmt::format("cannot check credentials now: {}", std::string(principal.status().message())));
  }
  std::optional<Role> role = ParseRole(principal->role);
  if (!role) return absl::InternalError("token has an unknown role");
  for (Role r : allowed) {
    if (r != *role) continue;
    if (limiter_ != nullptr) {
      if (absl::Status s = limiter_->Allow(principal->name); !s.ok()) {
        spdlog::info("{}: refused: principal '{}' over its rate limit", rpc, principal->name);
        return s;
      }
    }
    return Caller{*std::move(principal), *role};
  }
  spdlog::info("{}: refused: principal '{}' has role {}", rpc, principal->name, principal->role);
  return absl::PermissionDeniedError(
      fmt::format("{} is not allowed for role {}", rpc, principal->role));
}

}  // namespace hotline::server
