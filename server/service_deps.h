// What the gRPC services share. Everything is owned by HotlineServer and outlives them.
#pragma once

#include "server/auth.h"
#include "server/routing_admin.h"
#include "server/routing_snapshot.h"
#include "storage/store.h"

namespace hotline::server {

struct ServiceDeps {
  storage::Store* store = nullptr;
  const Authenticator* auth = nullptr;
  RoutingSnapshot* routing = nullptr;
  RoutingAdmin* tables = nullptr;
};

}  // namespace hotline::server
