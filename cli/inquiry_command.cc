// `hotline inquiry`: records an inquiry answered on the call; retried on UNAVAILABLE with one
// request id.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/case_view.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/report_flags.h"
#include "cli/request_id.h"

namespace hotline::cli {
namespace {

struct InquiryOptions {
  std::string channel = "phone";
  std::string topic;
  std::string question;
  std::string answer;
  std::string contact_name;
  std::string contact_phone;
  std::string request_id;
};

// Asks for a missing required text field on a terminal. False when the input ended.
bool AskIfMissing(CommandContext& ctx, Msg question, std::string& value) {
  if (!value.empty() || !ctx.interactive()) return true;
  std::optional<std::string> answer = ctx.prompter().AskLine(ctx.ui()(question));
  if (!answer) return false;
  value = *answer;
  return true;
}

int RunInquiry(CommandContext& ctx, InquiryOptions options) {
  const Ui& ui = ctx.ui();
  v1::Inquiry inquiry;
  if (!options.channel.empty()) {
    Result<v1::Channel> channel = ParseEnumFlag<v1::Channel>("--channel", options.channel, ui);
    if (!channel.ok()) return ctx.Usage(channel.error());
    inquiry.set_channel(channel.value());
  }
  if (!ctx.interactive()) {
    std::vector<std::string> missing;
    if (Trim(options.topic).empty()) missing.emplace_back("--topic");
    if (Trim(options.question).empty()) missing.emplace_back("--question");
    if (Trim(options.answer).empty()) missing.emplace_back("--answer");
    if (!missing.empty()) return ctx.Usage(MissingFlagsLine(missing, ui));
  }
  if (!AskIfMissing(ctx, Msg::kPromptTopic, options.topic) ||
      !AskIfMissing(ctx, Msg::kPromptQuestion, options.question) ||
      !AskIfMissing(ctx, Msg::kPromptAnswer, options.answer)) {
    return ctx.Usage(ui(Msg::kInputEnded));
  }
  inquiry.set_topic(options.topic);
  inquiry.set_question(options.question);
  inquiry.set_answer(options.answer);
  if (!options.contact_name.empty() || !options.contact_phone.empty()) {
    inquiry.mutable_contact()->set_name(options.contact_name);
    inquiry.mutable_contact()->set_phone(NormalizePhone(options.contact_phone));
  }
  v1::SubmitInquiryRequest request;
  request.set_request_id(options.request_id.empty() ? NewRequestId() : options.request_id);
  *request.mutable_inquiry() = std::move(inquiry);
  v1::Case response;
  Connection& connection = ctx.connection();
  const grpc::Status status = ctx.SendSubmission([&] {
    return connection.Call(connection.intake(), &v1::Intake::Stub::SubmitInquiry, request,
                           &response, RetryPolicy{});
  });
  if (!status.ok()) return ctx.SubmissionFailed(status, request.request_id());
  ctx.NoteStored(response.case_number(), request.request_id());
  if (ctx.json()) {
    ctx.PrintJson(response);
  } else {
    ctx.Print(RenderCaseSummary(response, ui));
  }
  return kExitOk;
}

}  // namespace

void AddInquiryCommand(CLI::App& app, const Ui& ui, Action& action) {
  auto options = std::make_shared<InquiryOptions>();
  CLI::App* command = AddSubcommand(app, "inquiry", ui(Msg::kHelpInquiry), ui);
  command
      ->add_option("--channel", options->channel,
                   ui.Format(Msg::kHelpChannel, EnumChoices(v1::Channel_descriptor())))
      ->capture_default_str();
  command->add_option("--topic", options->topic, ui(Msg::kHelpTopic));
  command->add_option("--question", options->question, ui(Msg::kHelpQuestion));
  command->add_option("--answer", options->answer, ui(Msg::kHelpAnswer));
  command->add_option("--contact-name", options->contact_name, ui(Msg::kHelpContactName));
  command->add_option("--contact-phone", options->contact_phone, ui(Msg::kHelpContactPhone));
  command->add_option("--request-id", options->request_id, ui(Msg::kHelpRequestId))
      ->type_name("ID");
  command->callback([options, &action] {
    action = [options](CommandContext& ctx) { return RunInquiry(ctx, *options); };
  });
}

}  // namespace hotline::cli
