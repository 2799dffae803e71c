// A child process for end-to-end tests: started with fork/exec, its
// standard output (and error) read through a pipe with a deadline,
// signalled and reaped; killed if the test ends first. Optionally with
// Chromium's --remote-debugging-pipe descriptors (3: commands in, 4: out).
#ifndef TALKSEARCH_TESTS_SUBPROCESS_H_
#define TALKSEARCH_TESTS_SUBPROCESS_H_

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace talksearch::testing {

class Subprocess {
 public:
  struct Options {
    std::vector<std::string> env;  // "NAME=value" added to the environment
    bool merge_stderr = false;     // stderr into the stdout pipe (else inherited)
    bool discard_output = false;   // stdout and stderr to /dev/null
    bool debugging_pipe = false;   // fds 3 and 4 for --remote-debugging-pipe
    // A process group of its own, signalled and killed as a whole (for
    // servers that fork a child per connection, as xapian-tcpsrv does).
    bool process_group = false;
  };

  explicit Subprocess(const std::vector<std::string>& argv, Options options) {
    int out[2], cmd[2], evt[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return;
    if (options.debugging_pipe && (::pipe2(cmd, O_CLOEXEC) != 0 || ::pipe2(evt, O_CLOEXEC) != 0)) {
      return;
    }
    std::vector<char*> args, envp;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    // Ours first: getenv() finds the first of two equal names.
    for (const std::string& e : options.env) envp.push_back(const_cast<char*>(e.c_str()));
    for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
    envp.push_back(nullptr);
    int null_fd = options.discard_output ? ::open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;
    group_ = options.process_group;
    pid_ = ::fork();
    if (pid_ == 0) {  // only async-signal-safe calls until exec
      if (options.process_group) ::setpgid(0, 0);
      ::dup2(out[1], 1);
      if (options.merge_stderr) ::dup2(out[1], 2);
      if (null_fd >= 0) {
        ::dup2(null_fd, 1);
        ::dup2(null_fd, 2);
      }
      if (options.debugging_pipe) {  // out of the way of 3 and 4 first
        int in = ::fcntl(cmd[0], F_DUPFD_CLOEXEC, 10), to = ::fcntl(evt[1], F_DUPFD_CLOEXEC, 10);
        ::dup2(in, 3);
        ::dup2(to, 4);
      }
      ::execve(args[0], args.data(), envp.data());
      ::_exit(127);
    }
    if (options.process_group && pid_ > 0) ::setpgid(pid_, pid_);  // either side may win
    ::close(out[1]);
    if (null_fd >= 0) ::close(null_fd);
    out_ = out[0];
    if (options.debugging_pipe) {
      ::close(cmd[0]);
      ::close(evt[1]);
      command_fd_ = cmd[1];
      event_fd_ = evt[0];
    }
  }

  ~Subprocess() {
    if (pid_ > 0 && group_) ::kill(-pid_, SIGKILL);  // the children too
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      Wait(std::chrono::seconds(10));
    }
    for (int fd : {out_, command_fd_, event_fd_}) {
      if (fd >= 0) ::close(fd);
    }
  }
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  int command_fd() const { return command_fd_; }
  int event_fd() const { return event_fd_; }

  // The next line of output (without '\n'), or nullopt at end of output or
  // when `timeout` passes first.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      std::size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      if (!ReadSome(out_, &buffer_, deadline)) return std::nullopt;
    }
  }

  // Everything the process writes until it closes its output or `timeout`.
  std::string ReadAll(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (ReadSome(out_, &buffer_, deadline)) {
    }
    return std::move(buffer_);
  }

  // Reads what is there (waiting until `deadline`) onto `into`; false at
  // end of file or on timeout.
  static bool ReadSome(int fd, std::string* into, std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    into->append(buf, static_cast<std::size_t>(n));
    return true;
  }

  // The process, or its whole group when it has one.
  void Signal(int signal) const { ::kill(group_ ? -pid_ : pid_, signal); }

  // The wait status once the process ended, or nullopt after `timeout`.
  std::optional<int> Wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!status_) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_)
        status_ = status;
      else if (r < 0 || std::chrono::steady_clock::now() > deadline)
        break;
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status_;
  }

 private:
  pid_t pid_ = -1;
  bool group_ = false;
  int out_ = -1, command_fd_ = -1, event_fd_ = -1;
  std::string buffer_;
  std::optional<int> status_;
};

}  // namespace talksearch::testing

#endif  // TALKSEARCH_TESTS_SUBPROCESS_H_
