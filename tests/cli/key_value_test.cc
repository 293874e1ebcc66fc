#include "cli/key_value.h"

#include <catch2/catch.hpp>

namespace hotline::cli {
namespace {

TEST_CASE("KeyValueBlock aligns values by display width", "[key_value]") {
  KeyValueBlock block;
  block.Add("案件编号", "HL-2026-000001");
  block.Add("Status", "routed");
  CHECK(block.Render() ==
        "案件编号  HL-2026-000001\n"
        "Status    routed\n");
}

TEST_CASE("KeyValueBlock leaves out empty values and empty groups", "[key_value]") {
  KeyValueBlock block;
  block.Add("Case", "HL-1");
  block.Add("Narrative", "");
  block.Heading("Reporter");
  block.Add("Phone", "");
  block.Heading("Child 1");
  block.Add("Age", "9");
  block.EndGroup();
  block.Add("Outcome", "resolved");
  CHECK(block.Render() ==
        "Case     HL-1\n"
        "Child 1\n"
        "  Age    9\n"
        "Outcome  resolved\n");
}

TEST_CASE("KeyValueBlock continues multi-line values in the value column", "[key_value]") {
  KeyValueBlock block;
  block.Add("Narrative", "line one\nline two");
  CHECK(block.Render() ==
        "Narrative  line one\n"
        "           line two\n");
}

}  // namespace
}  // namespace hotline::cli
