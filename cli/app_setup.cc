// CLI11 wiring shared by every command: help labels, global options, subcommand groups.
#include <CLI/CLI.hpp>
#include <cctype>

#include "cli/commands.h"
#include "cli/display_width.h"

namespace hotline::cli {
namespace {

// CLI11's help pads the option column by bytes, so a Chinese word in it ("必填", 6 bytes, 4
// columns) pushed the description two columns left of the others. This pads by display width.
class DisplayWidthFormatter : public CLI::Formatter {
 public:
  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    const std::string name = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
    const std::string description = make_option_desc(opt);
    const int width = static_cast<int>(get_column_width());
    if (description.empty()) return name + "\n";
    const std::string indent(static_cast<size_t>(width), ' ');
    std::string out = DisplayWidth(name) >= width ? name + "\n" + indent : PadToWidth(name, width);
    for (const char c : description) {
      out += c;
      if (c == '\n') out += indent;
    }
    return out + "\n";
  }
};

}  // namespace

void ConfigureApp(CLI::App& app, const Ui& ui) {
  app.formatter(std::make_shared<DisplayWidthFormatter>());
  auto formatter = app.get_formatter();
  formatter->label("Usage", ui(Msg::kHelpFmtUsage));
  formatter->label("OPTIONS", ui(Msg::kHelpFmtOptions));
  formatter->label("Subcommands", ui(Msg::kHelpFmtSubcommands));
  formatter->label("Positionals", ui(Msg::kHelpFmtPositionals));
  formatter->label("REQUIRED", ui(Msg::kHelpFmtRequired));
  formatter->label("Env", ui(Msg::kHelpFmtEnv));
  formatter->label("SUBCOMMAND", ui(Msg::kHelpFmtSubcommand));
  app.option_defaults()->group(ui(Msg::kHelpFmtOptionsGroup));
  app.set_help_flag("-h,--help", ui(Msg::kHelpHelp));
  // Global flags may follow the subcommand: `hotline case list --json`.
  app.fallthrough();
}

void AddCaseNumberArgument(CLI::App& command, std::string& number, const Ui& ui) {
  command.add_option("number", number, ui(Msg::kHelpCaseNumber))
      ->required()
      ->type_name("NUMBER")
      ->transform([](std::string text) {
        for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return text;
      });
}

void AddGlobalOptions(CLI::App& app, GlobalOptions& options, const Ui& ui) {
  app.add_option("--server", options.server, ui.Format(Msg::kHelpServer, options.server))
      ->envname("HOTLINE_SERVER")
      ->type_name("ADDR");
  app.add_option("--token", options.token, ui(Msg::kHelpToken))
      ->envname("HOTLINE_TOKEN")
      ->type_name("T");
  app.add_flag("--json", options.json, ui(Msg::kHelpJson));
  app.add_option("--lang", options.lang, ui(Msg::kHelpLang))->type_name("en|zh");
  app.add_option("--timeout", options.timeout_seconds, ui(Msg::kHelpTimeout))
      ->type_name("SECONDS")
      ->capture_default_str();
  app.add_flag("--wide", options.wide, ui(Msg::kHelpWide));
  app.add_option("--tls-ca", options.tls_ca, ui(Msg::kHelpTlsCa))
      ->envname("HOTLINE_TLS_CA")
      ->type_name("PEM");
}

CLI::App* AddSubcommand(CLI::App& parent, const std::string& name, const std::string& help,
                        const Ui& ui) {
  CLI::App* command = parent.add_subcommand(name, help);
  command->group(ui(Msg::kHelpFmtSubcommands));
  // Recreated so that it joins the translated option group.
  command->set_help_flag("-h,--help", ui(Msg::kHelpHelp));
  return command;
}

}  // namespace hotline::cli
