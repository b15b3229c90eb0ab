// `ticketsim completion bash` and --version, run as a user's shell runs them.
#include <catch2/catch.hpp>

#include <string>

#include "tests/test_support.h"
#include "ticketsim/version.h"

using ticketsim::testing::run_command;
using ticketsim::testing::TempDir;

namespace {

// What bash's completion offers for `line` (the word being completed is the last one; a
// trailing space starts a new, empty word), with the script ticketsim generated.
std::string complete(const std::string& script, const std::string& line,
                     const std::string& directory) {
  const std::string program = "cd '" + directory + "' && source '" + script +
                              "' && read -ra COMP_WORDS <<< \"$LINE\" && "
                              "[[ \"$LINE\" == *' ' ]] && COMP_WORDS+=(''); "
                              "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _ticketsim; "
                              "echo \"${COMPREPLY[*]}\"";
  auto result = run_command({"/usr/bin/env", "LINE=" + line, "bash", "-c", program});
  REQUIRE(result.exit_code == 0);
  return result.out.substr(0, result.out.find_last_not_of('\n') + 1);
}

}  // namespace

TEST_CASE("the program prints its version for --version and -V and exits 0", "[cli]") {
  for (const char* flag : {"--version", "-V"}) {
    auto result = run_command({ticketsim::testing::ticketsim_binary(), flag});
    CHECK(result.exit_code == 0);
    CHECK(result.out == std::string("ticketsim ") + ticketsim::kVersion + "\n");
  }
}

TEST_CASE("the bash completion offers commands, flags and each flag's vocabulary", "[cli]") {
  TempDir dir;
  auto generated = run_command({ticketsim::testing::ticketsim_binary(), "completion", "bash"});
  REQUIRE(generated.exit_code == 0);
  const std::string script = dir.file("ticketsim.bash");
  ticketsim::testing::write_file(script, generated.out);
  ticketsim::testing::write_file(dir.file("store.json"), "{\"count\": 1}");

  CHECK(complete(script, "ticketsim ru", dir.path()) == "run");
  CHECK(complete(script, "ticketsim c", dir.path()) == "compare check-history cleanup completion");
  CHECK(complete(script, "ticketsim run --mo", dir.path()) == "--mode");
  CHECK(complete(script, "ticketsim run --mode ", dir.path()) ==
        "none flock fcntl ofd named-mutex robust-mutex optimistic server join row-lock "
        "advisory atomic serializable redis-lock");
  CHECK(complete(script, "ticketsim compare --modes a", dir.path()) == "advisory atomic all");
  CHECK(complete(script, "ticketsim run --write ", dir.path()) == "inplace atomic");
  CHECK(complete(script, "ticketsim run --store st", dir.path()) == "store.json");
  CHECK(complete(script, "ticketsim check-history st", dir.path()) == "store.json");
  CHECK(complete(script, "ticketsim completion ", dir.path()) == "bash");
  CHECK(complete(script, "ticketsim step --pre", dir.path()) == "--predict");
  CHECK(complete(script, "ticketsim sw", dir.path()) == "sweep");
  CHECK(complete(script, "ticketsim sweep --va", dir.path()) == "--vary");
  CHECK(complete(script, "ticketsim compare --modes flock,n", dir.path()) ==
        "flock,none flock,named-mutex");
  CHECK(complete(script, "ticketsim run --procs ", dir.path()).empty());
  CHECK(complete(script, "ticketsim run --json --mo", dir.path()) == "--mode");
  CHECK(complete(script, "ticketsim check-history --tickets ", dir.path()).empty());
}

TEST_CASE("completion refuses a shell it cannot write for", "[cli]") {
  auto result = run_command({ticketsim::testing::ticketsim_binary(), "completion", "zsh"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("zsh"));
}
