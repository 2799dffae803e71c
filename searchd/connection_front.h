// The connections of searchd, in front of cpp-httplib's request handling.
//
// cpp-httplib 0.11 (Debian 12) gives every accepted connection a worker
// thread until the connection closes: one that sends nothing holds a worker
// for the whole keep-alive timeout, and one that sends a byte now and then
// holds it for ever (each byte starts the read timeout again). A few hundred
// idle or slow connections stopped the server.
//
// The front accepts connections itself and watches every one from a single
// thread (epoll) until a whole request head ("\r\n\r\n") has arrived; only
// then does a worker take the connection, for that one request, and give it
// back for the next. Deadlines are absolute: a connection with no byte of a
// request is closed after `idle_timeout`, and a request must arrive whole
// (head and body) within `read_timeout` of its first byte, however it
// trickles in. Internal to the searchd library.
#ifndef TALKSEARCH_SEARCHD_CONNECTION_FRONT_H_
#define TALKSEARCH_SEARCHD_CONNECTION_FRONT_H_

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace talksearch {

struct FrontLimits {
  std::chrono::milliseconds idle_timeout{2000};   // no byte of a request yet
  std::chrono::milliseconds read_timeout{5000};   // first byte to the end of the request
  std::chrono::milliseconds write_timeout{5000};  // each write of an answer
  std::size_t max_requests_per_connection = 100;
  std::size_t max_connections = 1000;  // open at once; more are closed at once
  // A head not complete at this size goes to a worker as it is (cpp-httplib
  // answers 414 or 400 from it).
  std::size_t max_head_bytes = 16 * 1024;
};

class ConnectionFront {
 public:
  // Reads one request from `stream` and answers it; false when the
  // connection is to be closed. Sets `connection_closed` when the client
  // asked for that. Called on the worker threads.
  using Serve =
      std::function<bool(httplib::Stream& stream, bool close_connection, bool& connection_closed)>;

  ConnectionFront(FrontLimits limits, int workers, Serve serve);
  ~ConnectionFront();
  ConnectionFront(const ConnectionFront&) = delete;
  ConnectionFront& operator=(const ConnectionFront&) = delete;

  // Binds and listens on host:port (0: any free port); returns the port.
  // Throws Error when the address cannot be used.
  int Bind(const std::string& host, int port);

  // Accepts and serves until Stop(), then closes the waiting connections,
  // lets the requests in flight finish, and returns. Throws Error when the
  // loop cannot go on.
  void Run();

  // Makes Run() return; safe from any thread and more than once.
  void Stop();

  // Connections open now (waiting or being served).
  std::size_t open_connections() const { return open_; }

  struct Connection;  // one client's socket and what it sent; internal

 private:
  using Clock = std::chrono::steady_clock;

  void Accept();
  void Read(Connection& c);
  void Dispatch(std::unique_ptr<Connection> c);
  void Work();
  void Finish(std::unique_ptr<Connection> c, bool keep);
  void Close(std::unique_ptr<Connection> c);
  void Watch(std::unique_ptr<Connection> c);
  Clock::time_point ExpireIdle();

  const FrontLimits limits_;
  const int workers_count_;
  const Serve serve_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: Stop() and connections given back
  // Out of descriptors: the listener leaves epoll until then.
  bool accept_paused_ = false;
  Clock::time_point accept_resume_;
  std::atomic<bool> stopping_ = false;
  std::atomic<std::size_t> open_ = 0;

  // Owned by the loop: connections waiting for a request, by descriptor.
  std::unordered_map<int, std::unique_ptr<Connection>> waiting_;

  std::mutex mutex_;
  std::condition_variable work_cv_;
  std::deque<std::unique_ptr<Connection>> ready_;      // whole heads, for the workers
  std::vector<std::unique_ptr<Connection>> returned_;  // answered, kept alive
  bool workers_done_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace talksearch

#endif  // TALKSEARCH_SEARCHD_CONNECTION_FRONT_H_
