#include "read_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace talksearch {
namespace {

constexpr int kAttempts = 3;

constexpr std::string_view kOverSizeLimit = "over the size limit";

bool Same(const struct stat& a, const struct stat& b) {
  return a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
         a.st_mtim.tv_nsec == b.st_mtim.tv_nsec && a.st_ctim.tv_sec == b.st_ctim.tv_sec &&
         a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

// One attempt. Sets *changed when the file changed under the read.
std::string ReadOnce(const std::filesystem::path& path, std::size_t limit, std::string& bytes,
                     bool* changed) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::strerror(errno);
  struct stat before {};
  if (::fstat(fd, &before) != 0 || !S_ISREG(before.st_mode)) {
    ::close(fd);
    return "not a regular file";
  }
  auto size = static_cast<std::uint64_t>(before.st_size);
  if (size > limit) {
    ::close(fd);
    return OverSizeLimit(size, limit);
  }
  // One byte more than the file holds, so that a read returning 0 ends it.
  bytes.resize(static_cast<std::size_t>(size) + 1);
  std::size_t got = 0;
  std::string error;
  for (;;) {
    if (got == bytes.size()) {
      if (got > limit) {
        error = std::string(kOverSizeLimit) + " (grew past " + std::to_string(limit) +
                " bytes while being read)";
        break;
      }
      bytes.resize(std::min(limit + 1, got + (got >> 1) + 4096));  // it grew since the fstat
    }
    ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::strerror(errno);
      break;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  struct stat after {};
  if (error.empty() && ::fstat(fd, &after) == 0) {
    if (after.st_nlink == 0) {
      error = "deleted while being read";
    } else if (!Same(before, after)) {
      *changed = true;
    }
  }
  ::close(fd);
  bytes.resize(error.empty() ? got : 0);
  return error;
}

}  // namespace

std::string OverSizeLimit(std::uint64_t size, std::size_t limit) {
  return std::string(kOverSizeLimit) + " (" + std::to_string(size) + " bytes > " +
         std::to_string(limit) + ")";
}

bool IsOverSizeLimit(std::string_view reason) { return reason.starts_with(kOverSizeLimit); }

std::string ReadRegularFile(const std::filesystem::path& path, std::size_t limit,
                            std::string& bytes) {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    bool changed = false;
    std::string error = ReadOnce(path, limit, bytes, &changed);
    if (!error.empty() || !changed) return error;
  }
  bytes.clear();
  return "kept changing while being read";
}

}  // namespace talksearch
