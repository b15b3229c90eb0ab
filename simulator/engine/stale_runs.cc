#include "simulator/engine/stale_runs.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <optional>
#include <set>
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

// Whether `name` ends, after `prefix` and its pid, in "-" and mkdtemp's six letters or
// digits: ticketsim-4102-a8Fk2Q, and nothing longer.
bool trial_directory_name(std::string_view name) {
  std::size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || name.size() - dash - 1 != 6) return false;
  for (char c : name.substr(dash + 1)) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Whether `name` ends, after its pid, in ".<counter>.<8 hex digits>", as the names of a
// run's kernel objects do (ticketsim.4102.0.9f3ac2d1; see unique_object_name()).
bool object_name(std::string_view name) {
  std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || name.size() - dot - 1 != 8) return false;
  for (char c : name.substr(dot + 1)) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  std::size_t counter = name.rfind('.', dot - 1);
  if (counter == std::string_view::npos || counter + 1 == dot) return false;
  for (char c : name.substr(counter + 1, dot - counter - 1)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Whether the directory at `path` holds only what a trial puts there: regular files named
// store.json, store.json.lock or store.json.tmp.<pid> (an atomic write's temporary file), and
// the socket server.sock of mode server.
// A directory of that name holding anything else is not ticketsim's and is never removed.
bool only_trial_files(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::directory_iterator it(path, error);
  if (error) return false;
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) return false;
    std::string name = it->path().filename().string();
    if (name == "server.sock") {
      if (!ours(it->path(), S_IFSOCK)) return false;
      continue;
    }
    bool known =
        name == "store.json" || name == "store.json.lock" || name.rfind("store.json.tmp.", 0) == 0;
    if (!known || !ours(it->path(), S_IFREG)) return false;
  }
  return true;
}

// Opens `path` read-only as the marks need it: never following a symlink, never waiting on a
// FIFO. -1 when it cannot be opened.
int open_for_mark(const char* path) {
  int fd;
  do {
    fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// True when another process holds a mark_in_use() lock on `path`. Never called on this
// process's own objects (sweep() skips its pid): closing the descriptor opened here would
// drop a POSIX lock this process held on the same file.
bool marked_in_use(const std::filesystem::path& path) {
  int fd = open_for_mark(path.c_str());
  if (fd < 0) return false;
  UniqueFd file(fd);
  struct flock probe {};
  probe.l_type = F_WRLCK;  // would a writer conflict with anyone's read lock?
  probe.l_whence = SEEK_SET;
  return ::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
}

// Removes the entries of `directory` named <prefix><pid><separator>... whose pid is gone
// (and, when `owners` is given, is one of them).
void sweep(const std::string& directory, std::string_view prefix, char separator, mode_t type,
           std::vector<StaleLeftover>& removed, const std::set<pid_t>* owners = nullptr) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::directory_iterator it(directory, error);
  if (error) return;
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) return;
    std::string name = it->path().filename().string();
    std::optional<pid_t> pid = owner_pid(name, prefix, separator);
    if (!pid || *pid == ::getpid() || !process_gone(*pid) || !ours(it->path(), type)) continue;
    if (owners != nullptr && owners->count(*pid) == 0) continue;
    if (type == S_IFDIR && (!trial_directory_name(name) || !only_trial_files(it->path()))) {
      continue;
    }
    if (type == S_IFREG && !object_name(name)) continue;
    if (marked_in_use(it->path())) continue;  // alive, in a PID namespace we cannot see
    std::error_code failed;
    fs::remove_all(it->path(), failed);  // a symlink inside is removed, never followed
    if (!failed) removed.push_back(StaleLeftover{it->path().string(), *pid});
  }
}

}  // namespace

UniqueFd mark_in_use(const std::string& path) {
  int fd = open_for_mark(path.c_str());
  if (fd < 0) return UniqueFd();
  // A POSIX record lock, not flock: it belongs to this process and is not inherited by
  // fork, so the mark goes the moment the run dies, not when its last customer does. (Its
  // pitfall, a lock dropped when the process closes any descriptor of the file, only ends a
  // mark early, as the trial is being removed.)
  struct flock mark {};
  mark.l_type = F_RDLCK;
  mark.l_whence = SEEK_SET;
  ::fcntl(fd, F_SETLK, &mark);
  return UniqueFd(fd);
}

std::vector<UniqueFd> mark_objects_in_use(const std::string& shm_dir,
                                          const std::string& object_name) {
  std::vector<UniqueFd> marks;
  std::error_code error;
  std::filesystem::directory_iterator it(shm_dir, error);
  if (error) return marks;
  for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (error) break;
    if (it->path().filename().string().find(object_name) == std::string::npos) continue;
    if (UniqueFd mark = mark_in_use(it->path().string()); mark.get() >= 0) {
      marks.push_back(std::move(mark));
    }
  }
  return marks;
}

std::vector<StaleLeftover> remove_stale_leftovers(const LeftoverPlaces& places) {
  std::vector<StaleLeftover> removed;
  sweep(places.workdir, "ticketsim-", '-', S_IFDIR, removed);
  std::set<pid_t> owners;
  for (const StaleLeftover& directory : removed) owners.insert(directory.owner);
  const std::set<pid_t>* only = places.only_runs_of_workdir ? &owners : nullptr;
  sweep(places.shm_dir, "sem.ticketsim.", '.', S_IFREG, removed, only);
  sweep(places.shm_dir, "ticketsim.", '.', S_IFREG, removed, only);
  return removed;
}

}  // namespace ticketsim
