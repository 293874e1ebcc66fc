// hotlined: the hotline server, and its offline token administration.
//   hotlined [--config FILE] [--listen ADDR] [--db PATH]
//   hotlined token issue  [--config FILE] [--db PATH] --role ROLE --name NAME [--desk ID]...
//   hotlined token revoke [--config FILE] [--db PATH] --name NAME
#include <csignal>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "router/loader.h"
#include "server/config.h"
#include "server/hotline_server.h"
#include "storage/store.h"

namespace {

using hotline::server::ServerConfig;

struct Flags {
  std::string config_path;
  std::string listen;
  std::string db;
  std::string role;
  std::string name;
  std::vector<std::string> desks;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "hotlined: %s\n", message.c_str());
  return 1;
}

absl::StatusOr<ServerConfig> ResolveConfig(const Flags& flags) {
  ServerConfig config;
  if (!flags.config_path.empty()) {
    auto loaded = hotline::server::LoadServerConfig(flags.config_path);
    if (!loaded.ok()) return loaded.status();
    config = *loaded;
  }
  if (!flags.listen.empty()) config.listen = flags.listen;
  if (!flags.db.empty()) config.db_path = flags.db;
  return config;
}

int Serve(const ServerConfig& config) {
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  auto server = hotline::server::HotlineServer::Start(config);
  if (!server.ok()) return Fail(std::string(server.status().message()));
  // Signals are handled from here on, before readiness is announced, so a SIGTERM sent
  // right after the line below still shuts down gracefully.
  asio::io_context io;
  asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  // The one line scripts wait for; port 0 in the config picks a free port.
  const std::string host = config.listen.substr(0, config.listen.rfind(':'));
  std::printf("hotlined: serving on %s:%d\n", host.c_str(), (*server)->port());
  std::fflush(stdout);

  std::function<void(const asio::error_code&, int)> on_signal =
      [&](const asio::error_code& error, int signal) {
        if (error) return;
        if (signal == SIGHUP) {
          if (absl::Status s = (*server)->ReloadRoutingTable(); !s.ok()) {
            spdlog::error("routing table reload refused; the previous table stays in force:\n{}",
                          std::string(s.message()));
          }
          signals.async_wait(on_signal);
          return;
        }
        spdlog::info("signal {}: shutting down", signal);
        (*server)->Shutdown(std::chrono::seconds(config.shutdown_grace_seconds));
        io.stop();
      };
  signals.async_wait(on_signal);
  io.run();
  spdlog::info("stopped");
  return 0;
}

absl::StatusOr<std::unique_ptr<hotline::storage::Store>> OpenStore(const ServerConfig& config) {
  hotline::storage::StoreOptions options;
  options.path = config.db_path;
  return hotline::storage::Store::Open(options);
}

int IssueToken(const ServerConfig& config, const Flags& flags) {
  // Desks must exist in the routing table in force.
  if (!flags.desks.empty()) {
    auto table = hotline::router::LoadRoutingTableFile(config.routing_table);
    if (!table.ok()) return Fail(std::string(table.status().message()));
    for (const std::string& desk : flags.desks) {
      if ((*table)->FindDesk(desk) == nullptr) {
        return Fail("--desk: unknown desk '" + desk + "' (not in " + config.routing_table + ")");
      }
    }
  }
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(std::string(store.status().message()));
  auto token = (*store)->IssueToken(flags.role, flags.name, flags.desks, "hotlined-cli");
  if (!token.ok()) return Fail(std::string(token.status().message()));
  std::printf("%s\n", token->c_str());
  return 0;
}

int RevokeToken(const ServerConfig& config, const Flags& flags) {
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(std::string(store.status().message()));
  auto count = (*store)->RevokeTokens(flags.name, "hotlined-cli");
  if (!count.ok()) return Fail(std::string(count.status().message()));
  std::fprintf(stderr, "hotlined: revoked %d token(s) of %s\n", *count, flags.name.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("hotlined"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  Flags flags;
  CLI::App app{"hotlined: the minors' protection hotline server"};
  app.add_option("--config", flags.config_path, "Configuration file (TOML)");
  app.add_option("--listen", flags.listen, "Listen address host:port (overrides the config)");
  app.add_option("--db", flags.db, "Database file (overrides the config)");
  app.require_subcommand(0, 1);

  CLI::App* token = app.add_subcommand("token", "Issue or revoke bearer tokens");
  token->require_subcommand(1);
  CLI::App* issue = token->add_subcommand("issue", "Issue a token; prints it and nothing else");
  issue->add_option("--role", flags.role, "operator, agency, supervisor, admin or auditor")
      ->required();
  issue->add_option("--name", flags.name, "Principal name (a person or an agency)")->required();
  issue->add_option("--desk", flags.desks, "Desk id an agency token acts for (repeatable)");
  CLI::App* revoke = token->add_subcommand("revoke", "Revoke every token of a principal");
  revoke->add_option("--name", flags.name, "Principal name")->required();
  for (CLI::App* sub : {issue, revoke}) {
    sub->add_option("--config", flags.config_path, "Configuration file (TOML)");
    sub->add_option("--db", flags.db, "Database file (overrides the config)");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  auto config = ResolveConfig(flags);
  if (!config.ok()) return Fail(std::string(config.status().message()));
  try {
    if (issue->parsed()) return IssueToken(*config, flags);
    if (revoke->parsed()) return RevokeToken(*config, flags);
    return Serve(*config);
  } catch (const std::exception& e) {
    return Fail(std::string("unexpected error: ") + e.what());
  }
}
