// hotline: the terminal client of the hotline service. Parses the command line, runs the
// chosen command, and turns every failure into one line on stderr and an exit code
// (exit_codes.h).
#include <grpc/support/log.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cli/command_context.h"
#include "cli/commands.h"
#include "cli/connection.h"
#include "cli/exit_codes.h"
#include "cli/global_checks.h"
#include "cli/output.h"
#include "cli/parse_errors.h"
#include "proto/utf8.h"

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

// The first argument that is not valid UTF-8, named by its flag ("--narrative") when it is a
// flag's value, else by its position; nullopt when all are valid. Protobuf would refuse to
// send such text, logging about it, and the server would refuse it anyway.
std::optional<std::string> FindNonUtf8Argument(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (proto::Utf8Length(arg) >= 0) continue;
    if (arg.starts_with("--") && arg.find('=') != std::string_view::npos) {
      return std::string(arg.substr(0, arg.find('=')));
    }
    const std::string_view before = i > 1 ? std::string_view(argv[i - 1]) : std::string_view();
    if (before.starts_with("-") && before.find('=') == std::string_view::npos) {
      return std::string(before);
    }
    return "argument " + std::to_string(i);
  }
  return std::nullopt;
}

// The first word that is neither an option nor an option's value, when it names none of
// `app`'s commands ("hotline frobnicate"); nullopt otherwise.
std::optional<std::string> UnknownCommand(const CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") return std::nullopt;
    if (arg.starts_with("-")) {
      const CLI::Option* option = arg.find('=') == std::string_view::npos
                                      ? app.get_option_no_throw(std::string(arg))
                                      : nullptr;
      if (option != nullptr && option->get_type_size() > 0) ++i;  // skip its value
      continue;
    }
    for (const CLI::App* command : app.get_subcommands({})) {
      if (command->check_name(std::string(arg))) return std::nullopt;
    }
    return std::string(arg);
  }
  return std::nullopt;
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

  if (std::optional<std::string> where = FindNonUtf8Argument(argc, argv)) {
    PrintUsageError(ui, ui.Format(Msg::kArgNotUtf8, *where));
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    if (std::optional<std::string> unknown = UnknownCommand(app, argc, argv)) {
      std::string names;
      for (const CLI::App* command : app.get_subcommands({})) {
        names += (names.empty() ? "" : ", ") + command->get_name();
      }
      PrintUsageError(ui, ui.Format(Msg::kUnknownCommand, *unknown, names));
    } else {
      PrintUsageError(ui, ParseErrorText(e.get_name(), e.what(), ui));
    }
    return kExitUsage;
  }
  if (!(global.timeout_seconds > 0)) {
    PrintUsageError(ui, ui(Msg::kBadTimeout));
    return kExitUsage;
  }
  if (!global.tls_ca.empty() && !ReadPemFile(global.tls_ca)) {
    PrintUsageError(ui, ui.Format(Msg::kBadTlsCa, global.tls_ca));
    return kExitUsage;
  }
  // Before the command runs: `hotline report` would otherwise ask every question first.
  Result<std::string> token = CheckToken(global.token, ui);
  if (!token.ok()) {
    PrintUsageError(ui, token.error());
    return kExitUsage;
  }
  global.token = std::move(token).value();
  if (Result<std::string> server = CheckServer(global.server, ui); !server.ok()) {
    PrintUsageError(ui, server.error());
    return kExitUsage;
  }
  if (!action) {  // Unreachable: require_subcommand makes parsing choose a command.
    PrintUsageError(ui, "no command");
    return kExitUsage;
  }
  CommandContext context(global, ui, isatty(STDIN_FILENO) == 1, std::cin, std::cout, std::cerr);
  return context.Finish(action(context));
}

// gRPC's own log lines ("E1129 ... ssl_transport_security.cc ... Handshake failed") would
// break the rule of one error line on stderr; every failure reaches the user as a status.
void SilenceGrpcLog(gpr_log_func_args* /*args*/) {}

int Main(int argc, char** argv) {
  gpr_set_log_function(SilenceGrpcLog);
  // A reader that went away is a failed write (CommandContext::Finish says what was lost,
  // e.g. a stored report's case number), not a silent death by SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  const std::optional<std::string_view> lang_flag = ScanLangFlag(argc, argv);
  const std::optional<Lang> lang = lang_flag ? ParseLang(*lang_flag) : std::nullopt;
  const Ui ui(DetectLang(lang, [](const char* name) { return std::getenv(name); }));
  if (lang_flag && !lang) {
    PrintUsageError(ui, ui.Format(Msg::kBadLang, *lang_flag));
    return kExitUsage;
  }
  if (const char* env = std::getenv("HOTLINE_LANG"); !lang_flag && IsUnknownLangSetting(env)) {
    PrintUsageError(ui, ui.Format(Msg::kBadLangEnv, env));
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
