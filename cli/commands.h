// The subcommands of `hotline`. Each Add* registers a subcommand (and its flags) on its
// parent; when the command line chooses it, parsing stores what it must run in `action`,
// which main() then calls. CLI11 stays out of this header.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "cli/command_context.h"
#include "cli/i18n.h"

namespace CLI {
class App;
}  // namespace CLI

namespace hotline::cli {

// Runs a parsed command; returns the exit code.
using Action = std::function<int(CommandContext&)>;

// Help labels in the UI language, the help flag, fallthrough of global flags to subcommands.
void ConfigureApp(CLI::App& app, const Ui& ui);
// --server, --token, --json, --lang, --timeout, --wide.
void AddGlobalOptions(CLI::App& app, GlobalOptions& options, const Ui& ui);
// The required NUMBER argument of a case command, read as typed in any case ("hl-2026-1"
// becomes "HL-2026-1"; the server checks the rest).
void AddCaseNumberArgument(CLI::App& command, std::string& number, const Ui& ui);
// A subcommand listed under the UI's "Subcommands" heading.
CLI::App* AddSubcommand(CLI::App& parent, const std::string& name, const std::string& help,
                        const Ui& ui);

void AddReportCommand(CLI::App& app, const Ui& ui, Action& action);   // report
void AddInquiryCommand(CLI::App& app, const Ui& ui, Action& action);  // inquiry
void AddCaseCommands(CLI::App& app, const Ui& ui, Action& action);  // case show|note|close|history
void AddCaseListCommand(CLI::App& case_command, const Ui& ui, Action& action);  // case list
// case reopen|access
void AddCaseFollowUpCommands(CLI::App& case_command, const Ui& ui, Action& action);
// desk list|show|ack|update|decline|transfer|resolve
void AddDeskCommands(CLI::App& app, const Ui& ui, Action& action);
void AddDeskWatchCommand(CLI::App& desk_command, const Ui& ui, Action& action);  // desk watch
void AddFeedbackCommands(CLI::App& app, const Ui& ui, Action& action);  // feedback due|done
void AddAuditCommands(CLI::App& app, const Ui& ui, Action& action);     // audit verify
void AddRulesCommands(CLI::App& app, const Ui& ui, Action& action);     // rules explain + admin

// A routing-table file's text; nullopt, after a usage message naming the file and the reason
// (cannot be read, empty, not UTF-8 text), when it cannot be used.
std::optional<std::string> ReadTableFile(CommandContext& ctx, const std::string& path);
// rules validate|apply|show|versions|diff|rollback|replay (under the `rules` group)
void AddRulesAdminCommands(CLI::App& rules, const Ui& ui, Action& action);
void AddDesksCommands(CLI::App& app, const Ui& ui, Action& action);  // desks list|put|disable

}  // namespace hotline::cli
