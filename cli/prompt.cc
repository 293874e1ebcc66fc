#include "cli/prompt.h"

#include <algorithm>
#include <cctype>
#include <istream>
#include <ostream>

#include "cli/report_flags.h"

namespace hotline::cli {
namespace {

std::string Normalize(std::string_view text) {
  std::string out = NarrowDigits(Trim(text));
  for (char& c : out) {
    c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::vector<Choice> PlainChoices(const std::vector<std::string>& names) {
  std::vector<Choice> out;
  out.reserve(names.size());
  for (const std::string& name : names) out.push_back(Choice{name, "", {}});
  return out;
}

std::vector<Choice> YesNoChoices(const Ui& ui) {
  return {Choice{"yes", ui(Msg::kYes), {"y", "是"}}, Choice{"no", ui(Msg::kNo), {"n", "否"}}};
}

Prompter::Prompter(std::istream& in, std::ostream& out, Ui ui) : in_(in), out_(out), ui_(ui) {}

std::optional<std::string> Prompter::AskLine(std::string_view question, const Check& check) {
  return Ask(question, check, /*required=*/true);
}

std::optional<std::string> Prompter::AskOptionalLine(std::string_view question,
                                                     const Check& check) {
  return Ask(question, check, /*required=*/false);
}

std::optional<std::string> Prompter::Ask(std::string_view question, const Check& check,
                                         bool required) {
  for (;;) {
    out_ << question << ": " << std::flush;
    std::string line;
    if (!std::getline(in_, line)) {
      out_ << '\n';
      return std::nullopt;
    }
    std::string answer = Trim(line);
    if (answer.empty()) {
      if (!required) return answer;
      out_ << "  " << ui_(Msg::kPromptRequired) << '\n';
      continue;
    }
    if (check) {
      if (std::string problem = check(answer); !problem.empty()) {
        out_ << "  " << problem << '\n';
        continue;
      }
    }
    return answer;
  }
}

std::optional<size_t> Prompter::FindChoice(const std::string& answer,
                                           const std::vector<Choice>& choices) {
  const std::string wanted = Normalize(answer);
  if (!wanted.empty() && std::all_of(wanted.begin(), wanted.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    if (wanted.size() > 4) return std::nullopt;
    const size_t number = std::stoul(wanted);
    if (number >= 1 && number <= choices.size()) return number - 1;
    return std::nullopt;
  }
  const auto matches = [&wanted](const std::string& spelling) {
    return !spelling.empty() && Normalize(spelling) == wanted;
  };
  for (size_t i = 0; i < choices.size(); ++i) {
    const Choice& c = choices[i];
    if (matches(c.name) || matches(c.label) ||
        std::any_of(c.aliases.begin(), c.aliases.end(), matches)) {
      return i;
    }
  }
  return std::nullopt;
}

void Prompter::ShowChoices(const std::vector<Choice>& choices) {
  std::string list;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) list += ", ";
    list += std::to_string(i + 1) + " " +
            (choices[i].label.empty() ? choices[i].name : choices[i].label);
  }
  out_ << ui_.Format(Msg::kPromptChoices, list) << '\n';
}

std::optional<std::string> Prompter::AskChoice(std::string_view question,
                                               const std::vector<std::string>& choices) {
  return AskChoice(question, PlainChoices(choices));
}

std::optional<std::vector<std::string>> Prompter::AskChoices(
    std::string_view question, const std::vector<std::string>& choices) {
  return AskChoices(question, PlainChoices(choices));
}

std::optional<std::string> Prompter::AskChoice(std::string_view question,
                                               const std::vector<Choice>& choices) {
  ShowChoices(choices);
  std::optional<std::string> answer = AskLine(question, [&](const std::string& a) {
    return FindChoice(a, choices) ? std::string() : ui_.Format(Msg::kPromptNotAChoice, a);
  });
  if (!answer) return std::nullopt;
  return choices[*FindChoice(*answer, choices)].name;
}

std::optional<std::vector<std::string>> Prompter::AskChoices(std::string_view question,
                                                             const std::vector<Choice>& choices) {
  ShowChoices(choices);
  std::optional<std::string> answer = AskLine(question, [&](const std::string& a) {
    const std::vector<std::string> items = SplitList(a);
    if (items.empty()) return ui_(Msg::kPromptRequired);
    for (const std::string& item : items) {
      if (!FindChoice(item, choices)) return ui_.Format(Msg::kPromptNotAChoice, item);
    }
    return std::string();
  });
  if (!answer) return std::nullopt;
  std::vector<std::string> out;
  for (const std::string& item : SplitList(*answer)) {
    const std::string& choice = choices[*FindChoice(item, choices)].name;
    if (std::find(out.begin(), out.end(), choice) == out.end()) out.push_back(choice);
  }
  return out;
}

}  // namespace hotline::cli
