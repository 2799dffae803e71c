// Helpers for the shard tests: shards of a notes folder built with the
// indexer library, and xapian-tcpsrv serving a database on a free loopback
// port, in a process group of its own so that killing or stopping it takes
// the per-connection children too.
#ifndef TALKSEARCH_TESTS_SHARD_TEST_UTIL_H_
#define TALKSEARCH_TESTS_SHARD_TEST_UTIL_H_

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "subprocess.h"
#include "talksearch/index.h"

namespace talksearch::testing {

// The indexes of `shards` shards of `notes`, at dir/shard-0 ... (built with
// the indexer library, as `indexer --shards N --shard I` builds them).
inline std::vector<std::string> BuildShards(const std::filesystem::path& notes,
                                            const std::filesystem::path& dir, unsigned shards) {
  std::vector<std::string> paths;
  for (unsigned i = 0; i < shards; ++i) {
    IndexOptions options;
    options.db = dir / ("shard-" + std::to_string(i));
    options.roots = {notes};
    options.threads = 2;
    options.shards = shards;
    options.shard = i;
    Sync(options);
    paths.push_back(options.db.string());
  }
  return paths;
}

// The full path of `program` on PATH, or "" when it is not there.
inline std::string FindOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::filesystem::path candidate = std::filesystem::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

// A port no one listens on now (the kernel's choice for port 0).
inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

inline bool Accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// xapian-tcpsrv serving one database on 127.0.0.1. Test code checks
// ok() (ASSERT_TRUE(server.ok()) << server.error()).
class TcpServer {
 public:
  explicit TcpServer(std::string db) : db_(std::move(db)) { Start(); }

  bool ok() const { return process_ != nullptr; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string address() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

  // SIGKILL to the server and the children serving open connections.
  void Kill() {
    if (process_ == nullptr) return;
    process_->Signal(SIGKILL);
    process_->Wait(std::chrono::seconds(10));
    process_.reset();
  }
  // Freezes it (it accepts connections, the kernel queues them, and answers
  // nothing: a slow shard); Continue() thaws it.
  void Stop() { process_->Signal(SIGSTOP); }
  void Continue() { process_->Signal(SIGCONT); }
  // After Kill(): serves again on the same port.
  void Restart() { Start(port_); }

 private:
  void Start(int port = 0) {
    std::string program = FindOnPath("xapian-tcpsrv");
    if (program.empty()) {
      error_ = "xapian-tcpsrv is not on PATH: install xapian-tools (scripts/setup does)";
      return;
    }
    // The free port may be taken between the look and the bind: try again.
    for (int attempt = 0; attempt < 5 && process_ == nullptr; ++attempt) {
      port_ = port != 0 ? port : FreePort();
      Subprocess::Options options;
      options.discard_output = true;
      options.process_group = true;
      auto process = std::make_unique<Subprocess>(
          std::vector<std::string>{program, "--quiet", "--interface", "127.0.0.1", "--port",
                                   std::to_string(port_), db_},
          options);
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (std::chrono::steady_clock::now() < deadline) {
        if (Accepts(port_)) {
          process_ = std::move(process);
          break;
        }
        if (process->Wait(std::chrono::milliseconds(0))) break;  // it exited: port taken?
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    if (process_ == nullptr) {
      error_ = "xapian-tcpsrv did not start serving " + db_ + " on port " + std::to_string(port_);
    }
  }

  std::string db_;
  int port_ = 0;
  std::string error_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace talksearch::testing

#endif  // TALKSEARCH_TESTS_SHARD_TEST_UTIL_H_
