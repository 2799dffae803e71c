// Finding the note files below a root. Internal to the indexer library.
#ifndef TALKSEARCH_INDEXER_WALK_H_
#define TALKSEARCH_INDEXER_WALK_H_

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

struct WalkEntry {
  std::string rel;  // relative to the root, '/'-separated
  struct stat st;   // of the file (of its target when it is a symlink)
};

// True for folders that hold no notes: hidden ones (".git", ".talksearch")
// and build or tool output ("_build", "_static", "_templates",
// "__pycache__", "node_modules").
bool IsIgnoredFolder(std::string_view name);

// True for a file name worth indexing: not hidden (".#a.rst" is an editor's
// lock), and of an extension FormatForPath accepts.
bool IsNoteFileName(std::string_view name);

// Appends the note files below `root`/`rel_dir` ("" for the root itself).
// Symlinks are followed; a folder already visited (a symlink loop) is not
// entered again. Only regular files are listed: FIFOs, sockets and devices
// are never opened. Unreadable folders are passed over.
void WalkNotes(const std::filesystem::path& root, const std::string& rel_dir,
               std::vector<WalkEntry>& out);

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_WALK_H_
