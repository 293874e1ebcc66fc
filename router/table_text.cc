#include "router/table_text.h"

#include <algorithm>
#include <map>

#include "router/duration.h"
#include "router/text.h"

namespace hotline::router {
namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

enum class Op { kKeep, kDelete, kInsert };
struct Edit {
  Op op;
  size_t a = 0, b = 0;  // line index in a (keep, delete) and b (keep, insert)
};

// Longest-common-subsequence edit script. Tables are hundreds of lines; beyond ~4M cells the
// diff degrades to "replace everything", which is still correct.
std::vector<Edit> EditScript(const std::vector<std::string_view>& a,
                             const std::vector<std::string_view>& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<Edit> edits;
  if (n * m > 4'000'000) {
    for (size_t i = 0; i < n; ++i) edits.push_back({Op::kDelete, i, 0});
    for (size_t j = 0; j < m; ++j) edits.push_back({Op::kInsert, n, j});
    return edits;
  }
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      edits.push_back({Op::kKeep, i++, j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      edits.push_back({Op::kDelete, i++, j});  // deletions first, as diff -u prints them
    } else {
      edits.push_back({Op::kInsert, i, j++});
    }
  }
  return edits;
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string TargetText(const Target& t) {
  std::string out = t.desk_id.empty() ? Cat("type ", t.desk_type) : Cat("desk ", t.desk_id);
  if (t.ack_deadline) out += Cat(" within ", FormatDuration(*t.ack_deadline));
  return out;
}

// Everything that decides what a rule does, as one comparable string.
std::string RuleSignature(const Rule& r) {
  std::string out = Cat(r.description, "|", r.cites, "|", r.continue_evaluation ? "c" : "",
                        r.is_default ? "d" : "", "|", Join(r.when.categories, ","), "|",
                        Join(r.when.urgencies, ","), "|", Join(r.when.jurisdictions, ","), "|",
                        Join(r.when.reporter_kinds, ","), "|");
  if (r.when.age_min) out += Cat(*r.when.age_min, "-", *r.when.age_max);
  out += "|";
  if (r.when.attends_school) out += *r.when.attends_school ? "school" : "no-school";
  for (const Target& t : r.targets) out += Cat("|t:", TargetText(t));
  for (const Target& t : r.escalation) out += Cat("|e:", TargetText(t));
  return out;
}

// What an [[expect]] checks, for telling a changed test from an unchanged one (the order of
// its desks does not matter).
std::string ExpectationSignature(const Expectation& e) {
  std::vector<std::string> desks = e.desks;
  std::sort(desks.begin(), desks.end());
  std::string out =
      Cat(Join(e.categories, ","), "|", e.urgency, "|", e.reporter_kind, "|", e.jurisdiction, "|");
  if (e.age_min) out += Cat(*e.age_min, "-", *e.age_max);
  out += "|";
  if (e.attends_school) out += *e.attends_school ? "school" : "no-school";
  return Cat(out, "|", Join(desks, ","));
}

std::string DeskText(const Desk& d) {
  std::string out = Cat("[[desk]]\nid = ", Quote(d.id), "\nname = ", Quote(d.name),
                        "\ntype = ", Quote(d.type), "\njurisdiction = ", Quote(d.jurisdiction),
                        "\n");
  if (d.ack_deadline) out += Cat("ack_deadline = ", Quote(FormatDuration(*d.ack_deadline)), "\n");
  return out;
}

bool IsHeader(std::string_view line) {
  const size_t first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line[first] == '[';
}

bool IsBlankOrComment(std::string_view line) {
  const size_t first = line.find_first_not_of(" \t\r");
  return first == std::string_view::npos || line[first] == '#';
}

// [begin, end) line indexes of the desk block that starts at 1-based `line`: up to the next
// table header, leaving out blank and comment lines just before it (they introduce the next
// block).
std::pair<size_t, size_t> BlockRange(const std::vector<std::string_view>& lines, int line) {
  const size_t begin = static_cast<size_t>(line - 1);
  size_t end = begin + 1;
  while (end < lines.size() && !IsHeader(lines[end])) ++end;
  while (end > begin + 1 && IsBlankOrComment(lines[end - 1])) --end;
  return {begin, end};
}

std::string JoinLines(const std::vector<std::string_view>& lines, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += Cat(lines[i], "\n");
  return out;
}

}  // namespace

std::string UnifiedDiff(std::string_view a_text, std::string_view b_text, std::string_view a_name,
                        std::string_view b_name) {
  if (a_text == b_text) return "";
  const std::vector<std::string_view> a = Lines(a_text), b = Lines(b_text);
  const std::vector<Edit> edits = EditScript(a, b);
  constexpr size_t kContext = 3;
  std::string out = Cat("--- ", a_name, "\n+++ ", b_name, "\n");
  size_t k = 0;
  while (k < edits.size()) {
    // Find the next change; a hunk spans changes separated by at most 2*kContext kept lines.
    size_t first = k;
    while (first < edits.size() && edits[first].op == Op::kKeep) ++first;
    if (first == edits.size()) break;
    size_t last = first;  // last change of the hunk
    for (size_t x = first; x < edits.size(); ++x) {
      if (edits[x].op != Op::kKeep) {
        last = x;
      } else if (x - last > 2 * kContext) {
        break;
      }
    }
    const size_t begin = first >= kContext ? first - kContext : 0;
    const size_t end = std::min(edits.size(), last + 1 + kContext);
    size_t a_start = 0, b_start = 0, a_count = 0, b_count = 0;
    bool started = false;
    std::string body;
    for (size_t x = begin; x < end; ++x) {
      const Edit& e = edits[x];
      if (!started) {
        a_start = e.a;
        b_start = e.b;
        started = true;
      }
      switch (e.op) {
        case Op::kKeep:
          body += Cat(" ", a[e.a], "\n");
          ++a_count;
          ++b_count;
          break;
        case Op::kDelete:
          body += Cat("-", a[e.a], "\n");
          ++a_count;
          break;
        case Op::kInsert:
          body += Cat("+", b[e.b], "\n");
          ++b_count;
          break;
      }
    }
    out += Cat("@@ -", a_count == 0 ? a_start : a_start + 1, ",", a_count, " +",
               b_count == 0 ? b_start : b_start + 1, ",", b_count, " @@\n", body);
    k = end;
  }
  return out;
}

std::vector<std::string> SummarizeChanges(const RoutingTable& a, const RoutingTable& b) {
  std::vector<std::string> out;
  if (a.version != b.version) out.push_back(Cat("label: ", a.version, " -> ", b.version));
  if (a.default_ack_deadline != b.default_ack_deadline) {
    out.push_back(Cat("default_ack_deadline: ", FormatDuration(a.default_ack_deadline), " -> ",
                      FormatDuration(b.default_ack_deadline)));
  }
  std::map<std::string, const Jurisdiction*> ja, jb;
  for (const Jurisdiction& j : a.jurisdictions) ja[j.code] = &j;
  for (const Jurisdiction& j : b.jurisdictions) jb[j.code] = &j;
  for (const auto& [code, j] : jb) {
    if (ja.count(code) == 0) out.push_back(Cat("jurisdiction added: ", code, " ", j->name));
  }
  for (const auto& [code, j] : ja) {
    if (jb.count(code) == 0) out.push_back(Cat("jurisdiction removed: ", code, " ", j->name));
  }
  for (const Desk& d : b.desks) {
    const Desk* old = a.FindDesk(d.id);
    if (old == nullptr) {
      out.push_back(Cat("desk added: ", d.id));
      continue;
    }
    std::vector<std::string> fields;
    if (old->name != d.name) fields.push_back("name");
    if (old->type != d.type) fields.push_back("type");
    if (old->jurisdiction != d.jurisdiction) fields.push_back("jurisdiction");
    if (old->ack_deadline != d.ack_deadline) fields.push_back("ack_deadline");
    if (!fields.empty()) out.push_back(Cat("desk changed: ", d.id, " (", Join(fields, ", "), ")"));
  }
  for (const Desk& d : a.desks) {
    if (b.FindDesk(d.id) == nullptr) out.push_back(Cat("desk removed: ", d.id));
  }
  std::map<std::string, size_t> position_a;
  for (size_t i = 0; i < a.rules.size(); ++i) position_a[a.rules[i].id] = i;
  for (size_t i = 0; i < b.rules.size(); ++i) {
    const Rule& r = b.rules[i];
    auto it = position_a.find(r.id);
    if (it == position_a.end()) {
      out.push_back(Cat("rule added: ", r.id));
      continue;
    }
    if (RuleSignature(a.rules[it->second]) != RuleSignature(r)) {
      out.push_back(Cat("rule changed: ", r.id));
    }
    if (it->second != i) {
      out.push_back(Cat("rule moved: ", r.id, " (position ", it->second + 1, " -> ", i + 1, ")"));
    }
  }
  for (const Rule& r : a.rules) {
    if (b.FindRule(r.id) == nullptr) out.push_back(Cat("rule removed: ", r.id));
  }
  // Expectations by name (names may repeat: their checks are compared as a sorted list).
  std::map<std::string, std::vector<std::string>> ea, eb;
  for (const Expectation& e : a.expectations) ea[e.name].push_back(ExpectationSignature(e));
  for (const Expectation& e : b.expectations) eb[e.name].push_back(ExpectationSignature(e));
  for (auto& [name, checks] : eb) {
    auto old = ea.find(name);
    if (old == ea.end()) {
      out.push_back(Cat("expectation added: ", name));
      continue;
    }
    std::sort(checks.begin(), checks.end());
    std::sort(old->second.begin(), old->second.end());
    if (checks != old->second) out.push_back(Cat("expectation changed: ", name));
  }
  for (const auto& [name, checks] : ea) {
    if (eb.count(name) == 0) out.push_back(Cat("expectation removed: ", name));
  }
  return out;
}

std::string PutDeskText(std::string_view text, const RoutingTable& table, const Desk& desk) {
  const std::vector<std::string_view> lines = Lines(text);
  if (const Desk* old = table.FindDesk(desk.id); old != nullptr && old->line > 0 &&
                                                 static_cast<size_t>(old->line) <= lines.size()) {
    const auto [begin, end] = BlockRange(lines, old->line);
    return JoinLines(lines, 0, begin) + DeskText(desk) + JoinLines(lines, end, lines.size());
  }
  int last_line = 0;
  for (const Desk& d : table.desks) last_line = std::max(last_line, d.line);
  if (last_line == 0 || static_cast<size_t>(last_line) > lines.size()) {
    return std::string(text) + (text.empty() || text.back() == '\n' ? "" : "\n") + "\n" +
           DeskText(desk);
  }
  const auto [begin, end] = BlockRange(lines, last_line);
  (void)begin;
  return JoinLines(lines, 0, end) + "\n" + DeskText(desk) + JoinLines(lines, end, lines.size());
}

absl::StatusOr<std::string> RemoveDeskText(std::string_view text, const RoutingTable& table,
                                           const std::string& id) {
  const Desk* desk = table.FindDesk(id);
  if (desk == nullptr) return absl::NotFoundError(Cat("desk '", id, "' is not in the table"));
  for (const Rule& r : table.rules) {
    for (const Target& t : r.targets) {
      if (t.desk_id == id) {
        return absl::FailedPreconditionError(Cat("rule '", r.id, "' (line ", r.line,
                                                 ") names desk '", id, "'; change it first"));
      }
    }
    for (const Target& t : r.escalation) {
      if (t.desk_id == id) {
        return absl::FailedPreconditionError(Cat("rule '", r.id, "' (line ", r.line,
                                                 ") escalates to desk '", id,
                                                 "'; change it first"));
      }
    }
  }
  for (const Expectation& e : table.expectations) {
    if (std::find(e.desks.begin(), e.desks.end(), id) != e.desks.end()) {
      return absl::FailedPreconditionError(Cat("expectation '", e.name, "' (line ", e.line,
                                               ") expects desk '", id, "'; change it first"));
    }
  }
  const std::vector<std::string_view> lines = Lines(text);
  if (desk->line <= 0 || static_cast<size_t>(desk->line) > lines.size()) {
    return absl::InternalError(Cat("desk '", id, "' has no line in the text"));
  }
  auto [begin, end] = BlockRange(lines, desk->line);
  // Take one blank separator line with the block, so no double blank is left behind.
  if (end < lines.size() && IsBlankOrComment(lines[end]) &&
      lines[end].find_first_not_of(" \t\r") == std::string_view::npos) {
    ++end;
  }
  return JoinLines(lines, 0, begin) + JoinLines(lines, end, lines.size());
}

}  // namespace hotline::router
