#include "index_writer.h"

#include <fcntl.h>
#include <stdio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "parallel_build.h"
#include "talksearch/errors.h"
#include "talksearch/schema.h"

namespace talksearch {
namespace {

std::string Key(const std::string& path) { return std::string(schema::kFileKey) + path; }

// A folder holding only Xapian's files but no "iamglass" is a database
// whose creation was killed before its first commit: start it again.
bool WasKilledBeingCreated(const std::filesystem::path& db) {
  std::error_code ec;
  if (!std::filesystem::is_directory(db, ec) || std::filesystem::exists(db / "iamglass", ec)) {
    return false;
  }
  for (const auto& entry : std::filesystem::directory_iterator(db, ec)) {
    std::string name = entry.path().filename().string();
    std::string stem = name.substr(0, name.find('.'));
    static constexpr std::string_view kXapianFiles[] = {
        "flintlock", "postlist", "termlist", "docdata", "position", "spelling", "synonym"};
    bool temporary = name.ends_with(".tmp");  // "v.tmp": iamglass being written
    if (!temporary && std::find(std::begin(kXapianFiles), std::end(kXapianFiles), stem) ==
                          std::end(kXapianFiles)) {
      return false;
    }
  }
  return !ec;
}

Xapian::WritableDatabase OpenWritable(const std::filesystem::path& db, bool scratch = false) {
  std::error_code ec;
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path(), ec);
  if (ec) {
    throw IndexError("cannot create the folder of the index at " + db.string() + ": " +
                     ec.message());
  }
  int action = WasKilledBeingCreated(db) ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN;
  if (scratch) action |= Xapian::DB_NO_SYNC;
  return Xapian::WritableDatabase(db.string(), action);
}

}  // namespace

void TranslateXapianErrors(const std::filesystem::path& db, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Xapian::DatabaseLockError&) {
    throw IndexLockedError("the index at " + db.string() +
                           " is being updated by another indexer; wait for it to finish, or "
                           "stop it (indexer --watch holds the index while it runs)");
  } catch (const Xapian::DatabaseCorruptError& e) {
    throw IndexError("the index at " + db.string() + " is corrupt (" + e.get_description() +
                     "); delete the folder and run indexer again to rebuild it");
  } catch (const Xapian::DatabaseError& e) {
    throw IndexError("cannot use the index at " + db.string() + ": " + e.get_description() +
                     "; check that the path is a talksearch index folder you can write, or "
                     "delete it and run indexer again");
  } catch (const Xapian::Error& e) {
    throw IndexError("the index at " + db.string() + " failed: " + e.get_description());
  }
}

IndexWriter::IndexWriter(const std::filesystem::path& db, const std::string& language,
                         bool scratch)
    : path_(db), language_(language), db_(OpenWritable(db, scratch)), builder_(language) {
  // The parts of a first build killed before it finished (parallel_build.h);
  // only the writer holding the lock removes them.
  std::error_code ec;
  std::filesystem::remove_all(ParallelBuild::BuildingFolder(db), ec);
  std::string version = db_.get_metadata(std::string(schema::kVersionKey));
  std::string stored_language = db_.get_metadata(std::string(schema::kLanguageKey));
  const std::string want_version = std::to_string(schema::kVersion);
  if (version == want_version && stored_language == language) return;
  bool empty = db_.get_doccount() == 0 &&
               db_.metadata_keys_begin() == db_.metadata_keys_end();
  Begin();
  if (!empty) {
    RemoveEverything();
    rebuilt_ = true;
  }
  db_.set_metadata(std::string(schema::kVersionKey), want_version);
  db_.set_metadata(std::string(schema::kLanguageKey), language);
}

void IndexWriter::Begin() {
  // Each batch is one flushed transaction: Xapian makes no automatic commit
  // inside it (so a file's documents and state always land together), and
  // an exception that unwinds the writer cancels it instead of committing
  // half a file.
  if (dirty_) return;
  db_.begin_transaction(true);
  dirty_ = true;
}

void IndexWriter::RemoveEverything() {
  std::vector<Xapian::docid> ids;
  for (auto it = db_.postlist_begin(""); it != db_.postlist_end(""); ++it) ids.push_back(*it);
  for (Xapian::docid id : ids) db_.delete_document(id);
  std::vector<std::string> keys(db_.metadata_keys_begin(), db_.metadata_keys_end());
  for (const std::string& key : keys) db_.set_metadata(key, "");
  std::vector<std::pair<std::string, Xapian::termcount>> spellings;
  for (auto it = db_.spellings_begin(); it != db_.spellings_end(); ++it) {
    spellings.emplace_back(*it, it.get_termfreq());
  }
  for (const auto& [word, freq] : spellings) db_.remove_spelling(word, freq);
}

std::optional<FileState> IndexWriter::State(const std::string& path) {
  std::string value = db_.get_metadata(Key(path));
  if (value.empty()) return std::nullopt;
  return DecodeFileState(value);
}

void IndexWriter::ForEachState(
    const std::string& prefix,
    const std::function<void(const std::string&, const FileState&)>& fn) {
  ForEachKey(schema::kFileKey, prefix, fn);
}

