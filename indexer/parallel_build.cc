#include "parallel_build.h"

#include <fcntl.h>
#include <stdio.h>
#include <xapian.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "talksearch/errors.h"

namespace talksearch {

namespace fs = std::filesystem;

// One writer on its own database and thread, fed through a short queue so
// that parsing runs ahead of writing but memory stays bounded.
class ParallelBuild::Lane {
 public:
  Lane(const fs::path& db, const std::string& language, const std::string& roots,
       std::size_t batch_files)
      : db_(db), batch_files_(std::max<std::size_t>(batch_files, 1)) {
    TranslateXapianErrors(db, [&] {
      writer_.emplace(db, language, /*scratch=*/true);
      writer_->SetRoots(roots);
    });
    thread_ = std::thread([this] { Run(); });
  }

  ~Lane() { Close(/*discard=*/true); }

  void Push(std::string path, std::vector<TalkDocument> documents, const FileState& state) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return queue_.size() < kQueued || error_ || closed_; });
    if (error_) std::rethrow_exception(error_);
    queue_.push_back({std::move(path), std::move(documents), state});
    ready_.notify_one();
  }

  // Writes what is queued, commits it and closes the database; rethrows the
  // writer's failure. With `discard`, drops the queue instead.
  void Close(bool discard = false) {
    {
      std::lock_guard lock(mutex_);
      if (discard) queue_.clear();
      closed_ = true;
      discard_ = discard;
    }
    ready_.notify_all();
    space_.notify_all();
    if (thread_.joinable()) thread_.join();
    writer_.reset();
    if (error_ && !discard) std::rethrow_exception(error_);
  }

  const fs::path& db() const { return db_; }

 private:
  struct Item {
    std::string path;
    std::vector<TalkDocument> documents;
    FileState state;
  };
  static constexpr std::size_t kQueued = 64;

  void Run() {
    try {
      std::size_t writes = 0;
      for (;;) {
        std::optional<Item> item;
        {
          std::unique_lock lock(mutex_);
          ready_.wait(lock, [&] { return !queue_.empty() || closed_; });
          if (queue_.empty()) break;
          item = std::move(queue_.front());
          queue_.pop_front();
        }
        space_.notify_one();
        TranslateXapianErrors(db_, [&] {
          writer_->ReplaceFile(item->path, std::move(item->documents), item->state);
          if (++writes >= batch_files_) {
            writer_->Commit();
            writes = 0;
          }
        });
      }
      std::lock_guard lock(mutex_);
      if (!discard_) TranslateXapianErrors(db_, [&] { writer_->Commit(); });
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
      space_.notify_all();
    }
  }

  fs::path db_;
  std::size_t batch_files_;
  std::optional<IndexWriter> writer_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<Item> queue_;
  bool closed_ = false;
  bool discard_ = false;
  std::exception_ptr error_;
};

fs::path ParallelBuild::BuildingFolder(const fs::path& db) {
  fs::path clean = db.lexically_normal();
  if (!clean.has_filename()) clean = clean.parent_path();
  return clean.string() + ".building";
}

ParallelBuild::ParallelBuild(const fs::path& target, const std::string& language,
                             const std::string& roots, unsigned lanes, std::size_t batch_files)
    : target_(target), folder_(BuildingFolder(target)) {
  std::error_code ec;
  fs::remove_all(folder_, ec);
  fs::create_directories(folder_, ec);
  if (ec) {
    throw IndexError("cannot create " + folder_.string() + " for a first build: " + ec.message());
  }
  try {
    for (unsigned i = 0; i < lanes; ++i) {
      lanes_.push_back(
          std::make_unique<Lane>(folder_ / std::to_string(i), language, roots, batch_files));
    }
  } catch (...) {
    Stop();
    throw;
  }
}

ParallelBuild::~ParallelBuild() {
  if (!finished_) Stop();
}

void ParallelBuild::Stop() noexcept {
  for (auto& lane : lanes_) lane->Close(/*discard=*/true);
  lanes_.clear();
  std::error_code ec;
  fs::remove_all(folder_, ec);
}

void ParallelBuild::ReplaceFile(const std::string& path, std::vector<TalkDocument> documents,
                                const FileState& state) {
  lanes_[next_++ % lanes_.size()]->Push(path, std::move(documents), state);
}

void ParallelBuild::Finish(IndexWriter& writer) {
  std::vector<fs::path> parts;
  for (auto& lane : lanes_) {
    lane->Close();
    parts.push_back(lane->db());
  }
  lanes_.clear();
  const fs::path merged = folder_ / "merged";
  TranslateXapianErrors(merged, [&] {
    Xapian::Database all;
    for (const fs::path& part : parts) all.add_database(Xapian::Database(part.string()));
    // Xapian renumbers the documents of the parts one after the other, sums
    // spelling frequencies and keeps one copy of the metadata they share
    // (schema version, language, roots); file states are disjoint.
    all.compact(merged.string());
  });
  writer.ReplaceDatabase(merged);
  finished_ = true;
  std::error_code ec;
  fs::remove_all(folder_, ec);  // the parts and, after the exchange, the old empty index
}

}  // namespace talksearch
