#include "storage/json.h"

#include <catch2/catch.hpp>

namespace hotline::storage {
namespace {

TEST_CASE("JsonString escapes quotes, backslashes and control characters") {
  CHECK(JsonString("plain") == "\"plain\"");
  CHECK(JsonString("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(JsonString("\n\r\t\b\f") == "\"\\n\\r\\t\\b\\f\"");
  CHECK(JsonString(std::string("\x01\x1f\x7f", 3)) == "\"\\u0001\\u001f\\u007f\"");
  CHECK(JsonString(std::string("a\0b", 3)) == "\"a\\u0000b\"");
  CHECK(JsonString("</script>") == "\"</script>\"");
}

TEST_CASE("JsonString keeps valid UTF-8 and replaces invalid bytes") {
  CHECK(JsonString("北京 ü") == "\"北京 ü\"");
  CHECK(JsonString("\xf0\x9f\x98\x80") == "\"\xf0\x9f\x98\x80\"");
  CHECK(JsonString("a\xffz") == "\"a\xef\xbf\xbdz\"");
  CHECK(JsonString("\xc0\xaf") == "\"\xef\xbf\xbd\xef\xbf\xbd\"");                  // overlong '/'
  CHECK(JsonString("\xed\xa0\x80") == "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");  // surrogate
  CHECK(JsonString("\xe5\x8c") == "\"\xef\xbf\xbd\xef\xbf\xbd\"");                  // truncated
}

TEST_CASE("JsonObject keeps keys in the order added") {
  std::string out = JsonObject()
                        .Add("b", "x")
                        .Add("a", int64_t{-42})
                        .Add("list", std::vector<std::string>{"p", "q\""})
                        .Add("empty", std::vector<std::string>{})
                        .Finish();
  CHECK(out == "{\"b\":\"x\",\"a\":-42,\"list\":[\"p\",\"q\\\"\"],\"empty\":[]}");
  CHECK(JsonObject().Finish() == "{}");
}

TEST_CASE("A string array survives a round trip") {
  const std::vector<std::string> values = {
      "", "desk-1", "q\"uote\\", "line\nbreak", std::string("nul\0", 4), "北京"};
  absl::StatusOr<std::vector<std::string>> parsed = ParseJsonStringArray(JsonStringArray(values));
  REQUIRE(parsed.ok());
  CHECK(*parsed == values);
  CHECK(ParseJsonStringArray(" [ \"a\" , \"b\" ] ")->size() == 2);
  CHECK(ParseJsonStringArray("[]")->empty());
}

TEST_CASE("ParseJsonStringArray rejects malformed input") {
  for (const char* bad : {"", "[", "]", "[\"a\"", "[\"a\",]", "[1]", "{}", "[\"a\"] x", "[\"\\q\"]",
                          "[\"\\u12\"]", "[\"a\" \"b\"]"}) {
    INFO(bad);
    CHECK_FALSE(ParseJsonStringArray(bad).ok());
  }
}

TEST_CASE("JsonObjectMember reads a string or integer member of what JsonObject wrote") {
  const std::string payload = JsonObject()
                                  .Add("assignment_id", int64_t{123456789012})
                                  .Add("desks", std::vector<std::string>{"a\"]", "b"})
                                  .Add("text", "line\nbreak \"q\" \\ 北京")
                                  .Add("negative", int64_t{-7})
                                  .Add("control", std::string("\x01", 1))
                                  .Add("status", "acknowledged")
                                  .Finish();
  CHECK(JsonObjectMember(payload, "assignment_id") == "123456789012");
  CHECK(JsonObjectMember(payload, "text") == "line\nbreak \"q\" \\ 北京");
  CHECK(JsonObjectMember(payload, "negative") == "-7");
  CHECK(JsonObjectMember(payload, "control") == std::string("\x01", 1));
  CHECK(JsonObjectMember(payload, "status") == "acknowledged");  // after an array to skip
  CHECK_FALSE(JsonObjectMember(payload, "desks").has_value());   // an array
  CHECK_FALSE(JsonObjectMember(payload, "missing").has_value());
  CHECK_FALSE(JsonObjectMember(payload, "acknowledged").has_value());  // a value, not a key
  CHECK_FALSE(JsonObjectMember("{}", "a").has_value());
}

TEST_CASE("JsonObjectMember skips values of any JSON type, with spaces between tokens") {
  const std::string json =
      R"( { "n" : 1.5e3 , "t" : true, "z": null, "o": {"k": [1, {"x": "}"}], "s": "]"},)"
      R"( "a": [[], {}, "x"], "want" : "yes" } )";
  CHECK(JsonObjectMember(json, "want") == "yes");
  CHECK_FALSE(JsonObjectMember(json, "t").has_value());
  CHECK_FALSE(JsonObjectMember(json, "o").has_value());
}

TEST_CASE("JsonObjectMember finds nothing in malformed input, and does not read past it") {
  for (const char* bad : {"", "{", "[\"want\",\"x\"]", "{\"want\"}", "{\"want\":}",
                          "{\"a\":\"unterminated,\"want\":\"x\"}", "{\"a\" 1,\"want\":\"x\"}",
                          "{\"a\":[1,\"want\":\"x\"}", "\"want\":\"x\""}) {
    INFO(bad);
    CHECK_FALSE(JsonObjectMember(bad, "want").has_value());
  }
  // Nesting deeper than the reader follows is malformed to it.
  const std::string deep = "{\"a\":" + std::string(40, '[') + std::string(40, ']') + ",\"want\":1}";
  CHECK_FALSE(JsonObjectMember(deep, "want").has_value());
  const std::string shallow =
      "{\"a\":" + std::string(20, '[') + std::string(20, ']') + ",\"want\":1}";
  CHECK(JsonObjectMember(shallow, "want") == "1");
}

}  // namespace
}  // namespace hotline::storage
