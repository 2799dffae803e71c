// The server's life: options checked, cpp-httplib set up with limits and
// timeouts, routes registered behind one wrapper that turns every error into
// a JSON answer, one log line and one metrics sample per request.
#include "server.h"

#include <arpa/inet.h>

#include <condition_variable>
#include <cstring>
#include <iostream>
#include <mutex>
#include <thread>

#include "connection_front.h"
#include "http_util.h"
#include "metrics.h"
#include "routes.h"
#include "searcher_pool.h"
#include "talksearch/errors.h"

namespace talksearch {
namespace {

using Clock = std::chrono::steady_clock;

// When the request being answered on this thread arrived; cpp-httplib reads,
// routes, answers and logs a request on one thread.
thread_local Clock::time_point request_start;

bool IsUrl(const std::string& text) {
  return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0;
}

bool HasControlOrSpace(const std::string& text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return true;
  }
  return false;
}

int DefaultThreads() {
  return static_cast<int>(std::max(8u, 2 * std::thread::hardware_concurrency()));
}

// cpp-httplib's request handling (parsing, routing, answers) without its
// connection handling: the ConnectionFront hands it one whole request at a
// time.
class RequestHandler : public httplib::Server {
 public:
  bool Serve(httplib::Stream& stream, bool close_connection, bool& connection_closed) {
    return process_request(stream, close_connection, connection_closed, nullptr);
  }
};

}  // namespace

void ValidateServerOptions(const ServerOptions& o) {
  if (o.db.empty()) throw InvalidArgument("--db must name the index folder");
  for (const std::string& db : o.db) {
    if (db.empty()) throw InvalidArgument("--db must name the index folder or tcp://HOST:PORT");
  }
  if (o.shard_timeout_ms < 1 || o.shard_timeout_ms > 600000) {
    throw InvalidArgument("--shard-timeout must be between 1 and 600000 ms, not " +
                          std::to_string(o.shard_timeout_ms));
  }
  if (o.port < 0 || o.port > 65535) {
    throw InvalidArgument("--port must be between 0 and 65535 (0: any free port), not " +
                          std::to_string(o.port));
  }
  if (o.threads < 0 || o.threads > 1024) {
    throw InvalidArgument("--threads must be between 1 and 1024 (0: a default), not " +
                          std::to_string(o.threads));
  }
  unsigned char addr[16];
  if (inet_pton(AF_INET, o.listen.c_str(), addr) != 1 &&
      inet_pton(AF_INET6, o.listen.c_str(), addr) != 1 && o.listen != "localhost") {
    throw InvalidArgument("--listen must be an IP address such as 127.0.0.1, not '" + o.listen +
                          "'");
  }
  if (!o.base_url.empty() && (!IsUrl(o.base_url) || HasControlOrSpace(o.base_url))) {
    throw InvalidArgument("--base-url must be an http:// or https:// address, not '" + o.base_url +
                          "'");
  }
  if (!o.cors_origin.empty() && o.cors_origin != "*" &&
      (!IsUrl(o.cors_origin) || HasControlOrSpace(o.cors_origin))) {
    throw InvalidArgument("--cors-origin must be * or an origin such as https://example.org");
  }
}

struct Server::Impl {
  ServerOptions options;
  std::mutex log_mutex;
  Metrics metrics;
  ResponseCache cache;
  SearcherPool pool;
  ApiContext context;
  RequestHandler http;
  std::unique_ptr<ConnectionFront> front;
  int port = 0;

  std::mutex reindex_mutex;  // one reindex at a time
  std::mutex state_mutex;
  std::condition_variable stopped_cv;
  bool listening = false;
  std::mutex join_mutex;
  std::thread listener;

  explicit Impl(ServerOptions o)
      : options(std::move(o)),
        cache(options.cache_entries),
        pool(SearchOptions{options.db, options.shard_timeout_ms, options.shard_retry_ms,
                           options.language, options.base_url},
             options.refresh_interval, [this](const std::string& e) { LogLine("index: " + e); }),
        context{&options, &pool, &metrics, &cache, Clock::now()} {}

