#include "cli/audit_anchors.h"

#include <charconv>

namespace hotline::cli {

Result<v1::AuditAnchor> ParseAnchor(std::string_view text, std::string_view where, const Ui& ui) {
  const auto bad = [&] { return Error{ui.Format(Msg::kAnchorBad, where, text)}; };
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return bad();
  const std::string_view digits = text.substr(0, colon);
  std::string hash(text.substr(colon + 1));
  int64_t seq = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || seq < 1) {
    return bad();
  }
  if (hash.size() != 64) return bad();
  for (char& c : hash) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return bad();
  }
  v1::AuditAnchor anchor;
  anchor.set_seq(seq);
  anchor.set_hash(std::move(hash));
  return anchor;
}

Result<std::vector<v1::AuditAnchor>> ParseAnchorFile(std::string_view text, std::string_view path,
                                                     const Ui& ui) {
  std::vector<v1::AuditAnchor> anchors;
  int number = 0;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos || line[start] == '#') continue;
    line = line.substr(start);
    const std::string_view field = line.substr(0, line.find_first_of(" \t"));
    Result<v1::AuditAnchor> anchor =
        ParseAnchor(field, ui.Format(Msg::kAnchorFileLine, path, number), ui);
    if (!anchor.ok()) return Error{anchor.error()};
    anchors.push_back(std::move(anchor).value());
  }
  return anchors;
}

std::string AnchorLine(int64_t seq, std::string_view hash, std::string_view when) {
  return std::to_string(seq) + ":" + std::string(hash) + " verified " + std::string(when) + "\n";
}

}  // namespace hotline::cli
