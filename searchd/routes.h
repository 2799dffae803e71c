// The route table of searchd: one entry per endpoint, each a function from
// a request to a response. The server (server.cc) wraps every handler so
// that an exception becomes a 4xx/5xx JSON answer. Internal to the searchd
// library.
#ifndef TALKSEARCH_SEARCHD_ROUTES_H_
#define TALKSEARCH_SEARCHD_ROUTES_H_

#include <httplib.h>

#include <chrono>
#include <span>
#include <string>

#include "metrics.h"
#include "response_cache.h"
#include "searcher_pool.h"
#include "server.h"

namespace talksearch {

// What the handlers share. Owned by the server.
struct ApiContext {
  const ServerOptions* options;
  SearcherPool* pool;
  Metrics* metrics;
  ResponseCache* cache;
  std::chrono::steady_clock::time_point started;
};

using RouteHandler = void (*)(ApiContext& context, const httplib::Request& req,
                              httplib::Response& res);

struct Route {
  const char* path;  // exact; also the endpoint label in /metrics
  RouteHandler handler;
  const char* summary;
};

// Every GET endpoint, in the order a reader meets them.
std::span<const Route> Routes();

}  // namespace talksearch

#endif  // TALKSEARCH_SEARCHD_ROUTES_H_
