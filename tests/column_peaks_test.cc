#include <catch2/catch.hpp>

#include "simulator/report/column_peaks.h"

TEST_CASE("intervals that only touch never count as two, however narrow the columns",
          "[timeline]") {
  // A lock handed from one holder to the next at t=500: always exactly one inside.
  auto peaks = ticketsim::column_peaks({{100, 500}, {500, 900}}, 0, 1000, 10);
  CHECK(peaks == std::vector<int>{0, 1, 1, 1, 1, 1, 1, 1, 1, 0});
  // One column for the whole axis: still one at a time.
  CHECK(ticketsim::column_peaks({{100, 500}, {500, 900}}, 0, 1000, 1) == std::vector<int>{1});
}

TEST_CASE("intervals that overlap count as two in the columns where they do", "[timeline]") {
  auto peaks = ticketsim::column_peaks({{100, 600}, {450, 900}, {0, 0}}, 0, 1000, 10);
  CHECK(peaks == std::vector<int>{0, 1, 1, 1, 2, 2, 1, 1, 1, 0});
}
