// The endpoints of searchd. Each handler reads its parameters strictly
// (http_util.h), borrows a Searcher and writes JSON; errors are thrown and
// turned into answers by the server's wrapper.
#include "routes.h"

#include <nlohmann/json.hpp>
#include <random>

#include "http_util.h"
#include "talksearch/errors.h"
#include "talksearch/search.h"
#include "web_page.h"

namespace talksearch {
namespace {

using Json = nlohmann::ordered_json;
constexpr const char* kJson = "application/json";

// Runs `f` with a borrowed Searcher. After an IndexError the Searcher is
// dropped, so that the next request opens the index afresh.
template <typename F>
void WithSearcher(ApiContext& context, F f) {
  SearcherPool::Lease lease = context.pool->Acquire();
  try {
    f(*lease);
  } catch (const IndexError&) {
    lease.Discard();
    throw;
  }
}

void SetJson(httplib::Response& res, const Json& body) {
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), kJson);
}

SortOrder ParseSort(const std::string& text) {
  if (text == "relevance") return SortOrder::kRelevance;
  if (text == "newest") return SortOrder::kNewest;
  if (text == "oldest") return SortOrder::kOldest;
  throw InvalidArgument("sort must be relevance, newest or oldest");
}

// An id or prefix no longer than a query may be.
std::string ShortParam(const httplib::Request& req, const std::string& name) {
  std::string value = RequiredParam(req, name);
  if (value.size() > kMaxQueryBytes) {
    throw InvalidArgument("the parameter '" + name + "' is longer than " +
                          std::to_string(kMaxQueryBytes) + " bytes");
  }
  return value;
}

// `answer` (ToJson of a SearchResponse) with its took_ms and cached fields
// set. Inside a JSON string a quote is escaped (\"), so a field's quoted
// name and colon can only be the field itself; both fields have others
// after them, so each value ends at a comma.
std::string Stamped(std::string answer, double took_ms, bool cached) {
  auto set = [&answer](std::string_view name, const std::string& value) {
    std::string field = "\"" + std::string(name) + "\":";
    std::size_t at = answer.find(field);
    std::size_t end = at == std::string::npos ? at : answer.find(',', at);
    if (end == std::string::npos) return;
    answer.replace(at + field.size(), end - at - field.size(), value);
  };
  set("took_ms", Json(took_ms).dump());
  set("cached", cached ? "true" : "false");
  return answer;
}

void HandleSearch(ApiContext& context, const httplib::Request& req, httplib::Response& res) {
  SearchRequest request;
  request.query = RequiredParam(req, "q");
  request.page = IntParam(req, "page", 1);
  request.limit = IntParam(req, "limit", 10);
  request.sort = ParseSort(Param(req, "sort").value_or("relevance"));
  request.events = Params(req, "event");
  request.speakers = Params(req, "speaker");
  request.years = Params(req, "year");
  request.from = Param(req, "from").value_or("");
  request.to = Param(req, "to").value_or("");
  WithSearcher(context, [&](Searcher& searcher) {
    auto start = std::chrono::steady_clock::now();
    std::optional<std::string> generation;
    if (context.cache->enabled()) generation = searcher.Generation();
    std::string key = generation ? ResponseCache::Key(request) : "";
    if (std::optional<std::string> kept =
            generation ? context.cache->Find(*generation, key) : std::nullopt) {
      double took = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start).count();
      res.set_content(Stamped(std::move(*kept), took, true), kJson);
      return;
    }
    SearchResponse response = searcher.Search(request);
    std::string answer = ToJson(response);
    // Kept as sent; a hit stamps its own time and "cached": true on it.
    if (generation && response.shards_failed.empty()) context.cache->Put(*generation, key, answer);
    res.set_content(std::move(answer), kJson);
  });
}

void HandleSuggest(ApiContext& context, const httplib::Request& req, httplib::Response& res) {
  std::string prefix = ShortParam(req, "q");
  int limit = IntParam(req, "limit", 8);
  if (limit < 1 || limit > 50) throw InvalidArgument("limit must be between 1 and 50");
  WithSearcher(context, [&](Searcher& searcher) {
    SetJson(res, Json{{"query", prefix}, {"suggestions", searcher.Suggest(prefix, limit)}});
  });
}

// A talk id as hits carry it, "<path>#<talk index>"; anything else is no
// talk (so "x#abc" is not read as talk 0 of x).
std::string TalkIdParam(const httplib::Request& req) {
  std::string id = ShortParam(req, "id");
  std::size_t hash = id.rfind('#');
  bool digits = hash != std::string::npos && hash > 0 && id.size() - hash - 1 >= 1 &&
                id.size() - hash - 1 <= 9 &&
                id.find_first_not_of("0123456789", hash + 1) == std::string::npos;
  if (!digits) throw NotFound("no talk has the id '" + id + "' (ids look like path#0)");
  return id;
}

