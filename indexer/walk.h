// Finding the note files below a root. Internal to the indexer library.
#ifndef TALKSEARCH_INDEXER_WALK_H_
#define TALKSEARCH_INDEXER_WALK_H_

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "file_state.h"

namespace talksearch {

struct WalkEntry {
  std::string rel;  // relative to the root, '/'-separated
  FileStat st;      // of the file (of its target when it is a symlink)
};

// True for folders that hold no notes: hidden ones (".git", ".talksearch")
// and build or tool output ("_build", "_static", "_templates",
// "__pycache__", "node_modules").
bool IsIgnoredFolder(std::string_view name);

// True for a file name worth indexing: not hidden (".#a.rst" is an editor's
// lock), and of an extension FormatForPath accepts.
bool IsNoteFileName(std::string_view name);

// What the walk passed over, and why: a FIFO, socket or device with a note's
// name, a symlink loop, a dangling symlink, a folder reached a second time,
// an unreadable folder.
struct WalkSkip {
  std::string rel;  // relative to the root, '/'-separated
  std::string reason;
};

// Appends the note files below `root`/`rel_dir` ("" for the root itself) to
// `out`, and what it passed over to `skipped` (when not null). Symlinks are
// followed; a folder already visited (a symlink loop) is not entered again.
// Only regular files are listed: FIFOs, sockets and devices are never
// opened.
void WalkNotes(const std::filesystem::path& root, const std::string& rel_dir,
               std::vector<WalkEntry>& out, std::vector<WalkSkip>* skipped = nullptr);

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_WALK_H_