void IndexWriter::ForEachPeerState(
    const std::string& prefix,
    const std::function<void(const std::string&, const FileState&)>& fn) {
  ForEachKey(schema::kPeerKey, prefix, fn);
}

void IndexWriter::SetPeerState(const std::string& path, const std::optional<FileState>& state) {
  Begin();
  db_.set_metadata(std::string(schema::kPeerKey) + path, state ? EncodeFileState(*state) : "");
}

void IndexWriter::ForEachKey(std::string_view kind, const std::string& prefix,
                             const std::function<void(const std::string&, const FileState&)>& fn) {
  const std::string key_prefix = std::string(kind) + prefix;
  for (auto it = db_.metadata_keys_begin(key_prefix); it != db_.metadata_keys_end(key_prefix);
       ++it) {
    const std::string key = *it;
    std::optional<FileState> state = DecodeFileState(db_.get_metadata(key));
    // A state that does not decode is treated as a file with no state: its
    // path is still reported, with a zero state, so it is re-read.
    fn(key.substr(kind.size()), state.value_or(FileState{}));
  }
}

void IndexWriter::RemoveDocuments(const std::string& path) {
  const std::string term = schema::PathTerm(path);
  bool any = false;
  for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) {
    any = true;
    try {
      TalkRecord record = DecodeTalkRecord(db_.get_document(*it).get_data());
      for (const auto& [word, freq] : builder_.Spelling(record)) spelling_[word] -= freq;
    } catch (const RecordError&) {
      // Not our record: nothing to take out of the spelling data.
    }
  }
  if (any) db_.delete_document(term);
}

void IndexWriter::ReplaceFile(const std::string& path, std::vector<TalkDocument> documents,
                              const FileState& state) {
  Begin();
  RemoveDocuments(path);
  for (TalkDocument& talk : documents) {
    db_.add_document(talk.document);
    for (const auto& [word, freq] : talk.spelling) spelling_[word] += freq;
  }
  SetState(path, state);
}

void IndexWriter::RemoveFile(const std::string& path) {
  Begin();
  RemoveDocuments(path);
  db_.set_metadata(Key(path), "");
}

void IndexWriter::SetState(const std::string& path, const FileState& state) {
  Begin();
  db_.set_metadata(Key(path), EncodeFileState(state));
}

void IndexWriter::SetRoots(const std::string& roots) {
  if (db_.get_metadata(std::string(schema::kRootKey)) == roots) return;
  Begin();
  db_.set_metadata(std::string(schema::kRootKey), roots);
}

void IndexWriter::SetShard(unsigned shards, unsigned shard) {
  auto describe = [](const std::string& value) {
    if (value.empty()) return std::string("every note (no --shards)");
    std::size_t slash = value.find('/');
    return "shard " + value.substr(0, slash) + " of " + value.substr(slash + 1) + " (--shards " +
           value.substr(slash + 1) + " --shard " + value.substr(0, slash) + ")";
  };
  const std::string key(schema::kShardKey);
  const std::string want = shards == 0 ? "" : std::to_string(shard) + "/" + std::to_string(shards);
  const std::string have = db_.get_metadata(key);
  if (have == want) return;
  const std::string file_key(schema::kFileKey);
  if (db_.get_doccount() > 0 ||
      db_.metadata_keys_begin(file_key) != db_.metadata_keys_end(file_key)) {
    throw InvalidArgument("the index at " + path_.string() + " holds " + describe(have) + ", not " +
                          describe(want) +
                          ": run with the options it was built with, or name another --db");
  }
  Begin();
  db_.set_metadata(key, want);
}

bool IndexWriter::Commit() {
  if (!dirty_) return false;
  try {
    // Spelling changes are summed over the batch: one add_spelling call per
    // distinct word instead of one per word of every talk.
    for (const auto& [word, delta] : spelling_) {
      if (delta > 0) db_.add_spelling(word, static_cast<Xapian::termcount>(delta));
      if (delta < 0) db_.remove_spelling(word, static_cast<Xapian::termcount>(-delta));
    }
    spelling_.clear();
    db_.commit_transaction();
  } catch (const Xapian::Error& e) {
    throw IndexError("could not commit the index at " + path_.string() + ": " +
                     e.get_description() + "; the previous commit is intact, run indexer again");
  }
  dirty_ = false;
  return true;
}

Xapian::doccount IndexWriter::talks() const { return db_.get_doccount(); }

void IndexWriter::ReplaceDatabase(const std::filesystem::path& built) {
  if (dirty_) {
    db_.cancel_transaction();
    dirty_ = false;
    spelling_.clear();
  }
  db_.close();
  // renameat2(RENAME_EXCHANGE) swaps the two folders at once: a reader or a
  // kill sees the old database or the new one, never none.
  if (renameat2(AT_FDCWD, built.c_str(), AT_FDCWD, path_.c_str(), RENAME_EXCHANGE) != 0) {
    int error = errno;
    db_ = OpenWritable(path_);
    throw IndexError("could not put the new index in place at " + path_.string() + ": " +
                     std::strerror(error));
  }
  TranslateXapianErrors(path_, [&] { db_ = OpenWritable(path_); });
}

}  // namespace talksearch
