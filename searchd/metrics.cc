#include "metrics.h"

#include <sstream>

namespace talksearch {

void Metrics::Record(const std::string& endpoint, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{endpoint, status}];
  Histogram& h = latency_[endpoint];
  ++h.count;
  h.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
}

std::string Metrics::Render(const IndexInfo* index) const {
  std::ostringstream out;
  out << "# HELP talksearch_http_requests_total HTTP requests answered, by endpoint and status.\n"
         "# TYPE talksearch_http_requests_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [key, count] : requests_) {
    out << "talksearch_http_requests_total{endpoint=\"" << key.first << "\",code=\"" << key.second
        << "\"} " << count << "\n";
  }
  out << "# HELP talksearch_http_request_duration_seconds Time to answer a request.\n"
         "# TYPE talksearch_http_request_duration_seconds histogram\n";
  for (const auto& [endpoint, h] : latency_) {
    std::string label = "endpoint=\"" + endpoint + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out << "talksearch_http_request_duration_seconds_bucket{" << label << ",le=\"" << kBuckets[i]
          << "\"} " << cumulative << "\n";
    }
    out << "talksearch_http_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} "
        << h.count << "\n"
        << "talksearch_http_request_duration_seconds_sum{" << label << "} " << h.sum << "\n"
        << "talksearch_http_request_duration_seconds_count{" << label << "} " << h.count << "\n";
  }
  if (index != nullptr) {
    out << "# HELP talksearch_index_revision The revision of the index being served.\n"
           "# TYPE talksearch_index_revision gauge\n"
        << "talksearch_index_revision " << index->revision << "\n"
        << "# HELP talksearch_index_talks Talks (documents) in the index.\n"
           "# TYPE talksearch_index_talks gauge\n"
        << "talksearch_index_talks " << index->talks << "\n";
    std::size_t down = 0;
    for (const ShardInfo& shard : index->shards) down += shard.up ? 0 : 1;
    out << "# HELP talksearch_shards_down Shards of the index that cannot be searched.\n"
           "# TYPE talksearch_shards_down gauge\n"
        << "talksearch_shards_down " << down << "\n";
  }
  return out.str();
}

}  // namespace talksearch
