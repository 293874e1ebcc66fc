#include "cli/request_id.h"

#include <catch2/catch.hpp>
#include <regex>

namespace hotline::cli {
namespace {

TEST_CASE("FormatUuidV4 sets version and variant", "[request_id]") {
  std::array<uint8_t, 16> ones{};
  ones.fill(0xFF);
  CHECK(FormatUuidV4(ones) == "ffffffff-ffff-4fff-bfff-ffffffffffff");
  std::array<uint8_t, 16> zeros{};
  CHECK(FormatUuidV4(zeros) == "00000000-0000-4000-8000-000000000000");
}

TEST_CASE("NewRequestId is a fresh UUID v4", "[request_id]") {
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  const std::string a = NewRequestId();
  const std::string b = NewRequestId();
  CHECK(std::regex_match(a, uuid));
  CHECK(std::regex_match(b, uuid));
  CHECK(a != b);
}

}  // namespace
}  // namespace hotline::cli
