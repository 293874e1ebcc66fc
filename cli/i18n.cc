#include "cli/i18n.h"

#include <array>
#include <cctype>

namespace hotline::cli {
namespace {

#define HOTLINE_MSG(name, en, zh) \
  CatalogueEntry { Msg::name, #name, en, zh }

constexpr std::array kCatalogue = {
    HOTLINE_MSG(kUsageLine, "usage: {}", "用法错误：{}"),
    HOTLINE_MSG(kUnknownEnumValue, "{}: unknown value \"{}\"; valid: {}",
                "{}：未知取值“{}”；可选：{}"),
    HOTLINE_MSG(kBadAge, "{}: \"{}\" is not an age (use N, N-M or unknown)",
                "{}：“{}”不是有效年龄（请用 N、N-M 或 unknown）"),
    HOTLINE_MSG(kBadYesNo, "{}: \"{}\" is not yes or no", "{}：“{}”不是 yes 或 no"),
    HOTLINE_MSG(kBadKeyValue, "{}: \"{}\" is not key=value", "{}：“{}”不是 key=value 形式"),
    HOTLINE_MSG(kUnknownKey, "{}: unknown key \"{}\"; valid: {}", "{}：未知的键“{}”；可选：{}"),
    HOTLINE_MSG(kDuplicateKey, "{}: key \"{}\" is given twice", "{}：键“{}”重复出现"),
    HOTLINE_MSG(kBadLang, "--lang: \"{}\" is not en or zh", "--lang：“{}”不是 en 或 zh"),
    HOTLINE_MSG(kBadTimeout, "--timeout: must be more than 0 seconds", "--timeout：必须大于 0 秒"),
    HOTLINE_MSG(kInputEnded, "input ended before every required field was given",
                "输入在填完所有必填项之前结束"),
    HOTLINE_MSG(kNoteTextMissing, "the note text is required (argument or --text)",
                "必须提供备注内容（参数或 --text）"),
    HOTLINE_MSG(kNoteTextTwice, "give the note text once (argument or --text, not both)",
                "备注内容只能给一次（参数或 --text，不能同时使用）"),
    HOTLINE_MSG(kInternalError, "internal error: {}", "内部错误：{}"),

    HOTLINE_MSG(kPromptChoices, "choices: {}", "可选：{}"),
    HOTLINE_MSG(kPromptNotAChoice, "\"{}\" is not one of the choices", "“{}”不在可选项中"),
    HOTLINE_MSG(kPromptRequired, "an answer is required", "此项必填"),
    HOTLINE_MSG(kPromptCategories, "Distress categories (comma-separated)",
                "困境类别（多个用逗号分隔）"),
    HOTLINE_MSG(kPromptUrgency, "Urgency", "紧急程度"),
    HOTLINE_MSG(kPromptJurisdiction, "Jurisdiction code where child {} is now",
                "儿童 {} 当前所在地的区划代码"),
    HOTLINE_MSG(kPromptAge, "Age of child {} (N, N-M or unknown)",
                "儿童 {} 的年龄（N、N-M 或 unknown）"),
    HOTLINE_MSG(kPromptNarrative, "Narrative (what the reporter said)", "情况描述（报告人所述）"),
    HOTLINE_MSG(kPromptReporterPhone, "Reporter phone", "报告人电话"),
    HOTLINE_MSG(kPromptTopic, "Topic", "咨询主题"),
    HOTLINE_MSG(kPromptQuestion, "Question as asked", "来电所问的问题"),
    HOTLINE_MSG(kPromptAnswer, "Answer given", "给出的答复"),

    HOTLINE_MSG(kLabelCase, "Case", "案件编号"),
    HOTLINE_MSG(kLabelKind, "Kind", "类型"),
    HOTLINE_MSG(kLabelStatus, "Status", "状态"),
    HOTLINE_MSG(kLabelChannel, "Channel", "渠道"),
    HOTLINE_MSG(kLabelUrgency, "Urgency", "紧急程度"),
    HOTLINE_MSG(kLabelCategories, "Categories", "困境类别"),
    HOTLINE_MSG(kLabelServices, "Services needed", "所需服务"),
    HOTLINE_MSG(kLabelCreated, "Created", "创建时间"),
    HOTLINE_MSG(kLabelUpdated, "Updated", "更新时间"),
    HOTLINE_MSG(kLabelCreatedBy, "Recorded by", "记录人"),
    HOTLINE_MSG(kLabelRequestId, "Request id", "请求编号"),
    HOTLINE_MSG(kLabelNarrative, "Narrative", "情况描述"),
    HOTLINE_MSG(kLabelChild, "Child {}", "儿童 {}"),
    HOTLINE_MSG(kLabelName, "Name", "姓名"),
    HOTLINE_MSG(kLabelAge, "Age", "年龄"),
    HOTLINE_MSG(kLabelSex, "Sex", "性别"),
    HOTLINE_MSG(kLabelJurisdiction, "Jurisdiction", "区划代码"),
    HOTLINE_MSG(kLabelAddress, "Address", "地址"),
    HOTLINE_MSG(kLabelSchool, "School", "学校"),
    HOTLINE_MSG(kLabelAttendsSchool, "Attends school", "是否在校"),
    HOTLINE_MSG(kLabelGuardian, "Guardian {}", "监护人 {}"),
    HOTLINE_MSG(kLabelRelation, "Relation", "关系"),
    HOTLINE_MSG(kLabelPhone, "Phone", "电话"),
    HOTLINE_MSG(kLabelSituation, "Situation", "监护状况"),
    HOTLINE_MSG(kLabelReporter, "Reporter", "报告人"),
    HOTLINE_MSG(kLabelContact, "Contact", "联系人"),
    HOTLINE_MSG(kLabelAnonymous, "Anonymous", "匿名"),
    HOTLINE_MSG(kLabelMandated, "Mandated reporter", "强制报告责任人"),
    HOTLINE_MSG(kLabelOrganization, "Organization", "单位"),
    HOTLINE_MSG(kLabelTopic, "Topic", "咨询主题"),
    HOTLINE_MSG(kLabelQuestion, "Question", "问题"),
    HOTLINE_MSG(kLabelAnswer, "Answer", "答复"),
    HOTLINE_MSG(kLabelOutcome, "Outcome", "办理结果"),
    HOTLINE_MSG(kLabelSummary, "Summary", "结果摘要"),
    HOTLINE_MSG(kLabelClosed, "Closed", "结案时间"),
    HOTLINE_MSG(kYes, "yes", "是"),
    HOTLINE_MSG(kNo, "no", "否"),
    HOTLINE_MSG(kUnknown, "unknown", "未知"),

    HOTLINE_MSG(kColNumber, "NUMBER", "编号"),
    HOTLINE_MSG(kColCreated, "CREATED", "创建时间"),
    HOTLINE_MSG(kColKind, "KIND", "类型"),
    HOTLINE_MSG(kColStatus, "STATUS", "状态"),
    HOTLINE_MSG(kColUrgency, "URGENCY", "紧急程度"),
    HOTLINE_MSG(kColCategories, "CATEGORIES", "困境类别"),
    HOTLINE_MSG(kColDesks, "DESKS", "承办机构"),
    HOTLINE_MSG(kColDeskId, "DESK ID", "机构编号"),
    HOTLINE_MSG(kColDeskName, "DESK", "机构名称"),
    HOTLINE_MSG(kColType, "TYPE", "类型"),
    HOTLINE_MSG(kColDeadline, "DEADLINE", "确认期限"),
    HOTLINE_MSG(kColResolution, "RESOLUTION", "定位依据"),
    HOTLINE_MSG(kColChild, "CHILD", "儿童"),
    HOTLINE_MSG(kColRule, "RULE", "规则"),
    HOTLINE_MSG(kColMatched, "MATCHED", "匹配"),
    HOTLINE_MSG(kColReason, "REASON", "原因"),
    HOTLINE_MSG(kColSeq, "SEQ", "序号"),
    HOTLINE_MSG(kColTime, "TIME", "时间"),
    HOTLINE_MSG(kColActor, "ACTOR", "操作人"),
    HOTLINE_MSG(kColHash, "HASH", "哈希"),

    HOTLINE_MSG(kSectionAssignments, "Assignments", "分派"),
    HOTLINE_MSG(kSectionRouting, "Routing trace (table {})", "路由过程（路由表 {}）"),
    HOTLINE_MSG(kSectionTargetDesks, "Target desks", "目标机构"),
    HOTLINE_MSG(kRoutedBy, "routed by table {}", "路由表版本 {}"),
    HOTLINE_MSG(kNoAssignments, "no desks", "无承办机构"),
    HOTLINE_MSG(kNoCases, "no cases", "没有案件"),
    HOTLINE_MSG(kNextPage, "more cases: --page-token {}", "还有更多案件：--page-token {}"),
    HOTLINE_MSG(kNoEvents, "no events", "没有事件"),
    HOTLINE_MSG(kNoteAdded, "note added to {}: event {} ({})", "已为 {} 添加备注：事件 {}（{}）"),
    HOTLINE_MSG(kEventText, "text: {}", "内容：{}"),
    HOTLINE_MSG(kAuditOk, "audit log OK: {} events, head {}",
                "审计日志完好：共 {} 个事件，链头 {}"),
    HOTLINE_MSG(kAuditBroken, "audit log BROKEN at event {}: {}", "审计日志在事件 {} 处损坏：{}"),

    HOTLINE_MSG(kHelpApp, "Terminal client of the minors' protection hotline",
                "未成年人保护热线终端客户端"),
    HOTLINE_MSG(kHelpHelp, "Print this help message and exit", "显示帮助并退出"),
    HOTLINE_MSG(kHelpReport, "Record a report of a child in distress, routed to desks",
                "登记困境儿童报告并分派到承办机构"),
    HOTLINE_MSG(kHelpInquiry, "Record an inquiry answered on the call", "登记已当场答复的咨询"),
    HOTLINE_MSG(kHelpCase, "List, show, annotate and close cases", "查询、查看、备注和结案"),
    HOTLINE_MSG(kHelpCaseList, "List cases, newest first", "列出案件（最新在前）"),
    HOTLINE_MSG(kHelpCaseShow, "Show one case with its assignments and routing trace",
                "查看案件详情、分派与路由过程"),
    HOTLINE_MSG(kHelpCaseNote, "Add a note to a case", "为案件添加备注"),
    HOTLINE_MSG(kHelpCaseClose, "Close a case with an outcome", "结案并记录办理结果"),
    HOTLINE_MSG(kHelpCaseHistory, "Show the audit events of a case", "查看案件的审计事件"),
    HOTLINE_MSG(kHelpAudit, "Audit trail", "审计日志"),
    HOTLINE_MSG(kHelpAuditVerify, "Verify the whole hash chain of the audit log",
                "校验审计日志的完整哈希链"),
    HOTLINE_MSG(kHelpRules, "Routing rules", "路由规则"),
    HOTLINE_MSG(kHelpRulesExplain, "Show where a described report would be routed, and why",
                "演示一份报告会被分派到哪里及原因"),

    HOTLINE_MSG(kHelpServer, "Server address host:port (else HOTLINE_SERVER, else {})",
                "服务器地址 host:port（默认取 HOTLINE_SERVER，否则 {}）"),
    HOTLINE_MSG(kHelpToken, "Bearer token (else HOTLINE_TOKEN)",
                "访问令牌（默认取 HOTLINE_TOKEN）"),
    HOTLINE_MSG(kHelpJson, "Print the response as JSON", "以 JSON 输出响应"),
    HOTLINE_MSG(kHelpLang, "UI language: en or zh (else HOTLINE_LANG, else the locale)",
                "界面语言：en 或 zh（默认取 HOTLINE_LANG，否则按系统区域设置）"),
    HOTLINE_MSG(kHelpTimeout, "Deadline of each call, in seconds", "每次调用的时限（秒）"),
    HOTLINE_MSG(kHelpWide, "Do not shorten long table cells", "表格中的长内容不截断"),

    HOTLINE_MSG(kHelpChannel, "How the report came in: {}", "来源渠道：{}"),
    HOTLINE_MSG(kHelpCategory, "Distress category, repeatable or comma-separated: {}",
                "困境类别，可重复或用逗号分隔：{}"),
    HOTLINE_MSG(kHelpUrgency, "Urgency: {}", "紧急程度：{}"),
    HOTLINE_MSG(kHelpJurisdiction, "Jurisdiction code where the child is now (2-12 digits)",
                "儿童当前所在地的区划代码（2 至 12 位数字）"),
    HOTLINE_MSG(kHelpChildName, "Child's name", "儿童姓名"),
    HOTLINE_MSG(kHelpChildAge, "Child's age: N, N-M or unknown", "儿童年龄：N、N-M 或 unknown"),
    HOTLINE_MSG(kHelpChildSex, "Child's sex: {}", "儿童性别：{}"),
    HOTLINE_MSG(kHelpChildAddress, "Where the child is (address or place)", "儿童所在地址或地点"),
    HOTLINE_MSG(kHelpChildSchool, "Child's school", "儿童就读学校"),
    HOTLINE_MSG(kHelpAttendsSchool, "Whether the child attends school: yes or no",
                "儿童是否在校：yes 或 no"),
    HOTLINE_MSG(kHelpChild, "A further child as \"key=value;key=value\", repeatable (keys: {})",
                "另一名儿童，格式“key=value;key=value”，可重复（键：{}）"),
    HOTLINE_MSG(kHelpGuardian, "A guardian as \"key=value;key=value\", repeatable (keys: {})",
                "监护人，格式“key=value;key=value”，可重复（键：{}）"),
    HOTLINE_MSG(kHelpService, "Service needed, repeatable or comma-separated: {}",
                "所需服务，可重复或用逗号分隔：{}"),
    HOTLINE_MSG(kHelpNarrative, "What the reporter said", "报告人所述情况"),
    HOTLINE_MSG(kHelpReporterName, "Reporter's name", "报告人姓名"),
    HOTLINE_MSG(kHelpReporterPhone, "Reporter's phone", "报告人电话"),
    HOTLINE_MSG(kHelpReporterRelation, "Reporter's relation to the child: {}",
                "报告人与儿童的关系：{}"),
    HOTLINE_MSG(kHelpMandated, "The reporter is a mandated reporter", "报告人负有强制报告责任"),
    HOTLINE_MSG(kHelpOrganization, "Organization the reporter speaks for", "报告人所代表的单位"),
    HOTLINE_MSG(kHelpAnonymous, "The reporter stays anonymous", "报告人匿名"),
    HOTLINE_MSG(kHelpRequestId,
                "Request id to use instead of a generated one (for retrying scripts)",
                "指定请求编号以代替自动生成的编号（供自行重试的脚本使用）"),

    HOTLINE_MSG(kHelpTopic, "Short subject of the inquiry", "咨询主题"),
    HOTLINE_MSG(kHelpQuestion, "The question as asked", "来电所问的问题"),
    HOTLINE_MSG(kHelpAnswer, "The answer given", "给出的答复"),
    HOTLINE_MSG(kHelpContactName, "Caller's name for a call-back", "回访联系人姓名"),
    HOTLINE_MSG(kHelpContactPhone, "Caller's phone for a call-back", "回访联系电话"),

    HOTLINE_MSG(kHelpFilterStatus, "Only cases with this status: {}", "仅列出该状态的案件：{}"),
    HOTLINE_MSG(kHelpFilterKind, "Only cases of this kind: {}", "仅列出该类型的案件：{}"),
    HOTLINE_MSG(kHelpFilterUrgency, "Only cases with this urgency: {}",
                "仅列出该紧急程度的案件：{}"),
    HOTLINE_MSG(kHelpFilterCategory, "Only cases with this category: {}",
                "仅列出含该困境类别的案件：{}"),
    HOTLINE_MSG(kHelpFilterJurisdiction, "Only cases with a child whose code starts with PREFIX",
                "仅列出有儿童区划代码以 PREFIX 开头的案件"),
    HOTLINE_MSG(kHelpFilterDesk, "Only cases assigned to this desk id", "仅列出分派给该机构的案件"),
    HOTLINE_MSG(kHelpLimit, "Cases per page (1-500; server default 50)",
                "每页案件数（1-500；服务器默认 50）"),
    HOTLINE_MSG(kHelpPageToken, "Continue from this page token", "从该翻页标记继续"),
    HOTLINE_MSG(kHelpAll, "Follow page tokens and list every page", "自动翻页，列出全部"),
    HOTLINE_MSG(kHelpCaseNumber, "Case number, e.g. HL-2026-000123",
                "案件编号，例如 HL-2026-000123"),
    HOTLINE_MSG(kHelpNoteText, "Note text", "备注内容"),
    HOTLINE_MSG(kHelpOutcome, "Outcome code, e.g. resolved, referred, unfounded, duplicate",
                "办理结果代码，例如 resolved、referred、unfounded、duplicate"),
    HOTLINE_MSG(kHelpSummary, "Outcome summary", "结果摘要"),
    HOTLINE_MSG(kHelpWithdrawOpen, "Withdraw open assignments before closing",
                "结案前撤回未完成的分派"),
    HOTLINE_MSG(kHelpFullHash, "Show whole hashes", "显示完整哈希"),

    HOTLINE_MSG(kHelpFmtUsage, "Usage", "用法"),
    HOTLINE_MSG(kHelpFmtOptions, "OPTIONS", "选项"),
    HOTLINE_MSG(kHelpFmtOptionsGroup, "Options", "选项"),
    HOTLINE_MSG(kHelpFmtSubcommands, "Subcommands", "子命令"),
    HOTLINE_MSG(kHelpFmtPositionals, "Positionals", "位置参数"),
    HOTLINE_MSG(kHelpFmtRequired, "REQUIRED", "必填"),
    HOTLINE_MSG(kHelpFmtEnv, "Env", "环境变量"),
    HOTLINE_MSG(kHelpFmtSubcommand, "SUBCOMMAND", "子命令"),
};

#undef HOTLINE_MSG

static_assert(kCatalogue.size() == static_cast<size_t>(Msg::kCount),
              "every Msg needs one catalogue entry");

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::span<const CatalogueEntry> Catalogue() { return kCatalogue; }

std::string_view Text(Msg msg, Lang lang) {
  const CatalogueEntry& entry = kCatalogue[static_cast<size_t>(msg)];
  return lang == Lang::kChinese ? entry.chinese : entry.english;
}

std::optional<Lang> ParseLang(std::string_view name) {
  if (name.size() != 2) return std::nullopt;
  if (StartsWithIgnoreCase(name, "en")) return Lang::kEnglish;
  if (StartsWithIgnoreCase(name, "zh")) return Lang::kChinese;
  return std::nullopt;
}

Lang DetectLang(std::optional<Lang> flag, const std::function<const char*(const char*)>& getenv) {
  if (flag) return *flag;
  if (const char* v = getenv("HOTLINE_LANG"); v != nullptr) {
    if (StartsWithIgnoreCase(v, "zh")) return Lang::kChinese;
    if (StartsWithIgnoreCase(v, "en")) return Lang::kEnglish;
  }
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = getenv(name);
    if (v == nullptr || *v == '\0') continue;
    return StartsWithIgnoreCase(v, "zh") ? Lang::kChinese : Lang::kEnglish;
  }
  return Lang::kEnglish;
}

}  // namespace hotline::cli
