#include "storage/json.h"

#include <charconv>

namespace hotline::storage {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xe0) == 0xc0) {
    n = 2;
    cp = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    n = 3;
    cp = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  // Overlong forms, surrogates and values beyond U+10FFFF are invalid.
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xc0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xe0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    *out += static_cast<char>(0xf0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    *out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A cursor over JSON text: the pieces the writer above emits, read back. Whitespace
// between tokens is skipped. Every method returns false, having consumed an unknown amount,
// on malformed input.
class JsonReader {
 public:
  explicit JsonReader(std::string_view json) : json_(json) {}

  // The next token is `c`: consumes it.
  bool Consume(char c) {
    SkipSpace();
    if (i_ >= json_.size() || json_[i_] != c) return false;
    ++i_;
    return true;
  }

  bool AtEnd() {
    SkipSpace();
    return i_ == json_.size();
  }

  // A string: its unescaped value into *out.
  bool String(std::string* out) {
    if (!Consume('"')) return false;
    for (;;) {
      if (i_ >= json_.size()) return false;
      const char c = json_[i_++];
      if (c == '"') return true;
      if (c != '\\') {
        *out += c;
        continue;
      }
      if (i_ >= json_.size()) return false;
      switch (json_[i_++]) {
        case '"':
          *out += '"';
          break;
        case '\\':
          *out += '\\';
          break;
        case '/':
          *out += '/';
          break;
        case 'b':
          *out += '\b';
          break;
        case 'f':
          *out += '\f';
          break;
        case 'n':
          *out += '\n';
          break;
        case 'r':
          *out += '\r';
          break;
        case 't':
          *out += '\t';
          break;
        case 'u': {
          if (i_ + 4 > json_.size()) return false;
          uint32_t cp = 0;
          for (int k = 0; k < 4; ++k) {
            const int h = HexValue(json_[i_ + k]);
            if (h < 0) return false;
            cp = (cp << 4) | static_cast<uint32_t>(h);
          }
          i_ += 4;
          AppendUtf8(cp, out);  // the writer never emits surrogate pairs
          break;
        }
        default:
          return false;
      }
    }
  }

  // An integer (as JsonObject::Add writes one): its digits, and sign, into *out.
  bool Integer(std::string* out) {
    SkipSpace();
    size_t j = i_;
    if (j < json_.size() && json_[j] == '-') ++j;
    const size_t digits = j;
    while (j < json_.size() && json_[j] >= '0' && json_[j] <= '9') ++j;
    if (j == digits) return false;
    *out = std::string(json_.substr(i_, j - i_));
    i_ = j;
    return true;
  }

  // Any value, not kept: a string, a number, a literal, or an array or object (nested at
  // most 32 deep).
  bool SkipValue(int depth) {
    if (depth > 32) return false;
    SkipSpace();
    if (i_ >= json_.size()) return false;
    std::string ignored;
    const char c = json_[i_];
    if (c == '"') return String(&ignored);
    if (c == '[' || c == '{') {
      const char close = c == '[' ? ']' : '}';
      ++i_;
      if (Consume(close)) return true;
      do {
        if (c == '{' && (!String(&ignored) || !Consume(':'))) return false;
        if (!SkipValue(depth + 1)) return false;
      } while (Consume(','));
      return Consume(close);
    }
    // A number or true/false/null: the run of characters that can make one up.
    const size_t start = i_;
    while (i_ < json_.size() &&
           std::string_view("+-.0123456789Eaeflnrstu").find(json_[i_]) != std::string_view::npos) {
      ++i_;
    }
    return i_ > start;
  }

 private:
  void SkipSpace() {
    while (i_ < json_.size() &&
           (json_[i_] == ' ' || json_[i_] == '\n' || json_[i_] == '\t' || json_[i_] == '\r')) {
      ++i_;
    }
  }

  std::string_view json_;
  size_t i_ = 0;
};

}  // namespace

void AppendJsonString(std::string_view s, std::string* out_ptr) {
  std::string& out = *out_ptr;
  static constexpr char kHex[] = "0123456789abcdef";
  // Printable ASCII but '"' and '\\' is copied as it is, a run at a time: most of what the
  // payloads hold (ids, codes, hashes) is nothing else.
  const auto plain = [](unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; };
  out += '"';
  for (size_t i = 0; i < s.size();) {
    size_t run = i;
    while (run < s.size() && plain(static_cast<unsigned char>(s[run]))) ++run;
    if (run > i) {
      out.append(s.data() + i, run - i);
      i = run;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        ++i;
        continue;
      case '\\':
        out += "\\\\";
        ++i;
        continue;
      case '\b':
        out += "\\b";
        ++i;
        continue;
      case '\f':
        out += "\\f";
        ++i;
        continue;
      case '\n':
        out += "\\n";
        ++i;
        continue;
      case '\r':
        out += "\\r";
        ++i;
        continue;
      case '\t':
        out += "\\t";
        ++i;
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
      ++i;
      continue;
    }
    const size_t n = Utf8Length(s, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  out += '"';
}

std::string JsonString(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

std::string JsonStringArray(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(values[i], &out);
  }
  out += ']';
  return out;
}

absl::StatusOr<std::vector<std::string>> ParseJsonStringArray(std::string_view json) {
  const absl::Status bad = absl::InternalError("malformed JSON string array");
  JsonReader r(json);
  std::vector<std::string> values;
  if (!r.Consume('[')) return bad;
  if (!r.Consume(']')) {
    do {
      std::string value;
      if (!r.String(&value)) return bad;
      values.push_back(std::move(value));
    } while (r.Consume(','));
    if (!r.Consume(']')) return bad;
  }
  if (!r.AtEnd()) return bad;
  return values;
}

std::optional<std::string> JsonObjectMember(std::string_view json, std::string_view key) {
  JsonReader r(json);
  if (!r.Consume('{') || r.Consume('}')) return std::nullopt;
  do {
    std::string name;
    if (!r.String(&name) || !r.Consume(':')) return std::nullopt;
    if (name != key) {
      if (!r.SkipValue(0)) return std::nullopt;
      continue;
    }
    std::string value;
    if (r.String(&value) || r.Integer(&value)) return value;
    return std::nullopt;  // an array, an object, a literal: not a string or an integer
  } while (r.Consume(','));
  return std::nullopt;
}

void JsonObject::Key(std::string_view key) {
  if (out_.size() > 1) out_ += ',';
  AppendJsonString(key, &out_);
  out_ += ':';
}

JsonObject& JsonObject::Add(std::string_view key, std::string_view value) {
  Key(key);
  AppendJsonString(value, &out_);
  return *this;
}

JsonObject& JsonObject::Add(std::string_view key, int64_t value) {
  Key(key);
  char digits[24];
  out_.append(digits, std::to_chars(digits, digits + sizeof(digits), value).ptr);
  return *this;
}

JsonObject& JsonObject::Add(std::string_view key, const std::vector<std::string>& values) {
  Key(key);
  out_ += JsonStringArray(values);
  return *this;
}

std::string JsonObject::Finish() {
  out_ += '}';
  return std::move(out_);
}

}  // namespace hotline::storage
