// Jurisdiction codes, vocabularies and the table's lookups.
#include "router/routing_table.h"

#include <catch2/catch.hpp>

#include "tests/router/test_util.h"

namespace hotline::router {
namespace {

TEST_CASE("jurisdiction codes are 2, 4, 6, 9 or 12 digits", "[routing_table]") {
  for (const char* good : {"11", "1101", "110105", "110105001", "110105001001"}) {
    INFO(good);
    CHECK(IsWellFormedJurisdiction(good));
  }
  for (const char* bad : {"", "1", "110", "11010", "1101050", "11010500", "1101050010",
                          "1101050010010", "11010a", "11 105", "１１"}) {
    INFO(bad);
    CHECK_FALSE(IsWellFormedJurisdiction(bad));
  }
}

TEST_CASE("the jurisdiction chain walks from the code up to its province", "[routing_table]") {
  CHECK(JurisdictionChain("110105001002") ==
        std::vector<std::string>{"110105001002", "110105001", "110105", "1101", "11"});
  CHECK(JurisdictionChain("110105001") ==
        std::vector<std::string>{"110105001", "110105", "1101", "11"});
  CHECK(JurisdictionChain("11") == std::vector<std::string>{"11"});
  CHECK(JurisdictionChain("1101050").empty());
}

TEST_CASE("vocabularies hold the contract's names", "[routing_table]") {
  CHECK(KnownCategories().size() == 23);
  CHECK(KnownCategories().front() == "neglect");
  CHECK(KnownCategories().back() == "other");
  CHECK(KnownUrgencies() == std::vector<std::string>{"immediate_danger", "urgent", "routine"});
  CHECK(KnownDeskTypes().size() == 12);
  CHECK(KnownDeskTypes()[3] == "center");
  CHECK(KnownReporterKinds() ==
        std::vector<std::string>{"anonymous", "self", "mandated", "agency", "public"});
}

TEST_CASE("lookups by id, code and type", "[routing_table]") {
  const auto table = testing::MustLoad(testing::TestdataPath("semantics.toml"));
  CHECK(table->FindDesk("police-110105")->name == "朝阳分局未成年人保护岗");
  CHECK(table->FindDesk("police-999") == nullptr);
  CHECK(table->FindJurisdiction("110105001")->name == "建外街道");
  CHECK(table->FindJurisdiction("120000") == nullptr);
  // Longest prefix wins: a Chaoyang community finds the district desk, Dongcheng the city's.
  CHECK(table->ResolveType("police", "110105001001")->id == "police-110105");
  CHECK(table->ResolveType("police", "110101001001")->id == "police-11");
  CHECK(table->ResolveType("police", "110105")->id == "police-110105");
  CHECK(table->ResolveType("community", "110105001001")->id == "community-110105001001");
  CHECK(table->ResolveType("community", "110105001") == nullptr);
  CHECK(table->ResolveType("medical", "110105001001") == nullptr);
  CHECK(table->ResolveType("police", "1101050") == nullptr);  // malformed
  CHECK(table->CenterDesk("110105001001")->id == "center");
  CHECK(table->CenterDesk("120101")->id == "center");  // no centre for 12: the first one
  CHECK(table->type_code_index.count({"school", "110101"}) == 1);
  CHECK(table->jurisdiction_index.size() == table->jurisdictions.size());
}

}  // namespace
}  // namespace hotline::router
