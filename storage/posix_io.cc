#include "storage/posix_io.h"
#include "simulator/text/translate.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ticketsim {

SystemError::SystemError(const std::string& operation, const std::string& path, int error_number)
    : std::runtime_error(operation + (path.empty() ? "" : " " + path) + ": " +
                         std::strerror(error_number)),
      error_number_(error_number) {}

UniqueFd open_or_throw(const std::string& path, int flags, mode_t mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw SystemError(tr("open"), path, errno);
  return UniqueFd(fd);
}

bool pread_whole_file(int fd, std::string& buffer, std::size_t max_bytes) {
  constexpr std::size_t kFirstRead = 512;  // a store is ~60 bytes; grows by doubling
  buffer.resize(std::min(std::max(buffer.capacity(), kFirstRead), max_bytes + 1));
  std::size_t filled = 0;
  for (;;) {
    if (filled == buffer.size()) {
      // Read one byte more than allowed so an oversized file is detected, never silently cut.
      if (buffer.size() > max_bytes) break;
      buffer.resize(std::min(buffer.size() * 2, max_bytes + 1));
    }
    ssize_t n =
        ::pread(fd, buffer.data() + filled, buffer.size() - filled, static_cast<off_t>(filled));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError(tr("read"), describe_fd(fd), errno);
    }
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
    // A regular file reads short only at its end: skip the extra pread that would say so.
    if (filled < buffer.size()) break;
  }
  bool fits = filled <= max_bytes;
  buffer.resize(fits ? filled : max_bytes);
  return fits;
}

std::size_t pread_once(int fd, char* buffer, std::size_t size, off_t offset) {
  for (;;) {
    ssize_t n = ::pread(fd, buffer, size, offset);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) throw SystemError(tr("read"), describe_fd(fd), errno);
  }
}

std::string describe_fd(int fd) {
  char link[64];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[4096];
  ssize_t n = ::readlink(link, target, sizeof target - 1);
  if (n <= 0) return "fd " + std::to_string(fd);
  return std::string(target, static_cast<std::size_t>(n));
}

void pwrite_all(int fd, std::string_view bytes, off_t offset, const std::string& path_for_errors) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n =
        ::pwrite(fd, bytes.data() + done, bytes.size() - done, offset + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError(tr("write"), path_for_errors.empty() ? describe_fd(fd) : path_for_errors,
                        errno);
    }
    done += static_cast<std::size_t>(n);
  }
}

void write_all(int fd, std::string_view bytes, const std::string& path_for_errors) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw SystemError(tr("write"), path_for_errors, errno);
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace ticketsim
