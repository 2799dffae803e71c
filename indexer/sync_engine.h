// The sync of a database with its roots, for all files (Sync) or for the
// files and folders the watcher saw change (Watch). Internal to the indexer
// library.
#ifndef TALKSEARCH_INDEXER_SYNC_ENGINE_H_
#define TALKSEARCH_INDEXER_SYNC_ENGINE_H_

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "file_state.h"
#include "index_writer.h"
#include "talksearch/index.h"
#include "talksearch/parse.h"

namespace talksearch {

class ParallelBuild;

struct NotesRoot {
  std::filesystem::path dir;  // absolute
  std::string prefix;         // "" (one root) or "<folder name>/" (several)
  std::unique_ptr<NoteReader> reader;
};

// Paths longer than this are skipped: their terms would pass Xapian's limit.
inline constexpr std::size_t kMaxStoredPathBytes = 200;

class SyncEngine {
 public:
  // Throws InvalidArgument when a root is not a folder or two roots share a
  // folder name.
  SyncEngine(const IndexOptions& options, IndexWriter& writer);
  ~SyncEngine();

  // Syncs every file below every root.
  SyncStats SyncAll();
  // Syncs only these stored paths: `files` are looked at one by one,
  // `folders` are walked, and every recorded path under them that is gone is
  // removed.
  SyncStats SyncSome(const std::set<std::string>& files, const std::set<std::string>& folders);

  // Asked between files; when it returns true the run stops early, commits
  // what it did, and leaves the rest for the next run.
  void set_stop_check(std::function<bool()> check) { stop_check_ = std::move(check); }

  const std::vector<NotesRoot>& roots() const { return roots_; }
  // The stored path of `rel` (relative to root `root`).
  std::string StoredPath(std::size_t root, const std::string& rel) const {
    return roots_[root].prefix + rel;
  }

 private:
  struct Found {
    std::size_t root;
    std::string path;  // stored path
    FileStat st;
  };
  // The file states the index holds, by stored path; `found` is set when
  // the walk finds the file.
  struct Recorded {
    FileState state;
    bool found = false;
  };
  using RecordedStates = std::unordered_map<std::string, Recorded>;
  struct Task;
  struct TaskResult;

  // Whether a stored path belongs to this index's shard (always, unsharded).
  bool InShard(const std::string& path) const;
  // At the end of a run that commits: records as settled (not racy) each
  // file of racy_ found unchanged past its window, and each whose window is
  // over now, whose stat is still the one recorded, and whose bytes still
  // hash as they did when read.
  void SettleRacy();
  // The root holding a stored path and the path relative to it.
  std::optional<std::pair<std::size_t, std::string>> Locate(const std::string& path) const;
  std::filesystem::path DisplayPath(const std::string& path) const;
  // Appends the files below `rel_dir` of root `root` to `found`, and what the
  // walk passed over to walk_skips_ (reported by the next Run).
  // `expected`: how many files the walk will likely find (reserved).
  void Walk(std::size_t root, const std::string& rel_dir, std::vector<Found>& found,
            std::size_t expected = 0);
  SyncStats Run(std::vector<Found> found, RecordedStates recorded);
  TaskResult Process(const Task& task, DocumentBuilder& builder) const;
  // Parses `tasks` in parallel and writes them in order. The folders of the
  // files whose content changed go to `changed_folders` when not null.
  void RunTasks(const std::vector<Task>& tasks, SyncStats& stats,
                std::set<std::string>* changed_folders);
  // To the parallel build's writers when there is one, else to writer_.
  void ReplaceFile(const std::string& path, std::vector<TalkDocument> documents,
                   const FileState& state);
  // Writes one result; returns whether the file's content had changed.
  bool Apply(const Task& task, TaskResult result, SyncStats& stats);
  double Elapsed() const;
  void Report(FileEvent::Kind kind, const std::string& path, int talks, const std::string& reason,
              SyncStats& stats) const;
  void CountWrite();

  const IndexOptions& options_;
  IndexWriter& writer_;
  std::string roots_text_;  // the roots as recorded in the index, one a line
  // Set during a first build written by several writers (parallel_build.h).
  std::unique_ptr<ParallelBuild> parallel_;
  std::vector<NotesRoot> roots_;
  std::size_t writes_ = 0;  // files written since the last commit
  bool committed_ = false;  // a batch was committed during this run
  std::function<bool()> stop_check_;
  // Files read this run whose recorded state is racy, with their state now
  // (itself racy, or found unchanged past the window); SettleRacy records
  // them settled when the run commits.
  std::vector<std::pair<std::string, FileState>> racy_;
  std::vector<std::pair<std::string, std::string>> walk_skips_;  // stored path, reason
  // Sharded: the index notes of other shards the walks found, and their
  // recorded states; Run parses this shard's notes beside one that changed.
  std::vector<Found> peers_found_;
  std::map<std::string, FileState> peers_recorded_;
  // Looks at peers_found_ against peers_recorded_ (and empties both); adds
  // the folders whose index note changed to `event_folders`.
  void CheckPeers(bool first_sync, std::set<std::string>& event_folders);
  std::chrono::steady_clock::time_point run_start_, last_progress_;
  std::size_t progress_done_ = 0, progress_total_ = 0;
};

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_SYNC_ENGINE_H_
