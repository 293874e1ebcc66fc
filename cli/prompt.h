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

  // Asks until the answer is one of `choices` (case-insensitive, '-' read as '_') or its
  // 1-based number; returns the choice as spelled in `choices`. nullopt when the input ends.
  std::optional<std::string> AskChoice(std::string_view question,
                                       const std::vector<std::string>& choices);

  // Like AskChoice for a comma-separated list of one or more choices, without duplicates.
  std::optional<std::vector<std::string>> AskChoices(std::string_view question,
                                                     const std::vector<std::string>& choices);

 private:
  // The index of `answer` in `choices`, or nullopt.
  static std::optional<size_t> FindChoice(const std::string& answer,
                                          const std::vector<std::string>& choices);
  void ShowChoices(const std::vector<std::string>& choices);
  std::optional<std::string> Ask(std::string_view question, const Check& check, bool required);

  std::istream& in_;
  std::ostream& out_;
  Ui ui_;
};

}  // namespace hotline::cli
