#include "sync_engine.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <thread>

#include "ordered_pool.h"
#include "parallel_build.h"
#include "read_file.h"
#include "talksearch/errors.h"
#include "walk.h"

namespace talksearch {
namespace {

bool HasIgnoredFolder(const std::string& rel) {
  std::size_t start = 0;
  for (std::size_t slash; (slash = rel.find('/', start)) != std::string::npos; start = slash + 1) {
    if (IsIgnoredFolder(std::string_view(rel).substr(start, slash - start))) return true;
  }
  return false;
}

}  // namespace

struct SyncEngine::Task {
  Found file;
  FileState stat;  // taken by the walk
  std::optional<FileState> old;
  bool force = false;  // parse even when the bytes are the same
};

namespace {

bool IsIndexNote(const std::string& path) {
  return std::filesystem::path(path).stem() == "index";
}

std::string Folder(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

// The start of the stored paths below `folder` ("" for the top).
std::string FolderPrefix(const std::string& folder) {
  return folder.empty() ? "" : folder + "/";
}

}  // namespace

struct SyncEngine::TaskResult {
  enum class Kind { kSame, kIndexed, kSkipped };
  Kind kind = Kind::kSame;
  FileState state;
  std::vector<TalkDocument> documents;
  std::vector<Diagnostic> diagnostics;
};

SyncEngine::SyncEngine(const IndexOptions& options, IndexWriter& writer)
    : options_(options), writer_(writer) {
  std::set<std::string> names;
  for (const std::filesystem::path& root : options.roots) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::absolute(root, ec).lexically_normal();
    if (ec || !std::filesystem::is_directory(dir, ec)) {
      throw InvalidArgument("the notes folder " + root.string() + " is not a folder");
    }
    std::string name = (dir.has_filename() ? dir : dir.parent_path()).filename().string();
    if (!names.insert(name).second) {
      throw InvalidArgument("two notes folders are named " + name +
                            "; with several folders, each path in the index starts with its "
                            "folder's name, so the names must differ");
    }
    std::string prefix = options.roots.size() > 1 ? name + "/" : "";
    roots_.push_back({dir, prefix, std::make_unique<NoteReader>(dir, options.parse)});
    roots_text_ += dir.string() + "\n";
  }
  if (options.shards > 0 && options.shard >= options.shards) {
    throw InvalidArgument("--shard must be between 0 and " + std::to_string(options.shards - 1));
  }
  writer_.SetShard(options.shards, options.shard);
}

bool SyncEngine::InShard(const std::string& path) const {
  return options_.shards == 0 || ShardOf(path, options_.shards) == options_.shard;
}

SyncEngine::~SyncEngine() = default;

std::optional<std::pair<std::size_t, std::string>> SyncEngine::Locate(
    const std::string& path) const {
  for (std::size_t i = 0; i < roots_.size(); ++i) {
    const std::string& prefix = roots_[i].prefix;
    if (path.compare(0, prefix.size(), prefix) == 0) return {{i, path.substr(prefix.size())}};
  }
  return std::nullopt;
}

std::filesystem::path SyncEngine::DisplayPath(const std::string& path) const {
  auto located = Locate(path);
  if (!located) return path;
  return roots_[located->first].dir / located->second;
}

void SyncEngine::Walk(std::size_t root, const std::string& rel_dir, std::vector<Found>& found,
                      std::size_t expected) {
  std::vector<WalkEntry> entries;
  entries.reserve(expected);
  std::vector<WalkSkip> skipped;
  WalkNotes(roots_[root].dir, rel_dir, entries, &skipped);
  // Reserved, not grown: at 34,000 notes growing by doubling was a fifth
  // of a no-op sync.
  found.reserve(found.size() + entries.size());
  const bool unprefixed = roots_[root].prefix.empty();  // one root
  // Another shard's notes are not this index's business, nor its skips;
  // but its index notes name the event of the notes beside them.
  for (WalkEntry& entry : entries) {
    std::string path = unprefixed ? std::move(entry.rel) : StoredPath(root, entry.rel);
    if (InShard(path)) {
      found.push_back({root, std::move(path), entry.st});
    } else if (IsIndexNote(path)) {
      peers_found_.push_back({root, std::move(path), entry.st});
    }
  }
  for (WalkSkip& skip : skipped) {
    std::string path = StoredPath(root, skip.rel);
    if (InShard(path)) walk_skips_.emplace_back(std::move(path), std::move(skip.reason));
  }
}

SyncStats SyncEngine::SyncAll() {
  // The run's time includes reading the recorded states and the walk: on a
  // run with nothing to do they are nearly all of it.
  run_start_ = std::chrono::steady_clock::now();
  writer_.SetRoots(roots_text_);
  // About as many files as talks last time (one root: all of them).
  const std::size_t talks = writer_.talks();
  std::size_t expected = roots_.size() == 1 ? talks + talks / 8 : 0;
  // The recorded states are read on another thread while this one walks
  // (a fifth of a no-op sync each); the walk does not touch the index.
  std::future<RecordedStates> reading = std::async(std::launch::async, [&] {
    RecordedStates states;
    states.reserve(talks);
    writer_.ForEachState("", [&](const std::string& path, const FileState& state) {
      states.emplace(path, Recorded{state});
    });
    return states;
  });
  std::vector<Found> found;
  for (std::size_t i = 0; i < roots_.size(); ++i) Walk(i, "", found, expected);
  RecordedStates recorded = reading.get();
  writer_.ForEachPeerState("", [&](const std::string& path, const FileState& state) {
    peers_recorded_.emplace(path, state);
  });
  return Run(std::move(found), std::move(recorded));
}

SyncStats SyncEngine::SyncSome(const std::set<std::string>& files,
                               const std::set<std::string>& changed_folders) {
  run_start_ = std::chrono::steady_clock::now();
  // A folder's index note names the event of the notes beside it: when it
  // changes, they are looked at too (Run parses them again).
  std::set<std::string> folders = changed_folders;
  for (const std::string& path : files) {
    if (IsIndexNote(path)) folders.insert(Folder(path));
  }
  std::vector<Found> found;
  RecordedStates recorded;
  for (const std::string& folder : folders) {
    std::string prefix = FolderPrefix(folder);
    auto located = Locate(prefix);
    if (!located) continue;
    if (!HasIgnoredFolder(located->second)) Walk(located->first, Folder(located->second), found);
    writer_.ForEachState(prefix, [&](const std::string& path, const FileState& state) {
      recorded.emplace(path, Recorded{state});
    });
    writer_.ForEachPeerState(prefix, [&](const std::string& path, const FileState& state) {
      peers_recorded_.emplace(path, state);
    });
  }
  // Nested folders ("New" and "New/Deep") walk the same files twice.
  std::set<std::string> seen;
  std::erase_if(found, [&](const Found& file) { return !seen.insert(file.path).second; });
  for (const std::string& path : files) {
    if (seen.count(path) > 0 || !InShard(path)) continue;
    if (auto state = writer_.State(path)) recorded.emplace(path, Recorded{*state});
    auto located = Locate(path);
    struct stat st;
    if (!located || HasIgnoredFolder(located->second) ||
        !IsNoteFileName(std::filesystem::path(located->second).filename().string()) ||
        stat((roots_[located->first].dir / located->second).c_str(), &st) != 0 ||
        !S_ISREG(st.st_mode)) {
      continue;
    }
    found.push_back({located->first, path, StatOf(st)});
  }
  return Run(std::move(found), std::move(recorded));
}

void SyncEngine::Report(FileEvent::Kind kind, const std::string& path, int talks,
                        const std::string& reason, SyncStats& stats) const {
  std::string display = DisplayPath(path).string();
  if (kind == FileEvent::Kind::kSkipped) stats.skipped_files.push_back({display, reason});
  if (options_.on_file) options_.on_file({kind, display, talks, reason});
}

void SyncEngine::CountWrite() {
  if (parallel_) return;  // its writers commit their own batches
  if (++writes_ >= std::max<std::size_t>(options_.batch_files, 1)) {
    committed_ = writer_.Commit() || committed_;
    writes_ = 0;
  }
}

}  // namespace talksearch

