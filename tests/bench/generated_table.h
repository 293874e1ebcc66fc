// A large routing table for the routing benchmark, generated as TOML text so it goes through
// router::ParseRoutingTable like any table: a 4-level jurisdiction tree (province, cities,
// districts, streets), `desks` desks of several types, `rules` rules with varied category,
// urgency, jurisdiction, age, reporter and school conditions, targets by type and by desk id,
// most with continue = true, and a default rule last. No [[expect]]. Deterministic (fixed seed).
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "router/router.h"

namespace hotline::bench {

struct GeneratedTableSpec {
  int rules = 10000;  // including the default rule
  int desks = 5000;
  int cities = 20;
  int districts_per_city = 10;
  int streets_per_district = 12;
};

std::string GenerateRoutingTable(const GeneratedTableSpec& spec);

// `n` report facts over the generated tree (a street or a district per child, one or two
// categories, any urgency and reporter, an age, school attendance sometimes known).
std::vector<router::Facts> GenerateFacts(const GeneratedTableSpec& spec, int n);

}  // namespace hotline::bench
