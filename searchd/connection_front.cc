// The front of searchd's connections: one epoll thread that accepts and
// waits for whole request heads under absolute deadlines, and workers that
// answer one request at a time through cpp-httplib (see connection_front.h).
#include "connection_front.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "talksearch/errors.h"

namespace talksearch {

struct ConnectionFront::Connection {
  int fd = -1;
  std::string buffer;    // received and not yet read by a request
  std::size_t pos = 0;   // buffer[0, pos) has been read
  bool started = false;  // a byte of the next request has arrived
  Clock::time_point deadline;
  std::size_t served = 0;

  std::size_t unread() const { return buffer.size() - pos; }
  void Compact() {
    buffer.erase(0, pos);
    pos = 0;
  }
  bool HeadComplete() const { return buffer.find("\r\n\r\n", pos) != std::string::npos; }
};

namespace {

using Clock = std::chrono::steady_clock;

int MillisUntil(Clock::time_point t) {
  auto left = std::chrono::ceil<std::chrono::milliseconds>(t - Clock::now()).count();
  return static_cast<int>(std::clamp<std::int64_t>(left, 0, 1000));
}

std::string AddressOf(const sockaddr_storage& addr, int* port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    *port = ntohs(a.sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
    inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
    *port = ntohs(a.sin6_port);
  }
  return text;
}

}  // namespace

// What cpp-httplib reads a request from and writes its answer to: the bytes
// the front already received, then the socket, until the request's
// deadline; each write within the write timeout.
class FrontStream : public httplib::Stream {
 public:
  FrontStream(ConnectionFront::Connection& c, std::chrono::milliseconds write_timeout)
      : c_(c), write_timeout_(write_timeout) {}

  bool is_readable() const override { return c_.unread() > 0 || Wait(POLLIN, c_.deadline); }
  bool is_writable() const override { return Wait(POLLOUT, Clock::now() + write_timeout_); }

  ssize_t read(char* ptr, size_t size) override {
    while (c_.unread() == 0) {
      if (!Wait(POLLIN, c_.deadline)) return -1;  // the request's time is up
      char chunk[4096];
      ssize_t n = ::recv(c_.fd, chunk, sizeof chunk, 0);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) return n;
      c_.Compact();
      c_.buffer.append(chunk, static_cast<std::size_t>(n));
    }
    std::size_t n = std::min(size, c_.unread());
    std::memcpy(ptr, c_.buffer.data() + c_.pos, n);
    c_.pos += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    auto deadline = Clock::now() + write_timeout_;
    for (;;) {
      ssize_t n = ::send(c_.fd, ptr, size, MSG_NOSIGNAL);
      if (n >= 0) return n;
      if (errno != EAGAIN && errno != EINTR) return -1;
      if (!Wait(POLLOUT, deadline)) return -1;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    NameOf(getpeername, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    NameOf(getsockname, ip, port);
  }
  socket_t socket() const override { return c_.fd; }

 private:
  void NameOf(int (*get)(int, sockaddr*, socklen_t*), std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    port = 0;
    if (get(c_.fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) ip = AddressOf(addr, &port);
  }

  bool Wait(short events, Clock::time_point deadline) const {
    for (;;) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{c_.fd, events, 0};
      int r = ::poll(&p, 1, static_cast<int>(left));
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return false;
    }
  }

  ConnectionFront::Connection& c_;
  std::chrono::milliseconds write_timeout_;
};

ConnectionFront::ConnectionFront(FrontLimits limits, int workers, Serve serve)
    : limits_(limits), workers_count_(std::max(1, workers)), serve_(std::move(serve)) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || wake_fd_ < 0) throw Error(std::string("epoll: ") + std::strerror(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
}

ConnectionFront::~ConnectionFront() {
  for (int fd : {listen_fd_, epoll_fd_, wake_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

int ConnectionFront::Bind(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return -1;
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  int bound = -1;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) AddressOf(addr, &bound);
  listen_fd_ = fd;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listen_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  return bound;
}

void ConnectionFront::Stop() {
  stopping_ = true;
  std::uint64_t one = 1;
  ssize_t ignored = ::write(wake_fd_, &one, sizeof one);
  (void)ignored;
}

void ConnectionFront::Run() {
  for (int i = 0; i < workers_count_; ++i) workers_.emplace_back([this] { Work(); });
  std::vector<epoll_event> events(256);
  Clock::time_point next_expiry = Clock::now();
  while (!stopping_) {
    int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                       MillisUntil(next_expiry));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == wake_fd_) {
        std::uint64_t count;
        ssize_t ignored = ::read(wake_fd_, &count, sizeof count);
        (void)ignored;
      } else if (fd == listen_fd_) {
        Accept();
      } else if (auto it = waiting_.find(fd); it != waiting_.end()) {
        Read(*it->second);
      }
    }
    std::vector<std::unique_ptr<Connection>> back;
    {
      std::lock_guard lock(mutex_);
      back.swap(returned_);
    }
    for (auto& c : back) Watch(std::move(c));
    next_expiry = ExpireIdle();
    if (accept_paused_) {
      if (Clock::now() >= accept_resume_) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = listen_fd_;
        epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
        accept_paused_ = false;
      } else {
        next_expiry = std::min(next_expiry, accept_resume_);
      }
    }
  }
  // Stopped: no new connections; waiting ones closed; heads already whole are
  // answered (with Connection: close) before the workers end.
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  for (auto& [fd, c] : waiting_) Close(std::move(c));
  waiting_.clear();
  {
    std::lock_guard lock(mutex_);
    workers_done_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  for (auto& c : returned_) Close(std::move(c));
  returned_.clear();
}

void ConnectionFront::Accept() {
  for (;;) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: the listener would stay readable and spin the
        // loop; it rests a moment while connections close.
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
        accept_paused_ = true;
        accept_resume_ = Clock::now() + std::chrono::milliseconds(100);
      }
      return;  // EAGAIN: all taken
    }
    if (open_ >= limits_.max_connections) {
      ::close(fd);
      continue;
    }
    ++open_;
    int yes = 1;
    // Headers and body go out in separate writes: without TCP_NODELAY, Nagle
    // and delayed ACKs add 40 ms to every keep-alive answer.
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->deadline = Clock::now() + limits_.idle_timeout;
    Watch(std::move(c));
  }
}