namespace talksearch {

SyncStats SyncEngine::Run(std::vector<Found> found, RecordedStates recorded) {
  last_progress_ = std::chrono::steady_clock::now();
  SyncStats stats;
  stats.rebuilt = writer_.rebuilt();
  // What the walk passed over (FIFOs, symlink loops...) is reported, never read.
  for (const auto& [path, reason] : walk_skips_) {
    ++stats.skipped;
    Report(FileEvent::Kind::kSkipped, path, 0, reason, stats);
  }
  walk_skips_.clear();
  const std::int64_t now = NowNs();
  const bool first_sync = recorded.empty();  // nothing of this shard indexed before
  for (NotesRoot& root : roots_) {
    root.reader = std::make_unique<NoteReader>(root.dir, options_.parse);  // fresh folder events
  }
  // A folder's index note names the event of the notes beside it, so index
  // notes go first; the notes of folders whose index note changed are then
  // parsed again even when their own bytes did not change.
  std::vector<Task> index_tasks, tasks;
  // Files whose stat is as recorded: the index in `found` and the recorded
  // state, not a Task (a few hundred bytes each, 34,000 of them in a no-op
  // sync of a big corpus).
  std::vector<std::pair<std::size_t, FileState>> settled;
  settled.reserve(found.size());
  std::size_t matched = 0;  // recorded states whose file the walk found
  for (std::size_t i = 0; i < found.size(); ++i) {
    Found& file = found[i];
    if (file.path.size() > kMaxStoredPathBytes) {
      ++stats.skipped;
      Report(FileEvent::Kind::kSkipped, file.path, 0, "path too long for the index", stats);
      continue;
    }
    FileState stat = StatState(file.st, now);
    std::optional<FileState> before;
    if (auto old = recorded.find(file.path); old != recorded.end()) {
      before = std::move(old->second.state);
      old->second.found = true;  // marked, not erased: erasing walks the bucket again
      ++matched;
    }
    bool index_note = IsIndexNote(file.path);
    if (before && SameStat(*before, stat) && !before->racy) {
      settled.emplace_back(i, std::move(*before));
    } else {
      (index_note ? index_tasks : tasks).push_back({std::move(file), stat, before, false});
    }
  }
  std::set<std::string> event_folders;
  CheckPeers(first_sync, event_folders);
  // What is recorded but no longer found is gone (reported in path order).
  std::vector<std::string> gone;
  if (matched < recorded.size()) {
    for (auto& [path, old] : recorded) {
      if (!old.found) gone.push_back(path);
    }
    std::sort(gone.begin(), gone.end());
  }
  for (const std::string& path : gone) {
    if (IsIndexNote(path)) event_folders.insert(Folder(path));
    writer_.RemoveFile(path);
    ++stats.removed;
    Report(FileEvent::Kind::kRemoved, path, 0, "", stats);
    CountWrite();
  }
  progress_total_ = index_tasks.size() + tasks.size();
  progress_done_ = 0;
  // A first build of many notes is written by several writers and merged.
  struct DropParallel {
    std::unique_ptr<ParallelBuild>& build;
    ~DropParallel() { build.reset(); }  // on an exception: removes the parts
  } drop{parallel_};
  const unsigned writers = options_.writers != 0
                               ? options_.writers
                               : std::max(1u, std::thread::hardware_concurrency());
  // Not for a shard: the states it keeps of other shards' index notes are
  // written to the index itself, which the merged parts replace.
  if (writers > 1 && options_.shards == 0 && first_sync && settled.empty() &&
      writer_.talks() == 0 &&
      progress_total_ >= std::max<std::size_t>(options_.parallel_min_files, 1)) {
    parallel_ = std::make_unique<ParallelBuild>(
        writer_.path(), options_.language, roots_text_, writers,
        std::max<std::size_t>(options_.batch_files / writers, 1));
  }
  RunTasks(index_tasks, stats, &event_folders);
  for (auto& [i, old] : settled) {
    Found& file = found[i];
    const bool force = !event_folders.empty() && !IsIndexNote(file.path) &&
                       event_folders.count(Folder(file.path)) > 0;
    // Skipped for its size under another limit, or indexed under a higher
    // one: the limit changed, so the file is looked at again.
    const bool limit_changed =
        IsOverSizeLimit(old.skipped) !=
        (file.st.size > options_.parse.max_file_bytes);
    if (force || limit_changed) {
      FileState stat = StatState(file.st, now);
      tasks.push_back({std::move(file), stat, std::move(old), force});
      ++progress_total_;
    } else if (old.skipped.empty()) {
      ++stats.unchanged;
    } else {
      ++stats.skipped;
      Report(FileEvent::Kind::kSkipped, file.path, 0, old.skipped, stats);
    }
  }
  // Those whose stat moved but whose bytes may not have (racy, touched)
  // are parsed again too when their folder's event changed.
  for (Task& task : tasks) {
    if (!IsIndexNote(task.file.path) && event_folders.count(Folder(task.file.path)) > 0) {
      task.force = true;
    }
  }
  RunTasks(tasks, stats, nullptr);
  if (parallel_) {
    // Also after a stop: what was handed to the writers is merged, the rest
    // is left for the next run.
    parallel_->Finish(writer_);
    parallel_.reset();
    committed_ = true;
  }
  // Racy files are marked settled only when this run commits anyway: a run
  // with nothing to do writes nothing.
  if (writer_.dirty() || committed_) SettleRacy();
  racy_.clear();
  stats.committed = writer_.Commit() || committed_;
  committed_ = false;
  writes_ = 0;
  stats.talks = writer_.talks();
  stats.seconds = Elapsed();
  if (options_.on_progress) options_.on_progress({progress_total_, progress_total_, stats.seconds});
  return stats;
}

void SyncEngine::CheckPeers(bool first_sync, std::set<std::string>& event_folders) {
  const std::int64_t now = NowNs();
  for (const Found& file : peers_found_) {
    FileState state = StatState(file.st, now);
    std::optional<FileState> before;
    if (auto old = peers_recorded_.find(file.path); old != peers_recorded_.end()) {
      before = old->second;
      peers_recorded_.erase(old);
    }
    if (before && SameStat(*before, state) && !before->racy) continue;
    const NotesRoot& root = roots_[file.root];
    std::string bytes;
    std::filesystem::path abs = root.dir / file.path.substr(root.prefix.size());
    if (ReadRegularFile(abs, options_.parse.max_file_bytes, bytes).empty()) {
      state.hash = HashBytes(bytes);
    }
    if (before && before->hash == state.hash) {
      // Touched: the state only, and only when it moved.
      if (!SameStat(*before, state) || before->racy != state.racy) {
        writer_.SetPeerState(file.path, state);
      }
      continue;
    }
    // Changed, or new beside notes indexed before: they are parsed again.
    if (!first_sync) event_folders.insert(Folder(file.path));
    writer_.SetPeerState(file.path, state);
  }
  // Gone: the notes beside it get another event.
  for (const auto& [path, state] : peers_recorded_) {
    event_folders.insert(Folder(path));
    writer_.SetPeerState(path, std::nullopt);
  }
  peers_found_.clear();
  peers_recorded_.clear();
}

double SyncEngine::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start_).count();
}

