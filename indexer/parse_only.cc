// ParseOnly(): the read-and-parse half of a sync, alone, to measure the
// floor under a full index.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>

#include "ordered_pool.h"
#include "talksearch/errors.h"
#include "talksearch/index.h"
#include "walk.h"

namespace talksearch {

namespace {

struct ParsedFile {
  std::uint64_t bytes = 0;
  bool note = false;
  std::size_t talks = 0;
};

}  // namespace

ParseOnlyStats ParseOnly(const IndexOptions& options) {
  auto start = std::chrono::steady_clock::now();
  struct Job {
    NoteReader* reader;
    std::filesystem::path path;
  };
  std::vector<std::unique_ptr<NoteReader>> readers;
  std::vector<Job> jobs;
  for (const std::filesystem::path& root : options.roots) {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::absolute(root, ec).lexically_normal();
    if (ec || !std::filesystem::is_directory(dir, ec)) {
      throw InvalidArgument("the notes folder " + root.string() + " is not a folder");
    }
    readers.push_back(std::make_unique<NoteReader>(dir, options.parse));
    std::vector<WalkEntry> entries;
    WalkNotes(dir, "", entries);
    for (const WalkEntry& entry : entries) jobs.push_back({readers.back().get(), dir / entry.rel});
  }
  unsigned threads = options.threads != 0 ? options.threads
                                          : std::max(1u, std::thread::hardware_concurrency());
  OrderedPool<ParsedFile> pool(jobs.size(), threads, 64 * threads,
                               [&](std::size_t job, unsigned) {
                                 ParsedFile out;
                                 std::error_code ec;
                                 out.bytes = std::filesystem::file_size(jobs[job].path, ec);
                                 ParseResult parsed = jobs[job].reader->Read(jobs[job].path);
                                 if (parsed.note) {
                                   out.note = true;
                                   out.talks = parsed.note->talks.size();
                                 }
                                 return out;
                               });
  ParseOnlyStats stats;
  stats.files = jobs.size();
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    ParsedFile file = pool.Take(i);
    stats.bytes += file.bytes;
    if (file.note) {
      ++stats.notes;
      stats.talks += file.talks;
    } else {
      ++stats.skipped;
    }
  }
  stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace talksearch
