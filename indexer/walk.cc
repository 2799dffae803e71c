#include "walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "talksearch/parse.h"

namespace talksearch {
namespace {

using DirId = std::pair<dev_t, ino_t>;

constexpr const char* kWalkedTwice = "a folder already walked by another path (a symlink loop?)";

// What one walk found, in depth-first order: a folder's own files come
// before those of its subfolders, so a folder and everything below it are
// one run of `out`, of `skipped` and of `dirs`.
struct Found {
  struct Dir {
    DirId id;
    std::string rel;
    std::size_t out_begin, skipped_begin;
    std::size_t out_end, skipped_end, dirs_end;  // past the folder and those below it
  };
  std::vector<WalkEntry> out;
  std::vector<WalkSkip> skipped;
  std::vector<Dir> dirs;
};

class Walker {
 public:
  // `visited`: folders walked already (entering one again is a loop).
  Walker(const std::filesystem::path& root, Found& found, std::set<DirId> visited = {})
      : root_(root), found_(found), visited_(std::move(visited)) {}

  // Walks `rel_dir` and, unless `only_this`, the folders below it; with
  // `only_this` they are appended to `subdirs` instead.
  void Walk(const std::string& rel_dir, bool only_this = false,
            std::vector<std::string>* subdirs_out = nullptr) {
    std::string dir_path = rel_dir.empty() ? root_.string() : (root_ / rel_dir).string();
    int fd = open(dir_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      // A folder gone since it was listed (or seen changing) is no problem.
      if (errno != ENOENT) {
        Skip(rel_dir, std::string("cannot read the folder: ") + std::strerror(errno));
      }
      return;
    }
    struct stat dir_st;
    if (fstat(fd, &dir_st) != 0 || !visited_.insert({dir_st.st_dev, dir_st.st_ino}).second) {
      Skip(rel_dir, kWalkedTwice);
      close(fd);
      return;
    }
    std::size_t me = found_.dirs.size();
    found_.dirs.push_back({{dir_st.st_dev, dir_st.st_ino}, rel_dir, found_.out.size(),
                           found_.skipped.size(), 0, 0, 0});
    DIR* dir = fdopendir(fd);
    std::vector<std::string> subdirs;
    if (dir == nullptr) {
      close(fd);
    } else {
      while (const dirent* entry = readdir(dir)) {
        std::string_view name = entry->d_name;
        if (name == "." || name == "..") continue;
        Visit(fd, entry, rel_dir.empty() ? std::string(name) : rel_dir + "/" + std::string(name),
              subdirs);
      }
      closedir(dir);
    }
    if (only_this) {
      for (std::string& sub : subdirs) subdirs_out->push_back(std::move(sub));
    } else {
      for (const std::string& sub : subdirs) Walk(sub);
    }
    Found::Dir& d = found_.dirs[me];
    d.out_end = found_.out.size();
    d.skipped_end = found_.skipped.size();
    d.dirs_end = found_.dirs.size();
  }

 private:
  void Visit(int dir_fd, const dirent* entry, std::string rel, std::vector<std::string>& subdirs) {
    std::string_view name = entry->d_name;
    unsigned char type = entry->d_type;
    if (type == DT_DIR) {
      if (!IsIgnoredFolder(name)) subdirs.push_back(std::move(rel));
      return;
    }
    if (type != DT_REG && type != DT_LNK && type != DT_UNKNOWN) {  // FIFO, device...
      if (IsNoteFileName(name)) Skip(rel, "not a regular file");
      return;
    }
    if (type == DT_REG && !IsNoteFileName(name)) return;
    struct stat st;
    // Follows a symlink to its target.
    if (fstatat(dir_fd, entry->d_name, &st, 0) != 0) {
      int error = errno;
      if (!IsNoteFileName(name)) return;
      if (error == ENOENT && type != DT_REG) {
        Skip(rel, "a dangling symlink (No such file or directory)");
      } else {
        Skip(rel, error == ELOOP ? "a symlink loop (Too many levels of symbolic links)"
                                 : std::strerror(error));
      }
      return;
    }
    if (S_ISDIR(st.st_mode)) {
      if (!IsIgnoredFolder(name)) subdirs.push_back(std::move(rel));
    } else if (IsNoteFileName(name)) {
      if (S_ISREG(st.st_mode)) {
        found_.out.push_back({std::move(rel), StatOf(st)});
      } else {
        Skip(rel, "not a regular file");
      }
    }
  }

  void Skip(const std::string& rel, std::string reason) {
    found_.skipped.push_back({rel, std::move(reason)});
  }

  std::filesystem::path root_;
  Found& found_;
  std::set<DirId> visited_;
};

// Appends what `part` found to `out` and `skipped`, leaving out the folders
// (with all below them) that an earlier part walked already: the result is
// what one walk in order would have found.
void Merge(Found& part, std::set<DirId>& visited, std::vector<WalkEntry>& out,
           std::vector<WalkSkip>* skipped) {
  std::size_t out_at = 0, skipped_at = 0;
  auto keep_until = [&](std::size_t out_end, std::size_t skipped_end) {
    for (; out_at < out_end; ++out_at) out.push_back(std::move(part.out[out_at]));
    for (; skipped_at < skipped_end; ++skipped_at) {
      if (skipped != nullptr) skipped->push_back(std::move(part.skipped[skipped_at]));
    }
  };
  for (std::size_t i = 0; i < part.dirs.size();) {
    const Found::Dir& d = part.dirs[i];
    if (visited.insert(d.id).second) {
      ++i;
      continue;
    }
    keep_until(d.out_begin, d.skipped_begin);
    if (skipped != nullptr) skipped->push_back({d.rel, kWalkedTwice});
    out_at = d.out_end;
    skipped_at = d.skipped_end;
    i = d.dirs_end;
  }
  keep_until(part.out.size(), part.skipped.size());
}

}  // namespace

bool IsIgnoredFolder(std::string_view name) {
  static const std::set<std::string_view> kIgnored = {"_build", "_static", "_templates",
                                                      "__pycache__", "node_modules"};
  return name.empty() || name[0] == '.' || kIgnored.count(name) > 0;
}

bool IsNoteFileName(std::string_view name) {
  return !name.empty() && name[0] != '.' &&
         FormatForName(name).has_value();
}

void WalkNotes(const std::filesystem::path& root, const std::string& rel_dir,
               std::vector<WalkEntry>& out, std::vector<WalkSkip>* skipped) {
  // The folder itself here; the folders below it on several threads, one
  // subtree at a time, each into its own part (a walk is mostly stat calls,
  // which the kernel answers on every core at once); the parts are merged
  // in order, so the result does not depend on the threads.
  Found top;
  std::vector<std::string> subdirs;
  Walker(root, top).Walk(rel_dir, true, &subdirs);
  std::set<DirId> visited;
  Merge(top, visited, out, skipped);
  std::vector<Found> parts(subdirs.size());
  std::atomic<std::size_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto work = [&] {
    try {
      for (std::size_t i; (i = next++) < subdirs.size();) {
        Walker(root, parts[i], visited).Walk(subdirs[i]);
      }
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      failure = std::current_exception();
      next = subdirs.size();
    }
  };
  unsigned threads = std::min<unsigned>(
      std::max(1u, std::thread::hardware_concurrency()), std::min<std::size_t>(subdirs.size(), 4));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  for (Found& part : parts) Merge(part, visited, out, skipped);
}

}  // namespace talksearch