void SyncEngine::RunTasks(const std::vector<Task>& tasks, SyncStats& stats,
                          std::set<std::string>* changed_folders) {
  if (tasks.empty()) return;
  unsigned threads = options_.threads != 0 ? options_.threads
                                           : std::max(1u, std::thread::hardware_concurrency());
  std::vector<DocumentBuilder> builders;
  for (unsigned i = 0; i < threads; ++i) builders.emplace_back(options_.language);
  OrderedPool<TaskResult> pool(tasks.size(), threads, 16 * threads,
                               [&](std::size_t job, unsigned worker) {
                                 return Process(tasks[job], builders[worker]);
                               });
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (stop_check_ && stop_check_()) return;  // the pool drops what is left
    bool changed = Apply(tasks[i], pool.Take(i), stats);
    if (changed && changed_folders != nullptr) changed_folders->insert(Folder(tasks[i].file.path));
    ++progress_done_;
    auto now = std::chrono::steady_clock::now();
    if (options_.on_progress && now - last_progress_ > std::chrono::milliseconds(100)) {
      last_progress_ = now;
      options_.on_progress({progress_done_, progress_total_, Elapsed()});
    }
  }
}

SyncEngine::TaskResult SyncEngine::Process(const Task& task, DocumentBuilder& builder) const {
  TaskResult result;
  result.state = task.stat;
  const NotesRoot& root = roots_[task.file.root];
  std::filesystem::path abs = root.dir / task.file.path.substr(root.prefix.size());
  auto skip = [&](std::string reason) {
    // Skipped again for the same reason, with the same bytes: nothing to write.
    bool same = task.old && task.old->skipped == reason && task.old->hash == result.state.hash;
    result.kind = same ? TaskResult::Kind::kSame : TaskResult::Kind::kSkipped;
    result.state.skipped = std::move(reason);
    return std::move(result);
  };
  if (task.stat.size > options_.parse.max_file_bytes) {
    return skip(OverSizeLimit(task.stat.size, options_.parse.max_file_bytes));
  }
  // Read once: what is hashed is what is parsed.
  std::string bytes;
  if (std::string error = ReadRegularFile(abs, options_.parse.max_file_bytes, bytes);
      !error.empty()) {
    return skip(IsOverSizeLimit(error) ? error : "cannot read: " + error);
  }
  result.state.hash = HashBytes(bytes);
  if (task.old && task.old->hash == result.state.hash && !task.force) {
    result.kind = TaskResult::Kind::kSame;
    result.state.talks = task.old->talks;
    result.state.skipped = task.old->skipped;
    return result;
  }
  try {
    ParseResult parsed = root.reader->Parse(abs, std::move(bytes));
    result.diagnostics = std::move(parsed.diagnostics);
    if (!parsed.note) return skip(parsed.skipped.empty() ? "not a note" : parsed.skipped);
    Note& note = *parsed.note;
    note.path = task.file.path;
    for (std::size_t i = 0; i < note.talks.size(); ++i) {
      result.documents.push_back(builder.Build(note, static_cast<int>(i)));
    }
  } catch (const std::exception& e) {
    // One bad file never stops the others.
    result.documents.clear();
    return skip(std::string("could not be indexed: ") + e.what());
  }
  result.kind = TaskResult::Kind::kIndexed;
  result.state.talks = static_cast<int>(result.documents.size());
  return result;
}

