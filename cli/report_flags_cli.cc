// Registration of the report-describing flags (see report_flags.h).
#include <CLI/CLI.hpp>

#include "cli/report_flags.h"

namespace hotline::cli {
namespace {

// A flag that may be repeated, one value per occurrence.
CLI::Option* AddRepeatable(CLI::App& command, const std::string& name,
                           std::vector<std::string>& values, const std::string& help) {
  return command.add_option(name, values, help)->allow_extra_args(false)->type_name("V");
}

}  // namespace

void AddReportFlags(CLI::App& command, ReportFlags& f, const Ui& ui) {
  command
      .add_option("--channel", f.channel,
                  ui.Format(Msg::kHelpChannel, EnumChoices(v1::Channel_descriptor())))
      ->capture_default_str();
  AddRepeatable(command, "--category", f.categories,
                ui.Format(Msg::kHelpCategory, EnumChoices(v1::DistressCategory_descriptor())));
  command.add_option("--urgency", f.urgency,
                     ui.Format(Msg::kHelpUrgency, EnumChoices(v1::Urgency_descriptor())));
  command.add_option("--jurisdiction", f.jurisdiction, ui(Msg::kHelpJurisdiction))
      ->type_name("CODE");
  command.add_option("--child-name", f.child_name, ui(Msg::kHelpChildName));
  command.add_option("--child-age", f.child_age, ui(Msg::kHelpChildAge))->type_name("N|N-M");
  command.add_option("--child-sex", f.child_sex,
                     ui.Format(Msg::kHelpChildSex, EnumChoices(v1::Sex_descriptor())));
  command.add_option("--child-address", f.child_address, ui(Msg::kHelpChildAddress));
  command.add_option("--child-school", f.child_school, ui(Msg::kHelpChildSchool));
  command.add_option("--attends-school", f.attends_school, ui(Msg::kHelpAttendsSchool))
      ->type_name("yes|no");
  AddRepeatable(command, "--child", f.children,
                ui.Format(Msg::kHelpChild, fmt::join(ChildKeys(), ", ")))
      ->type_name("K=V;...");
  AddRepeatable(command, "--guardian", f.guardians,
                ui.Format(Msg::kHelpGuardian, fmt::join(GuardianKeys(), ", ")))
      ->type_name("K=V;...");
  AddRepeatable(command, "--service", f.services,
                ui.Format(Msg::kHelpService, EnumChoices(v1::Service_descriptor())));
  command.add_option("--narrative", f.narrative, ui(Msg::kHelpNarrative));
  command.add_option("--reporter-name", f.reporter_name, ui(Msg::kHelpReporterName));
  command.add_option("--reporter-phone", f.reporter_phone, ui(Msg::kHelpReporterPhone));
  command.add_option(
      "--reporter-relation", f.reporter_relation,
      ui.Format(Msg::kHelpReporterRelation, EnumChoices(v1::ReporterRelation_descriptor())));
  command.add_flag("--mandated", f.mandated, ui(Msg::kHelpMandated));
  command.add_option("--organization", f.organization, ui(Msg::kHelpOrganization));
  command.add_flag("--anonymous", f.anonymous, ui(Msg::kHelpAnonymous));
}

}  // namespace hotline::cli
