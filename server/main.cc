// hotlined: the hotline server, and its offline token administration.
//   hotlined [--config FILE] [--listen ADDR] [--db PATH]
//   hotlined token issue  [--config FILE] [--db PATH] --role ROLE --name NAME [--desk ID]...
//   hotlined token revoke [--config FILE] [--db PATH] --name NAME
//   hotlined backup  [--config FILE] [--db PATH] --to FILE
//   hotlined restore [--config FILE] [--db PATH] --from FILE [--force]
//   hotlined purge   [--config FILE] [--db PATH] [--days N]
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "router/loader.h"
#include "server/config.h"
#include "server/hotline_server.h"
#include "server/retention.h"
#include "storage/backup.h"
#include "storage/db_lock.h"
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
  std::string backup_to;
  std::string restore_from;
  bool force = false;
  int days = -1;
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

// SQLite memory-maps "<db>-shm", the WAL index every connection reads and writes. When the
// kernel refuses a write to that mapping — the file made immutable, the file system remounted
// read-only after an error, a failing disk — it sends SIGBUS, which no SQLite call can turn
// into an error. The process cannot continue safely (SQLite's locks and the index are mid-update),
// so it still dies, but first says why and what is safe: every report was committed before it
// was acknowledged, so nothing acknowledged is lost. Async-signal-safe: one write(2) of a
// message built before the signal, then the default action.
char fatal_message[1024];
size_t fatal_message_length = 0;

void OnFatalBusError(int signal) {
  ssize_t ignored = ::write(STDERR_FILENO, fatal_message, fatal_message_length);
  (void)ignored;
  std::signal(signal, SIG_DFL);  // returning re-runs the faulting access: the default action
}

void ExplainBusErrors(const std::string& db_path) {
  const int n = std::snprintf(
      fatal_message, sizeof fatal_message,
      "hotlined: fatal: SIGBUS: the kernel refused access to a memory-mapped database file "
      "(%s-shm, SQLite's WAL index): the file was made immutable, the file system went "
      "read-only or full, or the disk is failing. Every acknowledged report was committed "
      "before it was acknowledged and is safe. Make the file system writable again, then "
      "start hotlined again.\n",
      db_path.c_str());
  fatal_message_length = n < 0 ? 0 : std::min(static_cast<size_t>(n), sizeof fatal_message - 1);
  struct sigaction action {};
  action.sa_handler = OnFatalBusError;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGBUS, &action, nullptr);
}

// Blocks SIGHUP in the calling thread (and the threads it starts), or unblocks it: a signal
// sent while blocked waits and is delivered on unblocking.
void HoldHangups(bool hold) {
  sigset_t hup;
  sigemptyset(&hup);
  sigaddset(&hup, SIGHUP);
  pthread_sigmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &hup, nullptr);
}

// File descriptors: one per connection, besides the database's. gRPC 1.51 stops accepting
// connections for good once accept() fails with EMFILE (review finding: 1,100 idle
// connections under the common soft limit of 1,024 left the server alive and deaf until
// restarted). So the soft limit is raised to the hard one, and a low limit is a warning;
// under 64, too few for the database and gRPC's own (gRPC aborted at 20, and at 24 its
// failure read as "address in use"), the server does not start. Returns that refusal, or "".
std::string RaiseFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return "";
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= 4096) return "";
  const auto n = static_cast<uint64_t>(limit.rlim_cur);
  if (n < 64) {
    return fmt::format(
        "only {} file descriptors (RLIMIT_NOFILE): hotlined needs at least 64, and one more "
        "per connection; raise the limit (ulimit -n, or LimitNOFILE= under systemd)",
        n);
  }
  spdlog::warn(
      "only {} file descriptors (RLIMIT_NOFILE): each connection takes one, and once they run "
      "out no new connection is accepted until hotlined is restarted; raise the limit (ulimit "
      "-n, or LimitNOFILE= under systemd)",
      n);
  return "";
}

