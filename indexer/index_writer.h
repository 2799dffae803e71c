// The one writer of a database: opens it (or says who holds it), keeps the
// schema version and language, replaces a file's documents together with its
// recorded state, and commits. Internal to the indexer library.
#ifndef TALKSEARCH_INDEXER_INDEX_WRITER_H_
#define TALKSEARCH_INDEXER_INDEX_WRITER_H_

#include <xapian.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "file_state.h"
#include "talk_document.h"

namespace talksearch {

class IndexWriter {
 public:
  // Opens or creates the database at `db` (and its parent folders). When it
  // was written with another schema version or language, everything in it
  // is removed (in the first commit of this run) and rebuilt() is true.
  // Throws IndexLockedError, IndexError. A `scratch` database (a part of
  // a parallel first build, thrown away unless merged) is written without
  // fsync: a crash loses it either way.
  IndexWriter(const std::filesystem::path& db, const std::string& language,
              bool scratch = false);

  bool rebuilt() const { return rebuilt_; }
  const std::filesystem::path& path() const { return path_; }

  // The recorded state of a stored path, if any.
  std::optional<FileState> State(const std::string& path);
  // Calls `fn(path, state)` for every recorded file whose stored path
  // starts with `prefix` ("" for all).
  void ForEachState(const std::string& prefix,
                    const std::function<void(const std::string&, const FileState&)>& fn);
  // The same for the index notes of other shards (schema::kPeerKey), whose
  // state a shard keeps to see them change; nullopt removes one.
  void ForEachPeerState(const std::string& prefix,
                        const std::function<void(const std::string&, const FileState&)>& fn);
  void SetPeerState(const std::string& path, const std::optional<FileState>& state);

  // Replaces the documents of `path` with `documents` and records `state`.
  void ReplaceFile(const std::string& path, std::vector<TalkDocument> documents,
                   const FileState& state);
  // Removes the documents and the state of `path`.
  void RemoveFile(const std::string& path);
  // Records `state` without touching the documents.
  void SetState(const std::string& path, const FileState& state);
  // Records the roots (one per line) when they differ from the last ones.
  void SetRoots(const std::string& roots);
  // Records that the database is shard `shard` of `shards` (0: every note).
  // Throws InvalidArgument when it already holds notes under other values.
  void SetShard(unsigned shards, unsigned shard);

  // True when there are changes not committed yet.
  bool dirty() const { return dirty_; }
  // Commits if dirty(); returns whether it did. Throws IndexError.
  bool Commit();

  Xapian::doccount talks() const;

  // Puts the database at `built` (a folder on the same file system) in place
  // of this one in one atomic exchange, drops what was not committed here,
  // and goes on writing the new one. The old database ends up at `built`.
  // Throws IndexError, IndexLockedError.
  void ReplaceDatabase(const std::filesystem::path& built);

 private:
  void Begin();
  void ForEachKey(std::string_view kind, const std::string& prefix,
                  const std::function<void(const std::string&, const FileState&)>& fn);
  void RemoveDocuments(const std::string& path);
  void RemoveEverything();

  std::filesystem::path path_;
  std::string language_;
  Xapian::WritableDatabase db_;
  DocumentBuilder builder_;  // for the spelling words of removed talks
  // Spelling frequency changes of the open batch, applied at Commit().
  std::unordered_map<std::string, std::int64_t> spelling_;
  bool rebuilt_ = false;
  bool dirty_ = false;
};

// Runs `fn`, turning Xapian errors into talksearch errors about the
// database at `db`: DatabaseLockError -> IndexLockedError, any other
// Xapian::Error -> IndexError with advice.
void TranslateXapianErrors(const std::filesystem::path& db, const std::function<void()>& fn);

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_INDEX_WRITER_H_
