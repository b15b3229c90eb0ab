#include "storage/ticket_store.h"

#include <stdexcept>
#include <string>

namespace ticketsim {

std::string_view store_status_name(StoreStatus status) {
  switch (status) {
    case StoreStatus::kOk:
      return "ok";
    case StoreStatus::kTorn:
      return "torn";
    case StoreStatus::kConflict:
      return "conflict";
    case StoreStatus::kTimeout:
      return "timeout";
    case StoreStatus::kConnectionLost:
      return "connection-lost";
    case StoreStatus::kIndeterminate:
      return "indeterminate";
  }
  return "unknown";
}

StoreReply TicketStore::write_count_fenced(std::int64_t, std::int64_t) {
  throw std::logic_error("this store does not check fencing tokens (--fencing)");
}

bool TicketStore::meet_other_hosts(const std::string&, int, std::int64_t) {
  throw std::logic_error("only a database store is shared between hosts (--hosts)");
}

StoreReply TicketStore::take_one() {
  throw std::logic_error("this store cannot sell a ticket in one step (mode atomic)");
}

namespace {

std::string describe_failure(std::string_view operation, const StoreReply& reply) {
  std::string message = "the store did not answer a ";
  message += operation;
  message += ": ";
  message += store_status_name(reply.status);
  if (!reply.detail.empty()) {
    message += " (";
    message += reply.detail;
    message += ")";
  }
  return message;
}

}  // namespace

StoreUnavailable::StoreUnavailable(std::string_view operation, const StoreReply& reply)
    : std::runtime_error(describe_failure(operation, reply)), status_(reply.status) {}

StoreReply require_answer(const StoreReply& reply, std::string_view operation) {
  if (reply.failed()) throw StoreUnavailable(operation, reply);
  return reply;
}

}  // namespace ticketsim
