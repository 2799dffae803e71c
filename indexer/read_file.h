// Reading a note file whole, safely. Internal to the indexer library.
#ifndef TALKSEARCH_INDEXER_READ_FILE_H_
#define TALKSEARCH_INDEXER_READ_FILE_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace talksearch {

// Reads the regular file at `path` into `bytes`; returns "" on success, else
// why not (the text of errno, "not a regular file", "over the size limit
// (...)", "deleted while being read", "kept changing while being read").
//
// Opened non-blocking and checked after the open, so a FIFO or device (or a
// file swapped for one since it was listed) never blocks. A file larger than
// `limit` bytes is not read, nor is one that grows past it while being read.
// A file whose size or times change while it is read is read again (a few
// times), so the bytes returned were, at one moment, the whole file.
std::string ReadRegularFile(const std::filesystem::path& path, std::size_t limit,
                            std::string& bytes);

// "over the size limit (SIZE bytes > LIMIT)": the reason a file is skipped
// for its size. A file skipped for it is looked at again when the limit
// changes, so every such reason starts with the same words.
std::string OverSizeLimit(std::uint64_t size, std::size_t limit);
bool IsOverSizeLimit(std::string_view reason);

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_READ_FILE_H_
