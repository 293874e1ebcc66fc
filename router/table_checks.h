// Whole-table checks that need every section parsed: duplicates, the jurisdiction tree, the
// default rule, the centre desk, and the warnings about unused desks and types without a desk.
// Internal to router/.
#pragma once

#include "router/routing_table.h"
#include "router/toml_fields.h"

namespace hotline::router {

// Reports to `sink` what is wrong with `table` as a whole. Uses the `line` fields.
void CheckTable(const RoutingTable& table, DiagnosticSink& sink);

// Routes every [[expect]] of a finished (indexed) table and reports each one whose desks
// differ, at its line, with what it got and which rules matched.
void CheckExpectations(const RoutingTable& table, DiagnosticSink& sink);

}  // namespace hotline::router
