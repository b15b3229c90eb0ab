// CustomerSlot::set_error: what a customer leaves for the parent fits its slot, whole
// characters only.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "simulator/engine/customer_slot.h"

using ticketsim::CustomerSlot;
using ticketsim::kCustomerErrorBytes;

TEST_CASE("a customer's error is kept whole when it fits", "[slot]") {
  auto slot = std::make_unique<CustomerSlot>();
  slot->set_error("PostgreSQL: server closed the connection unexpectedly");
  CHECK(std::string(slot->error) == "PostgreSQL: server closed the connection unexpectedly");
}

TEST_CASE("a customer's long error is cut to the slot, never inside a UTF-8 character", "[slot]") {
  auto slot = std::make_unique<CustomerSlot>();
  const std::string ascii(2 * kCustomerErrorBytes, 'x');
  slot->set_error(ascii.c_str());
  CHECK(std::string(slot->error) == ascii.substr(0, kCustomerErrorBytes - 1));
  // "错" is three bytes: whatever the offset, the cut keeps only whole characters.
  for (std::size_t offset = 0; offset < 3; ++offset) {
    std::string text(offset, 'a');
    while (text.size() < 2 * kCustomerErrorBytes) text += "错";
    slot->set_error(text.c_str());
    const std::string kept(slot->error);
    CAPTURE(offset, kept.size());
    CHECK(kept.size() <= kCustomerErrorBytes - 1);
    CHECK(kept.size() > kCustomerErrorBytes - 4);
    CHECK((kept.size() - offset) % 3 == 0);
    CHECK(text.compare(0, kept.size(), kept) == 0);
  }
}
