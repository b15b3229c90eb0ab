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
#include <regex>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "simulator/text/translate.h"
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
      if ((ready.revents & POLLNVAL) != 0) {                     // started with stdout closed (>&-)
        throw std::runtime_error("cannot write the report: standard output is not open");
      }
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

OutputTarget plan_output(const std::string& path) {
  namespace fs = std::filesystem;
  auto refuse = [&path](const std::string& why) {
    return std::runtime_error(trf("cannot write {}: {}", path, why));
  };
  static const std::regex descriptor_path(R"(/dev/(stdout|stderr|fd/\d+)|/proc/[^/]+/fd/\d+)");
  fs::path current(path);
  for (int links = 0; links < 40; ++links) {
    if (std::regex_match(current.string(), descriptor_path)) {
      struct stat info {};
      if (::stat(current.c_str(), &info) == 0 && S_ISSOCK(info.st_mode)) {
        throw refuse("it is a socket");
      }
      return OutputTarget{OutputTarget::Kind::kStraight, current.string(), ""};
    }
    struct stat info {};
    if (::lstat(current.c_str(), &info) != 0 || S_ISREG(info.st_mode)) {
      // A new file, or a regular one: replaced whole in its own directory.
      fs::path directory = current.parent_path().empty() ? fs::path(".") : current.parent_path();
      return OutputTarget{OutputTarget::Kind::kReplace, current.string(), directory.string()};
    }
    if (S_ISLNK(info.st_mode)) {
      std::error_code error;
      fs::path link = fs::read_symlink(current, error);
      if (error) throw refuse(error.message());
      current = link.is_absolute() ? link : current.parent_path() / link;
      continue;
    }
    if (S_ISDIR(info.st_mode)) throw refuse("it is a directory");
    if (S_ISSOCK(info.st_mode)) throw refuse("it is a socket");
    return OutputTarget{OutputTarget::Kind::kStraight, current.string(), ""};  // device, FIFO
  }
  throw refuse("too many levels of symbolic links (a symlink loop?)");
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  namespace fs = std::filesystem;
  const OutputTarget target = plan_output(path_);
  if (target.kind == OutputTarget::Kind::kStraight) {
    // Never replaced: renaming over a device would destroy it (as root, even /dev/null), and
    // /dev/stdout may be the file the JSON report is going to (appended to, not truncated).
    // Non-blocking open, so that a FIFO nobody reads yet is waited for in slices that see an
    // interrupt, not inside open() for ever.
    int fd;
    for (;;) {
      fd = ::open(target.path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NONBLOCK);
      if (fd >= 0 || (errno != EINTR && errno != ENXIO)) break;
      if (interrupt_signal() != 0) throw OutputInterrupted();
      if (errno == ENXIO) ::usleep(50'000);  // a FIFO without a reader
    }
    if (fd < 0) fail("open");
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    file_ = ::fdopen(fd, "a");
    if (file_ == nullptr) {
      ::close(fd);
      fail("write");
    }
    std::setvbuf(file_, nullptr, _IOFBF, kBufferBytes);
    return;
  }
  target_ = target.path;
  fs::path directory(target.directory);
  const std::string name = fs::path(target_).filename().string();
  // The temporary's name must fit where the report's does (NAME_MAX is 255 on ext4).
  temp_path_ =
      (directory / (name.size() <= 200 ? fmt::format(".{}.XXXXXX", name) : ".ticketsim.XXXXXX"))
          .string();
  int fd = ::mkstemp(temp_path_.data());
  if (fd < 0) {
    throw std::runtime_error(
        trf("cannot create a temporary file in {}: {}", directory.string(), std::strerror(errno)));
  }
  // A report that replaces a file keeps its permission bits; a new one gets the mode any new
  // file would get (mkstemp makes 0600).
  struct stat existing {};
  ::fchmod(fd, ::stat(target_.c_str(), &existing) == 0 ? existing.st_mode & 07777 : report_mode());
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
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) {
    // A write into a FIFO nobody reads returns EINTR when an interrupt arrives.
    if (errno == EINTR && interrupt_signal() != 0) throw OutputInterrupted();
    fail("write");
  }
  since_check_ += text.size();
  if (since_check_ >= kInterruptCheckBytes) {
    since_check_ = 0;
    if (interrupt_signal() != 0) throw OutputInterrupted();
  }
}

void OutputFile::commit() {
  if (interrupt_signal() != 0) throw OutputInterrupted();
  std::FILE* file = std::exchange(file_, nullptr);
  if (std::fclose(file) != 0) {
    if (errno == EINTR && interrupt_signal() != 0) throw OutputInterrupted();
    fail("write");
  }
  if (!temp_path_.empty() && ::rename(temp_path_.c_str(), target_.c_str()) != 0) {
    fail("rename over");
  }
  committed_ = true;
}

void OutputFile::fail(const char* operation) {
  throw std::runtime_error(fmt::format("cannot {} {}: {}", operation, path_, std::strerror(errno)));
}

}  // namespace ticketsim
