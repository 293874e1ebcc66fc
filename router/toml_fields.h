// Reading routing-table fields out of toml++ nodes, with every problem reported to a
// DiagnosticSink as "line: message". Internal to router/ (keeps toml++ out of public headers).
#pragma once

#include <toml++/toml.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "router/loader.h"

namespace hotline::router {

// Collects diagnostics for one file. Not thread-safe; one per parse.
class DiagnosticSink {
 public:
  explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}

  void Error(int line, std::string message);
  void Warning(int line, std::string message);
  bool has_errors() const { return errors_ > 0; }
  // Everything reported so far, in file order (line 0, the whole file, first).
  std::vector<Diagnostic> Sorted() const;

 private:
  std::string file_;
  std::vector<Diagnostic> items_;
  int errors_ = 0;
};

// A string value together with the line it was written on.
struct LinedString {
  std::string value;
  int line = 0;
};

int LineOf(const toml::node& node);
std::string_view TypeName(const toml::node& node);

// Reports every key of `table` that is not in `allowed`, naming the allowed ones.
void CheckKeys(const toml::table& table, std::string_view where,
               const std::vector<std::string_view>& allowed, DiagnosticSink& sink);

// The value at `key` when it has the right type. Reports a wrong type, and a missing key when
// `required` (at `table_line`). Required strings must also be non-empty.
std::optional<LinedString> ReadString(const toml::table& table, std::string_view key,
                                      std::string_view where, bool required, int table_line,
                                      DiagnosticSink& sink);
std::optional<bool> ReadBool(const toml::table& table, std::string_view key, std::string_view where,
                             DiagnosticSink& sink);
// A duration string ("30m"); malformed or non-positive durations are reported.
std::optional<std::chrono::seconds> ReadDuration(const toml::table& table, std::string_view key,
                                                 std::string_view where, DiagnosticSink& sink);
// A non-empty array of strings. Each element keeps its own line.
std::optional<std::vector<LinedString>> ReadStringList(const toml::table& table,
                                                       std::string_view key, std::string_view where,
                                                       DiagnosticSink& sink);
// The tables of an array of tables ([[key]] or [ {..}, {..} ]); other elements are reported.
// Empty when the key is absent or has the wrong type (reported).
std::vector<const toml::table*> ReadTables(const toml::table& table, std::string_view key,
                                           std::string_view where, DiagnosticSink& sink);

}  // namespace hotline::router
