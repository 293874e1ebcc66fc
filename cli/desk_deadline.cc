#include "cli/desk_deadline.h"

#include <toml++/toml.h>

#include <exception>

namespace hotline::cli {
namespace {

// The routing table's own default when it sets no default_ack_deadline (router/routing_table.h).
constexpr int64_t kTableDefaultSeconds = 4 * 3600;

}  // namespace

std::optional<int64_t> ParseDurationSeconds(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  int64_t n = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || n > 100'000'000) return std::nullopt;
    n = n * 10 + (text[i] - '0');
  }
  switch (text.back()) {
    case 's':
      return n;
    case 'm':
      return n * 60;
    case 'h':
      return n * 3600;
    case 'd':
      return n * 86400;
    default:
      return std::nullopt;
  }
}

std::string FormatDurationSeconds(int64_t seconds) {
  if (seconds > 0 && seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds > 0 && seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds > 0 && seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

std::optional<DeskDeadline> ReadDeskDeadline(std::string_view table_text,
                                             std::string_view desk_id) {
  toml::table root;
  try {
    root = toml::parse(table_text);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  DeskDeadline out;
  out.default_seconds = kTableDefaultSeconds;
  if (const toml::node* node = root.get("default_ack_deadline")) {
    std::optional<int64_t> seconds =
        node->is_string() ? ParseDurationSeconds(*node->value<std::string>()) : std::nullopt;
    if (!seconds) return std::nullopt;
    out.default_seconds = *seconds;
  }
  const toml::array* desks = root["desk"].as_array();
  if (desks == nullptr) return out;
  for (const toml::node& element : *desks) {
    const toml::table* desk = element.as_table();
    if (desk == nullptr || (*desk)["id"].value<std::string>() != std::string(desk_id)) continue;
    out.desk_found = true;
    if (const toml::node* node = desk->get("ack_deadline")) {
      std::optional<int64_t> seconds =
          node->is_string() ? ParseDurationSeconds(*node->value<std::string>()) : std::nullopt;
      if (!seconds) return std::nullopt;
      out.own_seconds = *seconds;
    }
    return out;
  }
  return out;
}

}  // namespace hotline::cli
