#include "simulator/engine/pid_slots.h"

#include <catch2/catch.hpp>

#include <random>
#include <unordered_map>

using ticketsim::PidSlots;

TEST_CASE("pid slots find what was put and forget what was erased", "[pid-slots]") {
  PidSlots slots(4);
  slots.put(100, 0);
  slots.put(101, 1);
  slots.put(4196, 2);
  CHECK(slots.find(100) == 0);
  CHECK(slots.find(101) == 1);
  CHECK(slots.find(4196) == 2);
  CHECK(slots.find(102) == -1);
  slots.erase(101);
  CHECK(slots.find(101) == -1);
  CHECK(slots.find(4196) == 2);
  slots.put(100, 7);  // an update, not a second entry
  CHECK(slots.find(100) == 7);
  CHECK(slots.size() == 2);
}

TEST_CASE(
    "pid slots agree with a hash map over random puts and erases, growing past their "
    "size",
    "[pid-slots]") {
  PidSlots slots(16);  // grows: up to ~2000 pids are held at once below
  std::unordered_map<pid_t, std::size_t> expected;
  std::mt19937 random(7);
  std::uniform_int_distribution<pid_t> pid(1, 4000);  // a small range: many collisions
  for (int step = 0; step < 200000; ++step) {
    pid_t p = pid(random);
    if (random() % 3 == 0) {
      slots.erase(p);
      expected.erase(p);
    } else {
      slots.put(p, static_cast<std::size_t>(step));
      expected[p] = static_cast<std::size_t>(step);
    }
    if (step % 1000 == 0) {
      for (pid_t q = 1; q <= 4000; ++q) {
        auto it = expected.find(q);
        REQUIRE(slots.find(q) == (it == expected.end() ? -1 : static_cast<long>(it->second)));
      }
    }
  }
  CHECK(slots.size() == expected.size());
}
