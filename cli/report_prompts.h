// Completes a report draft on a terminal: asks for each required field the flags left out
// (categories, urgency, each child's jurisdiction and age, narrative, reporter phone).
// Not thread-safe.
#pragma once

#include <string_view>

#include "cli/i18n.h"
#include "cli/prompt.h"
#include "cli/report_flags.h"

namespace hotline::cli {

struct ReportPromptScope {
  // Also ask for the narrative and (unless anonymous) the reporter's phone. False for a dry
  // run, which needs only the routing facts.
  bool narrative_and_reporter = true;
};

// Asks for what `draft` misses; adds one child when it has none. False when the input ended
// before every answer was given (the draft is then partly filled).
bool AskMissingReportFields(ReportDraft& draft, Prompter& prompter, const Ui& ui,
                            const ReportPromptScope& scope);

// After the server refused the report with `message` ("<field path>: <reason>"): clears the
// field it names when the form asks for that field (categories, urgency, narrative, the
// reporter's phone, a child's jurisdiction or age), so AskMissingReportFields asks it again
// and nothing else typed is lost. False when the form cannot ask for that field.
bool ClearRefusedField(std::string_view message, ReportDraft& draft);

}  // namespace hotline::cli
