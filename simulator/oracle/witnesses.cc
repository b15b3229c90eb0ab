#include "simulator/oracle/witnesses.h"

#include <algorithm>

#include <fmt/format.h>

#include "simulator/text/translate.h"
#include "ticketsim/trial_result.h"

namespace ticketsim {
namespace {

PurchaseRef reference(const CustomerHistory& customer, int attempt) {
  const PurchaseRecord& purchase = customer.purchases[static_cast<std::size_t>(attempt)];
  return PurchaseRef{customer.index,      customer.pid,    attempt,
                     purchase.value_read, purchase.t_read, purchase.value_written,
                     purchase.t_written};
}

std::string ms(std::int64_t time_ns, std::int64_t t_start_ns) {
  return trf("{:.2f} ms", static_cast<double>(time_ns - t_start_ns) / 1e6);
}

}  // namespace

std::vector<int> Witnesses::customers_named() const {
  std::vector<int> named;
  for (const auto& witness : lost_updates) {
    named.push_back(witness.writer.customer);
    named.push_back(witness.overwritten.customer);
  }
  for (const auto& witness : double_sales) {
    for (const auto& buyer : witness.buyers) named.push_back(buyer.customer);
  }
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  return named;
}

Witnesses find_witnesses(const std::vector<CustomerHistory>& customers, std::int64_t tickets) {
  Witnesses witnesses;
  std::vector<PurchaseRef> sales;
  for (const CustomerHistory& customer : customers) {
    for (std::size_t attempt = 0; attempt < customer.purchases.size(); ++attempt) {
      if (customer.purchases[attempt].outcome == Outcome::kBought) {
        sales.push_back(reference(customer, static_cast<int>(attempt)));
      }
    }
  }

  // Double sales: several buyers read the same count, so they bought the same seat. Sorted
  // by the count read, buyers of one seat sit side by side, in the order they read.
  std::sort(sales.begin(), sales.end(), [](const PurchaseRef& a, const PurchaseRef& b) {
    if (a.read_value != b.read_value) return a.read_value > b.read_value;
    return a.read_ns != b.read_ns ? a.read_ns < b.read_ns : a.customer < b.customer;
  });
  struct Group {
    std::size_t begin, size;
  };
  std::vector<Group> groups;
  for (std::size_t begin = 0; begin < sales.size();) {
    std::size_t end = begin + 1;
    while (end < sales.size() && sales[end].read_value == sales[begin].read_value) ++end;
    if (end - begin >= 2) groups.push_back({begin, end - begin});
    begin = end;
  }
  witnesses.double_sale_count = static_cast<std::int64_t>(groups.size());
  std::size_t listed = std::min(groups.size(), kListedWitnesses);
  std::partial_sort(groups.begin(), groups.begin() + static_cast<std::ptrdiff_t>(listed),
                    groups.end(), [&](const Group& a, const Group& b) {
                      return a.size != b.size ? a.size > b.size : a.begin < b.begin;
                    });
  for (std::size_t g = 0; g < listed; ++g) {
    auto first = sales.begin() + static_cast<std::ptrdiff_t>(groups[g].begin);
    witnesses.double_sales.push_back(DoubleSaleWitness{
        first->read_value,
        std::vector<PurchaseRef>(first, first + static_cast<std::ptrdiff_t>(groups[g].size))});
  }

  // Lost updates: replay the writes in the order they completed. A write that read more
  // than the count it replaced was based on a stale read and erased the difference.
  bool timed = std::all_of(sales.begin(), sales.end(),
                           [](const PurchaseRef& sale) { return sale.wrote_ns != 0; });
  if (!timed) return witnesses;
  std::sort(sales.begin(), sales.end(), [](const PurchaseRef& a, const PurchaseRef& b) {
    return a.wrote_ns != b.wrote_ns ? a.wrote_ns < b.wrote_ns : a.customer < b.customer;
  });
  std::int64_t current = tickets;
  const PurchaseRef* previous = nullptr;
  for (const PurchaseRef& sale : sales) {
    std::int64_t erased = sale.read_value - current;
    if (erased > 0 && previous != nullptr) {
      ++witnesses.lost_update_count;
      witnesses.erased_total += erased;
      if (witnesses.lost_updates.size() < kListedWitnesses) {
        witnesses.lost_updates.push_back(LostUpdateWitness{sale, *previous, erased});
      }
    }
    current = sale.wrote_value;
    previous = &sale;
  }
  return witnesses;
}

std::string describe(const LostUpdateWitness& witness, std::int64_t t_start_ns) {
  const PurchaseRef& a = witness.overwritten;
  const PurchaseRef& b = witness.writer;
  if (a.read_value == b.read_value) {
    if (witness.erased == 1) {
      return trf(
          "pid {0} and pid {1} both read count={2} ({3}, {4}); {1} wrote count={5} at {6} over "
          "{0}'s count={7} at {8}: one ticket sold twice",
          a.pid, b.pid, b.read_value, ms(a.read_ns, t_start_ns), ms(b.read_ns, t_start_ns),
          b.wrote_value, ms(b.wrote_ns, t_start_ns), a.wrote_value, ms(a.wrote_ns, t_start_ns));
    }
    return trf(
        "pid {0} and pid {1} both read count={2} ({3}, {4}); {1} wrote count={5} at {6} over "
        "{0}'s count={7} at {8}: {9} sales erased",
        a.pid, b.pid, b.read_value, ms(a.read_ns, t_start_ns), ms(b.read_ns, t_start_ns),
        b.wrote_value, ms(b.wrote_ns, t_start_ns), a.wrote_value, ms(a.wrote_ns, t_start_ns),
        witness.erased);
  }
  return trnf(
      "pid {0} read count={1} at {2}, but pid {3} had written count={4} at {5} before {0} "
      "wrote count={6} at {7}: the stale write erased {8} sale",
      "pid {0} read count={1} at {2}, but pid {3} had written count={4} at {5} before {0} "
      "wrote count={6} at {7}: the stale write erased {8} sales",
      witness.erased, b.pid, b.read_value, ms(b.read_ns, t_start_ns), a.pid, a.wrote_value,
      ms(a.wrote_ns, t_start_ns), b.wrote_value, ms(b.wrote_ns, t_start_ns), witness.erased);
}

std::string describe(const DoubleSaleWitness& witness, std::int64_t /*t_start_ns*/) {
  constexpr std::size_t kPidsShown = 8;
  std::vector<std::string> pids;
  for (std::size_t i = 0; i < witness.buyers.size() && i < kPidsShown; ++i) {
    pids.push_back(std::to_string(witness.buyers[i].pid));
  }
  std::string listed = join_list(pids);
  if (witness.buyers.size() > kPidsShown) {
    listed = trf("{} and {} more", listed, witness.buyers.size() - kPidsShown);
  }
  // Every buyer of one seat read the same count and wrote one less.
  return trf("ticket {0} was sold {1} times: pids {2}; each read count={0} and wrote count={3}",
             witness.ticket, witness.buyers.size(), listed, witness.ticket - 1);
}

}  // namespace ticketsim
