// Answers to /search kept for requests that come again: the same words
// typed by many people, a shared link, paging back, the page's own request
// when a result link is followed back. An answer is keyed by the request
// and by the generation of the index it came from (Searcher::Generation):
// the first answer kept from a newer generation drops all the others, so a
// commit costs the answers kept and memory holds only what is current. An
// index that cannot tell its generation (remote shards) is never cached,
// nor is a partial answer. Least recently used answers go first. An
// answer is kept as the JSON it was sent as (a hit stamps its own took_ms
// and cached on it, see routes.cc): a repeated search costs a copy, not a
// serialisation.
// Internal to searchd.
#ifndef TALKSEARCH_SEARCHD_RESPONSE_CACHE_H_
#define TALKSEARCH_SEARCHD_RESPONSE_CACHE_H_

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "talksearch/search.h"

namespace talksearch {

class ResponseCache {
 public:
  // Keeps at most `capacity` answers; 0 keeps none.
  explicit ResponseCache(std::size_t capacity) : capacity_(capacity) {}

  bool enabled() const { return capacity_ > 0; }

  // The key of a request: everything in it that shapes the answer.
  static std::string Key(const SearchRequest& request);

  // The answer kept under `key` over the index at `generation`, if any.
  // Thread-safe.
  std::optional<std::string> Find(const std::string& generation, const std::string& key);

  // Keeps `answer` under `key`, computed over the index at `generation`.
  // Thread-safe.
  void Put(const std::string& generation, const std::string& key, std::string answer);

 private:
  using Entry = std::pair<std::string, std::string>;
  std::size_t capacity_;
  std::mutex mutex_;
  std::string generation_;  // of every answer kept
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_key_;
};

}  // namespace talksearch

#endif  // TALKSEARCH_SEARCHD_RESPONSE_CACHE_H_
