// `hotline case list`: filters, one page or (--all) every page.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/case_view.h"
#include "cli/commands.h"
#include "cli/desk_flags.h"
#include "cli/exit_codes.h"
#include "cli/report_flags.h"

namespace hotline::cli {
namespace {

struct ListOptions {
  std::string status;
  std::string kind;
  std::string urgency;
  std::string category;
  std::string jurisdiction_prefix;
  std::string desk_id;
  std::string limit;  // "" leaves the page size to the server
  std::string page_token;
  bool all = false;
  bool overdue = false;
};

// Sets the enum filter named by `text` with `set`; empty text leaves it unset.
template <typename E, typename Set>
std::optional<Error> SetEnumFilter(std::string_view flag, const std::string& text, const Ui& ui,
                                   Set set) {
  if (text.empty()) return std::nullopt;
  Result<E> value = ParseEnumFlag<E>(flag, text, ui);
  if (!value.ok()) return Error{value.error()};
  set(value.value());
  return std::nullopt;
}

// The request the filters describe, or a usage error.
Result<v1::ListCasesRequest> BuildListRequest(const ListOptions& o, const Ui& ui) {
  v1::ListCasesRequest r;
  std::optional<Error> e;
  if ((e = SetEnumFilter<v1::CaseStatus>("--status", o.status, ui,
                                         [&](v1::CaseStatus v) { r.set_status(v); })) ||
      (e = SetEnumFilter<v1::CaseKind>("--kind", o.kind, ui,
                                       [&](v1::CaseKind v) { r.set_kind(v); })) ||
      (e = SetEnumFilter<v1::Urgency>("--urgency", o.urgency, ui,
                                      [&](v1::Urgency v) { r.set_urgency(v); })) ||
      (e = SetEnumFilter<v1::DistressCategory>(
           "--category", o.category, ui, [&](v1::DistressCategory v) { r.set_category(v); }))) {
    return *e;
  }
  r.set_jurisdiction_prefix(NormalizeCode(o.jurisdiction_prefix));
  r.set_desk_id(o.desk_id);
  r.set_overdue(o.overdue);
  Result<int> limit = ParsePageSize(o.limit, ui);
  if (!limit.ok()) return Error{limit.error()};
  r.set_page_size(limit.value());
  r.set_page_token(o.page_token);
  return r;
}

int RunList(CommandContext& ctx, const ListOptions& options) {
  const Ui& ui = ctx.ui();
  Result<v1::ListCasesRequest> request = BuildListRequest(options, ui);
  if (!request.ok()) return ctx.Usage(request.error());
  Connection& connection = ctx.connection();
  v1::ListCasesResponse all;
  for (;;) {
    v1::ListCasesResponse page;
    const grpc::Status status = connection.Call(connection.intake(), &v1::Intake::Stub::ListCases,
                                                request.value(), &page, RetryPolicy{});
    if (!status.ok()) return ctx.RpcFailed(status);
    all.mutable_cases()->MergeFrom(page.cases());
    all.set_next_page_token(page.next_page_token());
    if (!options.all || page.next_page_token().empty()) break;
    request.value().set_page_token(page.next_page_token());
  }
  if (ctx.json()) {
    ctx.PrintJson(all);
    return kExitOk;
  }
  std::string out = RenderCaseList(all.cases(), ui, ctx.table_style());
  if (!all.next_page_token().empty()) {
    out += ui.Format(Msg::kNextPage, all.next_page_token()) + "\n";
  }
  ctx.Print(out);
  return kExitOk;
}

}  // namespace

void AddCaseListCommand(CLI::App& case_command, const Ui& ui, Action& action) {
  auto o = std::make_shared<ListOptions>();
  CLI::App* command = AddSubcommand(case_command, "list", ui(Msg::kHelpCaseList), ui);
  command->add_option("--status", o->status,
                      ui.Format(Msg::kHelpFilterStatus, EnumChoices(v1::CaseStatus_descriptor())));
  command->add_option("--kind", o->kind,
                      ui.Format(Msg::kHelpFilterKind, EnumChoices(v1::CaseKind_descriptor())));
  command->add_option("--urgency", o->urgency,
                      ui.Format(Msg::kHelpFilterUrgency, EnumChoices(v1::Urgency_descriptor())));
  command->add_option(
      "--category", o->category,
      ui.Format(Msg::kHelpFilterCategory, EnumChoices(v1::DistressCategory_descriptor())));
  command->add_option("--jurisdiction", o->jurisdiction_prefix, ui(Msg::kHelpFilterJurisdiction))
      ->type_name("PREFIX");
  command->add_option("--desk", o->desk_id, ui(Msg::kHelpFilterDesk))->type_name("ID");
  command->add_option("--limit", o->limit, ui(Msg::kHelpLimit))->type_name("N");
  command->add_option("--page-token", o->page_token, ui(Msg::kHelpPageToken))->type_name("T");
  command->add_flag("--all", o->all, ui(Msg::kHelpAll));
  command->add_flag("--overdue", o->overdue, ui(Msg::kHelpOverdue));
  command->callback(
      [o, &action] { action = [o](CommandContext& ctx) { return RunList(ctx, *o); }; });
}

}  // namespace hotline::cli
