// A pool of threads that run numbered jobs ahead of a single consumer, which
// takes the results in order. Internal to the indexer library.
#ifndef TALKSEARCH_INDEXER_ORDERED_POOL_H_
#define TALKSEARCH_INDEXER_ORDERED_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace talksearch {

template <typename Result>
class OrderedPool {
 public:
  // Runs `work(job, worker)` for job = 0 .. jobs-1 on `threads` threads
  // (worker = 0 .. threads-1), at most `window` jobs ahead of Take().
  OrderedPool(std::size_t jobs, unsigned threads, std::size_t window,
              std::function<Result(std::size_t, unsigned)> work)
      : jobs_(jobs), window_(window), work_(std::move(work)), results_(jobs), errors_(jobs) {
    for (unsigned i = 0; i < threads && i < jobs; ++i) threads_.emplace_back([this, i] { Run(i); });
  }

  ~OrderedPool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    space_.notify_all();
    for (std::thread& thread : threads_) thread.join();
  }

  OrderedPool(const OrderedPool&) = delete;
  OrderedPool& operator=(const OrderedPool&) = delete;

  // The result of job `job`, waiting for it; call with 0, 1, 2 ... in turn.
  // Rethrows what the job threw.
  Result Take(std::size_t job) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return results_[job].has_value() || errors_[job]; });
    taken_ = job + 1;
    space_.notify_all();
    if (errors_[job]) std::rethrow_exception(errors_[job]);
    Result result = std::move(*results_[job]);
    results_[job].reset();
    return result;
  }

 private:
  void Run(unsigned worker) {
    for (;;) {
      std::size_t job;
      {
        std::unique_lock lock(mutex_);
        space_.wait(lock, [&] { return stop_ || next_ >= jobs_ || next_ < taken_ + window_; });
        if (stop_ || next_ >= jobs_) return;
        job = next_++;
      }
      std::optional<Result> result;
      std::exception_ptr error;
      try {
        result.emplace(work_(job, worker));
      } catch (...) {
        error = std::current_exception();
      }
      {
        std::lock_guard lock(mutex_);
        results_[job] = std::move(result);
        errors_[job] = error;
      }
      ready_.notify_all();
    }
  }

  const std::size_t jobs_;
  const std::size_t window_;
  std::function<Result(std::size_t, unsigned)> work_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::vector<std::optional<Result>> results_;
  std::vector<std::exception_ptr> errors_;
  std::vector<std::thread> threads_;
  std::size_t next_ = 0;
  std::size_t taken_ = 0;
  bool stop_ = false;
};

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_ORDERED_POOL_H_
