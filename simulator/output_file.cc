#include "simulator/output_file.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "simulator/interrupt.h"

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

}  // namespace

void StdoutSink::write(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() && errno == EPIPE) {
    throw StdoutClosed();
  }
}

void StdoutSink::flush() {
  if (std::fflush(stdout) != 0 && errno == EPIPE) throw StdoutClosed();
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
  namespace fs = std::filesystem;
  fs::path target(path_);
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
  if (!committed_) ::unlink(temp_path_.c_str());
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
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) fail("rename over");
  committed_ = true;
}

void OutputFile::fail(const char* operation) {
  throw std::runtime_error(fmt::format("cannot {} {}: {}", operation, path_, std::strerror(errno)));
}

}  // namespace ticketsim