  void LogLine(const std::string& line) {
    std::lock_guard lock(log_mutex);
    if (options.log) {
      options.log(line);
    } else {
      std::cerr << line << std::endl;
    }
  }

  void Configure();
  void Answer(const Route& route, const httplib::Request& req, httplib::Response& res);
  bool WritesEnabled() const;
  void Reindex(const httplib::Request& req, httplib::Response& res);
  httplib::Server::HandlerResponse BeforeRouting(const httplib::Request& req,
                                                 httplib::Response& res);
  void AfterAnswer(const httplib::Request& req, const httplib::Response& res);
};

void Server::Impl::Configure() {
  const ServerLimits& limits = options.limits;
  FrontLimits front_limits;
  front_limits.idle_timeout = limits.keep_alive_timeout;
  front_limits.read_timeout = limits.read_timeout;
  front_limits.write_timeout = limits.write_timeout;
  front_limits.max_requests_per_connection = limits.keep_alive_max_requests;
  front_limits.max_connections = limits.max_connections;
  front_limits.max_head_bytes = limits.max_uri_bytes + 8192;
  int threads = options.threads > 0 ? options.threads : DefaultThreads();
  front = std::make_unique<ConnectionFront>(
      front_limits, threads, [this](httplib::Stream& stream, bool close, bool& closed) {
        return http.Serve(stream, close, closed);
      });
  http.set_payload_max_length(limits.max_body_bytes);
  // Only for the Keep-Alive header of answers: the front enforces them.
  http.set_keep_alive_timeout(limits.keep_alive_timeout.count());
  http.set_keep_alive_max_count(limits.keep_alive_max_requests);
  httplib::Headers headers{{"X-Content-Type-Options", "nosniff"}};
  if (!options.cors_origin.empty()) {
    headers.emplace("Access-Control-Allow-Origin", options.cors_origin);
    headers.emplace("Vary", "Origin");
  }
  http.set_default_headers(headers);
  for (const Route& route : Routes()) {
    http.Get(route.path, [this, &route](const httplib::Request& req, httplib::Response& res) {
      Answer(route, req, res);
    });
  }
  if (WritesEnabled()) {
    http.Post("/reindex",
              [this](const httplib::Request& req, httplib::Response& res) { Reindex(req, res); });
  }
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return BeforeRouting(req, res);
  });
  // Only for what no handler explained: unknown paths, 413, 414, bad HTTP.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        SetError(res, res.status, DefaultErrorMessage(res.status, req));
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        bool internal = false;
        SetErrorFor(error, res, &internal);
        LogLine("error: an exception escaped the handler of " + ForLog(req.path));
      });
  http.set_logger(
      [this](const httplib::Request& req, const httplib::Response& res) { AfterAnswer(req, res); });
}

bool Server::Impl::WritesEnabled() const {
  return !options.admin_token.empty() && static_cast<bool>(options.reindex);
}

// Constant time in the length of the token: no early exit on a mismatch.
static bool SameToken(std::string_view given, std::string_view token) {
  unsigned char diff = given.size() == token.size() ? 0 : 1;
  for (std::size_t i = 0; i < token.size(); ++i) {
    diff |= static_cast<unsigned char>(token[i] ^ (i < given.size() ? given[i] : 0));
  }
  return diff == 0;
}

void Server::Impl::Reindex(const httplib::Request& req, httplib::Response& res) {
  std::string auth = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!auth.starts_with(kBearer) ||
      !SameToken(std::string_view(auth).substr(kBearer.size()), options.admin_token)) {
    res.set_header("WWW-Authenticate", "Bearer");
    SetError(res, 401, "POST /reindex needs Authorization: Bearer <the admin token>");
    return;
  }
  try {
    std::lock_guard<std::mutex> lock(reindex_mutex);
    res.set_content(options.reindex(), "application/json");
  } catch (...) {
    bool internal = false;
    SetErrorFor(std::current_exception(), res, &internal);
  }
}

