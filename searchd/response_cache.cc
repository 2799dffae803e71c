#include "response_cache.h"

#include <nlohmann/json.hpp>

namespace talksearch {

std::string ResponseCache::Key(const SearchRequest& r) {
  // A JSON array: no two requests give the same text.
  nlohmann::json key{r.query, r.page,  r.limit, static_cast<int>(r.sort), r.events, r.speakers,
                     r.years, r.from, r.to,    r.snippets,               r.facets};
  return key.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> ResponseCache::Find(const std::string& generation,
                                                  const std::string& key) {
  if (capacity_ == 0) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (generation != generation_) return std::nullopt;
  auto found = by_key_.find(key);
  if (found == by_key_.end()) return std::nullopt;
  entries_.splice(entries_.begin(), entries_, found->second);
  return found->second->second;
}

void ResponseCache::Put(const std::string& generation, const std::string& key,
                        std::string answer) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (generation != generation_) {
    // A newer index (or, for a moment after a commit, a worker not yet
    // moved to it): what is kept belongs to the other.
    entries_.clear();
    by_key_.clear();
    generation_ = generation;
  }
  auto found = by_key_.find(key);
  if (found != by_key_.end()) {
    found->second->second = std::move(answer);
    entries_.splice(entries_.begin(), entries_, found->second);
    return;
  }
  entries_.emplace_front(key, std::move(answer));
  by_key_[key] = entries_.begin();
  while (entries_.size() > capacity_) {
    by_key_.erase(entries_.back().first);
    entries_.pop_back();
  }
}

}  // namespace talksearch
