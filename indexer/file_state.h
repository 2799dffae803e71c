// The recorded state of one note file, kept in the database's metadata under
// schema::kFileKey + path, in the same commit as the file's documents.
// Internal to the indexer library.
#ifndef TALKSEARCH_INDEXER_FILE_STATE_H_
#define TALKSEARCH_INDEXER_FILE_STATE_H_

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace talksearch {

struct FileState {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  std::uint64_t inode = 0;
  std::uint64_t hash = 0;  // HashBytes of the content; 0 when not read
  int talks = 0;
  // The stat was taken so soon after the file changed that another change in
  // the same clock tick could leave it unchanged (git's "racy" files): the
  // next run hashes the file even when its stat is the same.
  bool racy = false;
  std::string skipped;  // why the file is not indexed; empty when it is
};

// What a sync keeps of a file's stat: 32 bytes instead of struct stat's
// 144, for each of the tens of thousands of files a walk lists.
struct FileStat {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  std::uint64_t inode = 0;
};
FileStat StatOf(const struct stat& st);

// The stat part of a state (size, times, inode; hash and talks left 0).
// `now_ns` is the time of the stat; it decides `racy`.
FileState StatState(const FileStat& st, std::int64_t now_ns);
inline FileState StatState(const struct stat& st, std::int64_t now_ns) {
  return StatState(StatOf(st), now_ns);
}

// True when size, mtime, ctime and inode are all the same.
bool SameStat(const FileState& a, const FileState& b);

std::string EncodeFileState(const FileState& state);
// nullopt when `text` is not an encoded state.
std::optional<FileState> DecodeFileState(std::string_view text);

// 64-bit FNV-1a of the bytes.
std::uint64_t HashBytes(std::string_view bytes);

// The shard (0..shards-1) a note belongs to: its stored path's HashBytes
// modulo `shards`. Stable across machines and runs.
inline unsigned ShardOf(std::string_view stored_path, unsigned shards) {
  return static_cast<unsigned>(HashBytes(stored_path) % shards);
}

// The current time in nanoseconds since the epoch (CLOCK_REALTIME, as file
// times are).
std::int64_t NowNs();

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_FILE_STATE_H_
