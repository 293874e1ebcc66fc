#include "cli/prompt.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace hotline::cli {
namespace {

const Ui kEnglish(Lang::kEnglish);

TEST_CASE("AskLine asks again after an empty answer", "[prompt]") {
  std::istringstream in("\n  hello  \n");
  std::ostringstream out;
  Prompter prompter(in, out, kEnglish);
  CHECK(prompter.AskLine("Topic") == std::optional<std::string>("hello"));
  CHECK(out.str().find("an answer is required") != std::string::npos);
}

TEST_CASE("AskLine returns nullopt when input ends", "[prompt]") {
  std::istringstream in("");
  std::ostringstream out;
  Prompter prompter(in, out, kEnglish);
  CHECK_FALSE(prompter.AskLine("Topic").has_value());
}

TEST_CASE("AskChoice accepts names in any case and numbers", "[prompt]") {
  const std::vector<std::string> choices = {"immediate_danger", "urgent", "routine"};
  std::istringstream in("soon\nURGENT\n3\n");
  std::ostringstream out;
  Prompter prompter(in, out, kEnglish);
  CHECK(prompter.AskChoice("Urgency", choices) == std::optional<std::string>("urgent"));
  CHECK(out.str().find("choices: 1 immediate_danger, 2 urgent, 3 routine") != std::string::npos);
  CHECK(out.str().find("\"soon\" is not one of the choices") != std::string::npos);
  CHECK(prompter.AskChoice("Urgency", choices) == std::optional<std::string>("routine"));
}

// Review finding: "８" (a full-width digit, what Chinese input methods type) was no choice.
TEST_CASE("AskChoice and AskChoices read full-width digits", "[prompt]") {
  const std::vector<std::string> choices = {"immediate_danger", "urgent", "routine"};
  std::istringstream in("２\n３，１\n");
  std::ostringstream out;
  Prompter prompter(in, out, kEnglish);
  CHECK(prompter.AskChoice("Urgency", choices) == std::optional<std::string>("urgent"));
  CHECK(prompter.AskChoices("Urgencies", choices) ==
        std::optional<std::vector<std::string>>({"routine", "immediate_danger"}));
  CHECK(out.str().find("not one of") == std::string::npos);
}

TEST_CASE("AskChoices reads a list without duplicates", "[prompt]") {
  const std::vector<std::string> choices = {"neglect", "begging", "vagrancy"};
  std::istringstream in("begging, 9\nbegging，vagrancy, begging\n");
  std::ostringstream out;
  Prompter prompter(in, out, kEnglish);
  auto answer = prompter.AskChoices("Categories", choices);
  REQUIRE(answer.has_value());
  CHECK(*answer == std::vector<std::string>{"begging", "vagrancy"});
}

// Review finding: the send-again question offered "1 yes, 2 no" in Chinese too and refused
// 是, 否, y and n.
TEST_CASE("A yes/no question is shown in the UI language and takes y/n, 是/否 in both",
          "[prompt]") {
  for (const Lang lang : {Lang::kEnglish, Lang::kChinese}) {
    const Ui ui(lang);
    std::istringstream in("是\n否\nY\nn\nYes\nNO\n2\n");
    std::ostringstream out;
    Prompter prompter(in, out, ui);
    for (const char* expected : {"yes", "no", "yes", "no", "yes", "no", "no"}) {
      CHECK(prompter.AskChoice("?", YesNoChoices(ui)) == std::optional<std::string>(expected));
    }
    CHECK_THAT(out.str(), Catch::Contains(lang == Lang::kChinese ? "可选：1 是, 2 否"
                                                                 : "choices: 1 yes, 2 no"));
    CHECK_THAT(out.str(), !Catch::Contains("not one of") && !Catch::Contains("不在可选项中"));
  }
}

}  // namespace
}  // namespace hotline::cli
