#include "tests/bench/results.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace hotline::bench {
namespace {

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<int>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  return fmt::format("{}", v);
}

std::string VerdictText(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kMiss:
      return "MISS";
    case Verdict::kNone:
      break;
  }
  return "";
}

std::string ValueText(const Figure& f) {
  if (!f.value_text.empty()) return f.value_text;
  if (f.unit == "/s" || f.unit == "rows/s") return Grouped(f.value) + " " + f.unit;
  if (f.unit == "ms") return Fixed(f.value, 2) + " ms";
  if (f.unit == "s") return Fixed(f.value, 3) + " s";
  if (f.unit == "MB") return Fixed(f.value, 1) + " MB";
  return Fixed(f.value, 2) + (f.unit.empty() ? "" : " " + f.unit);
}

std::string RatioText(const Figure& f) {
  if (!f.ratio) return "";
  const double r = *f.ratio;
  if (r >= 10) return Fixed(r, 0) + "x";
  if (r >= 1.5) return Fixed(r, 1) + "x";
  return Fixed(r * 100, 1) + "%";
}

std::string CeilingText(const Figure& f) {
  if (!f.ceiling_text.empty()) return f.ceiling_name + " " + f.ceiling_text;
  if (!f.ceiling) return "";
  Figure c;
  c.value = *f.ceiling;
  c.unit = f.unit;
  return f.ceiling_name + " " + ValueText(c);
}

}  // namespace

std::string Grouped(double value) {
  if (!std::isfinite(value)) return "-";
  const bool negative = value < 0;
  std::string digits = fmt::format("{:.0f}", std::fabs(value));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string Fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "-";
  return fmt::format("{:.{}f}", value, decimals);
}

Verdict VerdictOf(bool ok) { return ok ? Verdict::kPass : Verdict::kMiss; }

int Results::misses() const {
  return static_cast<int>(std::count_if(figures_.begin(), figures_.end(), [](const Figure& f) {
    return f.verdict == Verdict::kMiss;
  }));
}

void Results::PrintTable(std::ostream& out) const {
  out << fmt::format("machine: nproc {} | {} | {} | load {:.2f} at start\n", machine_.nproc,
                     machine_.cpu_model, machine_.date_utc, machine_.load_average);
  if (!settings_.empty()) out << "settings: " << settings_ << "\n";
  const std::vector<std::string> header = {"figure", "value",  "ceiling",
                                           "ratio",  "target", "result"};
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> groups;  // group of each row ("" when it continues the previous)
  std::string last_group;
  for (const Figure& f : figures_) {
    groups.push_back(f.group != last_group ? f.group : "");
    last_group = f.group;
    rows.push_back({"  " + f.name, ValueText(f), CeilingText(f), RatioText(f), f.target,
                    VerdictText(f.verdict)});
  }
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < cells.size(); ++c) {
      // Numbers right-aligned, words left-aligned.
      const bool right = c == 1 || c == 3;
      text += right ? fmt::format("{:>{}}", cells[c], width[c])
                    : fmt::format("{:<{}}", cells[c], width[c]);
      if (c + 1 < cells.size()) text += " | ";
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text + "\n";
  };
  std::string rule;
  for (size_t c = 0; c < width.size(); ++c) {
    rule += std::string(width[c], '-') + (c + 1 < width.size() ? "-+-" : "");
  }
  out << line(header) << rule << "\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!groups[i].empty()) out << groups[i] << "\n";
    out << line(rows[i]);
  }
  out << rule << "\n";
  int pass = 0;
  for (const Figure& f : figures_) pass += f.verdict == Verdict::kPass ? 1 : 0;
  out << fmt::format("targets: {} PASS, {} MISS\n", pass, misses());
  for (const Figure& f : figures_) {
    if (!f.note.empty()) out << "  note (" << f.key << "): " << f.note << "\n";
  }
  for (const std::string& n : notes_) out << "  note: " << n << "\n";
}

std::string Results::Json() const {
  std::string out = "{\"machine\":{";
  out += fmt::format("\"nproc\":{},\"cpu_model\":{},\"date\":{},\"load_average\":{}",
                     machine_.nproc, JsonString(machine_.cpu_model), JsonString(machine_.date_utc),
                     JsonNumber(machine_.load_average));
  out += "},\"settings\":" + JsonString(settings_) + ",\"figures\":[";
  for (size_t i = 0; i < figures_.size(); ++i) {
    const Figure& f = figures_[i];
    if (i > 0) out += ",";
    out += "{\"key\":" + JsonString(f.key) + ",\"group\":" + JsonString(f.group) +
           ",\"name\":" + JsonString(f.name) + ",\"value\":" + JsonNumber(f.value) +
           ",\"unit\":" + JsonString(f.unit) + ",\"text\":" + JsonString(ValueText(f));
    out += ",\"ceiling_name\":" + JsonString(f.ceiling_name) +
           ",\"ceiling\":" + (f.ceiling ? JsonNumber(*f.ceiling) : "null") +
           ",\"ratio\":" + (f.ratio ? JsonNumber(*f.ratio) : "null") +
           ",\"target\":" + JsonString(f.target) +
           ",\"result\":" + JsonString(VerdictText(f.verdict)) + ",\"note\":" + JsonString(f.note) +
           "}";
  }
  out += "],\"notes\":[";
  for (size_t i = 0; i < notes_.size(); ++i) {
    out += (i > 0 ? "," : "") + JsonString(notes_[i]);
  }
  return out + "]}";
}

}  // namespace hotline::bench