int Serve(const ServerConfig& config) {
  ExplainBusErrors(config.db_path);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  if (const std::string refused = RaiseFileLimit(); !refused.empty()) return Fail(refused);
  std::error_code ec;
  const bool fresh = !std::filesystem::exists(config.db_path, ec);
  // A new database imports the routing table: one that does not load is refused before the
  // database is created, so a mistyped path leaves no empty database behind.
  if (fresh) {
    if (auto table = hotline::router::LoadRoutingTableFile(config.routing_table); !table.ok()) {
      return Fail(std::string(table.status().message()));
    }
  }
  // Held until the process ends: a second server on this database is refused (db_lock.h).
  auto lock = hotline::storage::DatabaseLock::Acquire(
      config.db_path, hotline::storage::DatabaseLock::IfMissing::kCreate, "stop it first");
  if (!lock.ok()) return Fail(std::string(lock.status().message()));
  // A mistyped db_path would otherwise start an empty hotline beside the real one, silently.
  if (fresh) spdlog::warn("no database at {}: created a new, empty one", config.db_path);
  auto server = hotline::server::HotlineServer::Start(config);
  if (!server.ok()) return Fail(std::string(server.status().message()));
  // Signals are handled from here on, before readiness is announced, so a SIGTERM sent
  // right after the line below still shuts down gracefully.
  asio::io_context io;
  asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  // SIGHUP was blocked from the start of main() (its default action ends the process); one
  // sent meanwhile is delivered now, to the handler, and re-reads the routing table.
  HoldHangups(false);
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

  // Now and every hour: the audit chain's head goes to the log (an anchor for auditors), and
  // retention runs (nothing when retention_days is 0).
  asio::steady_timer hourly(io);
  std::function<void()> run_hourly = [&] {
    (*server)->LogChainHead();
    if (config.retention_days > 0) {
      if (absl::StatusOr<int> n = (*server)->RunRetention(); !n.ok()) {
        spdlog::error("retention failed: {}", std::string(n.status().message()));
      }
    }
    hourly.expires_after(std::chrono::hours(1));
    hourly.async_wait([&](const asio::error_code& error) {
      if (!error) run_hourly();
    });
  };
  run_hourly();
  io.run();
  spdlog::info("stopped");
  return 0;
}

enum class IfMissing { kCreate, kFail };

// `token issue` may create the database (set-up issues tokens before the first start); the
// other commands act on an existing one, and a mistyped --db must not create an empty
// database and report success on it ("purged 0 cases").
absl::StatusOr<std::unique_ptr<hotline::storage::Store>> OpenStore(const ServerConfig& config,
                                                                   IfMissing if_missing) {
  std::error_code ec;
  if (if_missing == IfMissing::kFail && !std::filesystem::exists(config.db_path, ec)) {
    return absl::NotFoundError("database '" + config.db_path +
                               "' does not exist (check --db, or db in the config)");
  }
  hotline::storage::StoreOptions options;
  options.path = config.db_path;
  return hotline::storage::Store::Open(options);
}

int IssueToken(const ServerConfig& config, const Flags& flags) {
  std::error_code ec;
  const bool fresh = !std::filesystem::exists(config.db_path, ec);
  auto store = OpenStore(config, IfMissing::kCreate);
  if (!store.ok()) return Fail(std::string(store.status().message()));
  // Set-up issues the first tokens before the first start; a mistyped --db must show too.
  if (fresh)
    std::fprintf(stderr, "hotlined: created a new database at %s\n", config.db_path.c_str());
  // Desks must exist in the routing table in force: the latest stored version, else (a
  // database the server never ran on) the configured file.
  if (!flags.desks.empty()) {
    std::string source = config.routing_table;
    absl::StatusOr<std::shared_ptr<const hotline::router::RoutingTable>> table;
    if (auto stored = (*store)->GetRoutingTable(0); stored.ok()) {
      source = "routing table version " + std::to_string(stored->version);
      table = hotline::router::ParseRoutingTable(stored->text, source);
    } else {
      table = hotline::router::LoadRoutingTableFile(config.routing_table);
    }
    if (!table.ok()) return Fail(std::string(table.status().message()));
    for (const std::string& desk : flags.desks) {
      if ((*table)->FindDesk(desk) == nullptr) {
        return Fail("--desk: unknown desk '" + desk + "' (not in " + source + ")");
      }
    }
  }
  auto token = (*store)->IssueToken(flags.role, flags.name, flags.desks, "hotlined-cli");
  if (!token.ok()) return Fail(std::string(token.status().message()));
  std::printf("%s\n", token->c_str());
  return 0;
}

