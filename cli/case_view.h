// Readable renderings of the contract's messages for the terminal: the case block, the
// assignments and routing-trace tables, the case list and the audit history. Each returns
// text ending in '\n' (or ""). Thread-safe.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <string>

#include "cli/enum_labels.h"
#include "cli/i18n.h"
#include "cli/table.h"
#include "hotline/v1/admin.pb.h"
#include "hotline/v1/case.pb.h"
#include "hotline/v1/intake.pb.h"
#include "proto/enum_names.h"

namespace hotline::cli {

using Assignments = google::protobuf::RepeatedPtrField<v1::Assignment>;

// Distress `categories` (enum numbers) as the UI shows them (enum_labels.h), joined with ", ".
std::string CategoryNames(const google::protobuf::RepeatedField<int>& categories, const Ui& ui);

// "9", "6-8", or the UI's "unknown" when the child has no age.
std::string AgeText(const v1::Child& child, const Ui& ui);

// The report's categories as the UI shows them, joined with ", ".
std::string CategoriesText(const v1::Report& report, const Ui& ui);

// What `hotline report` prints: number, status, urgency, categories, the assignments table
// (desk id, desk name, type, deadline, resolution) and "routed by table <version>".
std::string RenderSubmittedReport(const v1::Case& c, const Ui& ui, const TableStyle& style);

// What `hotline inquiry`, `hotline case close|reopen` and `hotline feedback done` print: a
// short block of the case (number, kind, status, outcome, feedback).
std::string RenderCaseSummary(const v1::Case& c, const Ui& ui);

// What `hotline case show` prints: every visible field, the assignments with their status
// and the routing trace.
std::string RenderCase(const v1::Case& c, const Ui& ui, const TableStyle& style);

// Assignments table; with `with_status` an ID column leads, a STATUS column follows TYPE and,
// when any assignment has one, OUTCOME and REPLACES columns precede RESOLUTION. A deadline
// the server marked overdue (overdue_time) is followed by "overdue".
std::string RenderAssignments(const Assignments& assignments, bool with_status, const Ui& ui,
                              const TableStyle& style);

// The routing trace table: child (1-based), rule, matched, reason.
std::string RenderTrace(const v1::RoutingTrace& trace, const Ui& ui, const TableStyle& style);

// What `hotline rules explain` prints: target desks and the trace.
std::string RenderExplanation(const v1::ExplainRouteResponse& r, const Ui& ui,
                              const TableStyle& style);

// The case list table: number, created, kind, status, urgency, categories, desks.
std::string RenderCaseList(const google::protobuf::RepeatedPtrField<v1::Case>& cases, const Ui& ui,
                           const TableStyle& style);

// The history table: seq, time, actor, type, hash; each event's payload (and private text,
// when given) on indented lines below it.
std::string RenderHistory(const google::protobuf::RepeatedPtrField<v1::AuditEvent>& events,
                          bool full_hash, const Ui& ui, const TableStyle& style);

}  // namespace hotline::cli
