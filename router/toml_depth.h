// A check of TOML text before toml++ parses it: keys nest tables, and toml++ 3.3 (Debian 12)
// builds and frees the nesting recursively with no limit on dotted keys. A two-line routing
// table with one key of about 31,000 parts ("a.a.a....") overflowed the stack and killed the
// server; any operator could send one (ExplainRoute's draft text). toml++ limits the nesting
// of arrays and inline tables (256 levels) but not a key's parts; upstream added that limit
// (TOML_MAX_DOTTED_KEYS_DEPTH) in 3.4. No toml++ here, so the server's config can use it too.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hotline::router {

// The most parts one key may have, in a table header ("[a.b.c]") or before an "=". Real
// files use one to three. With toml++'s 256 levels of inline tables this bounds any nesting
// to about 4,000 levels, far from the stack's limit.
inline constexpr int kMaxTomlKeyParts = 16;

struct TomlTextProblem {
  int line = 0;  // 1-based
  std::string message;
};

// Finds the first key with more than kMaxTomlKeyParts parts, outside strings and comments.
// Counts the dots between two of = [ ] { } , and a line's end: a value has at most one dot
// outside quotes (1.5, a time's fraction), so only a dotted key, or text that is not TOML
// anyway, can go over the limit.
std::optional<TomlTextProblem> FindTooDeepKey(std::string_view text);

}  // namespace hotline::router
