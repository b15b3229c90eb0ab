#include "simulator/stale_runs.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <optional>
#include <string_view>

namespace ticketsim {
namespace {

// The pid in `name` after `prefix`, up to `separator`: "ticketsim-4102-a8Fk2Q" with prefix
// "ticketsim-" and separator '-' gives 4102. Nothing when the name is not of that form.
std::optional<pid_t> owner_pid(std::string_view name, std::string_view prefix, char separator) {
  if (name.substr(0, prefix.size()) != prefix) return std::nullopt;
  name.remove_prefix(prefix.size());
  std::size_t end = name.find(separator);
  if (end == std::string_view::npos || end == 0) return std::nullopt;
  pid_t pid = 0;
  auto [rest, error] = std::from_chars(name.data(), name.data() + end, pid);
  if (error != std::errc() || rest != name.data() + end || pid <= 0) return std::nullopt;
  return pid;
}

// True when no process has `pid`: kill(pid, 0) says ESRCH. A process of another user
// (EPERM) is alive.
bool process_gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

// Whether `path` (not followed if a symlink) is of `type` and owned by this user.
bool ours(const std::filesystem::path& path, mode_t type) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return false;
  return (info.st_mode & S_IFMT) == type && info.st_uid == ::geteuid();
}

// Removes the entries of `directory` named <prefix><pid><separator>... whose pid is gone.
void sweep(const std::string& directory, std::string_view prefix, char separator, mode_t type,
           std::vector<StaleLeftover>& removed) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::directory_iterator it(directory, error);
  if (error) return;
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) return;
    std::string name = it->path().filename().string();
    std::optional<pid_t> pid = owner_pid(name, prefix, separator);
    if (!pid || *pid == ::getpid() || !process_gone(*pid) || !ours(it->path(), type)) continue;
    std::error_code failed;
    fs::remove_all(it->path(), failed);  // a symlink inside is removed, never followed
    if (!failed) removed.push_back(StaleLeftover{it->path().string(), *pid});
  }
}

}  // namespace

std::vector<StaleLeftover> remove_stale_leftovers(const LeftoverPlaces& places) {
  std::vector<StaleLeftover> removed;
  sweep(places.workdir, "ticketsim-", '-', S_IFDIR, removed);
  sweep(places.shm_dir, "sem.ticketsim.", '.', S_IFREG, removed);
  sweep(places.shm_dir, "ticketsim.", '.', S_IFREG, removed);
  return removed;
}

}  // namespace ticketsim
