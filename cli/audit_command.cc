// `hotline audit verify`: exit 0 when the hash chain verifies (and every anchor is in it), 3
// when it is broken. With --anchor-file the verified head is added to the file: an auditor
// who keeps that file off the server sees events later cut from the log's end.
#include <fmt/chrono.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/audit_anchors.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace hotline::cli {
namespace {

// The problem in the operator's language; the server's English text for a kind this client
// does not know.
std::string ProblemText(const Ui& ui, const v1::VerifyAuditLogResponse& r) {
  switch (r.problem_kind()) {
    case v1::AUDIT_PROBLEM_OUT_OF_ORDER:
      return ui.Format(Msg::kAuditOutOfOrder, r.first_bad_seq());
    case v1::AUDIT_PROBLEM_GAP:
      return ui.Format(Msg::kAuditGap, r.first_bad_seq());
    case v1::AUDIT_PROBLEM_FIRST_PREV_HASH:
      return ui(Msg::kAuditFirstPrevHash);
    case v1::AUDIT_PROBLEM_PREV_HASH:
      return ui.Format(Msg::kAuditPrevHash, r.first_bad_seq() - 1);
    case v1::AUDIT_PROBLEM_HASH_MISMATCH:
      return ui(Msg::kAuditHashMismatch);
    case v1::AUDIT_PROBLEM_DESK_ID:
      return ui(Msg::kAuditDeskId);
    // The server's English text names more (the hand-off, a restore that may explain an
    // anchor's absence).
    case v1::AUDIT_PROBLEM_ANCHOR_MISSING:
      return ui.lang() == Lang::kEnglish ? r.problem()
                                         : ui.Format(Msg::kAuditAnchorMissing, r.first_bad_seq());
    case v1::AUDIT_PROBLEM_ASSIGNMENT:
      return ui.lang() == Lang::kEnglish ? r.problem() : ui(Msg::kAuditAssignment);
    case v1::AUDIT_PROBLEM_ANCHOR_MISMATCH:
      return ui.lang() == Lang::kEnglish ? r.problem()
                                         : ui.Format(Msg::kAuditAnchorMismatch, r.first_bad_seq());
    default:
      return r.problem();
  }
}

struct VerifyOptions {
  std::vector<std::string> anchors;
  std::string anchor_file;
};

// The anchors of --anchor and of the anchor file (a file not there yet holds none), or the
// usage error, already printed.
std::optional<v1::VerifyAuditLogRequest> BuildRequest(CommandContext& ctx, const VerifyOptions& o,
                                                      std::vector<v1::AuditAnchor>* in_file) {
  const Ui& ui = ctx.ui();
  v1::VerifyAuditLogRequest request;
  for (const std::string& text : o.anchors) {
    Result<v1::AuditAnchor> anchor = ParseAnchor(text, "--anchor", ui);
    if (!anchor.ok()) {
      ctx.Usage(anchor.error());
      return std::nullopt;
    }
    *request.add_anchors() = std::move(anchor).value();
  }
  if (o.anchor_file.empty() || !std::filesystem::exists(o.anchor_file)) return request;
  std::ifstream in(o.anchor_file, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (!in) {
    ctx.Usage(ui.Format(Msg::kCannotReadFile, o.anchor_file));
    return std::nullopt;
  }
  Result<std::vector<v1::AuditAnchor>> file = ParseAnchorFile(contents.str(), o.anchor_file, ui);
  if (!file.ok()) {
    ctx.Usage(file.error());
    return std::nullopt;
  }
  *in_file = std::move(file).value();
  // The newest anchor vouches for the older ones: its hash covers the whole log before it.
  const auto newest = std::max_element(
      in_file->begin(), in_file->end(),
      [](const v1::AuditAnchor& a, const v1::AuditAnchor& b) { return a.seq() < b.seq(); });
  if (newest != in_file->end()) *request.add_anchors() = *newest;
  return request;
}

int RunVerify(CommandContext& ctx, const VerifyOptions& o) {
  const Ui& ui = ctx.ui();
  std::vector<v1::AuditAnchor> in_file;
  std::optional<v1::VerifyAuditLogRequest> request = BuildRequest(ctx, o, &in_file);
  if (!request) return kExitUsage;
  v1::VerifyAuditLogResponse response;
  Connection& connection = ctx.connection();
  const grpc::Status status = connection.Call(
      connection.intake(), &v1::Intake::Stub::VerifyAuditLog, *request, &response, RetryPolicy{});
  if (!status.ok()) return ctx.RpcFailed(status);
  if (ctx.json()) ctx.PrintJson(response);
  if (!response.ok()) {
    // No event to name when what is broken is a text no event commits to.
    ctx.PrintStderr(
        response.first_bad_seq() == 0
            ? ui.Format(Msg::kAuditBrokenNoEvent, ProblemText(ui, response))
            : ui.Format(Msg::kAuditBroken, response.first_bad_seq(), ProblemText(ui, response)));
    return kExitAuditBroken;
  }
  std::string out = ui.Format(Msg::kAuditOk, response.events_checked(), response.head_hash());
  if (request->anchors_size() > 0)
    out += "\n" + ui.Format(Msg::kAuditAnchors, response.anchors_checked());
  // The verified head becomes the file's next anchor (unless it already is its last).
  const bool record = !o.anchor_file.empty() && response.head_seq() > 0 &&
                      std::none_of(in_file.begin(), in_file.end(), [&](const v1::AuditAnchor& a) {
                        return a.seq() == response.head_seq();
                      });
  int code = kExitOk;
  if (record) {
    std::ofstream file(o.anchor_file, std::ios::binary | std::ios::app);
    file << AnchorLine(response.head_seq(), response.head_hash(),
                       fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr))));
    file.close();
    if (file) {
      out += "\n" + ui.Format(Msg::kAuditAnchorRecorded, response.head_seq(),
                              response.head_hash().substr(0, 16), o.anchor_file);
    } else {
      // The log verified: say so, and what to keep, before saying the file was not written.
      const int error = errno;
      out += "\n" + ui.Format(Msg::kAuditHead, response.head_seq(), response.head_hash());
      code = kExitRpcFailed;
      ctx.PrintError(ui.Format(Msg::kCannotWriteFile, o.anchor_file) + ": " + std::strerror(error));
    }
  }
  if (!ctx.json()) ctx.Print(out + "\n");
  return code;
}

}  // namespace

void AddAuditCommands(CLI::App& app, const Ui& ui, Action& action) {
  CLI::App* group = AddSubcommand(app, "audit", ui(Msg::kHelpAudit), ui);
  group->require_subcommand(1);
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* verify = AddSubcommand(*group, "verify", ui(Msg::kHelpAuditVerify), ui);
  verify->add_option("--anchor", o->anchors, ui(Msg::kHelpAuditAnchor))->type_name("SEQ:HASH");
  verify->add_option("--anchor-file", o->anchor_file, ui(Msg::kHelpAuditAnchorFile))
      ->type_name("FILE");
  verify->callback(
      [o, &action] { action = [o](CommandContext& ctx) { return RunVerify(ctx, *o); }; });
}

}  // namespace hotline::cli
