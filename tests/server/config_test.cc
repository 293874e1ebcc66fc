// LoadServerConfig: defaults, every key, and refusals that name file, line and key.
#include "server/config.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "tests/server/test_util.h"

namespace hotline::server {
namespace {

using testing::TempDir;

// Writes `text` to `name` in `dir` and returns the path.
std::string WriteFile(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = (dir.path() / name).string();
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  REQUIRE(out.good());
  return path;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

void CheckDefaults(const ServerConfig& c) {
  const ServerConfig defaults;
  CHECK(c.listen == defaults.listen);
  CHECK(c.db_path == defaults.db_path);
  CHECK(c.routing_table == defaults.routing_table);
  CHECK(c.log_level == defaults.log_level);
  CHECK(c.max_message_bytes == defaults.max_message_bytes);
  CHECK(c.max_batch == defaults.max_batch);
  CHECK(c.shutdown_grace_seconds == defaults.shutdown_grace_seconds);
  CHECK(c.transport_memory_mb == defaults.transport_memory_mb);
}

TEST_CASE("an empty config keeps every default", "[config]") {
  TempDir dir;
  auto config = LoadServerConfig(WriteFile(dir, "empty.toml", "# nothing set\n"));
  INFO(config.status().ToString());
  REQUIRE(config.ok());
  CheckDefaults(*config);
  CHECK(config->listen == "127.0.0.1:50051");
  CHECK(config->max_message_bytes == 1048576);
}

TEST_CASE("the shipped config/hotlined.toml loads and states the defaults", "[config]") {
  auto config = LoadServerConfig(std::string(HOTLINE_SOURCE_DIR) + "/config/hotlined.toml");
  INFO(config.status().ToString());
  REQUIRE(config.ok());
  CheckDefaults(*config);
}

TEST_CASE("every key is read", "[config]") {
  TempDir dir;
  auto config = LoadServerConfig(WriteFile(dir, "full.toml", R"(listen = "0.0.0.0:0"
db = "/srv/hotline/hotline.db"
routing_table = "/etc/hotline/routing.toml"
log_level = "debug"
max_message_bytes = 4096
max_batch = 10000
shutdown_grace_seconds = 0
transport_memory_mb = 64
)"));
  INFO(config.status().ToString());
  REQUIRE(config.ok());
  CHECK(config->listen == "0.0.0.0:0");
  CHECK(config->db_path == "/srv/hotline/hotline.db");
  CHECK(config->routing_table == "/etc/hotline/routing.toml");
  CHECK(config->log_level == "debug");
  CHECK(config->max_message_bytes == 4096);
  CHECK(config->max_batch == 10000);
  CHECK(config->shutdown_grace_seconds == 0);
  CHECK(config->transport_memory_mb == 64);
}

TEST_CASE("the limits of each integer are inclusive", "[config]") {
  TempDir dir;
  auto config = LoadServerConfig(
      WriteFile(dir, "max.toml",
                "max_message_bytes = 67108864\nmax_batch = 1\nshutdown_grace_seconds = 600\n"));
  INFO(config.status().ToString());
  REQUIRE(config.ok());
  CHECK(config->max_message_bytes == 64 << 20);
  CHECK(config->max_batch == 1);
  CHECK(config->shutdown_grace_seconds == 600);
}

TEST_CASE("an unknown key is refused naming file, line and key", "[config]") {
  TempDir dir;
  const std::string path =
      WriteFile(dir, "unknown.toml", "listen = \"127.0.0.1:0\"\n\ncolour = \"red\"\n");
  auto config = LoadServerConfig(path);
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  const std::string message(config.status().message());
  INFO(message);
  CHECK(message.rfind(path + ":3: unknown key 'colour'", 0) == 0);
  CHECK(Contains(message, "known: listen, db, routing_table, log_level"));
}

TEST_CASE("a table where a value belongs is an unknown key", "[config]") {
  TempDir dir;
  const std::string path = WriteFile(dir, "table.toml", "[server]\nlisten = \"127.0.0.1:0\"\n");
  auto config = LoadServerConfig(path);
  REQUIRE_FALSE(config.ok());
  INFO(config.status().ToString());
  CHECK(Contains(std::string(config.status().message()), "unknown key 'server'"));
}

TEST_CASE("bad values are refused naming file, line and key", "[config]") {
  struct Case {
    std::string line;      // the offending line, written as line 2
    std::string expected;  // after "path:2: "
  };
  const std::vector<Case> cases = {
      {"log_level = \"loud\"", "log_level must be one of trace, debug, info, warn, error"},
      {"log_level = 3", "log_level must be a string"},
      {"listen = 50051", "listen must be a string"},
      {"db = [\"a\", \"b\"]", "db must be a string"},
      {"routing_table = false", "routing_table must be a string"},
      {"routing_table = \"\"", "routing_table must name a file; it is empty"},
      {"db = \"\"", "db must name a file; it is empty"},
      {"listen = \"\"", "listen: '' is not host:port"},
      {"max_message_bytes = 4095", "max_message_bytes must be an integer in 4096..67108864"},
      {"max_message_bytes = 67108865", "max_message_bytes must be an integer in 4096..67108864"},
      {"max_message_bytes = \"1MB\"", "max_message_bytes must be an integer"},
      {"max_batch = 0", "max_batch must be an integer in 1..10000"},
      {"max_batch = 10001", "max_batch must be an integer in 1..10000"},
      {"max_batch = 99999999999999", "max_batch must be an integer in 1..10000"},
      {"shutdown_grace_seconds = -1", "shutdown_grace_seconds must be an integer in 0..600"},
      {"shutdown_grace_seconds = 601", "shutdown_grace_seconds must be an integer in 0..600"},
      {"shutdown_grace_seconds = 2.5", "shutdown_grace_seconds must be an integer in 0..600"},
      {"transport_memory_mb = 31", "transport_memory_mb must be an integer in 32..65536"},
      {"transport_memory_mb = 65537", "transport_memory_mb must be an integer in 32..65536"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    DYNAMIC_SECTION("#" << i << " " << cases[i].line) {
      TempDir dir;
      const std::string path = WriteFile(dir, "bad.toml", "# line 1\n" + cases[i].line + "\n");
      auto config = LoadServerConfig(path);
      REQUIRE_FALSE(config.ok());
      CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
      const std::string message(config.status().message());
      INFO(message);
      CHECK(message.rfind(path + ":2: " + cases[i].expected, 0) == 0);
    }
  }
}

TEST_CASE("every error is reported on a line of its own", "[config]") {
  TempDir dir;
  const std::string path =
      WriteFile(dir, "many.toml", "max_batch = 0\nlog_level = \"loud\"\ncolour = 1\n");
  auto config = LoadServerConfig(path);
  REQUIRE_FALSE(config.ok());
  const std::string message(config.status().message());
  INFO(message);
  // One line per error (in key order, not file order: toml++ tables are sorted by key).
  std::vector<std::string> lines;
  for (size_t start = 0; start <= message.size();) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    lines.push_back(message.substr(start, end - start));
    start = end + 1;
  }
  REQUIRE(lines.size() == 3);
  auto has_line = [&](const std::string& prefix) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
  };
  CHECK(has_line(path + ":1: max_batch must be an integer"));
  CHECK(has_line(path + ":2: log_level must be one of"));
  CHECK(has_line(path + ":3: unknown key 'colour'"));
}

TEST_CASE("a TOML syntax error is refused with file and line", "[config]") {
  TempDir dir;
  const std::string path = WriteFile(dir, "syntax.toml", "listen = \"127.0.0.1:0\"\ndb = \n");
  auto config = LoadServerConfig(path);
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  INFO(config.status().ToString());
  CHECK(std::string(config.status().message()).rfind(path + ":2: ", 0) == 0);
}

// toml++ nests a table per part of a dotted key, recursively: a key of 40,000 parts killed
// hotlined at start (a segmentation fault instead of an error).
TEST_CASE("a key of too many dotted parts is refused with file and line", "[config]") {
  TempDir dir;
  std::string key = "a";
  for (int i = 1; i < 40000; ++i) key += ".a";
  const std::string path =
      WriteFile(dir, "deep.toml", "listen = \"127.0.0.1:0\"\n" + key + " = 1\n");
  auto config = LoadServerConfig(path);
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(config.status().message()) ==
        path +
            ":2: a key has more than 16 dotted parts; each part nests a table, and no more "
            "are taken");
}

TEST_CASE("a missing file is refused naming the path", "[config]") {
  TempDir dir;
  const std::string path = (dir.path() / "absent.toml").string();
  auto config = LoadServerConfig(path);
  REQUIRE_FALSE(config.ok());
  INFO(config.status().ToString());
  CHECK(std::string(config.status().message()).rfind(path + ":", 0) == 0);
}

TEST_CASE("a directory given as the config is named as one", "[config]") {
  TempDir dir;
  auto config = LoadServerConfig(dir.path().string());
  REQUIRE_FALSE(config.ok());
  CHECK(std::string(config.status().message()) ==
        dir.path().string() + ": cannot read: it is a directory");
}

// toml::parse_file reports a missing file as a parse error at line 0; the loader checks first.
TEST_CASE("a missing file is NOT_FOUND and not a syntax error at line 0", "[config]") {
  TempDir dir;
  const std::string path = (dir.path() / "absent.toml").string();
  auto config = LoadServerConfig(path);
  REQUIRE_FALSE(config.ok());
  INFO(config.status().ToString());
  CHECK(config.status().code() == absl::StatusCode::kNotFound);
  CHECK_FALSE(Contains(std::string(config.status().message()), path + ":0:"));
}

// toml++'s value<int64_t>() would take true as 1 and 25.0 as 25; the loader reads exactly.
TEST_CASE("booleans and floats are not integers", "[config]") {
  for (const std::string line :
       {"max_batch = true", "shutdown_grace_seconds = false", "max_batch = 25.0"}) {
    DYNAMIC_SECTION(line) {
      TempDir dir;
      const std::string path = WriteFile(dir, "types.toml", line + "\n");
      auto config = LoadServerConfig(path);
      CHECK_FALSE(config.ok());
      CHECK(Contains(std::string(config.status().message()), path + ":1: "));
    }
  }
}

}  // namespace
}  // namespace hotline::server
