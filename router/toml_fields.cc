#include "router/toml_fields.h"

#include <algorithm>

#include "router/duration.h"
#include "router/text.h"

namespace hotline::router {

void DiagnosticSink::Error(int line, std::string message) {
  items_.push_back({Diagnostic::Severity::kError, file_, line, std::move(message)});
  ++errors_;
}

void DiagnosticSink::Warning(int line, std::string message) {
  items_.push_back({Diagnostic::Severity::kWarning, file_, line, std::move(message)});
}

std::vector<Diagnostic> DiagnosticSink::Sorted() const {
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
  return sorted;
}

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

std::string_view TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date/time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

void CheckKeys(const toml::table& table, std::string_view where,
               const std::vector<std::string_view>& allowed, DiagnosticSink& sink) {
  for (auto&& [key, node] : table) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
    sink.Error(static_cast<int>(key.source().begin.line),
               Cat("unknown key '", key.str(), "' in ", where,
                   "; allowed keys: ", JoinViews(allowed, ", ")));
  }
}

namespace {

void WrongType(const toml::node& node, std::string_view key, std::string_view where,
               std::string_view want, DiagnosticSink& sink) {
  sink.Error(LineOf(node),
             Cat("'", key, "' in ", where, " must be ", want, ", not ", TypeName(node)));
}

}  // namespace

std::optional<LinedString> ReadString(const toml::table& table, std::string_view key,
                                      std::string_view where, bool required, int table_line,
                                      DiagnosticSink& sink) {
  const toml::node* node = table.get(key);
  if (node == nullptr) {
    if (required) {
      sink.Error(table_line, Cat(where, " is missing required key '", key, "'"));
    }
    return std::nullopt;
  }
  const auto* value = node->as_string();
  if (value == nullptr) {
    WrongType(*node, key, where, "a string", sink);
    return std::nullopt;
  }
  if (required && value->get().empty()) {
    sink.Error(LineOf(*node), Cat("'", key, "' in ", where, " must not be empty"));
    return std::nullopt;
  }
  return LinedString{value->get(), LineOf(*node)};
}

std::optional<bool> ReadBool(const toml::table& table, std::string_view key, std::string_view where,
                             DiagnosticSink& sink) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_boolean();
  if (value == nullptr) {
    WrongType(*node, key, where, "a boolean (true or false)", sink);
    return std::nullopt;
  }
  return value->get();
}

std::optional<std::chrono::seconds> ReadDuration(const toml::table& table, std::string_view key,
                                                 std::string_view where, DiagnosticSink& sink) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_string();
  if (value == nullptr) {
    WrongType(*node, key, where, "a duration string such as \"30m\"", sink);
    return std::nullopt;
  }
  absl::StatusOr<std::chrono::seconds> duration = ParseDuration(value->get());
  if (!duration.ok()) {
    sink.Error(LineOf(*node),
               Cat("'", key, "' in ", where, ": ", std::string(duration.status().message())));
    return std::nullopt;
  }
  return *duration;
}

std::optional<std::vector<LinedString>> ReadStringList(const toml::table& table,
                                                       std::string_view key, std::string_view where,
                                                       DiagnosticSink& sink) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    WrongType(*node, key, where, "an array of strings", sink);
    return std::nullopt;
  }
  if (array->empty()) {
    sink.Error(LineOf(*node), Cat("'", key, "' in ", where,
                                  " must not be empty (leave the key out to match "
                                  "anything)"));
    return std::nullopt;
  }
  std::vector<LinedString> out;
  bool ok = true;
  for (const toml::node& element : *array) {
    const auto* value = element.as_string();
    if (value == nullptr) {
      sink.Error(LineOf(element),
                 Cat("'", key, "' in ", where, " must hold strings, not ", TypeName(element)));
      ok = false;
      continue;
    }
    out.push_back({value->get(), LineOf(element)});
  }
  if (!ok) return std::nullopt;
  return out;
}

std::vector<const toml::table*> ReadTables(const toml::table& table, std::string_view key,
                                           std::string_view where, DiagnosticSink& sink) {
  std::vector<const toml::table*> out;
  const toml::node* node = table.get(key);
  if (node == nullptr) return out;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    WrongType(*node, key, where,
              node->is_table() ? Cat("an array of tables (write [[", key, "]])")
                               : std::string("an array of tables"),
              sink);
    return out;
  }
  for (const toml::node& element : *array) {
    if (const toml::table* t = element.as_table()) {
      out.push_back(t);
    } else {
      sink.Error(LineOf(element),
                 Cat("'", key, "' in ", where, " must hold tables, not ", TypeName(element)));
    }
  }
  return out;
}

}  // namespace hotline::router
