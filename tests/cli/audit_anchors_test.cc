// Anchors for `hotline audit verify`: the SEQ:HASH text and the anchor file an auditor keeps.
#include "cli/audit_anchors.h"

#include <catch2/catch.hpp>
#include <string>

namespace hotline::cli {
namespace {

const Ui kEnglish(Lang::kEnglish);
const Ui kChinese(Lang::kChinese);
const std::string kHash(64, 'c');

TEST_CASE("An anchor is SEQ:HASH, the hash in either case", "[anchors]") {
  Result<v1::AuditAnchor> anchor = ParseAnchor("1234:" + kHash, "--anchor", kEnglish);
  REQUIRE(anchor.ok());
  CHECK(anchor.value().seq() == 1234);
  CHECK(anchor.value().hash() == kHash);
  Result<v1::AuditAnchor> upper = ParseAnchor("7:" + std::string(64, 'C'), "--anchor", kEnglish);
  REQUIRE(upper.ok());
  CHECK(upper.value().hash() == kHash);
}

TEST_CASE("Text that is not SEQ:HASH is refused, naming where it came from", "[anchors]") {
  for (const std::string& text :
       {std::string(), std::string("1234"), kHash, ":" + kHash, "0:" + kHash, "-1:" + kHash,
        "12x:" + kHash, "12:" + kHash.substr(1), "12:" + kHash + "0",
        "12:" + std::string(63, 'c') + "g", "99999999999999999999:" + kHash, "12 :" + kHash}) {
    INFO(text);
    Result<v1::AuditAnchor> anchor = ParseAnchor(text, "--anchor", kEnglish);
    REQUIRE_FALSE(anchor.ok());
    CHECK(anchor.error() == "--anchor: '" + text +
                                "' is not SEQ:HASH (an event's number, a colon, its "
                                "64-hex-digit hash)");
  }
  CHECK(ParseAnchor("x", "--anchor", kChinese).error() ==
        "--anchor：'x' 不是 SEQ:HASH 格式（事件序号、冒号、64 位十六进制哈希）");
}

TEST_CASE("An anchor file holds one anchor a line, with comments and blank lines", "[anchors]") {
  const std::string text =
      "# anchors of the Beijing hotline, kept by the audit office\n"
      "\n" +
      AnchorLine(12, kHash, "2026-11-01T08:00:00Z") + "  40:" + std::string(64, 'd') + "\r\n" +
      AnchorLine(41, kHash, "x");
  CHECK(AnchorLine(12, kHash, "2026-11-01T08:00:00Z") ==
        "12:" + kHash + " verified 2026-11-01T08:00:00Z\n");
  Result<std::vector<v1::AuditAnchor>> anchors = ParseAnchorFile(text, "anchors.txt", kEnglish);
  REQUIRE(anchors.ok());
  REQUIRE(anchors.value().size() == 3);
  CHECK(anchors.value()[0].seq() == 12);
  CHECK(anchors.value()[1].seq() == 40);
  CHECK(anchors.value()[1].hash() == std::string(64, 'd'));
  CHECK(anchors.value()[2].seq() == 41);
  REQUIRE(ParseAnchorFile("", "anchors.txt", kEnglish).ok());
  CHECK(ParseAnchorFile("", "anchors.txt", kEnglish).value().empty());
}

TEST_CASE("A bad line of an anchor file is named with its number", "[anchors]") {
  const std::string text = AnchorLine(12, kHash, "t") + "\n13 " + kHash + "\n";
  Result<std::vector<v1::AuditAnchor>> anchors = ParseAnchorFile(text, "anchors.txt", kEnglish);
  REQUIRE_FALSE(anchors.ok());
  CHECK(anchors.error() ==
        "anchors.txt line 3: '13' is not SEQ:HASH (an event's number, a colon, its "
        "64-hex-digit hash)");
}

}  // namespace
}  // namespace hotline::cli
