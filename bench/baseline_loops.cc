#include "bench/baseline_loops.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/interprocess/sync/named_mutex.hpp>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string_view>
#include <vector>

#include "simulator/engine/clock.h"
#include "storage/store_scanner.h"

namespace ticketsim::bench {
namespace {

namespace bip = boost::interprocess;

void reap_all(const std::vector<pid_t>& pids) {
  for (pid_t pid : pids) {
    int status;
    while (::waitpid(pid, &status, 0) < 0) {
    }
  }
}

// Writes `text` over a store that held `old_size` bytes.
void rewrite(int store_fd, const std::string& text, ssize_t old_size) {
  if (::pwrite(store_fd, text.data(), text.size(), 0) < 0) ::_exit(2);
  if (static_cast<ssize_t>(text.size()) < old_size) {
    if (::ftruncate(store_fd, static_cast<off_t>(text.size())) != 0) ::_exit(2);
  }
}

// The loop body, as small as a careful programmer would write it by hand.
template <typename Lock, typename Unlock>
void purchase_loop(int store_fd, BaselineParse parse, int purchases, Lock lock, Unlock unlock) {
  char buffer[4096];
  for (int i = 0; i < purchases; ++i) {
    lock();
    ssize_t n = ::pread(store_fd, buffer, sizeof buffer, 0);
    std::string_view text(buffer, static_cast<std::size_t>(n > 0 ? n : 0));
    if (parse == BaselineParse::kNlohmannDom) {
      auto json = nlohmann::ordered_json::parse(text);
      std::int64_t count = json["count"].get<std::int64_t>();
      if (count > 0) {
        json["count"] = count - 1;
        rewrite(store_fd, json.dump() + "\n", n);
      }
    } else {
      ticketsim::StoreScan scan = ticketsim::scan_store(text);
      if (scan.status == ticketsim::ScanStatus::kCanonical && scan.count > 0) {
        rewrite(store_fd, ticketsim::with_count(text, scan, scan.count - 1), n);
      }
    }
    unlock();
  }
}

}  // namespace

std::int64_t fork_exit_reap_ns(int children) {
  std::vector<pid_t> pids;
  pids.reserve(static_cast<std::size_t>(children));
  std::int64_t start = monotonic_ns();
  for (int i = 0; i < children; ++i) {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    if (pid < 0) throw std::runtime_error("fork failed");
    pids.push_back(pid);
  }
  reap_all(pids);
  return monotonic_ns() - start;
}

std::int64_t hand_written_purchases_ns(BaselineLock lock, BaselineParse parse, int processes,
                                       int purchases, const std::string& directory) {
  const std::string store = directory + "/baseline-store.json";
  const std::string lock_file = store + ".lock";
  const std::string mutex_name = "ticketsim-bench." + std::to_string(::getpid());
  {
    std::string text = "{\"count\":" + std::to_string(processes * purchases) + "}\n";
    int fd = ::open(store.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      throw std::runtime_error("cannot write " + store);
    }
    ::close(fd);
    ::close(::open(lock_file.c_str(), O_RDWR | O_CREAT, 0644));
  }
  bip::named_mutex::remove(mutex_name.c_str());
  if (lock == BaselineLock::kNamedMutex) bip::named_mutex(bip::create_only, mutex_name.c_str());

  std::vector<pid_t> pids;
  std::int64_t start = monotonic_ns();
  for (int p = 0; p < processes; ++p) {
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid > 0) {
      pids.push_back(pid);
      continue;
    }
    int store_fd = ::open(store.c_str(), O_RDWR);
    if (lock == BaselineLock::kFlock) {
      int lock_fd = ::open(lock_file.c_str(), O_RDWR);
      purchase_loop(
          store_fd, parse, purchases, [&] { ::flock(lock_fd, LOCK_EX); },
          [&] { ::flock(lock_fd, LOCK_UN); });
    } else {
      bip::named_mutex mutex(bip::open_only, mutex_name.c_str());
      purchase_loop(
          store_fd, parse, purchases, [&] { mutex.lock(); }, [&] { mutex.unlock(); });
    }
    ::_exit(0);
  }
  reap_all(pids);
  std::int64_t elapsed = monotonic_ns() - start;
  bip::named_mutex::remove(mutex_name.c_str());
  ::unlink(store.c_str());
  ::unlink(lock_file.c_str());
  return elapsed;
}

}  // namespace ticketsim::bench
