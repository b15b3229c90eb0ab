#include "simulator/engine/trial_workspace.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "simulator/engine/stale_runs.h"
#include "simulator/text/translate.h"
#include "storage/posix_io.h"

namespace ticketsim {

std::string default_workdir() {
  const char* tmpdir = std::getenv("TMPDIR");
  return (tmpdir != nullptr && *tmpdir != '\0') ? tmpdir : "/tmp";
}

TrialWorkspace::TrialWorkspace(const std::string& parent_directory,
                               const std::string& store_bytes) {
  std::string pattern = parent_directory + "/ticketsim-" + std::to_string(::getpid()) + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw SystemError(tr("create a trial directory in"), parent_directory, errno);
  }
  directory_ = pattern;
  store_path_ = directory_ + "/store.json";
  in_use_ = mark_in_use(directory_);
  try {
    UniqueFd store = open_or_throw(store_path(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    write_all(store.get(), store_bytes, store_path());
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
    throw;
  }
}

TrialWorkspace::~TrialWorkspace() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

}  // namespace ticketsim
