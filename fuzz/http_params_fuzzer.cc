// libFuzzer target for searchd's HTTP parameter handling: a query string as
// a client sends it, parsed by cpp-httplib as the server does, checked for
// UTF-8 as the server's pre-routing does, then given to the route's handler
// over a small index built at start-up from tests/data. Every answer must be
// 2xx or 4xx with a JSON body; a 5xx (SetErrorFor's "internal") or anything
// escaping, or any sanitizer report, is a bug.
//
// Input: byte 0 picks the route; the rest is the query string
// ("q=gevent&limit=5&event=...").
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "http_util.h"
#include "metrics.h"
#include "routes.h"
#include "searcher_pool.h"
#include "server.h"
#include "talksearch/errors.h"
#include "talksearch/index.h"

namespace {

namespace fs = std::filesystem;

struct State {
  fs::path dir;
  talksearch::ServerOptions options;
  std::unique_ptr<talksearch::SearcherPool> pool;
  talksearch::Metrics metrics;
  // Small, so that inputs go both through the answer cache and past it.
  talksearch::ResponseCache cache{64};
  std::unique_ptr<talksearch::ApiContext> context;
};

State* state = nullptr;

void Cleanup() {
  if (state == nullptr) return;
  std::error_code ec;
  fs::path dir = state->dir;
  delete state;
  state = nullptr;
  fs::remove_all(dir, ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  state = new State;
  std::string dir = (fs::temp_directory_path() / "talksearch-fuzz-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) std::abort();
  state->dir = dir;
  std::atexit(Cleanup);
  talksearch::IndexOptions index;
  index.db = state->dir / "db";
  index.roots = {fs::path(TALKSEARCH_TEST_DATA)};
  index.threads = 1;
  talksearch::Sync(index);
  state->options.db = {index.db.string()};
  state->options.base_url = "https://notes.example.org";
  state->pool = std::make_unique<talksearch::SearcherPool>(
      talksearch::SearchOptions{state->options.db, state->options.shard_timeout_ms,
                                state->options.shard_retry_ms, state->options.language,
                                state->options.base_url},
      std::chrono::milliseconds(100));
  state->context = std::make_unique<talksearch::ApiContext>(talksearch::ApiContext{
      &state->options, state->pool.get(), &state->metrics, &state->cache,
      std::chrono::steady_clock::now()});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto routes = talksearch::Routes();
  const talksearch::Route& route = routes[data[0] % routes.size()];
  httplib::Request req;
  req.method = "GET";
  req.path = route.path;
  std::string query(reinterpret_cast<const char*>(data) + 1, size - 1);
  req.target = req.path + "?" + query;
  httplib::detail::parse_query_text(query, req.params);
  httplib::Response res;
  try {
    talksearch::CheckUtf8(req);
  } catch (const talksearch::InvalidArgument&) {
    return 0;  // the server answers 400 before any handler runs
  }
  try {
    route.handler(*state->context, req, res);
  } catch (...) {
    bool internal = false;
    talksearch::SetErrorFor(std::current_exception(), res, &internal);
    if (internal) __builtin_trap();  // a 500: a bug
  }
  if (res.status >= 500) __builtin_trap();
  if (res.get_header_value("Content-Type") == "application/json" &&
      nlohmann::json::parse(res.body, nullptr, false).is_discarded()) {
    __builtin_trap();  // malformed JSON
  }
  return 0;
}
