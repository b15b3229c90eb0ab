#include "simulator/engine/shared_table.h"

#include <sys/mman.h>

#include <cerrno>
#include <new>

#include "simulator/text/translate.h"
#include "storage/posix_io.h"

namespace ticketsim {
namespace {

std::size_t round_up(std::size_t value, std::size_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

}  // namespace

SharedTable::SharedTable(int procs, int attempts) : procs_(procs), attempts_(attempts) {
  const std::size_t header_bytes = round_up(sizeof(TableHeader), 64);
  const std::size_t slot_bytes =
      round_up(sizeof(CustomerSlot) * static_cast<std::size_t>(procs), 64);
  const std::size_t mailbox_bytes =
      round_up(sizeof(StepMailbox) * static_cast<std::size_t>(procs), 64);
  const std::size_t purchase_bytes =
      sizeof(PurchaseRecord) * static_cast<std::size_t>(procs) * static_cast<std::size_t>(attempts);
  bytes_ = header_bytes + slot_bytes + mailbox_bytes + purchase_bytes;
  mapping_ = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mapping_ == MAP_FAILED) {
    mapping_ = nullptr;
    throw SystemError(tr("mmap shared table"), "", errno);
  }
  auto* base = static_cast<char*>(mapping_);
  // The mapping is zero-filled; placement-new gives each object its default state.
  header_ = new (base) TableHeader();
  slots_ = new (base + header_bytes) CustomerSlot[procs];
  mailboxes_ = new (base + header_bytes + slot_bytes) StepMailbox[procs];
  purchases_ = reinterpret_cast<PurchaseRecord*>(base + header_bytes + slot_bytes + mailbox_bytes);
  for (std::size_t i = 0; i < static_cast<std::size_t>(procs) * static_cast<std::size_t>(attempts);
       ++i) {
    new (&purchases_[i]) PurchaseRecord();
  }
}

SharedTable::~SharedTable() {
  if (mapping_ != nullptr) ::munmap(mapping_, bytes_);
}

}  // namespace ticketsim
