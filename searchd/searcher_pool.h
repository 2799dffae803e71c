// Searchers for the server's worker threads. A Searcher is not thread-safe,
// so each request borrows one for its whole duration and gives it back;
// there are never more Searchers than requests answered at once. A borrowed
// Searcher has looked for a newer index revision within the last
// `refresh_interval`, so a running server follows the indexer's commits.
// Internal to the searchd library.
#ifndef TALKSEARCH_SEARCHD_SEARCHER_POOL_H_
#define TALKSEARCH_SEARCHD_SEARCHER_POOL_H_

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "talksearch/search.h"

namespace talksearch {

class SearcherPool {
 public:
  using Clock = std::chrono::steady_clock;

  // `on_refresh_error` is told when reopening the index failed (the old
  // revision is still served); may be empty.
  SearcherPool(SearchOptions options, Clock::duration refresh_interval,
               std::function<void(const std::string&)> on_refresh_error = {});
  ~SearcherPool();

  // A borrowed Searcher, given back when the Lease ends.
  class Lease {
   public:
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Searcher& operator*() const { return *searcher_; }
    Searcher* operator->() const { return searcher_.get(); }
    // Drops the Searcher instead of giving it back (after an IndexError:
    // the next request opens the index afresh).
    void Discard() { keep_ = false; }

   private:
    friend class SearcherPool;
    Lease(SearcherPool* pool, std::unique_ptr<Searcher> searcher, Clock::time_point checked);
    SearcherPool* pool_;
    std::unique_ptr<Searcher> searcher_;
    Clock::time_point checked_;
    bool keep_ = true;
  };

  // An idle Searcher, or a new one. Throws IndexError when the index cannot
  // be opened.
  Lease Acquire();

 private:
  struct Idle {
    std::unique_ptr<Searcher> searcher;
    Clock::time_point checked;
  };
  void Return(std::unique_ptr<Searcher> searcher, Clock::time_point checked);

  SearchOptions options_;
  Clock::duration refresh_interval_;
  std::function<void(const std::string&)> on_refresh_error_;
  std::mutex mutex_;
  std::vector<Idle> idle_;
};

}  // namespace talksearch

#endif  // TALKSEARCH_SEARCHD_SEARCHER_POOL_H_
