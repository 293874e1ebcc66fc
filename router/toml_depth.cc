#include "router/toml_depth.h"

#include "router/text.h"

namespace hotline::router {

std::optional<TomlTextProblem> FindTooDeepKey(std::string_view text) {
  enum class State { kCode, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral };
  State state = State::kCode;
  int line = 1;
  int dots = 0;  // outside quotes, since the last = [ ] { } , or line end
  const size_t n = text.size();
  // The length of the run of `quote` characters starting at i.
  const auto run = [&](size_t i, char quote) {
    size_t k = 0;
    while (i + k < n && text[i + k] == quote) ++k;
    return k;
  };
  for (size_t i = 0; i < n; ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      // A single-line string or a comment ends here (an unterminated string is toml++'s
      // error to report).
      if (state != State::kMultiBasic && state != State::kMultiLiteral) {
        state = State::kCode;
        dots = 0;
      }
      continue;
    }
    switch (state) {
      case State::kCode:
        switch (c) {
          case '#':
            state = State::kComment;
            break;
          case '"':
          case '\'': {
            const bool multi = run(i, c) >= 3;
            if (multi) i += 2;
            state = c == '"' ? (multi ? State::kMultiBasic : State::kBasic)
                             : (multi ? State::kMultiLiteral : State::kLiteral);
            break;
          }
          case '=':
          case '[':
          case ']':
          case '{':
          case '}':
          case ',':
            dots = 0;
            break;
          case '.':
            if (++dots >= kMaxTomlKeyParts) {
              return TomlTextProblem{
                  line, Cat("a key has more than ", kMaxTomlKeyParts,
                            " dotted parts; each part nests a table, and no more are taken")};
            }
            break;
          default:
            break;
        }
        break;
      case State::kComment:
        break;
      case State::kBasic:
        if (c == '\\') {
          if (i + 1 < n && text[i + 1] != '\n') ++i;  // the escaped character
        } else if (c == '"') {
          state = State::kCode;
        }
        break;
      case State::kLiteral:
        if (c == '\'') state = State::kCode;
        break;
      case State::kMultiBasic:
      case State::kMultiLiteral: {
        const char quote = state == State::kMultiBasic ? '"' : '\'';
        if (quote == '"' && c == '\\') {
          if (i + 1 < n && text[i + 1] != '\n') ++i;  // a line-ending backslash: see '\n'
        } else if (c == quote) {
          // Three or more quotes close the string: up to two of them may be its last
          // characters ("""a""""" is a"").
          const size_t k = run(i, quote);
          if (k >= 3) state = State::kCode;
          i += k - 1;
        }
        break;
      }
    }
  }
  return std::nullopt;
}

}  // namespace hotline::router
