// The message catalogues at work: choosing a language, and a broken translation never
// breaking a report.
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "simulator/text/translate.h"
#include "tests/test_support.h"

using ticketsim::testing::TempDir;

namespace {

// A catalogue directory holding `po` compiled for language `language` (msgfmt without
// --check: the broken translations a test wants stay in).
std::string catalogue(const TempDir& dir, const std::string& language, const std::string& po) {
  const std::string messages = dir.path() + "/" + language + "/LC_MESSAGES";
  REQUIRE(ticketsim::testing::run_command({"/bin/mkdir", "-p", messages}).exit_code == 0);
  ticketsim::testing::write_file(dir.file("test.po"), po);
  auto compiled = ticketsim::testing::run_command(
      {"/usr/bin/msgfmt", "-o", messages + "/ticketsim.mo", dir.file("test.po")});
  REQUIRE(compiled.exit_code == 0);
  return dir.path();
}

const char* const kHeader =
    "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n"
    "\"Plural-Forms: nplurals=1; plural=0;\\n\"\n\n";

}  // namespace

TEST_CASE("a language is chosen by catalogue: its own, its base, Chinese for zh_*, else English",
          "[i18n]") {
  TempDir dir;
  const std::string dir_path = catalogue(dir, "zh_CN", kHeader);
  CHECK(ticketsim::choose_language("zh_CN.UTF-8", dir_path) == "zh_CN");
  CHECK(ticketsim::choose_language("zh_TW.UTF-8", dir_path) == "zh_CN");
  CHECK(ticketsim::choose_language("zh", dir_path) == "zh_CN");
  CHECK(ticketsim::choose_language("fr_FR.UTF-8", dir_path) == "en");
  CHECK(ticketsim::choose_language("C", dir_path) == "en");
  CHECK(ticketsim::choose_language("", dir_path) == "en");
  CHECK(ticketsim::language_available("en", dir_path));
  CHECK_FALSE(ticketsim::language_available("../zh_CN", dir_path));
}

TEST_CASE("a translation that breaks its format prints the English instead of failing", "[i18n]") {
  TempDir dir;
  const std::string dir_path = catalogue(
      dir, "zh_CN",
      std::string(kHeader) +
          "msgid \"{} and {}\"\nmsgstr \"{} 和 {1}\"\n\n"  // automatic and numbered mixed
          "msgid \"{} ticket\"\nmsgid_plural \"{} tickets\"\nmsgstr[0] \"{2} 张票\"\n\n"  // no {2}
          "msgid \"Steps:\"\nmsgstr \"步骤：\"\n");
  {
    ticketsim::ScopedLanguage chinese("zh_CN");
    ticketsim::set_language("zh_CN", dir_path);
    CHECK(std::string(ticketsim::tr("Steps:")) == "步骤：");  // the catalogue is in use
    CHECK(ticketsim::trf("{} and {}", 1, 2) == "1 and 2");
    CHECK(ticketsim::counted(3, "{} ticket", "{} tickets") == "3 tickets");
  }
  CHECK(ticketsim::current_language() == "en");  // the scope restored the language
  CHECK(std::string(ticketsim::tr("Steps:")) == "Steps:");
}
