// The JSON file behind the TicketStore seam: reads, writes, compare-and-set, repairs.
#include "storage/file_store.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "storage/store_document.h"
#include "tests/test_support.h"

using ticketsim::make_file_store_provider;
using ticketsim::StoreReply;
using ticketsim::StoreSlot;
using ticketsim::StoreStatus;
using ticketsim::TicketStore;
using ticketsim::WriteStrategy;
using ticketsim::testing::read_file;
using ticketsim::testing::TempDir;
using ticketsim::testing::write_file;

namespace {

const std::string kInitial = "{\"event\": \"gig\", \"count\": 10}";

ticketsim::StoreSite site(const std::string& path, WriteStrategy strategy,
                          const std::string& initial) {
  return ticketsim::StoreSite{path, "test", &initial, 0, strategy};
}

}  // namespace

TEST_CASE("the file store reads and writes the count and keeps every other byte", "[store]") {
  auto strategy = GENERATE(WriteStrategy::kInPlace, WriteStrategy::kAtomic);
  TempDir dir;
  const std::string path = dir.file("store.json");
  write_file(path, kInitial);
  auto provider = make_file_store_provider(site(path, strategy, kInitial));
  StoreSlot slot;
  TicketStore& store = provider->open_for_customer(slot);

  StoreReply read = store.read_count();
  REQUIRE(read.status == StoreStatus::kOk);
  REQUIRE(read.count == 10);
  REQUIRE(store.write_count(9).ok());
  REQUIRE(read_file(path) == "{\"event\": \"gig\", \"count\": 9}");
  REQUIRE(provider->snapshot().count == 9);
}

TEST_CASE("compare_and_set writes only over the expected count and reports what it found",
          "[store]") {
  auto strategy = GENERATE(WriteStrategy::kInPlace, WriteStrategy::kAtomic);
  TempDir dir;
  const std::string path = dir.file("store.json");
  write_file(path, kInitial);
  auto provider = make_file_store_provider(site(path, strategy, kInitial));
  StoreSlot slot;
  TicketStore& store = provider->open_for_customer(slot);

  StoreReply stale = store.compare_and_set(11, 10);
  REQUIRE(stale.status == StoreStatus::kConflict);
  REQUIRE(stale.count == 10);
  REQUIRE(read_file(path) == kInitial);

  StoreReply swapped = store.compare_and_set(10, 7);
  REQUIRE(swapped.ok());
  REQUIRE(provider->snapshot().count == 7);

  write_file(path, "{\"count\": 7");  // half-written
  REQUIRE(store.compare_and_set(7, 6).status == StoreStatus::kTorn);
}

TEST_CASE("compare_and_set from many processes loses no decrement", "[store]") {
  auto strategy = GENERATE(WriteStrategy::kInPlace, WriteStrategy::kAtomic);
  constexpr int kProcesses = 6;
  constexpr int kDecrements = 50;
  TempDir dir;
  const std::string path = dir.file("store.json");
  const std::string initial = "{\"count\": 1000}";
  write_file(path, initial);
  auto provider = make_file_store_provider(site(path, strategy, initial));

  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int status = 0;
      try {
        StoreSlot slot;
        TicketStore& store = provider->open_for_customer(slot);
        for (int done = 0; done < kDecrements;) {
          StoreReply read = store.read_count();
          if (read.status != StoreStatus::kOk) continue;  // a plain read may see a rewrite
          StoreReply swapped = store.compare_and_set(read.count, read.count - 1);
          if (swapped.ok()) ++done;
        }
      } catch (...) {
        status = 1;
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
  }
  REQUIRE(provider->snapshot().count == 1000 - kProcesses * kDecrements);
}

TEST_CASE("restore rebuilds a torn file store from its starting bytes", "[store]") {
  auto strategy = GENERATE(WriteStrategy::kInPlace, WriteStrategy::kAtomic);
  TempDir dir;
  const std::string path = dir.file("store.json");
  write_file(path, kInitial);
  auto provider = make_file_store_provider(site(path, strategy, kInitial));
  write_file(path, "{\"event\": \"g");

  REQUIRE_FALSE(provider->snapshot().count);
  provider->restore(4);
  REQUIRE(read_file(path) == "{\"event\": \"gig\", \"count\": 4}");

  StoreSlot slot;
  TicketStore& store = provider->open_for_customer(slot);
  write_file(path, "");
  store.restore(3);
  REQUIRE(store.read_count().count == 3);
}

TEST_CASE("a store that did not answer is named with the operation and what happened", "[store]") {
  StoreReply lost(StoreStatus::kIndeterminate, 0, "no reply in 2s");
  REQUIRE(lost.failed());
  REQUIRE_FALSE(StoreReply(StoreStatus::kConflict, 3).failed());
  REQUIRE_FALSE(StoreReply(StoreStatus::kTorn).failed());
  try {
    ticketsim::require_answer(lost, "write");
    FAIL("require_answer let a failure through");
  } catch (const ticketsim::StoreUnavailable& e) {
    REQUIRE(e.status() == StoreStatus::kIndeterminate);
    REQUIRE(std::string(e.what()) ==
            "the store did not answer a write: indeterminate (no reply in 2s)");
  }
}