// A connection waits in the loop for (the rest of) a request head.
void ConnectionFront::Watch(std::unique_ptr<Connection> c) {
  if (stopping_) return Close(std::move(c));
  if (c->HeadComplete() || c->unread() >= limits_.max_head_bytes) {
    return Dispatch(std::move(c));  // the next request came with the last one
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.fd = c->fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c->fd, &ev) != 0) return Close(std::move(c));
  int fd = c->fd;
  waiting_[fd] = std::move(c);
}

void ConnectionFront::Read(Connection& c) {
  for (;;) {
    char chunk[4096];
    ssize_t n = ::recv(c.fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n == 0 && c.HeadComplete()) break;  // sent a request and shut its side: answer it
    if (n <= 0) {  // the client went away (or reset) before a whole request
      auto it = waiting_.find(c.fd);
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
      Close(std::move(it->second));
      waiting_.erase(it);
      return;
    }
    if (!c.started) {
      c.started = true;
      c.deadline = Clock::now() + limits_.read_timeout;
    }
    c.Compact();
    c.buffer.append(chunk, static_cast<std::size_t>(n));
    if (c.unread() >= limits_.max_head_bytes) break;
  }
  if (c.HeadComplete() || c.unread() >= limits_.max_head_bytes) {
    auto it = waiting_.find(c.fd);
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
    std::unique_ptr<Connection> ready = std::move(it->second);
    waiting_.erase(it);
    Dispatch(std::move(ready));
  }
}

void ConnectionFront::Dispatch(std::unique_ptr<Connection> c) {
  {
    std::lock_guard lock(mutex_);
    ready_.push_back(std::move(c));
  }
  work_cv_.notify_one();
}

// Closes what waited past its deadline; returns when to look again.
ConnectionFront::Clock::time_point ConnectionFront::ExpireIdle() {
  Clock::time_point now = Clock::now(), next = now + std::chrono::seconds(1);
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->second->deadline <= now) {
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->first, nullptr);
      Close(std::move(it->second));
      it = waiting_.erase(it);
    } else {
      next = std::min(next, it->second->deadline);
      ++it;
    }
  }
  return next;
}

void ConnectionFront::Work() {
  for (;;) {
    std::unique_ptr<Connection> c;
    {
      std::unique_lock lock(mutex_);
      work_cv_.wait(lock, [this] { return !ready_.empty() || workers_done_; });
      if (ready_.empty()) return;
      c = std::move(ready_.front());
      ready_.pop_front();
    }
    if (!c->started) {  // a pipelined request, read with the last one
      c->started = true;
      c->deadline = Clock::now() + limits_.read_timeout;
    }
    bool close = stopping_ || c->served + 1 >= limits_.max_requests_per_connection;
    bool closed = false;
    bool ok = false;
    {
      FrontStream stream(*c, limits_.write_timeout);
      try {
        ok = serve_(stream, close, closed);
      } catch (...) {
        ok = false;  // the server's handlers answer their own errors
      }
    }
    ++c->served;
    Finish(std::move(c), ok && !close && !closed);
  }
}

// After an answer: closed, or given back to the loop to wait for the next
// request within the idle timeout.
void ConnectionFront::Finish(std::unique_ptr<Connection> c, bool keep) {
  if (!keep || stopping_) return Close(std::move(c));
  c->Compact();
  c->started = !c->buffer.empty();
  c->deadline = Clock::now() + (c->started ? limits_.read_timeout : limits_.idle_timeout);
  {
    std::lock_guard lock(mutex_);
    returned_.push_back(std::move(c));
  }
  std::uint64_t one = 1;
  ssize_t ignored = ::write(wake_fd_, &one, sizeof one);
  (void)ignored;
}

void ConnectionFront::Close(std::unique_ptr<Connection> c) {
  if (!c) return;
  ::shutdown(c->fd, SHUT_RDWR);
  ::close(c->fd);
  --open_;
}

}  // namespace talksearch
