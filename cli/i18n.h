// UI text in English and Chinese: every label, prompt, help line and client-side message of
// the CLI is a Msg with both translations in one catalogue. Server messages are never
// translated. Thread-safe (the catalogue is constant).
#pragma once

#include <fmt/format.h>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hotline::cli {

enum class Lang { kEnglish, kChinese };

enum class Msg : int {
  // Errors and client-side messages.
  kUsageLine,
  kUnknownEnumValue,
  kBadAge,
  kBadYesNo,
  kBadKeyValue,
  kUnknownKey,
  kDuplicateKey,
  kBadLang,
  kBadTimeout,
  kInputEnded,
  kNoteTextMissing,
  kNoteTextTwice,
  kInternalError,
  // Prompts.
  kPromptChoices,
  kPromptNotAChoice,
  kPromptRequired,
  kPromptCategories,
  kPromptUrgency,
  kPromptJurisdiction,
  kPromptAge,
  kPromptNarrative,
  kPromptReporterPhone,
  kPromptTopic,
  kPromptQuestion,
  kPromptAnswer,
  // Key/value labels.
  kLabelCase,
  kLabelKind,
  kLabelStatus,
  kLabelChannel,
  kLabelUrgency,
  kLabelCategories,
  kLabelServices,
  kLabelCreated,
  kLabelUpdated,
  kLabelCreatedBy,
  kLabelRequestId,
  kLabelNarrative,
  kLabelChild,
  kLabelName,
  kLabelAge,
  kLabelSex,
  kLabelJurisdiction,
  kLabelAddress,
  kLabelSchool,
  kLabelAttendsSchool,
  kLabelGuardian,
  kLabelRelation,
  kLabelPhone,
  kLabelSituation,
  kLabelReporter,
  kLabelContact,
  kLabelAnonymous,
  kLabelMandated,
  kLabelOrganization,
  kLabelTopic,
  kLabelQuestion,
  kLabelAnswer,
  kLabelOutcome,
  kLabelSummary,
  kLabelClosed,
  kYes,
  kNo,
  kUnknown,
  // Table headers.
  kColNumber,
  kColCreated,
  kColKind,
  kColStatus,
  kColUrgency,
  kColCategories,
  kColDesks,
  kColDeskId,
  kColDeskName,
  kColType,
  kColDeadline,
  kColResolution,
  kColChild,
  kColRule,
  kColMatched,
  kColReason,
  kColSeq,
  kColTime,
  kColActor,
  kColHash,
  // Sections and result lines.
  kSectionAssignments,
  kSectionRouting,
  kSectionTargetDesks,
  kRoutedBy,
  kNoAssignments,
  kNoCases,
  kNextPage,
  kNoEvents,
  kNoteAdded,
  kEventText,
  kAuditOk,
  kAuditBroken,
  // Help: program, commands.
  kHelpApp,
  kHelpHelp,
  kHelpReport,
  kHelpInquiry,
  kHelpCase,
  kHelpCaseList,
  kHelpCaseShow,
  kHelpCaseNote,
  kHelpCaseClose,
  kHelpCaseHistory,
  kHelpAudit,
  kHelpAuditVerify,
  kHelpRules,
  kHelpRulesExplain,
  // Help: global flags.
  kHelpServer,
  kHelpToken,
  kHelpJson,
  kHelpLang,
  kHelpTimeout,
  kHelpWide,
  // Help: report flags.
  kHelpChannel,
  kHelpCategory,
  kHelpUrgency,
  kHelpJurisdiction,
  kHelpChildName,
  kHelpChildAge,
  kHelpChildSex,
  kHelpChildAddress,
  kHelpChildSchool,
  kHelpAttendsSchool,
  kHelpChild,
  kHelpGuardian,
  kHelpService,
  kHelpNarrative,
  kHelpReporterName,
  kHelpReporterPhone,
  kHelpReporterRelation,
  kHelpMandated,
  kHelpOrganization,
  kHelpAnonymous,
  kHelpRequestId,
  // Help: inquiry flags.
  kHelpTopic,
  kHelpQuestion,
  kHelpAnswer,
  kHelpContactName,
  kHelpContactPhone,
  // Help: case flags.
  kHelpFilterStatus,
  kHelpFilterKind,
  kHelpFilterUrgency,
  kHelpFilterCategory,
  kHelpFilterJurisdiction,
  kHelpFilterDesk,
  kHelpLimit,
  kHelpPageToken,
  kHelpAll,
  kHelpCaseNumber,
  kHelpNoteText,
  kHelpOutcome,
  kHelpSummary,
  kHelpWithdrawOpen,
  kHelpFullHash,
  // Labels of the help formatter (CLI11's own words).
  kHelpFmtUsage,
  kHelpFmtOptions,
  kHelpFmtOptionsGroup,
  kHelpFmtSubcommands,
  kHelpFmtPositionals,
  kHelpFmtRequired,
  kHelpFmtEnv,
  kHelpFmtSubcommand,
  kCount,
};

struct CatalogueEntry {
  Msg id;
  std::string_view key;  // The enumerator's name without "k", for diagnostics.
  std::string_view english;
  std::string_view chinese;
};

// Every entry, in Msg order.
std::span<const CatalogueEntry> Catalogue();

// The text of `msg` in `lang`. May contain fmt "{}" placeholders.
std::string_view Text(Msg msg, Lang lang);

// "en" or "zh" (case-insensitive); nullopt otherwise.
std::optional<Lang> ParseLang(std::string_view name);

// The UI language: `flag` when given (must be en|zh, checked by the caller with ParseLang),
// else HOTLINE_LANG when it starts with "en" or "zh", else the first non-empty of LC_ALL,
// LC_MESSAGES, LANG: Chinese when it starts with "zh", English otherwise.
// `getenv` returns nullptr for unset variables.
Lang DetectLang(std::optional<Lang> flag, const std::function<const char*(const char*)>& getenv);

// Text of one language, with formatting. Cheap to copy.
class Ui {
 public:
  explicit Ui(Lang lang) : lang_(lang) {}
  Lang lang() const { return lang_; }
  std::string operator()(Msg msg) const { return std::string(Text(msg, lang_)); }
  template <typename... Args>
  std::string Format(Msg msg, Args&&... args) const {
    return fmt::format(fmt::runtime(Text(msg, lang_)), std::forward<Args>(args)...);
  }

 private:
  Lang lang_;
};

}  // namespace hotline::cli