void SyncEngine::ReplaceFile(const std::string& path, std::vector<TalkDocument> documents,
                             const FileState& state) {
  if (parallel_) {
    parallel_->ReplaceFile(path, std::move(documents), state);
  } else {
    writer_.ReplaceFile(path, std::move(documents), state);
  }
}

void SyncEngine::SettleRacy() {
  // A racy file's hash was taken within the racy window of its change, so
  // a second change in the same clock tick could hide behind the same stat.
  // Once the window is over, the same stat and the same bytes mean the
  // index holds what the file holds, and any later change moves the stat.
  // Without this, notes written just before a long build (a copy, a clone)
  // were hashed again by every no-op run until some run committed.
  const std::int64_t now = NowNs();
  for (auto& [path, state] : racy_) {
    if (!state.racy) {  // found unchanged out of its window by this run's read
      writer_.SetState(path, state);
      continue;
    }
    auto located = Locate(path);
    if (!located) continue;
    const std::filesystem::path abs = roots_[located->first].dir / located->second;
    struct stat st;
    if (::stat(abs.c_str(), &st) != 0) continue;
    const FileState fresh = StatState(st, now);
    if (fresh.racy || !SameStat(fresh, state)) continue;  // the next run looks again
    std::string bytes;
    if (!ReadRegularFile(abs, options_.parse.max_file_bytes, bytes).empty() ||
        HashBytes(bytes) != state.hash) {
      continue;
    }
    state.racy = false;
    writer_.SetState(path, state);
  }
}

