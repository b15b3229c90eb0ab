#include "simulator/report/output_file.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "storage/store_file.h"
#include "ticketsim/interrupt.h"

namespace ticketsim {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;
constexpr std::size_t kInterruptCheckBytes = 256 << 10;

// Files are created 0600 by mkstemp; a report gets the mode any new file would get.
mode_t report_mode() {
  mode_t mask = ::umask(0);
  ::umask(mask);
  return 0666 & ~mask;
}

// How much one write to stdout may carry: after POLLOUT a pipe or terminal takes PIPE_BUF
// bytes without blocking; a regular file never blocks, so it takes large writes (a
// million-purchase JSON report is 170 MB).
std::size_t stdout_chunk_bytes() {
  static const std::size_t bytes = [] {
    struct stat info {};
    bool regular = ::fstat(STDOUT_FILENO, &info) == 0 && S_ISREG(info.st_mode);
    return regular ? std::size_t{1} << 20 : std::size_t{PIPE_BUF};
  }();
  return bytes;
}

}  // namespace

void StdoutSink::write(std::string_view text) {
  // Straight to the descriptor, not through stdio: stdio's write loop resumes a write that an
  // interrupt cut short (and exit() flushes what it kept), so a reader that stops reading (a
  // paused pager, a full pipe) could keep an interrupted run inside write() for ever. Waits
  // for room with poll() in short slices; after POLLOUT a pipe takes PIPE_BUF bytes at once.
  flush();  // whatever stdio holds goes first
  while (!text.empty()) {
    pollfd ready{STDOUT_FILENO, POLLOUT, 0};
    int polled = ::poll(&ready, 1, 50);
    if (polled < 0 && errno != EINTR) {
      throw std::runtime_error(fmt::format("cannot write the report: {}", std::strerror(errno)));
    }
    if (polled <= 0 || (ready.revents & POLLOUT) == 0) {
      if ((ready.revents & POLLERR) != 0) throw StdoutClosed();  // the reader went away
      if (interrupt_signal() != 0) throw OutputInterrupted();
      continue;
    }
    ssize_t written =
        ::write(STDOUT_FILENO, text.data(), std::min(text.size(), stdout_chunk_bytes()));
    if (written < 0) {
      if (errno == EPIPE) throw StdoutClosed();
      if (errno == EINTR || errno == EAGAIN) continue;
      throw std::runtime_error(fmt::format("cannot write the report: {}", std::strerror(errno)));
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

void StdoutSink::flush() {
  if (std::fflush(stdout) != 0 && errno == EPIPE) throw StdoutClosed();
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  namespace fs = std::filesystem;
  struct stat info {};
  if (::stat(path_.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
    if (S_ISDIR(info.st_mode)) {
      throw std::runtime_error(fmt::format("cannot write {}: it is a directory", path_));
    }
    // A device, FIFO or socket: renaming over it would destroy it (as root, even /dev/null).
    int fd;
    do {
      fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) fail("open");
    file_ = ::fdopen(fd, "w");
    if (file_ == nullptr) {
      ::close(fd);
      fail("write");
    }
    std::setvbuf(file_, nullptr, _IOFBF, kBufferBytes);
    return;
  }
  target_ = replacement_site(path_).first;  // a symlink's target; the link stays
  fs::path target(target_);
  fs::path directory = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  temp_path_ = (directory / fmt::format(".{}.XXXXXX", target.filename().string())).string();
  int fd = ::mkstemp(temp_path_.data());
  if (fd < 0) {
    throw std::runtime_error(fmt::format("cannot create a temporary file in {}: {}",
                                         directory.string(), std::strerror(errno)));
  }
  ::fchmod(fd, report_mode());
  file_ = ::fdopen(fd, "w");
  if (file_ == nullptr) {
    ::close(fd);
    ::unlink(temp_path_.c_str());
    throw std::runtime_error(fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
  }
  std::setvbuf(file_, nullptr, _IOFBF, kBufferBytes);
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void OutputFile::write(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) fail("write");
  since_check_ += text.size();
  if (since_check_ >= kInterruptCheckBytes) {
    since_check_ = 0;
    if (interrupt_signal() != 0) throw OutputInterrupted();
  }
}

void OutputFile::commit() {
  if (interrupt_signal() != 0) throw OutputInterrupted();
  std::FILE* file = std::exchange(file_, nullptr);
  if (std::fclose(file) != 0) fail("write");
  if (!temp_path_.empty() && ::rename(temp_path_.c_str(), target_.c_str()) != 0) {
    fail("rename over");
  }
  committed_ = true;
}

void OutputFile::fail(const char* operation) {
  throw std::runtime_error(fmt::format("cannot {} {}: {}", operation, path_, std::strerror(errno)));
}

}  // namespace ticketsim