int Backup(const ServerConfig& config, const Flags& flags) {
  auto report = hotline::storage::BackupDatabase(config.db_path, flags.backup_to);
  if (!report.ok()) return Fail("backup failed: " + std::string(report.status().message()));
  std::printf("backup %s: %lld cases, %lld events verified, chain head %s, %lld bytes\n",
              flags.backup_to.c_str(), static_cast<long long>(report->cases),
              static_cast<long long>(report->events), report->head_hash.c_str(),
              static_cast<long long>(report->bytes));
  return 0;
}

int Restore(const ServerConfig& config, const Flags& flags) {
  auto report = hotline::storage::RestoreDatabase(flags.restore_from, config.db_path, flags.force);
  if (!report.ok()) return Fail("restore failed: " + std::string(report.status().message()));
  std::printf("restored %s into %s: %lld cases, %lld events verified, chain head %s\n",
              flags.restore_from.c_str(), config.db_path.c_str(),
              static_cast<long long>(report->cases), static_cast<long long>(report->events),
              report->head_hash.c_str());
  std::printf("recorded as audit event %lld (database.restored)\n",
              static_cast<long long>(report->restore_event_seq));
  if (report->replaced_kept_as.empty()) return 0;
  std::printf("the database it replaced is kept as %s (delete it when no longer needed)\n",
              report->replaced_kept_as.c_str());
  if (!report->replaced_readable) {
    std::fprintf(stderr,
                 "hotlined: warning: the replaced database could not be read: case numbers it "
                 "issued after the backup was taken may be issued again to other reports, and "
                 "tokens it revoked after the backup work again: revoke them again (hotlined "
                 "token revoke)\n");
  }
  const hotline::storage::RestoreOutcome& outcome = report->restore;
  for (const std::string& numbers : outcome.case_numbers_not_restored) {
    std::fprintf(stderr,
                 "hotlined: warning: case(s) %s are in the replaced database, not in the backup: "
                 "enter them again from %s (their numbers will not be issued again)\n",
                 numbers.c_str(), report->replaced_kept_as.c_str());
  }
  if (!outcome.cases_changed_after_backup.empty()) {
    std::string cases;
    for (size_t i = 0; i < outcome.cases_changed_after_backup.size() && i < 20; ++i) {
      cases += (i == 0 ? "" : ", ") + outcome.cases_changed_after_backup[i];
    }
    if (outcome.cases_changed_after_backup.size() > 20) {
      cases += " and " + std::to_string(outcome.cases_changed_after_backup.size() - 20) + " more";
    }
    std::fprintf(stderr,
                 "hotlined: warning: what was recorded on case(s) %s after the backup (notes, "
                 "hand-offs, closing) is not in it: see %s\n",
                 cases.c_str(), report->replaced_kept_as.c_str());
  }
  if (outcome.events_not_restored > 0) {
    std::fprintf(stderr,
                 "hotlined: warning: %lld audit event(s) after the backup are not restored\n",
                 static_cast<long long>(outcome.events_not_restored));
  }
  if (outcome.revocations_carried > 0) {
    std::printf("kept %lld token revocation(s) made after the backup\n",
                static_cast<long long>(outcome.revocations_carried));
  }
  return 0;
}