void HandleSimilar(ApiContext& context, const httplib::Request& req, httplib::Response& res) {
  std::string id = TalkIdParam(req);
  int limit = IntParam(req, "limit", 5);
  WithSearcher(context, [&](Searcher& searcher) {
    res.set_content(ToJson(searcher.Similar(id, limit)), kJson);
  });
}

void HandleTalk(ApiContext& context, const httplib::Request& req, httplib::Response& res) {
  std::string id = TalkIdParam(req);
  WithSearcher(context,
               [&](Searcher& searcher) { res.set_content(ToJson(searcher.Talk(id)), kJson); });
}

void HandleHealth(ApiContext& context, const httplib::Request&, httplib::Response& res) {
  WithSearcher(context, [&](Searcher& searcher) {
    IndexInfo info = searcher.Info();
    // Each shard's state; "partial" while one is down (the others answer).
    Json shards = Json::array();
    bool partial = false;
    for (const ShardInfo& shard : info.shards) {
      Json one{{"db", shard.database},
               {"state", shard.up ? "up" : "down"},
               {"remote", shard.remote},
               {"talks", shard.talks}};
      if (!shard.up) one["error"] = shard.error;
      partial = partial || !shard.up;
      shards.push_back(std::move(one));
    }
    SetJson(res, Json{{"status", partial ? "partial" : "ok"},
                      {"revision", info.revision},
                      {"talks", info.talks},
                      {"shards", shards}});
  });
}

Json FacetJson(const std::vector<FacetValue>& values) {
  Json list = Json::array();
  for (const FacetValue& v : values) list.push_back({{"value", v.value}, {"count", v.count}});
  return list;
}

void HandleStats(ApiContext& context, const httplib::Request&, httplib::Response& res) {
  WithSearcher(context, [&](Searcher& searcher) {
    IndexInfo info = searcher.Info();
    SearchRequest all;
    all.limit = 1;
    all.snippets = false;
    SearchResponse everything = searcher.Search(all);
    auto uptime = std::chrono::steady_clock::now() - context.started;
    SetJson(res, Json{{"revision", info.revision},
                      {"talks", info.talks},
                      {"events", FacetJson(everything.facets["event"])},
                      {"years", FacetJson(everything.facets["year"])},
                      {"speakers", FacetJson(everything.facets["speaker"])},
                      {"uptime_seconds", std::chrono::duration<double>(uptime).count()}});
  });
}

void HandleMetrics(ApiContext& context, const httplib::Request&, httplib::Response& res) {
  std::optional<IndexInfo> info;
  try {
    WithSearcher(context, [&](Searcher& searcher) { info = searcher.Info(); });
  } catch (const IndexError&) {
    // The counters are still worth having while the index is unreadable.
  }
  res.set_content(context.metrics->Render(info ? &*info : nullptr),
                  "text/plain; version=0.0.4; charset=utf-8");
}

std::string NewNonce() {
  static constexpr char kBase64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  thread_local std::random_device device;
  std::string nonce;
  for (int i = 0; i < 22; ++i) nonce += kBase64[device() % 64];
  return nonce;
}

// The page may run only its own script and style (by nonce), talk only to
// this server, and be framed by no one. A nonce rather than 'unsafe-inline':
// snippets are inserted as HTML, and should one ever carry markup, an
// injected handler or script would still not run.
void HandlePage(ApiContext&, const httplib::Request&, httplib::Response& res) {
  std::string nonce = NewNonce();
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce +
                     "'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
                     "form-action 'self'; frame-ancestors 'none'");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_content(WebPage(nonce), "text/html; charset=utf-8");
}

constexpr Route kRoutes[] = {
    {"/", HandlePage, "the web page"},
    {"/search", HandleSearch, "q, page, limit, sort, event, speaker, year, from, to"},
    {"/suggest", HandleSuggest, "q, limit: completions of what is typed"},
    {"/similar", HandleSimilar, "id, limit: talks like this one"},
    {"/talk", HandleTalk, "id: the talk's sections as indexed"},
    {"/health", HandleHealth, "the index's revision and size, and each shard's state"},
    {"/stats", HandleStats, "the index's events, years and speakers"},
    {"/metrics", HandleMetrics, "Prometheus text"},
};

}  // namespace

std::span<const Route> Routes() { return kRoutes; }

}  // namespace talksearch
