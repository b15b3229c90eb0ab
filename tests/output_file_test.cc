// Report files: published whole, through symlinks, and never destroying what is not a file.
#include "simulator/report/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <future>
#include <string>

#include "tests/test_support.h"

using ticketsim::OutputFile;
using ticketsim::testing::read_file;
using ticketsim::testing::TempDir;
using ticketsim::testing::write_file;

TEST_CASE("a report file is published whole and leaves no temporary", "[report]") {
  TempDir dir;
  {
    OutputFile file(dir.file("report.html"));
    file.write("<html>");
    REQUIRE(dir.entries().size() == 1);  // only the temporary so far
    file.commit();
  }
  REQUIRE(read_file(dir.file("report.html")) == "<html>");
  REQUIRE(dir.entries().size() == 1);
}

TEST_CASE("a report written through a symlink replaces its target and keeps the link", "[report]") {
  TempDir dir;
  write_file(dir.file("real.html"), "old");
  REQUIRE(::symlink("real.html", dir.file("link.html").c_str()) == 0);
  {
    OutputFile file(dir.file("link.html"));
    file.write("new");
    file.commit();
  }
  struct stat link {};
  REQUIRE(::lstat(dir.file("link.html").c_str(), &link) == 0);
  REQUIRE(S_ISLNK(link.st_mode));
  REQUIRE(read_file(dir.file("real.html")) == "new");
}

TEST_CASE("a report written to a named pipe goes into the pipe, which stays a pipe", "[report]") {
  TempDir dir;
  const std::string fifo = dir.file("reader");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto reader = std::async(std::launch::async, [&fifo] {
    int fd = ::open(fifo.c_str(), O_RDONLY);
    std::string got;
    char buffer[256];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) got.append(buffer, static_cast<size_t>(n));
    ::close(fd);
    return got;
  });
  {
    OutputFile file(fifo);
    file.write("{\"ops\": []}");
    file.commit();
  }
  REQUIRE(reader.get() == "{\"ops\": []}");
  struct stat info {};
  REQUIRE(::lstat(fifo.c_str(), &info) == 0);
  REQUIRE(S_ISFIFO(info.st_mode));
  REQUIRE(dir.entries().size() == 1);  // no temporary beside it
}

TEST_CASE("a report cannot be written over a directory", "[report]") {
  TempDir dir;
  REQUIRE_THROWS_WITH(OutputFile(dir.path()), Catch::Contains("is a directory"));
}

TEST_CASE("a report through a dangling symlink creates its target and keeps the link", "[report]") {
  TempDir dir;
  REQUIRE(::symlink("missing.html", dir.file("dangling.html").c_str()) == 0);
  {
    OutputFile file(dir.file("dangling.html"));
    file.write("made");
    file.commit();
  }
  struct stat link {};
  REQUIRE(::lstat(dir.file("dangling.html").c_str(), &link) == 0);
  REQUIRE(S_ISLNK(link.st_mode));
  REQUIRE(read_file(dir.file("missing.html")) == "made");
}

TEST_CASE("a report through a symlink loop is refused, naming the loop", "[report]") {
  TempDir dir;
  REQUIRE(::symlink("b", dir.file("a").c_str()) == 0);
  REQUIRE(::symlink("a", dir.file("b").c_str()) == 0);
  REQUIRE_THROWS_WITH(OutputFile(dir.file("a")), Catch::Contains("symlink loop"));
}

TEST_CASE(
    "a report to a descriptor path is appended to what the descriptor holds, never "
    "replacing it",
    "[report]") {
  TempDir dir;
  write_file(dir.file("stdout.txt"), "{\"json\": 1}\n");
  int fd = ::open(dir.file("stdout.txt").c_str(), O_WRONLY | O_APPEND);
  REQUIRE(fd >= 0);
  {
    OutputFile file("/proc/self/fd/" + std::to_string(fd));
    file.write("<html>");
    file.commit();
  }
  ::close(fd);
  REQUIRE(read_file(dir.file("stdout.txt")) == "{\"json\": 1}\n<html>");
  REQUIRE(dir.entries().size() == 1);
}

TEST_CASE("a report that replaces a file keeps its permission bits", "[report]") {
  TempDir dir;
  write_file(dir.file("private.html"), "old");
  REQUIRE(::chmod(dir.file("private.html").c_str(), 0600) == 0);
  {
    OutputFile file(dir.file("private.html"));
    file.write("new");
    file.commit();
  }
  struct stat info {};
  REQUIRE(::stat(dir.file("private.html").c_str(), &info) == 0);
  REQUIRE((info.st_mode & 0777) == 0600);
}
