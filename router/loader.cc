#include "router/loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "router/compiled_table.h"
#include "router/table_checks.h"
#include "router/text.h"
#include "router/toml_depth.h"
#include "router/toml_fields.h"

namespace hotline::router {
namespace {

std::string JoinNames(const std::vector<std::string>& names) { return Join(names, ", "); }

bool IsWellFormedId(const std::string& id) {
  if (id.empty()) return false;
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string MalformedCode(const std::string& code) {
  return Cat("malformed jurisdiction code '", code, "': want 2, 4, 6, 9 or 12 digits");
}

// Parses one document into a table, reporting every problem it finds on the way. Sections are
// read in dependency order (jurisdictions, desks, rules) so references can be checked at the
// line that makes them.
class DocumentParser {
 public:
  DocumentParser(RoutingTable& table, DiagnosticSink& sink) : table_(table), sink_(sink) {}

  void Parse(const toml::table& root) {
    CheckKeys(root, "the top level",
              {"version", "default_ack_deadline", "jurisdiction", "desk", "rule", "expect"},
              sink_);
    if (auto version = ReadString(root, "version", "the file", true, 1, sink_)) {
      table_.version = version->value;
    }
    if (auto d = ReadDuration(root, "default_ack_deadline", "the top level", sink_)) {
      table_.default_ack_deadline = *d;
    }
    for (const toml::table* t : ReadTables(root, "jurisdiction", "the top level", sink_)) {
      ParseJurisdiction(*t);
    }
    for (const toml::table* t : ReadTables(root, "desk", "the top level", sink_)) {
      ParseDesk(*t);
    }
    for (const toml::table* t : ReadTables(root, "rule", "the top level", sink_)) {
      ParseRule(*t);
    }
    for (const toml::table* t : ReadTables(root, "expect", "the top level", sink_)) {
      ParseExpectation(*t);
    }
  }

 private:
  void ParseJurisdiction(const toml::table& t) {
    const int line = LineOf(t);
    CheckKeys(t, "[[jurisdiction]]", {"code", "name"}, sink_);
    Jurisdiction j;
    j.line = line;
    auto code = ReadString(t, "code", "[[jurisdiction]]", true, line, sink_);
    auto name = ReadString(t, "name", "[[jurisdiction]]", true, line, sink_);
    if (!code) return;
    if (!IsWellFormedJurisdiction(code->value)) {
      sink_.Error(code->line, MalformedCode(code->value));
      return;
    }
    j.code = code->value;
    if (name) j.name = name->value;
    listed_codes_.insert(j.code);
    table_.jurisdictions.push_back(std::move(j));
  }

  void ParseDesk(const toml::table& t) {
    const int line = LineOf(t);
    constexpr std::string_view kWhere = "[[desk]]";
    CheckKeys(t, kWhere, {"id", "name", "type", "jurisdiction", "ack_deadline"}, sink_);
    Desk desk;
    desk.line = line;
    if (auto id = ReadString(t, "id", kWhere, true, line, sink_)) {
      if (!IsWellFormedId(id->value)) {
        sink_.Error(id->line, Cat("desk id '", id->value, "' must match [a-z0-9_.-]+"));
      }
      desk.id = id->value;
    }
    if (auto name = ReadString(t, "name", kWhere, true, line, sink_)) desk.name = name->value;
    if (auto type = ReadString(t, "type", kWhere, true, line, sink_)) {
      if (DeskTypeIndex(type->value) < 0) {
        sink_.Error(type->line, Cat("unknown desk type '", type->value,
                                    "'; known: ", JoinNames(KnownDeskTypes())));
      }
      desk.type = type->value;
    }
    if (auto code = ReadString(t, "jurisdiction", kWhere, true, line, sink_)) {
      if (!IsWellFormedJurisdiction(code->value)) {
        sink_.Error(code->line, MalformedCode(code->value));
      } else if (listed_codes_.count(code->value) == 0) {
        sink_.Error(code->line, Cat("desk '", desk.id, "': jurisdiction ", code->value,
                                    " is not listed in [[jurisdiction]]"));
      }
      desk.jurisdiction = code->value;
    }
    desk.ack_deadline = ReadDuration(t, "ack_deadline", kWhere, sink_);
    if (!desk.id.empty()) desk_ids_.insert(desk.id);
    table_.desks.push_back(std::move(desk));
  }

  void ParseRule(const toml::table& t) {
    const int line = LineOf(t);
    CheckKeys(t, "[[rule]]",
              {"id", "description", "cites", "continue", "default", "when", "targets", "escalate"},
              sink_);
    Rule rule;
    rule.line = line;
    if (auto id = ReadString(t, "id", "[[rule]]", true, line, sink_)) {
      if (!IsWellFormedId(id->value)) {
        sink_.Error(id->line, Cat("rule id '", id->value, "' must match [a-z0-9_.-]+"));
      }
      rule.id = id->value;
    }
    const std::string where =
        rule.id.empty() ? Cat("[[rule]] at line ", line) : Cat("rule '", rule.id, "'");
    if (auto d = ReadString(t, "description", where, false, line, sink_)) {
      rule.description = d->value;
    }
    if (auto cites = ReadString(t, "cites", where, true, line, sink_)) rule.cites = cites->value;
    rule.continue_evaluation = ReadBool(t, "continue", where, sink_).value_or(false);
    rule.is_default = ReadBool(t, "default", where, sink_).value_or(false);
    if (rule.is_default && rule.continue_evaluation) {
      sink_.Error(LineOf(*t.get("continue")),
                  Cat("default ", where, " must not have continue = true (nothing follows it)"));
    }
    if (const toml::node* when = t.get("when")) {
      if (rule.is_default) {
        sink_.Error(LineOf(*when), Cat("default ", where,
                                       " must not have 'when': it takes whatever no earlier "
                                       "rule matched"));
      } else if (const toml::table* wt = when->as_table()) {
        ParseWhen(*wt, where, rule.when);
      } else {
        sink_.Error(LineOf(*when),
                    Cat("'when' in ", where, " must be a table, not ", TypeName(*when)));
      }
    }
    const toml::node* targets = t.get("targets");
    const toml::array* array = targets ? targets->as_array() : nullptr;
    if (targets == nullptr || (array != nullptr && array->empty())) {
      sink_.Error(
          targets ? LineOf(*targets) : line,
          Cat(where, " has no targets (want at least one { desk = ... } or { type = ... })"));
    }
    for (const toml::table* target : ReadTables(t, "targets", where, sink_)) {
      ParseTarget(*target, where, rule.targets);
    }
    for (const toml::table* step : ReadTables(t, "escalate", where, sink_)) {
      ParseTarget(*step, Cat(where, " escalate"), rule.escalation);
    }
    table_.rules.push_back(std::move(rule));
  }

  void ParseExpectation(const toml::table& t) {
    const int line = LineOf(t);
    CheckKeys(t, "[[expect]]",
              {"name", "categories", "urgency", "reporter", "jurisdiction", "age",
               "attends_school", "desks"},
              sink_);
    Expectation e;
    e.line = line;
    if (auto name = ReadString(t, "name", "[[expect]]", true, line, sink_)) e.name = name->value;
    const std::string where =
        e.name.empty() ? Cat("[[expect]] at line ", line) : Cat("expectation '", e.name, "'");
    if (!t.contains("categories")) sink_.Error(line, Cat(where, " is missing 'categories'"));
    e.categories =
        VocabularyList(t, "categories", where, "category", &CategoryIndex, KnownCategories());
    if (auto urgency = ReadString(t, "urgency", where, true, line, sink_)) {
      if (UrgencyIndex(urgency->value) < 0) {
        sink_.Error(urgency->line, Cat("unknown urgency '", urgency->value, "' in ", where,
                                       "; known: ", JoinNames(KnownUrgencies())));
      }
      e.urgency = urgency->value;
    }
    if (auto reporter = ReadString(t, "reporter", where, false, line, sink_)) {
      if (ReporterKindIndex(reporter->value) < 0) {
        sink_.Error(reporter->line, Cat("unknown reporter kind '", reporter->value, "' in ",
                                        where, "; known: ", JoinNames(KnownReporterKinds())));
      }
      e.reporter_kind = reporter->value;
    }
    if (auto code = ReadString(t, "jurisdiction", where, true, line, sink_)) {
      if (!IsWellFormedJurisdiction(code->value)) {
        sink_.Error(code->line, Cat(MalformedCode(code->value), " (in ", where, ")"));
      } else if (listed_codes_.count(code->value) == 0) {
        sink_.Error(code->line, Cat("jurisdiction ", code->value, " in ", where,
                                    " is not listed in [[jurisdiction]]"));
      }
      e.jurisdiction = code->value;
    }
    if (const toml::node* age = t.get("age")) {
      if (age->is_integer()) {
        const int64_t years = *age->value<int64_t>();
        if (years < 0 || years > 17) {
          sink_.Error(LineOf(*age), Cat("age ", years, " in ", where, " is outside 0..17"));
        } else {
          e.age_min = e.age_max = static_cast<int>(years);
        }
      } else {
        Conditions range;
        ParseAge(*age, where, range);
        e.age_min = range.age_min;
        e.age_max = range.age_max;
      }
    }
    e.attends_school = ReadBool(t, "attends_school", where, sink_);
    if (auto desks = ReadStringList(t, "desks", where, sink_)) {
      for (const LinedString& desk : *desks) {
        if (desk_ids_.count(desk.value) == 0) {
          sink_.Error(desk.line, Cat(where, " expects unknown desk '", desk.value, "'"));
        }
        e.desks.push_back(desk.value);
      }
    } else {
      sink_.Error(line, Cat(where, " is missing 'desks' (the desks the report must reach)"));
    }
    table_.expectations.push_back(std::move(e));
  }

  // Checks each name of a when-list against a vocabulary.
  std::vector<std::string> VocabularyList(const toml::table& t, std::string_view key,
                                          const std::string& where, std::string_view what,
                                          int (*index_of)(std::string_view),
                                          const std::vector<std::string>& known) {
    std::vector<std::string> out;
    auto list = ReadStringList(t, key, where, sink_);
    if (!list) return out;
    for (const LinedString& item : *list) {
      if (index_of(item.value) < 0) {
        sink_.Error(item.line, Cat("unknown ", what, " '", item.value, "' in ", where,
                                   "; known: ", JoinNames(known)));
      }
      out.push_back(item.value);
    }
    return out;
  }

  void ParseWhen(const toml::table& t, const std::string& rule_where, Conditions& when) {
    const std::string where = Cat(rule_where, " when");
    CheckKeys(t, where,
              {"categories", "urgency", "jurisdiction", "age", "reporter", "attends_school"},
              sink_);
    when.categories =
        VocabularyList(t, "categories", where, "category", &CategoryIndex, KnownCategories());
    when.urgencies =
        VocabularyList(t, "urgency", where, "urgency", &UrgencyIndex, KnownUrgencies());
    when.reporter_kinds = VocabularyList(t, "reporter", where, "reporter kind", &ReporterKindIndex,
                                         KnownReporterKinds());
    if (auto codes = ReadStringList(t, "jurisdiction", where, sink_)) {
      for (const LinedString& code : *codes) {
        if (!IsWellFormedJurisdiction(code.value)) {
          sink_.Error(code.line, Cat(MalformedCode(code.value), " (in ", where, ")"));
        } else if (listed_codes_.count(code.value) == 0) {
          sink_.Error(code.line, Cat("jurisdiction ", code.value, " in ", where,
                                     " is not listed in [[jurisdiction]]"));
        }
        when.jurisdictions.push_back(code.value);
      }
    }
    if (const toml::node* age = t.get("age")) ParseAge(*age, where, when);
    when.attends_school = ReadBool(t, "attends_school", where, sink_);
  }

  void ParseAge(const toml::node& node, const std::string& where, Conditions& when) {
    const toml::array* array = node.as_array();
    if (array == nullptr || array->size() != 2 || !(*array)[0].is_integer() ||
        !(*array)[1].is_integer()) {
      sink_.Error(LineOf(node), Cat("'age' in ", where, " must be [min, max], two integers"));
      return;
    }
    const int64_t min = *(*array)[0].value<int64_t>();
    const int64_t max = *(*array)[1].value<int64_t>();
    bool ok = true;
    for (int64_t age : {min, max}) {
      if (age < 0 || age > 17) {
        sink_.Error(LineOf(node),
                    Cat("age ", age, " in ", where, " is outside 0..17 (minors only)"));
        ok = false;
      }
    }
    if (ok && min > max) {
      sink_.Error(LineOf(node),
                  Cat("age range [", min, ", ", max, "] in ", where, " has min > max"));
      ok = false;
    }
    if (ok) {
      when.age_min = static_cast<int>(min);
      when.age_max = static_cast<int>(max);
    }
  }

  void ParseTarget(const toml::table& t, const std::string& rule_where,
                   std::vector<Target>& targets) {
    const int line = LineOf(t);
    const std::string where = Cat("a target of ", rule_where);
    CheckKeys(t, where, {"desk", "type", "deadline"}, sink_);
    Target target;
    target.line = line;
    auto desk = ReadString(t, "desk", where, false, line, sink_);
    auto type = ReadString(t, "type", where, false, line, sink_);
    const bool has_desk = t.contains("desk");
    const bool has_type = t.contains("type");
    if (has_desk && has_type) {
      sink_.Error(line, Cat(where, " has both 'desk' and 'type'; give exactly one"));
    } else if (!has_desk && !has_type) {
      sink_.Error(line, Cat(where, " has neither 'desk' nor 'type'; give exactly one"));
    } else if (desk) {
      if (desk_ids_.count(desk->value) == 0) {
        sink_.Error(desk->line, Cat(where, " names unknown desk '", desk->value, "'"));
      }
      target.desk_id = desk->value;
    } else if (type) {
      if (DeskTypeIndex(type->value) < 0) {
        sink_.Error(type->line, Cat("unknown desk type '", type->value, "' in ", where,
                                    "; known: ", JoinNames(KnownDeskTypes())));
      }
      target.desk_type = type->value;
    }
    target.ack_deadline = ReadDuration(t, "deadline", where, sink_);
    targets.push_back(std::move(target));
  }

  RoutingTable& table_;
  DiagnosticSink& sink_;
  std::set<std::string> listed_codes_;
  std::set<std::string> desk_ids_;
};

}  // namespace

std::string Diagnostic::ToString() const {
  return Cat(file, line > 0 ? Cat(":", line) : "", ": ",
             severity == Severity::kWarning ? "warning: " : "", message);
}

absl::StatusOr<std::shared_ptr<const RoutingTable>> ParseRoutingTable(
    std::string_view text, std::string_view file_name, std::vector<Diagnostic>* diagnostics) {
  DiagnosticSink sink{std::string(file_name)};
  auto table = std::make_shared<RoutingTable>();
  table->source = std::string(file_name);
  try {
    if (std::optional<TomlTextProblem> deep = FindTooDeepKey(text)) {
      sink.Error(deep->line, deep->message);
    } else {
      const toml::table root = toml::parse(text, file_name);
      DocumentParser(*table, sink).Parse(root);
      CheckTable(*table, sink);
    }
  } catch (const toml::parse_error& e) {
    sink.Error(static_cast<int>(e.source().begin.line),
               Cat("TOML syntax error: ", e.description()));
  } catch (const std::exception& e) {
    return absl::InternalError(Cat(file_name, ": ", e.what()));
  }
  const std::vector<Diagnostic> sorted = sink.Sorted();
  if (diagnostics != nullptr) *diagnostics = sorted;
  if (sink.has_errors()) {
    std::string message;
    for (const Diagnostic& d : sorted) {
      if (d.severity != Diagnostic::Severity::kError) continue;
      if (!message.empty()) message += '\n';
      message += d.ToString();
    }
    return absl::InvalidArgumentError(message);
  }
  BuildIndexes(*table);
  // Routing tests run on the finished table; a failing one refuses it like any error.
  DiagnosticSink expectations{std::string(file_name)};
  CheckExpectations(*table, expectations);
  if (expectations.has_errors()) {
    std::vector<Diagnostic> all = sorted;
    std::string message;
    for (const Diagnostic& d : expectations.Sorted()) {
      all.push_back(d);
      if (!message.empty()) message += '\n';
      message += d.ToString();
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; });
    if (diagnostics != nullptr) *diagnostics = all;
    return absl::InvalidArgumentError(message);
  }
  return std::shared_ptr<const RoutingTable>(std::move(table));
}

absl::StatusOr<std::shared_ptr<const RoutingTable>> LoadRoutingTableFile(
    const std::string& path, std::vector<Diagnostic>* diagnostics) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    return absl::NotFoundError(Cat("routing table ", path, " does not exist"));
  }
  if (!std::filesystem::is_regular_file(status)) {
    return absl::FailedPreconditionError(Cat("routing table ", path, " is not a regular file"));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (!in || in.bad()) {
    return absl::FailedPreconditionError(Cat("cannot read routing table ", path));
  }
  return ParseRoutingTable(contents.str(), path, diagnostics);
}

}  // namespace hotline::router
