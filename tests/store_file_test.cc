#include "storage/store_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <string>

#include "tests/test_support.h"

using ticketsim::load_store;
using ticketsim::StoreError;
using ticketsim::StoreFile;
using ticketsim::testing::read_file;
using ticketsim::testing::TempDir;
using ticketsim::testing::write_file;

namespace {

std::string problem_loading(const std::string& path) {
  try {
    load_store(path);
    return "";
  } catch (const StoreError& e) {
    CHECK(e.path() == path);
    return e.what();
  }
}

}  // namespace

TEST_CASE("load_store returns the file's exact bytes and its count", "[store]") {
  TempDir dir;
  write_file(dir.file("s.json"), "{ \"event\": \"gig\",\n  \"count\": 3 }\n");
  auto loaded = load_store(dir.file("s.json"));
  CHECK(loaded.bytes == "{ \"event\": \"gig\",\n  \"count\": 3 }\n");
  CHECK(loaded.document.count() == 3);
}

TEST_CASE("load_store names the file and the problem for unusable paths", "[store]") {
  TempDir dir;
  CHECK_THAT(problem_loading(dir.file("missing.json")), Catch::Contains("no such file"));
  CHECK_THAT(problem_loading(dir.path()), Catch::Contains("is a directory"));
  REQUIRE(::mkfifo(dir.file("fifo").c_str(), 0644) == 0);
  CHECK_THAT(problem_loading(dir.file("fifo")), Catch::Contains("not a regular file"));
  REQUIRE(::symlink("loop-b", dir.file("loop-a").c_str()) == 0);
  REQUIRE(::symlink("loop-a", dir.file("loop-b").c_str()) == 0);
  CHECK_THAT(problem_loading(dir.file("loop-a")), Catch::Contains("symbolic links"));
  write_file(dir.file("bad.json"), "{\"count\": -2}");
  CHECK_THAT(problem_loading(dir.file("bad.json")), Catch::Contains("negative"));
  write_file(dir.file("big.json"),
             "{\"count\": 1, \"pad\": \"" + std::string(ticketsim::kMaxStoreBytes, 'x') + "\"}");
  CHECK_THAT(problem_loading(dir.file("big.json")), Catch::Contains("larger than"));
}

TEST_CASE("load_store refuses an unreadable file", "[store]") {
  if (::geteuid() == 0) {
    WARN("running as root: permission bits do not stop root, so this case cannot be shown");
    return;
  }
  TempDir dir;
  write_file(dir.file("secret.json"), "{\"count\": 1}");
  REQUIRE(::chmod(dir.file("secret.json").c_str(), 0) == 0);
  CHECK_THAT(problem_loading(dir.file("secret.json")), Catch::Contains("permission denied"));
}

TEST_CASE("a store rewrite that shrinks truncates the old tail", "[store]") {
  TempDir dir;
  write_file(dir.file("s.json"), "{\"count\":10,\"event\":\"x\"}\n");
  StoreFile store = StoreFile::open(dir.file("s.json"));
  auto read = store.read();
  REQUIRE_FALSE(read.torn);
  CHECK(read.count == 10);
  store.write_count(9);
  CHECK(read_file(dir.file("s.json")) == "{\"count\":9,\"event\":\"x\"}\n");
  auto again = store.read();
  REQUIRE_FALSE(again.torn);
  CHECK(again.count == 9);
}

TEST_CASE("a store rewrite keeps every other byte of the user's formatting", "[store]") {
  TempDir dir;
  const std::string original =
      "{\n  \"event\": \"Lesson 004\",\n  \"count\" : 100 ,\n  \"seats\": [1, 2]\n}\n";
  write_file(dir.file("s.json"), original);
  StoreFile store = StoreFile::open(dir.file("s.json"));
  REQUIRE(store.read().count == 100);
  store.write_count(99);
  CHECK(read_file(dir.file("s.json")) ==
        "{\n  \"event\": \"Lesson 004\",\n  \"count\" : 99 ,\n  \"seats\": [1, 2]\n}\n");
}

TEST_CASE("a store whose count is not canonical is read and rewritten through the full parser",
          "[store]") {
  TempDir dir;
  write_file(dir.file("s.json"), "{\"count\": 3.0, \"event\": \"x\"}");
  StoreFile store = StoreFile::open(dir.file("s.json"));
  auto read = store.read();
  REQUIRE_FALSE(read.torn);
  CHECK(read.count == 3);
  store.write_count(2);
  CHECK(read_file(dir.file("s.json")) == "{\"count\":2,\"event\":\"x\"}\n");
}

TEST_CASE("a store file holding a half-written store reads as torn", "[store]") {
  TempDir dir;
  write_file(dir.file("s.json"), "{\"count\":9}}\n");
  StoreFile store = StoreFile::open(dir.file("s.json"));
  CHECK(store.read().torn);
  write_file(dir.file("s.json"), "");
  CHECK(store.read().torn);
  write_file(dir.file("s.json"), "{\"count\":1");
  CHECK(store.read().torn);
}

TEST_CASE("write_file_atomically replaces the content and keeps the permission bits", "[store]") {
  TempDir dir;
  write_file(dir.file("s.json"), "{\"count\": 5}");
  REQUIRE(::chmod(dir.file("s.json").c_str(), 0640) == 0);
  ticketsim::write_file_atomically(dir.file("s.json"), "{\"count\":4}\n");
  CHECK(read_file(dir.file("s.json")) == "{\"count\":4}\n");
  struct stat st {};
  REQUIRE(::stat(dir.file("s.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
  CHECK(dir.entries().size() == 1);  // no temporary file left behind
}

TEST_CASE("write_file_atomically through a symlink replaces the target and keeps the link",
          "[store]") {
  TempDir dir;
  write_file(dir.file("real.json"), "{\"count\": 5}");
  REQUIRE(::symlink("real.json", dir.file("link.json").c_str()) == 0);
  ticketsim::write_file_atomically(dir.file("link.json"), "{\"count\":4}\n");
  CHECK(read_file(dir.file("real.json")) == "{\"count\":4}\n");
  struct stat st {};
  REQUIRE(::lstat(dir.file("link.json").c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
}

TEST_CASE("replace_file_if_unchanged replaces a file that still holds what was read",
          "[store-file]") {
  TempDir dir;
  write_file(dir.file("s.json"), "{\"count\": 5}\n");
  ticketsim::replace_file_if_unchanged(dir.file("s.json"), "{\"count\": 5}\n", "{\"count\": 3}\n");
  CHECK(read_file(dir.file("s.json")) == "{\"count\": 3}\n");
}

TEST_CASE("replace_file_if_unchanged leaves a file another writer changed untouched",
          "[store-file]") {
  TempDir dir;
  write_file(dir.file("s.json"), "{\"count\": 4}\n");  // another run's write-back
  CHECK_THROWS_AS(ticketsim::replace_file_if_unchanged(dir.file("s.json"), "{\"count\": 5}\n",
                                                       "{\"count\": 3}\n"),
                  ticketsim::StoreChanged);
  CHECK(read_file(dir.file("s.json")) == "{\"count\": 4}\n");
  CHECK(dir.entries().size() == 1);  // no temporary file left beside it
}
