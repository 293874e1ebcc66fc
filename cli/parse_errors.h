// CLI11's own parse errors ("--comment is required", "The following argument was not
// expected: --foo") in the UI language. CLI11 writes English only, so the shapes a user meets
// are recognised by their text and said again as the rest of the CLI says things ("flag:
// reason"), in English or Chinese, keeping the flag names and values. A text of another shape
// is kept as CLI11 wrote it. Thread-safe; knows nothing of CLI11's types (the caller passes
// ParseError::get_name() and what()).
#pragma once

#include <string>
#include <string_view>

#include "cli/i18n.h"

namespace hotline::cli {

std::string ParseErrorText(std::string_view error_name, std::string_view what, const Ui& ui);

}  // namespace hotline::cli
