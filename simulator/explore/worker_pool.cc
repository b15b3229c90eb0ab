#include "simulator/explore/worker_pool.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include <fmt/format.h>

#include "simulator/engine/clock.h"
#include "storage/posix_io.h"
#include "storage/postgres/postgres_store.h"
#include "ticketsim/errors.h"

namespace ticketsim {

bool runs_alone(const ExperimentConfig& workload) {
  return workload.mode == Mode::kSerializable && is_postgres_url(workload.store_path);
}

namespace {

constexpr std::uint8_t kExecution = 0;
constexpr std::uint8_t kFailure = 1;
constexpr std::int64_t kExitWaitNs = 10'000'000'000;

// A frame: u32 payload size, u8 kind, u64 job id, payload.
struct Frame {
  std::uint8_t kind = 0;
  std::uint64_t id = 0;
  std::string payload;
};

// Sends every byte (EINTR and short writes retried); false when the peer is gone.
bool send_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads exactly `size` bytes; false at end of file or on an error.
bool read_exact(int fd, char* buffer, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, buffer + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

bool send_frame(int fd, const Frame& frame) {
  std::string bytes(13, '\0');
  const auto size = static_cast<std::uint32_t>(frame.payload.size());
  std::memcpy(bytes.data(), &size, 4);
  bytes[4] = static_cast<char>(frame.kind);
  std::memcpy(bytes.data() + 5, &frame.id, 8);
  bytes += frame.payload;
  return send_all(fd, bytes);
}

std::optional<Frame> read_frame(int fd) {
  char head[13];
  if (!read_exact(fd, head, sizeof head)) return std::nullopt;
  std::uint32_t size = 0;
  Frame frame;
  std::memcpy(&size, head, 4);
  frame.kind = static_cast<std::uint8_t>(head[4]);
  std::memcpy(&frame.id, head + 5, 8);
  frame.payload.resize(size);
  if (size > 0 && !read_exact(fd, frame.payload.data(), size)) return std::nullopt;
  return frame;
}

// A worker's life: a job in, an execution (or why it failed) out, until the explorer
// closes the socket.
int serve(int fd, const TrialInput& input, const SchedulePolicy& policy) {
  for (;;) {
    std::optional<Frame> request = read_frame(fd);
    if (!request) return 0;
    Frame answer;
    answer.id = request->id;
    try {
      answer.payload = encode(run_schedule(input, policy, decode_job(request->payload)));
      answer.kind = kExecution;
    } catch (const std::exception& e) {
      answer.kind = kFailure;
      answer.payload = e.what();
    }
    if (!send_frame(fd, answer)) return 0;
  }
}

}  // namespace

WorkerPool::WorkerPool(const TrialInput& input, const SchedulePolicy& policy, int workers)
    : processes_(std::make_unique<CustomerProcesses>(workers)) {
  workers_.resize(static_cast<std::size_t>(workers));
  for (int i = 0; i < workers; ++i) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
      throw RunError(fmt::format("explore: socketpair: {}", std::strerror(errno)));
    }
    UniqueFd mine(pair[0]);
    UniqueFd theirs(pair[1]);
    const int child_fd = theirs.get();
    // The explorer's ends of every socket so far stay out of the worker: an inherited copy
    // would keep a worker from ever reading the end of its job stream.
    std::vector<int> not_ours{mine.get()};
    for (int earlier = 0; earlier < i; ++earlier) {
      not_ours.push_back(workers_[static_cast<std::size_t>(earlier)].socket.get());
    }
    try {
      workers_[static_cast<std::size_t>(i)].pid = processes_->spawn(i, [&] {
        for (int fd : not_ours) ::close(fd);
        return serve(child_fd, input, policy);
      });
    } catch (const SystemError& e) {
      throw RunError(fmt::format("explore: could not start worker {}: {}", i + 1, e.what()));
    }
    workers_[static_cast<std::size_t>(i)].socket = std::move(mine);
  }
}

WorkerPool::~WorkerPool() {
  for (Worker& worker : workers_) worker.socket.reset();  // each worker reads EOF and exits
  processes_->wait_all(monotonic_ns() + kExitWaitNs, WaitHooks{});
  processes_->kill_all({});
}

int WorkerPool::idle_worker() const {
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (!workers_[i].job) return static_cast<int>(i);
  }
  return -1;
}

int WorkerPool::busy() const {
  int count = 0;
  for (const Worker& worker : workers_) count += worker.job ? 1 : 0;
  return count;
}

void WorkerPool::submit(int index, std::uint64_t id, const Job& job) {
  Worker& worker = workers_[static_cast<std::size_t>(index)];
  if (!send_frame(worker.socket.get(), Frame{kExecution, id, encode(job)})) {
    throw RunError(fmt::format("explore: worker {} (pid {}) is gone", index + 1, worker.pid));
  }
  worker.job = id;
}

std::optional<WorkerPool::Answer> WorkerPool::wait(int timeout_ms) {
  std::vector<pollfd> fds;
  std::vector<std::size_t> owners;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (!workers_[i].job) continue;
    fds.push_back(pollfd{workers_[i].socket.get(), POLLIN, 0});
    owners.push_back(i);
  }
  if (fds.empty()) return std::nullopt;
  const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
  if (ready <= 0) return std::nullopt;  // timeout, or EINTR: the caller looks at the flag
  for (std::size_t f = 0; f < fds.size(); ++f) {
    if (fds[f].revents == 0) continue;
    Worker& worker = workers_[owners[f]];
    std::optional<Frame> frame = read_frame(worker.socket.get());
    if (!frame) {
      throw RunError(fmt::format("explore: worker {} (pid {}) died", owners[f] + 1, worker.pid));
    }
    worker.job.reset();
    if (frame->kind == kFailure) throw RunError(frame->payload);
    return Answer{frame->id, decode_execution(frame->payload)};
  }
  return std::nullopt;
}

}  // namespace ticketsim
