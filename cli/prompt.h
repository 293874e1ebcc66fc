// Interactive questions on a terminal: asks until the answer is acceptable, in the UI
// language. Questions go to `out` (stderr in the CLI, so stdout stays machine-readable).
// Not thread-safe.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/i18n.h"

namespace hotline::cli {

// One answer a choice question accepts.
struct Choice {
  std::string name;                  // what AskChoice returns
  std::string label;                 // what the list shows; "" shows the name
  std::vector<std::string> aliases;  // further spellings accepted (the name and label are)
};

// `names` as choices shown and accepted by their names only.
std::vector<Choice> PlainChoices(const std::vector<std::string>& names);

// "yes" / "no", shown in the UI language; either is also accepted as y/n and 是/否 in both
// languages.
std::vector<Choice> YesNoChoices(const Ui& ui);

class Prompter {
 public:
  // Returns "" when `answer` is acceptable, else the problem to show before asking again.
  using Check = std::function<std::string(const std::string& answer)>;

  // `in` and `out` must outlive the Prompter.
  Prompter(std::istream& in, std::ostream& out, Ui ui);

  // Asks `question` until the trimmed answer is non-empty and passes `check` (if any).
  // nullopt when the input ends.
  std::optional<std::string> AskLine(std::string_view question, const Check& check = {});

  // Like AskLine, but an empty answer is accepted as it is (and not checked).
  std::optional<std::string> AskOptionalLine(std::string_view question, const Check& check = {});

  // Lists `choices` by number and label, then asks until the answer is a choice's name,
  // label or alias (case-insensitive, '-' read as '_') or its 1-based number; returns the
  // choice's name. nullopt when the input ends.
  std::optional<std::string> AskChoice(std::string_view question,
                                       const std::vector<Choice>& choices);
  std::optional<std::string> AskChoice(std::string_view question,
                                       const std::vector<std::string>& choices);

  // Like AskChoice for a comma-separated list of one or more choices, without duplicates.
  std::optional<std::vector<std::string>> AskChoices(std::string_view question,
                                                     const std::vector<Choice>& choices);
  std::optional<std::vector<std::string>> AskChoices(std::string_view question,
                                                     const std::vector<std::string>& choices);

 private:
  // The index of `answer` in `choices`, or nullopt.
  static std::optional<size_t> FindChoice(const std::string& answer,
                                          const std::vector<Choice>& choices);
  void ShowChoices(const std::vector<Choice>& choices);
  std::optional<std::string> Ask(std::string_view question, const Check& check, bool required);

  std::istream& in_;
  std::ostream& out_;
  Ui ui_;
};

}  // namespace hotline::cli
