// ticketsim sweep: the grid, the rows in every form, resuming, and refusing what cannot run.
#include "ticketsim/sweep.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_support.h"

using ticketsim::ConfigError;
using ticketsim::parse_sweep_axis;
using ticketsim::SweepParameter;
using ticketsim::testing::read_file;
using ticketsim::testing::run_command;
using ticketsim::testing::TempDir;
using ticketsim::testing::ticketsim_cli;
using ticketsim::testing::write_file;

using ticketsim::testing::lines_of;

namespace {

std::string problem_with(const std::string& text) {
  try {
    parse_sweep_axis(text);
  } catch (const ConfigError& e) {
    CHECK(e.field() == "vary");
    return e.problem();
  }
  return "";
}

// A sweep whose outcome is certain: lockstep makes none oversell every trial (procs >
// tickets), flock never.
const std::vector<std::string> kCertainSweep = {
    "sweep",      "--vary",           "procs=2,3", "--modes",  "none,flock",
    "--schedule", "lockstep",         "--latency", "0",        "--hold",
    "0",          "--search-latency", "0",         "--trials", "2"};

}  // namespace

TEST_CASE("a varied parameter takes a list, an arithmetic range or a geometric one", "[sweep]") {
  auto axis = parse_sweep_axis("procs=2,4,8,16,32");
  CHECK(axis.parameter == SweepParameter::kProcs);
  CHECK(axis.values == std::vector<std::int64_t>{2, 4, 8, 16, 32});
  CHECK(parse_sweep_axis("procs=2..32*2").values == std::vector<std::int64_t>{2, 4, 8, 16, 32});
  CHECK(parse_sweep_axis("tickets=1..7:3").values == std::vector<std::int64_t>{1, 4, 7});
  auto latency = parse_sweep_axis("latency=0,100us,1ms");
  CHECK(latency.parameter == SweepParameter::kLatency);
  CHECK(latency.values == std::vector<std::int64_t>{0, 100'000, 1'000'000});
  CHECK(parse_sweep_axis("search-latency=0..1ms:250us").values ==
        std::vector<std::int64_t>{0, 250'000, 500'000, 750'000, 1'000'000});
  CHECK(parse_sweep_axis("hold=10us..10ms*10").values ==
        std::vector<std::int64_t>{10'000, 100'000, 1'000'000, 10'000'000});
  CHECK(parse_sweep_axis("attempts=3").values == std::vector<std::int64_t>{3});
  CHECK(ticketsim::sweep_value_label(SweepParameter::kLatency, 100'000) == "100us");
}

TEST_CASE("a varied parameter that cannot be read is refused saying why", "[sweep]") {
  CHECK_THAT(problem_with("procs"), Catch::Contains("NAME=VALUES"));
  CHECK_THAT(problem_with("threads=2,4"), Catch::Contains("unknown parameter 'threads'"));
  CHECK_THAT(problem_with("procs="), Catch::Contains("no values"));
  CHECK_THAT(problem_with("procs=2,x"), Catch::Contains("'x' is not a whole number"));
  CHECK_THAT(problem_with("latency=5"), Catch::Contains("latency"));
  CHECK_THAT(problem_with("procs=8..2:1"), Catch::Contains("backwards"));
  CHECK_THAT(problem_with("procs=2..8"), Catch::Contains("needs a step"));
  CHECK_THAT(problem_with("procs=2..8*1"), Catch::Contains("factor"));
  CHECK_THAT(problem_with("procs=0..8*2"), Catch::Contains("above 0"));
  CHECK_THAT(problem_with("procs=2,4,2"), Catch::Contains("2 is listed twice"));
  CHECK_THAT(problem_with("procs=1..5000:1"), Catch::Contains("more than 1000 values"));
  CHECK_THAT(problem_with("procs=1..8:0"), Catch::Contains("positive"));
}

TEST_CASE("the points run the first axis slowest and the modes side by side, each validated",
          "[sweep]") {
  ticketsim::ExperimentConfig base;
  auto points =
      ticketsim::sweep_points(base, {ticketsim::Mode::kNone, ticketsim::Mode::kFlock},
                              {parse_sweep_axis("procs=2,4"), parse_sweep_axis("latency=0,1ms")});
  REQUIRE(points.size() == 8);
  CHECK(points[0].config.procs == 2);
  CHECK(points[0].config.latency.max.count() == 0);
  CHECK(points[0].mode == ticketsim::Mode::kNone);
  CHECK(points[1].mode == ticketsim::Mode::kFlock);
  CHECK(points[1].config.mode == ticketsim::Mode::kFlock);
  CHECK(points[2].config.latency.max.count() == 1'000'000);
  CHECK(points[4].config.procs == 4);
  CHECK(points[7].values == std::vector<std::int64_t>{4, 1'000'000});
  try {
    ticketsim::sweep_points(base, {ticketsim::Mode::kNone}, {parse_sweep_axis("procs=2,0")});
    FAIL("procs=0 was accepted");
  } catch (const ConfigError& e) {
    CHECK(e.field() == "vary");
    CHECK_THAT(e.problem(), Catch::Contains("at procs=0 (mode none): --procs"));
  }
}

TEST_CASE("cli: sweep writes one CSV row and one JSON line per mode and point", "[sweep]") {
  TempDir dir;
  auto args = kCertainSweep;
  args.insert(args.end(), {"--csv", dir.file("s.csv"), "--jsonl", dir.file("s.jsonl"), "--html",
                           dir.file("s.html")});
  auto result = ticketsim_cli(args);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("P(unsafe) [95%]"));
  CHECK_THAT(result.err, Catch::Contains("[4/4] flock procs=3 done"));
  CHECK_THAT(result.err, Catch::Contains("left"));
  auto csv = lines_of(read_file(dir.file("s.csv")));
  REQUIRE(csv.size() == 5);
  CHECK_THAT(csv[0], Catch::StartsWith("mode,procs,trials,unsafe_trials,unsafe_p,unsafe_p_low,"
                                       "unsafe_p_high,oversold_max,wall_ms_median,"
                                       "purchases_per_s_median,"));
  CHECK_THAT(csv[1], Catch::StartsWith("none,2,2,2,1.0,"));
  CHECK_THAT(csv[2], Catch::StartsWith("flock,2,2,0,0.0,"));
  CHECK_THAT(csv[3], Catch::StartsWith("none,3,2,2,1.0,"));
  auto jsonl = lines_of(read_file(dir.file("s.jsonl")));
  REQUIRE(jsonl.size() == 4);
  for (std::size_t i = 0; i < jsonl.size(); ++i) {
    auto row = nlohmann::json::parse(jsonl[i]);
    CHECK(row["procs"] == (i < 2 ? 2 : 3));
    CHECK(row["mode"] == (i % 2 == 0 ? "none" : "flock"));
    CHECK(row["unsafe_trials"] == (i % 2 == 0 ? 2 : 0));
    CHECK(row["oversold_max"] == (i % 2 == 0 ? row["procs"].get<int>() - 1 : 0));
    CHECK(row["varied"] == nlohmann::json::array({"procs"}));
    CHECK(row.contains("unsafe_p_low"));
  }
  CHECK_THAT(read_file(dir.file("s.html")), Catch::Contains("class=\"chart line-chart\""));
}

TEST_CASE("cli: sweep --resume runs only the points its file lacks", "[sweep]") {
  TempDir dir;
  auto args = kCertainSweep;
  args.insert(args.end(), {"--jsonl", dir.file("s.jsonl")});
  REQUIRE(ticketsim_cli(args).exit_code == 0);
  auto all = lines_of(read_file(dir.file("s.jsonl")));
  REQUIRE(all.size() == 4);
  // As if interrupted after three points.
  write_file(dir.file("s.jsonl"), all[0] + "\n" + all[1] + "\n" + all[2] + "\n");
  auto resume = kCertainSweep;
  resume.insert(resume.end(), {"--resume", dir.file("s.jsonl"), "--csv", dir.file("s.csv")});
  auto result = ticketsim_cli(resume);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("3 points read back"));
  CHECK_THAT(result.err, Catch::Contains("1 run now"));
  auto after = lines_of(read_file(dir.file("s.jsonl")));
  REQUIRE(after.size() == 4);
  CHECK(after[0] == all[0]);
  CHECK(nlohmann::json::parse(after[3])["mode"] == "flock");
  CHECK(lines_of(read_file(dir.file("s.csv"))).size() == 5);  // resumed rows are reported too
  // A file that holds every point runs nothing.
  result = ticketsim_cli(resume);
  CHECK_THAT(result.err, Catch::Contains("4 points read back"));
  CHECK(lines_of(read_file(dir.file("s.jsonl"))).size() == 4);
}

TEST_CASE("cli: sweep refuses what it cannot do, before running anything", "[sweep]") {
  TempDir dir;
  auto refused = [&](std::vector<std::string> args, const std::string& words) {
    auto result = ticketsim_cli(args);
    CAPTURE(result.err);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(words));
  };
  refused({"sweep"}, "--vary");
  refused({"sweep", "--vary", "bogus=1"}, "--vary: unknown parameter 'bogus'");
  refused({"sweep", "--vary", "procs=2,4", "--procs", "3"}, "--procs: is varied by --vary");
  refused({"sweep", "--vary", "procs=2", "--vary", "procs=4"}, "procs is varied twice");
  refused({"sweep", "--vary", "procs=2", "--vary", "hold=0", "--vary", "tickets=1"},
          "one or two parameters");
  refused({"sweep", "--vary", "procs=2", "--timeline"}, "--timeline");
  refused({"sweep", "--vary", "latency=0,1ms", "--schedule", "round-robin"}, "changes nothing");
  refused({"sweep", "--vary", "procs=2", "--resume", dir.file("a"), "--jsonl", dir.file("b")},
          "--jsonl");
  write_file(dir.file("bad.jsonl"), "{\"mode\": \"none\"}\n");
  refused({"sweep", "--vary", "procs=2", "--resume", dir.file("bad.jsonl")},
          "bad.jsonl line 1 is not a row of ticketsim sweep");
  refused({"sweep", "--vary", "procs=2", "--resume", dir.file("missing.jsonl")}, "cannot read");
  refused({"sweep", "--vary", "procs=2,20000"}, "at procs=20000");
  CHECK_FALSE(std::filesystem::exists(dir.file("b")));
}

TEST_CASE("cli: sweep --resume reuses a row only for the same settings, and survives a torn line",
          "[sweep]") {
  TempDir dir;
  auto args = kCertainSweep;
  args.insert(args.end(), {"--jsonl", dir.file("s.jsonl")});
  REQUIRE(ticketsim_cli(args).exit_code == 0);
  const std::string all = read_file(dir.file("s.jsonl"));
  // Another write strategy is another experiment: nothing is reused, and the old rows are
  // said to belong to another sweep.
  auto atomic = kCertainSweep;
  atomic.insert(atomic.end(), {"--write", "atomic", "--resume", dir.file("s.jsonl")});
  auto result = ticketsim_cli(atomic);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("0 points read back"));
  CHECK_THAT(result.err, Catch::Contains("4 rows of"));
  CHECK(lines_of(read_file(dir.file("s.jsonl"))).size() == 8);
  // A run killed while writing its last row leaves it cut short: dropped, its point rerun.
  write_file(dir.file("torn.jsonl"), all.substr(0, all.size() - 40));
  auto resume = kCertainSweep;
  resume.insert(resume.end(), {"--resume", dir.file("torn.jsonl")});
  result = ticketsim_cli(resume);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("cut short"));
  CHECK_THAT(result.err, Catch::Contains("3 points read back"));
  result = ticketsim_cli(resume);  // and the file stays readable
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.err, Catch::Contains("4 points read back"));
}

TEST_CASE("cli: sweep --expect-safe judges the modes that promise safety", "[sweep]") {
  auto args = kCertainSweep;
  args.push_back("--expect-safe");
  auto result = ticketsim_cli(args);  // none races by design; flock is safe
  CHECK(result.exit_code == 0);
  args = {"sweep", "--vary",           "procs=3",   "--modes",   "flock", "--crash-prob",
          "1",     "--crash-at",       "mid-write", "--latency", "0",     "--hold",
          "0",     "--search-latency", "0",         "--trials",  "2",     "--expect-safe"};
  result = ticketsim_cli(args);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.err, Catch::Contains("not safe"));
}
