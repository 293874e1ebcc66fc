#include "router/compiled_table.h"

#include <array>
#include <utility>

#include "router/text.h"

namespace hotline::router {
namespace {

// A vocabulary's names with their positions. Vocabularies are a dozen short names, so a scan
// that compares lengths first finds a name faster than a binary search of string comparisons.
class VocabularyIndex {
 public:
  explicit VocabularyIndex(const std::vector<std::string>& names)
      : names_(names.begin(), names.end()) {}

  int Find(std::string_view name) const {
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i].size() == name.size() && names_[i] == name) return static_cast<int>(i);
    }
    return -1;
  }

 private:
  // Views into the static vocabularies, which live for the whole program.
  std::vector<std::string_view> names_;
};

// `verb` joins the fact to the list in a failing reason ("are not in"). With `subject`, the
// fact is one-valued and every vocabulary entry gets its whole failing reason.
MaskCondition CompileMask(const std::vector<std::string>& names, int (*index_of)(std::string_view),
                          std::string_view verb, std::string_view subject = {},
                          const std::vector<std::string>* vocabulary = nullptr) {
  MaskCondition condition;
  if (names.empty()) return condition;
  condition.set = true;
  condition.fail_suffix = Cat(" ", verb, " ", BracketList(names));
  for (const std::string& name : names) {
    const int i = index_of(name);
    if (i >= 0 && i < 64) condition.mask |= uint64_t{1} << i;
  }
  if (vocabulary != nullptr) {
    for (const std::string& value : *vocabulary) {
      condition.fail_reasons.push_back(Cat(subject, " ", value, condition.fail_suffix));
    }
  }
  return condition;
}

}  // namespace

int CategoryIndex(std::string_view name) {
  static const VocabularyIndex kIndex(KnownCategories());
  return kIndex.Find(name);
}

int UrgencyIndex(std::string_view name) {
  static const VocabularyIndex kIndex(KnownUrgencies());
  return kIndex.Find(name);
}

int DeskTypeIndex(std::string_view name) {
  static const VocabularyIndex kIndex(KnownDeskTypes());
  return kIndex.Find(name);
}

int ReporterKindIndex(std::string_view name) {
  static const VocabularyIndex kIndex(KnownReporterKinds());
  return kIndex.Find(name);
}

void AppendBracketList(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  out += ']';
}

std::string BracketList(const std::vector<std::string>& items) {
  std::string out;
  AppendBracketList(out, items);
  return out;
}

namespace {

void SetBit(std::vector<uint64_t>& bits, size_t i) { bits[i / 64] |= uint64_t{1} << (i % 64); }

void BuildRuleIndex(const RoutingTable& table, CompiledTable& compiled) {
  RuleIndex& index = compiled.index;
  index.words = (table.rules.size() + 63) / 64;
  const std::vector<uint64_t> empty(index.words, 0);
  index.by_category.assign(KnownCategories().size(), empty);
  index.by_urgency.assign(KnownUrgencies().size(), empty);
  index.no_category = index.no_urgency = index.no_jurisdiction = empty;
  for (size_t r = 0; r < table.rules.size(); ++r) {
    const Conditions& when = table.rules[r].when;
    if (when.categories.empty()) {
      SetBit(index.no_category, r);
    }
    for (const std::string& c : when.categories) {
      if (const int i = CategoryIndex(c); i >= 0) SetBit(index.by_category[i], r);
    }
    if (when.urgencies.empty()) SetBit(index.no_urgency, r);
    for (const std::string& u : when.urgencies) {
      if (const int i = UrgencyIndex(u); i >= 0) SetBit(index.by_urgency[i], r);
    }
    if (when.jurisdictions.empty()) SetBit(index.no_jurisdiction, r);
    for (const std::string& code : when.jurisdictions) {
      index.by_jurisdiction[code].push_back(static_cast<uint32_t>(r));
    }
  }
  for (const std::vector<uint64_t>& by : index.by_category) {
    std::vector<uint64_t>& allowed = index.category_allowed.emplace_back(by);
    for (size_t w = 0; w < index.words; ++w) allowed[w] |= index.no_category[w];
  }
  for (const std::vector<uint64_t>& by : index.by_urgency) {
    std::vector<uint64_t>& allowed = index.urgency_allowed.emplace_back(by);
    for (size_t w = 0; w < index.words; ++w) allowed[w] |= index.no_urgency[w];
  }
}

}  // namespace

CompiledTable CompileTable(const RoutingTable& table) {
  CompiledTable compiled;
  compiled.desks_by_type.resize(KnownDeskTypes().size());
  std::map<std::string, size_t, std::less<>> desk_by_id;
  for (size_t i = 0; i < table.desks.size(); ++i) {
    const Desk& desk = table.desks[i];
    desk_by_id.emplace(desk.id, i);  // the first desk with an id wins
    const int type = DeskTypeIndex(desk.type);
    if (type < 0) continue;
    compiled.desks_by_type[type].emplace(desk.jurisdiction, i);
    if (desk.type == "center" && compiled.first_center < 0) {
      compiled.first_center = static_cast<int>(i);
    }
  }

  compiled.rules.reserve(table.rules.size());
  for (const Rule& rule : table.rules) {
    CompiledRule out;
    const Conditions& when = rule.when;
    out.categories = CompileMask(when.categories, &CategoryIndex, "are not in");
    out.urgencies =
        CompileMask(when.urgencies, &UrgencyIndex, "is not in", "urgency", &KnownUrgencies());
    out.reporter_kinds = CompileMask(when.reporter_kinds, &ReporterKindIndex, "is not in",
                                     "reporter", &KnownReporterKinds());
    out.jurisdictions = when.jurisdictions;
    if (!when.jurisdictions.empty()) {
      out.jurisdictions_fail_suffix = Cat(" is not under ", BracketList(when.jurisdictions));
    }
    if (when.age_min.has_value() || when.age_max.has_value()) {
      out.has_age = true;
      out.age_min = when.age_min.value_or(0);
      out.age_max = when.age_max.value_or(17);
      out.age_text = Cat("[", out.age_min, ", ", out.age_max, "]");
    }
    out.attends_school = when.attends_school;
    for (const Target& target : rule.targets) {
      CompiledTarget ct;
      ct.ack_deadline = target.ack_deadline;
      if (!target.desk_id.empty()) {
        ct.names_desk = true;
        auto it = desk_by_id.find(target.desk_id);
        if (it != desk_by_id.end()) ct.desk = static_cast<int>(it->second);
      } else {
        ct.type = DeskTypeIndex(target.desk_type);
      }
      out.targets.push_back(ct);
    }
    compiled.rules.push_back(std::move(out));
  }
  BuildRuleIndex(table, compiled);
  return compiled;
}

int ResolveTypeIndex(const CompiledTable& compiled, int type_index, std::string_view code) {
  if (type_index < 0 || static_cast<size_t>(type_index) >= compiled.desks_by_type.size()) {
    return -1;
  }
  const auto& by_code = compiled.desks_by_type[type_index];
  if (by_code.empty()) return -1;
  static constexpr std::array<size_t, 5> kLengths = {12, 9, 6, 4, 2};
  for (size_t len : kLengths) {
    if (len > code.size()) continue;
    auto it = by_code.find(code.substr(0, len));
    if (it != by_code.end()) return static_cast<int>(it->second);
  }
  return -1;
}

}  // namespace hotline::router
