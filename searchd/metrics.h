// Request counters and latency histograms for /metrics, in Prometheus's
// text format. Thread-safe. Internal to the searchd library.
#ifndef TALKSEARCH_SEARCHD_METRICS_H_
#define TALKSEARCH_SEARCHD_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "talksearch/search.h"

namespace talksearch {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 11> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5};

  // Counts one answered request. `endpoint` should come from a fixed set
  // (the route table, or "other") so that clients cannot grow the label set.
  void Record(const std::string& endpoint, int status, double seconds);

  // Everything counted so far, and the index's revision and size when
  // `index` is given, as Prometheus text (version 0.0.4).
  std::string Render(const IndexInfo* index) const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
};

}  // namespace talksearch

#endif  // TALKSEARCH_SEARCHD_METRICS_H_
