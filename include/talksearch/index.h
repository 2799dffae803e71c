// Indexing: keeping a Xapian database in step with folders of notes.
//
// Sync() makes the database hold exactly the notes below the roots: it adds
// new files, replaces the talks of changed files and removes those of files
// that are gone, and touches nothing else. A file is "changed" when its
// size, mtime, ctime or inode differ from what the last run recorded and its
// content hash differs too, so `touch` costs no rewrite and a same-size edit
// whose mtime was put back is still caught (its ctime moved). A run where
// nothing changed reads no note and writes no new database revision.
//
// The state of each file is recorded in the database's metadata in the same
// commit as its documents, so a run killed at any moment leaves a database
// that the next run completes. Paths are stored relative to their root, so a
// notes folder can move without a rebuild.
//
// Watch() syncs, then follows the folders with inotify and syncs what
// changed, a few tens of milliseconds after each burst of changes.
//
// Errors: IndexLockedError when another indexer holds the database;
// IndexError for any other database problem (the message says what to do).
// A bad note never throws: it is skipped and reported in SyncStats.
#ifndef TALKSEARCH_INDEX_H_
#define TALKSEARCH_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "talksearch/note.h"
#include "talksearch/parse.h"
#include "talksearch/paths.h"

namespace talksearch {


// What happened to one file during a sync; given to IndexOptions::on_file.
struct FileEvent {
  enum class Kind { kAdded, kUpdated, kRemoved, kSkipped };
  Kind kind = Kind::kAdded;
  std::string path;    // as found on disk: the root joined with the file's path
  int talks = 0;       // talks the file holds now (added, updated)
  std::string reason;  // why it was skipped (skipped only)
};

// "added", "updated", "removed", "skipped".
std::string_view FileEventName(FileEvent::Kind kind);

// How far a sync is; given to IndexOptions::on_progress.
struct SyncProgress {
  std::size_t done = 0;   // files read (new or changed) so far
  std::size_t total = 0;  // files to read in this run
  double seconds = 0;     // since the run started
};

struct IndexOptions {
  std::filesystem::path db = DefaultDatabasePath();
  // The notes folders. One root: paths are stored relative to it. Several:
  // each path starts with its root's folder name ("notes/2011/a.rst").
  std::vector<std::filesystem::path> roots = {"data"};
  // Xapian stemmer language ("english", "french", ..., "none"). Changing it
  // rebuilds the index on the next run.
  std::string language = "english";
  ParseOptions parse;
  // Threads that read, parse and turn notes into documents; the single
  // writer runs beside them. 0 = one per core.
  unsigned threads = 0;
  // Commit after this many changed files (and at the end of a run).
  std::size_t batch_files = 2000;
  // Writers of a first build (an empty index and at least
  // parallel_min_files notes): each writes part of the notes to a database
  // of its own and the parts are merged, compacted, into the index at the
  // end. 0 = one per core; 1 = one writer, straight into the index.
  unsigned writers = 0;
  std::size_t parallel_min_files = 1000;
  // Sharding: with shards = N > 0 the database holds only the notes whose
  // stored path hashes to `shard` (0 <= shard < N), so N builders can each
  // make one shard of the same folder. Recorded in the database: a later
  // run with other values throws InvalidArgument. 0: every note.
  unsigned shards = 0;
  unsigned shard = 0;
  // Called for every file added, updated, removed or skipped, from the
  // calling thread. May be empty.
  std::function<void(const FileEvent&)> on_file;
  // Called from the calling thread at most every ~100 ms while files are
  // read, and once at the end. May be empty.
  std::function<void(const SyncProgress&)> on_progress;
};

struct SkippedFile {
  std::string path;  // as FileEvent::path
  std::string reason;
};

// What one sync did. Counts are of files.
struct SyncStats {
  std::size_t added = 0;
  std::size_t updated = 0;    // content changed: documents replaced
  std::size_t removed = 0;
  std::size_t unchanged = 0;  // includes files whose stat changed but not their bytes
  std::size_t skipped = 0;    // not indexable: too big, binary, path too long...
  std::size_t talks = 0;      // talks in the index after the run
  std::size_t talks_written = 0;  // talk documents written by this run
  double seconds = 0;
  bool rebuilt = false;     // the schema version or language changed
  bool committed = false;   // a new database revision was written
  std::vector<SkippedFile> skipped_files;
  // Problems repaired in notes (invalid UTF-8, ...) or the reasons of skips.
  std::vector<Diagnostic> diagnostics;
};

// Brings the database at options.db in step with options.roots, creating it
// (and its parent folders) when missing. Throws IndexLockedError when another
// writer holds it, IndexError on any other database failure (including a
// failed commit), InvalidArgument when a root is not a folder.
SyncStats Sync(const IndexOptions& options);

// Stops a Watch() from another thread or a signal handler. Stop() is
// async-signal-safe: it writes to an eventfd that Watch() polls.
class WatchStopper {
 public:
  WatchStopper();
  ~WatchStopper();
  WatchStopper(const WatchStopper&) = delete;
  WatchStopper& operator=(const WatchStopper&) = delete;

  void Stop() noexcept;
  int fd() const { return fd_; }

  // Makes SIGINT and SIGTERM call Stop() on this object (one at a time per
  // process; the handlers are put back by the destructor).
  void StopOnSignals();

 private:
  int fd_ = -1;
  bool signals_ = false;
};

struct WatchOptions {
  // Quiet time after a change before the changed files are synced. An
  // editor's save (write, or write a copy and rename it over) is a burst of
  // events well under a millisecond apart; 10 ms keeps a save one sync and
  // the save-to-searchable time low (bench/run measures it).
  int debounce_ms = 10;
  // Called after the first sync and after each later one that changed
  // something, from the calling thread.
  std::function<void(const SyncStats&)> on_sync;
};

// Syncs, then watches the roots and syncs each burst of changes (committing
// after each) until `stopper` is stopped; returns after a final commit.
// Throws as Sync(); also IndexError when inotify is not available.
void Watch(const IndexOptions& options, const WatchOptions& watch, WatchStopper& stopper);

// What a parse-only pass did: every note below the roots read and parsed
// on options.threads threads, as a sync would, and nothing built or written.
// The floor of a full index (`indexer --parse-only`, bench/run).
struct ParseOnlyStats {
  std::size_t files = 0;    // note files found
  std::size_t notes = 0;    // parsed into a note
  std::size_t talks = 0;
  std::size_t skipped = 0;  // not a note, unreadable, too big
  std::uint64_t bytes = 0;  // read
  double seconds = 0;
};

// Throws InvalidArgument when a root is not a folder.
ParseOnlyStats ParseOnly(const IndexOptions& options);

// What an index holds, for `indexer --stats`.
struct IndexStats {
  std::filesystem::path db;
  std::size_t talks = 0;
  std::size_t files = 0;     // files recorded, including skipped ones
  std::size_t speakers = 0;  // distinct speakers
  std::size_t events = 0;    // distinct events
  std::size_t terms = 0;     // distinct terms
  std::uint64_t bytes = 0;   // size on disk
  int version = 0;           // schema version
  std::string language;
  std::string roots;         // the roots of the last sync, one per line
  std::string shard;         // "I/N" for shard I of N; empty: every note
  std::uint64_t revision = 0;
};

// Reads the statistics of the database at `db`. Throws IndexError when it
// cannot be opened (missing, not a database).
IndexStats ReadIndexStats(const std::filesystem::path& db);

}  // namespace talksearch

#endif  // TALKSEARCH_INDEX_H_
