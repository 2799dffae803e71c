// The HTTP server of searchd: the JSON API and the web page over one index.
//
// A Server answers GET /search, /suggest, /similar, /talk, /health, /stats,
// /metrics and / (the page) from a pool of worker threads, each request with
// a Searcher of its own that follows the index's newest committed revision.
// Every answer to a bad request is 4xx with {"error": "..."}; nothing a
// client sends makes it fail. Tests run it in-process on port 0.
#ifndef TALKSEARCH_SEARCHD_SERVER_H_
#define TALKSEARCH_SEARCHD_SERVER_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace talksearch {

// What a client may send and how long it may take. Connections wait for
// their requests in one thread (connection_front.h), not in a worker, so
// idle and slow clients cost a socket each, not a worker.
struct ServerLimits {
  std::size_t max_body_bytes = 64 * 1024;  // larger bodies get 413
  // Longer request targets get 414. cpp-httplib itself stops at 8192.
  std::size_t max_uri_bytes = 8192;
  // A request must arrive whole (head and body) within this of its first
  // byte, however slowly it trickles in; else the connection is closed.
  std::chrono::seconds read_timeout{5};
  std::chrono::seconds write_timeout{5};  // each write of an answer
  // A connection with no byte of a request (new, or after an answer) is
  // closed after this.
  std::chrono::seconds keep_alive_timeout{2};
  std::size_t keep_alive_max_requests = 100;  // then the connection is closed
  // Connections open at once; further ones are closed as soon as accepted.
  std::size_t max_connections = 1000;
};

struct ServerOptions {
  // The index: one folder, or several databases searched as one, each a
  // folder or tcp://HOST:PORT (served by xapian-tcpsrv).
  std::vector<std::string> db;
  // A remote shard slower than this (to connect or to answer) is left out.
  int shard_timeout_ms = 5000;
  // How often a Searcher tries a failed shard again.
  int shard_retry_ms = 2000;
  std::string language = "english";  // stemming; must match the indexer's
  std::string listen = "127.0.0.1";  // address to bind
  int port = 8080;                   // 0: any free port (see Server::port())
  int threads = 0;                   // workers; 0: a default from the core count
  std::string base_url;              // hits link to BASE/<path>.html#<anchor>
  bool quiet = false;                // no request log
  std::string cors_origin;           // Access-Control-Allow-Origin; empty: no CORS
  // Answers to /search kept for requests that come again (response_cache.h);
  // 0 keeps none.
  std::size_t cache_entries = 2000;
  ServerLimits limits;
  // How often a worker's Searcher looks for a newer index revision.
  std::chrono::milliseconds refresh_interval{100};
  // Optional writes, off by default: with a token and a reindex function,
  // POST /reindex runs `reindex` (one at a time) for a client that sends
  // "Authorization: Bearer <admin_token>" (compared in constant time), and
  // answers 401 to any other. `reindex` returns the JSON body to send; it
  // is given by the program (searchd links the indexer) so that this
  // library stays a reader.
  std::string admin_token;
  std::function<std::string()> reindex;
  // Receives each line of the request log and each error (without '\n'),
  // from any worker thread, one call at a time. Empty: standard error.
  std::function<void(const std::string& line)> log;
};

// Throws InvalidArgument, naming the setting ("--port must be ..."), when an
// option cannot work. Does not touch the index or the network.
void ValidateServerOptions(const ServerOptions& options);

class Server {
 public:
  // Validates the options and opens the index once to check it. Throws
  // InvalidArgument (a bad setting) or IndexError (no usable index).
  explicit Server(ServerOptions options);
  ~Server();  // stops the server if it runs
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts answering on a thread of its own; returns once the
  // server accepts connections. Throws Error when the address cannot be
  // bound.
  void Start();

  // The port bound by Start() (the chosen one when options.port was 0).
  int port() const;

  // True between Start() and Stop() (or a failure of the listener).
  bool running() const;

  // Stops accepting, lets requests in flight finish, and returns when the
  // workers are done. Safe to call more than once, and from any thread.
  void Stop();

  // Blocks until the server has stopped.
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace talksearch

#endif  // TALKSEARCH_SEARCHD_SERVER_H_
