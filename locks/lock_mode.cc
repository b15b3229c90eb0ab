#include "ticketsim/mode.h"

#include <array>

namespace ticketsim {
namespace {

struct ModeName {
  Mode mode;
  std::string_view name;
};

constexpr std::array<ModeName, 14> kModeNames{{
    {Mode::kNone, "none"},
    {Mode::kFlock, "flock"},
    {Mode::kFcntl, "fcntl"},
    {Mode::kOfd, "ofd"},
    {Mode::kNamedMutex, "named-mutex"},
    {Mode::kRobustMutex, "robust-mutex"},
    {Mode::kOptimistic, "optimistic"},
    {Mode::kServer, "server"},
    {Mode::kJoin, "join"},
    {Mode::kRowLock, "row-lock"},
    {Mode::kAdvisory, "advisory"},
    {Mode::kAtomic, "atomic"},
    {Mode::kSerializable, "serializable"},
    {Mode::kRedisLock, "redis-lock"},
}};

// Report order: no protection, the kernel's file locks, named kernel objects, optimistic,
// server, join, then the database's own.
constexpr std::array<Mode, kModeNames.size()> kAllModes{
    Mode::kNone,        Mode::kFlock,      Mode::kFcntl,        Mode::kOfd,      Mode::kNamedMutex,
    Mode::kRobustMutex, Mode::kOptimistic, Mode::kServer,       Mode::kJoin,     Mode::kRowLock,
    Mode::kAdvisory,    Mode::kAtomic,     Mode::kSerializable, Mode::kRedisLock};

}  // namespace

std::string_view mode_name(Mode mode) {
  for (const auto& entry : kModeNames) {
    if (entry.mode == mode) return entry.name;
  }
  return "unknown";
}

std::optional<Mode> parse_mode(std::string_view name) {
  for (const auto& entry : kModeNames) {
    if (entry.name == name) return entry.mode;
  }
  return std::nullopt;
}

std::span<const Mode> all_modes() { return kAllModes; }

std::string mode_names_for_humans() {
  std::string names;
  for (const auto& entry : kModeNames) {
    if (!names.empty()) names += ", ";
    names += entry.name;
  }
  return names;
}

bool mode_needs_database(Mode mode) {
  return mode == Mode::kRowLock || mode == Mode::kAdvisory || mode == Mode::kAtomic ||
         mode == Mode::kSerializable;
}

bool mode_takes_lock(Mode mode) {
  return mode != Mode::kNone && mode != Mode::kJoin && mode != Mode::kAtomic &&
         mode != Mode::kSerializable;
}

bool mode_promises_mutual_exclusion(Mode mode) {
  return mode != Mode::kNone && mode != Mode::kAtomic && mode != Mode::kSerializable;
}

}  // namespace ticketsim
