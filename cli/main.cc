// hotline: the terminal client of the hotline service. Parses the command line, runs the
// chosen command, and turns every failure into one line on stderr and an exit code
// (exit_codes.h).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string_view>

#include "cli/command_context.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/output.h"

namespace hotline::cli {
namespace {

// The value of --lang, read before parsing because the help text depends on it.
std::optional<std::string_view> ScanLangFlag(int argc, char** argv) {
  static constexpr std::string_view kFlag = "--lang";
  std::optional<std::string_view> value;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == kFlag && i + 1 < argc) {
      value = argv[++i];
    } else if (arg.size() > kFlag.size() && arg.substr(0, kFlag.size() + 1) == "--lang=") {
      value = arg.substr(kFlag.size() + 1);
    }
  }
  return value;
}

void PrintUsageError(const Ui& ui, std::string_view detail) {
  std::cerr << ErrorLine(ui.Format(Msg::kUsageLine, detail)) << '\n';
}

// Parses the command line and runs the chosen command.
int Run(int argc, char** argv, const Ui& ui) {
  CLI::App app(ui(Msg::kHelpApp), "hotline");
  ConfigureApp(app, ui);
  GlobalOptions global;
  AddGlobalOptions(app, global, ui);
  Action action;
  AddReportCommand(app, ui, action);
  AddInquiryCommand(app, ui, action);
  AddCaseCommands(app, ui, action);
  AddDeskCommands(app, ui, action);
  AddFeedbackCommands(app, ui, action);
  AddAuditCommands(app, ui, action);
  AddRulesCommands(app, ui, action);
  AddDesksCommands(app, ui, action);
  app.require_subcommand(1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    PrintUsageError(ui, e.what());
    return kExitUsage;
  }
  if (!(global.timeout_seconds > 0)) {
    PrintUsageError(ui, ui(Msg::kBadTimeout));
    return kExitUsage;
  }
  if (!action) {  // Unreachable: require_subcommand makes parsing choose a command.
    PrintUsageError(ui, "no command");
    return kExitUsage;
  }
  CommandContext context(global, ui, isatty(STDIN_FILENO) == 1, std::cin, std::cout, std::cerr);
  return action(context);
}

int Main(int argc, char** argv) {
  const std::optional<std::string_view> lang_flag = ScanLangFlag(argc, argv);
  const std::optional<Lang> lang = lang_flag ? ParseLang(*lang_flag) : std::nullopt;
  const Ui ui(DetectLang(lang, [](const char* name) { return std::getenv(name); }));
  if (lang_flag && !lang) {
    PrintUsageError(ui, ui.Format(Msg::kBadLang, *lang_flag));
    return kExitUsage;
  }

  try {
    return Run(argc, argv, ui);
  } catch (const std::exception& e) {
    std::cerr << ErrorLine(ui.Format(Msg::kInternalError, e.what())) << '\n';
  }
  return kExitRpcFailed;
}

}  // namespace
}  // namespace hotline::cli

int main(int argc, char** argv) {
  try {
    return hotline::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << hotline::cli::ErrorLine(std::string("internal error: ") + e.what()) << '\n';
  } catch (...) {
    std::cerr << hotline::cli::ErrorLine("internal error") << '\n';
  }
  return hotline::cli::kExitRpcFailed;
}
