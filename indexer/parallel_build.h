// A first build written by several writers at once. Xapian takes one writer
// per database, and on a first build that writer is most of the work (the
// profile in bench/RESULTS.md); so the files are dealt to `lanes` writers,
// each on a database of its own beside the index (<db>.building/<lane>), on
// its own thread, and at the end the parts are merged with Xapian's compactor
// into one compact database that takes the index's place in one atomic
// rename. A run killed before that rename leaves the index as it was (empty)
// and the parts behind, which the next writer removes. Internal to the
// indexer library.
#ifndef TALKSEARCH_INDEXER_PARALLEL_BUILD_H_
#define TALKSEARCH_INDEXER_PARALLEL_BUILD_H_

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "index_writer.h"
#include "talk_document.h"
#include "file_state.h"

namespace talksearch {

class ParallelBuild {
 public:
  // Starts `lanes` writers on fresh databases under `target`'s building
  // folder, each recording `roots` and committing every `batch_files` files.
  ParallelBuild(const std::filesystem::path& target, const std::string& language,
                const std::string& roots, unsigned lanes, std::size_t batch_files);
  // Without Finish(): stops the writers and removes the parts.
  ~ParallelBuild();
  ParallelBuild(const ParallelBuild&) = delete;
  ParallelBuild& operator=(const ParallelBuild&) = delete;

  // Hands a file's documents and state to the next writer (round robin).
  // Rethrows a writer's failure.
  void ReplaceFile(const std::string& path, std::vector<TalkDocument> documents,
                   const FileState& state);
  // Commits every part, merges them into one compacted database and puts it
  // in place of `writer`'s, which is reopened on it. Throws IndexError.
  void Finish(IndexWriter& writer);

  // The folder of the parts of the index at `db`.
  static std::filesystem::path BuildingFolder(const std::filesystem::path& db);

 private:
  class Lane;
  void Stop() noexcept;

  std::filesystem::path target_;
  std::filesystem::path folder_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::size_t next_ = 0;
  bool finished_ = false;
};

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_PARALLEL_BUILD_H_
