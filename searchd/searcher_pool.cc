#include "searcher_pool.h"

#include "talksearch/errors.h"

namespace talksearch {

SearcherPool::SearcherPool(SearchOptions options, Clock::duration refresh_interval,
                           std::function<void(const std::string&)> on_refresh_error)
    : options_(std::move(options)),
      refresh_interval_(refresh_interval),
      on_refresh_error_(std::move(on_refresh_error)) {}

SearcherPool::~SearcherPool() = default;

SearcherPool::Lease::Lease(SearcherPool* pool, std::unique_ptr<Searcher> searcher,
                           Clock::time_point checked)
    : pool_(pool), searcher_(std::move(searcher)), checked_(checked) {}

SearcherPool::Lease::~Lease() {
  if (searcher_ != nullptr && keep_) pool_->Return(std::move(searcher_), checked_);
}

SearcherPool::Lease SearcherPool::Acquire() {
  Idle idle;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      idle = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  Clock::time_point now = Clock::now();
  if (idle.searcher == nullptr) {
    return Lease(this, std::make_unique<Searcher>(options_), now);
  }
  if (now - idle.checked >= refresh_interval_) {
    try {
      idle.searcher->Refresh();
    } catch (const IndexError& e) {
      if (on_refresh_error_) on_refresh_error_(e.what());
    }
    idle.checked = now;
  }
  return Lease(this, std::move(idle.searcher), idle.checked);
}

void SearcherPool::Return(std::unique_ptr<Searcher> searcher, Clock::time_point checked) {
  std::lock_guard lock(mutex_);
  idle_.push_back({std::move(searcher), checked});
}

}  // namespace talksearch
