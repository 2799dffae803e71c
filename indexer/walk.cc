#include "walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "talksearch/parse.h"

namespace talksearch {
namespace {

using DirId = std::pair<dev_t, ino_t>;

class Walker {
 public:
  Walker(const std::filesystem::path& root, std::vector<WalkEntry>& out,
         std::vector<WalkSkip>* skipped)
      : root_(root), out_(out), skipped_(skipped) {}

  void Walk(const std::string& rel_dir) {
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
      Skip(rel_dir, "a folder already walked by another path (a symlink loop?)");
      close(fd);
      return;
    }
    DIR* dir = fdopendir(fd);
    if (dir == nullptr) {
      close(fd);
      return;
    }
    std::vector<std::string> subdirs;
    while (const dirent* entry = readdir(dir)) {
      std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      Visit(fd, entry, rel_dir.empty() ? std::string(name) : rel_dir + "/" + std::string(name),
            subdirs);
    }
    closedir(dir);
    for (const std::string& sub : subdirs) Walk(sub);
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
        out_.push_back({std::move(rel), st});
      } else {
        Skip(rel, "not a regular file");
      }
    }
  }

  void Skip(const std::string& rel, std::string reason) {
    if (skipped_ != nullptr) skipped_->push_back({rel, std::move(reason)});
  }

  std::filesystem::path root_;
  std::vector<WalkEntry>& out_;
  std::vector<WalkSkip>* skipped_;
  std::set<DirId> visited_;
};

}  // namespace

bool IsIgnoredFolder(std::string_view name) {
  static const std::set<std::string_view> kIgnored = {"_build", "_static", "_templates",
                                                      "__pycache__", "node_modules"};
  return name.empty() || name[0] == '.' || kIgnored.count(name) > 0;
}

bool IsNoteFileName(std::string_view name) {
  return !name.empty() && name[0] != '.' &&
         FormatForPath(std::filesystem::path(std::string(name))).has_value();
}

void WalkNotes(const std::filesystem::path& root, const std::string& rel_dir,
               std::vector<WalkEntry>& out, std::vector<WalkSkip>* skipped) {
  Walker(root, out, skipped).Walk(rel_dir);
}

}  // namespace talksearch
