// An LD_PRELOAD library for hostile_files_test: it makes a file change
// under the indexer while the indexer reads it, at the same point every
// run, which no sleep-based test can do.
//
// The first read() of a file whose name contains
//   "vanishes-while-read"  returns half of what was asked, then deletes it;
//   "shrinks-while-read"   returns half of what was asked, then truncates it
//                          to 0 bytes.
// Every later read of the same file is passed through. Nothing else changes.
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>

namespace {

using ReadFn = ssize_t (*)(int, void*, size_t);

std::atomic<bool> vanished{false};
std::atomic<bool> shrunk{false};

ReadFn RealRead() {
  static ReadFn real = reinterpret_cast<ReadFn>(dlsym(RTLD_NEXT, "read"));
  return real;
}

}  // namespace

extern "C" ssize_t read(int fd, void* buf, size_t count) {
  char link[64];
  char path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t len = count > 1 ? readlink(link, path, sizeof path - 1) : -1;
  if (len <= 0) return RealRead()(fd, buf, count);
  path[len] = '\0';
  bool vanish = strstr(path, "vanishes-while-read") != nullptr && !vanished.exchange(true);
  bool shrink = strstr(path, "shrinks-while-read") != nullptr && !shrunk.exchange(true);
  if (!vanish && !shrink) return RealRead()(fd, buf, count);
  ssize_t n = RealRead()(fd, buf, count / 2);
  if (vanish) unlink(path);
  if (shrink && truncate(path, 0) != 0) n = -1;
  return n;
}