void Server::Impl::Answer(const Route& route, const httplib::Request& req, httplib::Response& res) {
  try {
    route.handler(context, req, res);
  } catch (...) {
    bool internal = false;
    int status = SetErrorFor(std::current_exception(), res, &internal);
    if (status >= 500) {
      // Logged even with --quiet: the operator wants to know why (for a
      // 503, the answer's message; for a 500, the exception's).
      std::string what = "unknown exception";
      try {
        throw;
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      LogLine("error: " + std::to_string(status) + " " + std::string(route.path) + ": " +
              ForLog(what, 500));
    }
  }
}

httplib::Server::HandlerResponse Server::Impl::BeforeRouting(const httplib::Request& req,
                                                             httplib::Response& res) {
  using Result = httplib::Server::HandlerResponse;
  request_start = Clock::now();
  if (req.target.size() > options.limits.max_uri_bytes) {
    SetError(res, 414, DefaultErrorMessage(414, req));
    return Result::Handled;
  }
  if (req.method == "OPTIONS" && !options.cors_origin.empty()) {
    res.status = 204;
    res.set_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
    res.set_header("Access-Control-Max-Age", "600");
    return Result::Handled;
  }
  if (req.method == "POST" && req.path == "/reindex" && WritesEnabled()) return Result::Unhandled;
  if (req.method != "GET" && req.method != "HEAD") {
    res.set_header("Allow", "GET, HEAD");
    SetError(res, 405, "only GET is supported, not " + ForLog(req.method, 20));
    return Result::Handled;
  }
  try {
    CheckUtf8(req);
  } catch (const InvalidArgument& e) {
    SetError(res, 400, e.what());
    return Result::Handled;
  }
  return Result::Unhandled;
}

void Server::Impl::AfterAnswer(const httplib::Request& req, const httplib::Response& res) {
  double seconds = request_start == Clock::time_point{}
                       ? 0
                       : std::chrono::duration<double>(Clock::now() - request_start).count();
  request_start = {};
  std::string endpoint = "other";
  for (const Route& route : Routes()) {
    if (req.path == route.path) endpoint = route.path;
  }
  metrics.Record(endpoint, res.status, seconds);
  if (options.quiet) return;
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", seconds * 1000);
  LogLine(ForLog(req.method, 20) + " " + ForLog(req.path) + " " + std::to_string(res.status) + " " +
          ms + "ms");
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  ValidateServerOptions(impl_->options);
  impl_->pool.Acquire();  // opens the index once: a missing one fails here, not later
  impl_->Configure();
}

Server::~Server() { Stop(); }

void Server::Start() {
  Impl& s = *impl_;
  const ServerOptions& o = s.options;
  s.port = s.front->Bind(o.listen, o.port);
  if (s.port <= 0) {
    throw Error("cannot listen on " + o.listen + ":" + std::to_string(o.port) +
                ": the address is in use or not available here");
  }
  // Listening from here: connections wait in the backlog until Run() takes them.
  s.listening = true;
  s.listener = std::thread([&s] {
    try {
      s.front->Run();
    } catch (const std::exception& e) {
      s.LogLine(std::string("error: the server stopped: ") + e.what());
    }
    std::lock_guard lock(s.state_mutex);
    s.listening = false;
    s.stopped_cv.notify_all();
  });
}

int Server::port() const { return impl_->port; }

bool Server::running() const {
  std::lock_guard lock(impl_->state_mutex);
  return impl_->listening;
}

void Server::Stop() {
  Impl& s = *impl_;
  s.front->Stop();
  Wait();
  std::lock_guard lock(s.join_mutex);
  if (s.listener.joinable()) s.listener.join();
}

void Server::Wait() {
  std::unique_lock lock(impl_->state_mutex);
  impl_->stopped_cv.wait(lock, [this] { return !impl_->listening; });
}

}  // namespace talksearch
