// Searching an index: queries in, ranked talks with snippets and facets out.
//
// A Searcher holds the index open read-only and is cheap to query many
// times. It is not thread-safe: give each thread its own (searchd does).
// It reopens the index when a newer revision has been committed.
//
// The index may be several databases searched as one (shards): each a
// local folder or "tcp://HOST:PORT", a database served by xapian-tcpsrv.
// Ranking statistics are global, so hits, totals and paging are those of
// one database holding everything. A shard that is down or slower than the
// timeout is left out: the answer says which (SearchResponse::shards_failed)
// and the Searcher tries it again now and then (Refresh).
#ifndef TALKSEARCH_SEARCH_H_
#define TALKSEARCH_SEARCH_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace talksearch {

struct SearchOptions {
  // The index: one database, or several searched as one. Each is a folder or
  // "tcp://HOST:PORT". When none can be opened the Searcher throws
  // IndexError; when some can, the others are reported as failed.
  std::vector<std::string> databases;
  // A remote shard that takes longer than this to connect or to answer is
  // left out of the answer.
  int shard_timeout_ms = 5000;
  // A failed shard is tried again by Refresh() at most this often.
  int shard_retry_ms = 2000;
  std::string language = "english";  // stemming; must match the indexer's
  std::string base_url;              // hits get url = base_url/<path>.html#<anchor>
  // Facets are counted from a table of every talk's facets held in memory,
  // made once per index revision (and shared by the process's Searchers)
  // when a query at that revision is the facet_table_after-th, so that a
  // one-shot search does not pay for it. Until then, and always with 0,
  // each match's facets are read from the index.
  int facet_table_after = 2;
};

enum class SortOrder { kRelevance, kNewest, kOldest };

inline constexpr std::size_t kMaxQueryBytes = 1000;
inline constexpr int kMaxLimit = 100;
inline constexpr int kMaxResultWindow = 10000;  // page * limit

struct SearchRequest {
  std::string query;  // the user's words; see README for the syntax
  int page = 1;       // 1-based
  int limit = 10;     // 1..kMaxLimit
  SortOrder sort = SortOrder::kRelevance;
  // Filters: OR within one list, AND across lists.
  std::vector<std::string> events;
  std::vector<std::string> speakers;
  std::vector<std::string> years;
  std::string from, to;  // dates "YYYY", "YYYY-MM" or "YYYY-MM-DD", inclusive
  bool snippets = true;
  bool facets = true;
};

struct Hit {
  std::string id;  // "<path>#<talk index>": stable across rebuilds
  int rank = 0;    // 1-based over the whole result list
  double score = 0;
  std::string path;
  std::string talk;
  std::string event;
  std::string date;
  std::vector<std::string> speakers;
  std::string section;  // the best-matching section's title
  std::string anchor;   // and anchor
  std::string url;      // empty without a base url
  std::string snippet;  // HTML: escaped text, matches in <mark>
};

struct FacetValue {
  std::string value;
  std::uint32_t count = 0;
};

struct SearchResponse {
  std::string query;
  std::string corrected;        // a better spelling of the query, or ""
  // The hits are for `corrected`: a word of the query is in no talk, so the
  // corrected query finds all the original would, and more.
  bool showing_corrected = false;
  bool relaxed = false;         // the query's syntax was not valid; searched as plain words
  std::uint32_t total = 0;      // Xapian's estimate of the matches
  std::uint32_t total_min = 0, total_max = 0;
  int page = 1, limit = 10;
  int offset = 0;        // (page - 1) * limit
  double took_ms = 0;    // time spent inside the engine
  // searchd answered from its cache of recent answers (took_ms is then the
  // time to find it there); the answer is what the index gives now.
  bool cached = false;
  std::vector<Hit> hits;
  // "event", "year", "speaker" -> values by count, over the whole match set.
  std::map<std::string, std::vector<FacetValue>> facets;
  // The shards (as given in SearchOptions::databases) that could not be
  // searched: down, or slower than the timeout. The answer is partial: it
  // holds what the other shards hold.
  std::vector<std::string> shards_failed;
  // What is not as over one local database because some shards are remote:
  // "facets" (a talk noted twice is counted once per note), "snippets" (the
  // window is chosen by the matches alone, without the rarity of the other
  // words), "spelling" (corrections come only from local shards). README.
  std::vector<std::string> degraded;
};

struct TalkSections {
  Hit talk;  // no snippet
  struct Section {
    std::string title, anchor, text, code;
  };
  std::vector<Section> sections;
};

struct ShardInfo {
  std::string database;  // as given
  bool up = false;
  bool remote = false;
  std::uint32_t talks = 0;
  std::string error;  // why it is down
};

struct IndexInfo {
  // The revision of the index; with several databases, the sum of the local
  // ones' revisions (a remote database does not tell its revision).
  std::uint64_t revision = 0;
  std::uint32_t talks = 0;  // in the shards that are up
  std::vector<ShardInfo> shards;
};

class Searcher {
 public:
  // Opens the index. Throws IndexError (missing, unreadable, not an index).
  explicit Searcher(SearchOptions options);
  ~Searcher();
  Searcher(Searcher&&) noexcept;
  Searcher& operator=(Searcher&&) noexcept;

  // Runs a query. Throws InvalidArgument for a bad request (too long, bad
  // page or limit, a wildcard that expands too far) with a message for the
  // user; a query with broken syntax is retried as plain words instead.
  SearchResponse Search(const SearchRequest& request);

  // Talks like the talk `id` (relevance feedback). Throws NotFound.
  std::vector<Hit> Similar(const std::string& id, int limit = 10);

  // Completions for what the user is typing: titles, speakers, events and
  // words that start with the last word of `prefix`.
  std::vector<std::string> Suggest(const std::string& prefix, int limit = 8);

  // The talk `id` with its sections as indexed. Throws NotFound.
  TalkSections Talk(const std::string& id);

  IndexInfo Info();
  // Text that changes whenever what this Searcher answers from changes (a
  // commit, a rebuild, a shard going down or coming back); nullopt when
  // that cannot be told, as over remote shards. For caching answers.
  std::optional<std::string> Generation();

  // Reopens the index if a newer revision was committed, marks shards that
  // stopped answering as failed and tries failed shards again (at most every
  // shard_retry_ms); true if anything moved.
  bool Refresh();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// JSON for the API and `search --json`.
std::string ToJson(const SearchResponse& response, int indent = -1);
std::string ToJson(const std::vector<Hit>& hits, int indent = -1);
std::string ToJson(const TalkSections& talk, int indent = -1);

}  // namespace talksearch

#endif  // TALKSEARCH_SEARCH_H_