bool SyncEngine::Apply(const Task& task, TaskResult result, SyncStats& stats) {
  const std::string& path = task.file.path;
  if (result.state.racy && result.state.hash != 0) racy_.emplace_back(path, result.state);
  std::string display = DisplayPath(path).string();
  for (Diagnostic& diagnostic : result.diagnostics) {
    diagnostic.path = display;
    stats.diagnostics.push_back(std::move(diagnostic));
  }
  switch (result.kind) {
    case TaskResult::Kind::kSame:
      if (!result.state.skipped.empty()) {
        ++stats.skipped;
        Report(FileEvent::Kind::kSkipped, path, 0, result.state.skipped, stats);
      } else {
        ++stats.unchanged;
      }
      if (!SameStat(*task.old, result.state)) {
        writer_.SetState(path, result.state);  // touched: the state only
        CountWrite();
      } else if (task.old->racy && !result.state.racy) {
        racy_.emplace_back(path, result.state);  // settled if the run commits
      }
      return false;
    case TaskResult::Kind::kIndexed:
      stats.talks_written += result.documents.size();
      ReplaceFile(path, std::move(result.documents), result.state);
      ++(task.old ? stats.updated : stats.added);
      Report(task.old ? FileEvent::Kind::kUpdated : FileEvent::Kind::kAdded, path,
             result.state.talks, "", stats);
      break;
    case TaskResult::Kind::kSkipped:
      // Recorded with its reason, so it is not read again until it changes;
      // the talks it held before, if any, go.
      ReplaceFile(path, {}, result.state);
      ++stats.skipped;
      Report(FileEvent::Kind::kSkipped, path, 0, result.state.skipped, stats);
      break;
  }
  CountWrite();
  return true;
}

}  // namespace talksearch