int Purge(const ServerConfig& config, const Flags& flags) {
  const int days = flags.days >= 0 ? flags.days : config.retention_days;
  if (days <= 0) {
    return Fail("retention is off (retention_days = 0 in the config); pass --days N to purge "
                "cases closed more than N days ago");
  }
  auto store = OpenStore(config, IfMissing::kFail);
  if (!store.ok()) return Fail(std::string(store.status().message()));
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto purged = hotline::server::PurgeExpired(**store, days, now);
  if (!purged.ok()) return Fail(std::string(purged.status().message()));
  std::printf("purged the personal data of %d case(s) closed more than %d days ago\n", *purged,
              days);
  return 0;
}

int RevokeToken(const ServerConfig& config, const Flags& flags) {
  auto store = OpenStore(config, IfMissing::kFail);
  if (!store.ok()) return Fail(std::string(store.status().message()));
  auto count = (*store)->RevokeTokens(flags.name, "hotlined-cli");
  if (!count.ok()) return Fail(std::string(count.status().message()));
  std::fprintf(stderr, "hotlined: revoked %d token(s) of %s\n", *count, flags.name.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // `kill -HUP` (a routing-table reload, sent by logrotate or `systemctl reload` right after
  // a start) killed the server while it opened the database and loaded the table, before its
  // handler was installed (review finding: 29 of 30 starts). Blocked here, before any thread
  // exists, so every thread inherits it; Serve unblocks it once the handler is in place. The
  // other commands run with it blocked: a reload means nothing to them.
  HoldHangups(true);
  hotline::server::ConfigureProcess();
  spdlog::set_default_logger(spdlog::stderr_logger_mt("hotlined"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  Flags flags;
  CLI::App app{"hotlined: the minors' protection hotline server"};
  // An empty value given on purpose ("--listen ''") is a mistake, not "use the config".
  const CLI::Validator not_empty(
      [](const std::string& value) { return value.empty() ? std::string("is empty") : ""; },
      "NOT EMPTY");
  app.add_option("--config", flags.config_path, "Configuration file (TOML)")->check(not_empty);
  app.add_option("--listen", flags.listen, "Listen address host:port (overrides the config)")
      ->check(not_empty);
  app.add_option("--db", flags.db, "Database file (overrides the config)")->check(not_empty);
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
  CLI::App* backup = app.add_subcommand(
      "backup", "Copy the database (also while serving) and verify the copy's audit chain");
  backup->add_option("--to", flags.backup_to, "Backup file to create (must not exist)")
      ->required();
  CLI::App* restore = app.add_subcommand(
      "restore", "Verify a backup and make it the database (the server must be stopped)");
  restore->add_option("--from", flags.restore_from, "Backup file")->required();
  restore->add_flag("--force", flags.force, "Replace an existing database");
  CLI::App* purge = app.add_subcommand(
      "purge", "Erase the personal data of cases closed longer than the retention period");
  purge->add_option("--days", flags.days, "Days since closing (default: retention_days)")
      ->check(CLI::Range(1, 36500));
  for (CLI::App* sub : {issue, revoke, backup, restore, purge}) {
    sub->add_option("--config", flags.config_path, "Configuration file (TOML)");
    sub->add_option("--db", flags.db, "Database file (overrides the config)");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes (106 for a missing option, ...) mean nothing to a caller: 2 is usage.
    return app.exit(e) == 0 ? 0 : 2;
  }
  auto config = ResolveConfig(flags);
  if (!config.ok()) return Fail(std::string(config.status().message()));
  try {
    if (issue->parsed()) return IssueToken(*config, flags);
    if (revoke->parsed()) return RevokeToken(*config, flags);
    if (backup->parsed()) return Backup(*config, flags);
    if (restore->parsed()) return Restore(*config, flags);
    if (purge->parsed()) return Purge(*config, flags);
    return Serve(*config);
  } catch (const std::exception& e) {
    return Fail(std::string("unexpected error: ") + e.what());
  }
}
