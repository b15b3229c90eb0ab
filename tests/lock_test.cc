#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "locks/flock_lock.h"
#include "locks/lock_provider.h"
#include "tests/test_support.h"

using ticketsim::CustomerLock;
using ticketsim::LockSite;
using ticketsim::Mode;
using ticketsim::testing::fork_child;
using ticketsim::testing::Pipe;
using ticketsim::testing::TempDir;
using ticketsim::testing::wait_command;

namespace {

LockSite site_in(const TempDir& dir) {
  LockSite site;
  site.lock_file = dir.file("store.json.lock");
  site.object_name = "ticketsim-test." + std::to_string(::getpid()) + "." + std::to_string(rand());
  return site;
}

// A child that takes the lock (shared or not), says 'L', waits for 'R', releases, says 'U'.
pid_t start_holder(const ticketsim::LockProvider& provider, bool shared, Pipe& to_parent,
                   Pipe& to_child) {
  return fork_child([&] {
    ticketsim::LockSlot slot;
    CustomerLock& lock = provider.open_for_customer(slot);
    shared ? lock.lock_shared(0) : lock.lock(0);
    to_parent.send('L');
    if (to_child.receive() != 'R') return 1;
    shared ? lock.unlock_shared() : lock.unlock();
    to_parent.send('U');
    return 0;
  });
}

}  // namespace

TEST_CASE("a lock held by one process cannot be taken by another until released", "[locks]") {
  auto mode =
      GENERATE(Mode::kFlock, Mode::kFcntl, Mode::kOfd, Mode::kNamedMutex, Mode::kRobustMutex);
  CAPTURE(ticketsim::mode_name(mode));
  TempDir dir;
  auto provider = ticketsim::make_lock_provider(mode, site_in(dir));
  Pipe to_parent, to_child;
  pid_t holder = start_holder(*provider, /*shared=*/false, to_parent, to_child);
  REQUIRE(to_parent.receive() == 'L');
  ticketsim::LockSlot slot;
  CustomerLock& mine = provider->open_for_customer(slot);
  CHECK_FALSE(mine.try_lock());
  to_child.send('R');
  REQUIRE(to_parent.receive() == 'U');
  CHECK(mine.try_lock());
  mine.unlock();
  CHECK(wait_command(holder) == 0);
}

TEST_CASE("a reader lock excludes writers but admits other readers", "[locks]") {
  auto mode = GENERATE(Mode::kFlock, Mode::kFcntl, Mode::kOfd);
  CAPTURE(ticketsim::mode_name(mode));
  TempDir dir;
  auto provider = ticketsim::make_lock_provider(mode, site_in(dir));
  REQUIRE(provider->readers_share());
  Pipe first_up, first_down, second_up, second_down;
  pid_t first = start_holder(*provider, /*shared=*/true, first_up, first_down);
  REQUIRE(first_up.receive() == 'L');
  // A second reader gets in while the first holds the lock: 'L' arrives only if it shares.
  pid_t second = start_holder(*provider, /*shared=*/true, second_up, second_down);
  REQUIRE(second_up.receive() == 'L');
  ticketsim::LockSlot slot;
  CustomerLock& writer = provider->open_for_customer(slot);
  CHECK_FALSE(writer.try_lock());
  first_down.send('R');
  second_down.send('R');
  REQUIRE(first_up.receive() == 'U');
  REQUIRE(second_up.receive() == 'U');
  CHECK(writer.try_lock());
  writer.unlock();
  CHECK(wait_command(first) == 0);
  CHECK(wait_command(second) == 0);
}

TEST_CASE("the named mutex has no reader mode so search takes it exclusively", "[locks]") {
  TempDir dir;
  auto provider = ticketsim::make_lock_provider(Mode::kNamedMutex, site_in(dir));
  CHECK_FALSE(provider->readers_share());
  Pipe to_parent, to_child;
  pid_t reader = start_holder(*provider, /*shared=*/true, to_parent, to_child);
  REQUIRE(to_parent.receive() == 'L');
  ticketsim::LockSlot slot;
  CHECK_FALSE(provider->open_for_customer(slot).try_lock());
  to_child.send('R');
  REQUIRE(to_parent.receive() == 'U');
  CHECK(wait_command(reader) == 0);
}

TEST_CASE("a flock descriptor inherited across fork excludes nothing so customers open their own",
          "[locks]") {
  TempDir dir;
  auto provider = ticketsim::make_lock_provider(Mode::kFlock, site_in(dir));
  ticketsim::LockSlot slot;
  CustomerLock& inherited = provider->open_for_customer(slot);
  inherited.lock(0);
  // The child uses the parent's handle: same open file description, so flock lets it in.
  pid_t child = fork_child([&] { return inherited.try_lock() ? 0 : 1; });
  CHECK(wait_command(child) == 0);
  // A handle the child opens itself is excluded, as every customer's is.
  pid_t careful = fork_child([&] {
    ticketsim::LockSlot own;
    return provider->open_for_customer(own).try_lock() ? 1 : 0;
  });
  CHECK(wait_command(careful) == 0);
  inherited.unlock();
}

TEST_CASE("the named mutex provider removes its /dev/shm entry", "[locks]") {
  TempDir dir;
  LockSite site = site_in(dir);
  {
    auto provider = ticketsim::make_lock_provider(Mode::kNamedMutex, site);
    CHECK(ticketsim::testing::shm_entries_containing(site.object_name).size() == 1);
  }
  CHECK(ticketsim::testing::shm_entries_containing(site.object_name).empty());
}

TEST_CASE("a lock file that cannot be created is reported as a LockError", "[locks]") {
  LockSite site;
  site.lock_file = "/nonexistent-dir/store.json.lock";
  site.object_name = "unused";
  CHECK_THROWS_AS(ticketsim::make_lock_provider(Mode::kFlock, site), ticketsim::LockError);
  CHECK_THROWS_AS(ticketsim::make_lock_provider(Mode::kFcntl, site), ticketsim::LockError);
}
