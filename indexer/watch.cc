// Watch(): a first sync, then inotify on every folder of the roots, and a
// sync of what changed after each burst of events.
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <set>

#include "index_writer.h"
#include "sync_engine.h"
#include "talksearch/errors.h"
#include "talksearch/index.h"
#include "walk.h"

namespace talksearch {
namespace {

WatchStopper* g_signal_stopper = nullptr;
struct sigaction g_old_int, g_old_term;

void OnStopSignal(int) {
  if (g_signal_stopper != nullptr) g_signal_stopper->Stop();
}

constexpr std::uint32_t kWatchMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                     IN_CREATE | IN_DELETE_SELF | IN_ONLYDIR;
// Under a steady stream of changes, sync at least this often.
constexpr auto kMaxDelay = std::chrono::milliseconds(500);

class Watcher {
 public:
  Watcher(SyncEngine& engine, const WatchOptions& options, WatchStopper& stopper)
      : engine_(engine), options_(options), stopper_(stopper) {
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0) throw IndexError(std::string("cannot watch the notes: ") + std::strerror(errno));
    for (std::size_t i = 0; i < engine_.roots().size(); ++i) AddTree(i, "");
  }
  ~Watcher() { close(fd_); }
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  void Run();

 private:
  struct Dir {
    std::size_t root;
    std::string rel;  // relative to the root; "" for the root
  };

  void AddTree(std::size_t root, const std::string& rel);
  void AddTree(std::size_t root, const std::string& rel, std::set<std::pair<dev_t, ino_t>>& seen);
  void ForgetTree(std::size_t root, const std::string& rel);
  bool ReadEvents();
  void Handle(const inotify_event& event);
  void Flush();

  SyncEngine& engine_;
  const WatchOptions& options_;
  WatchStopper& stopper_;
  int fd_ = -1;
  std::map<int, Dir> dirs_;
  std::set<std::string> files_;    // stored paths that changed
  std::set<std::string> folders_;  // stored paths of folders that came or went
  bool overflow_ = false;
};

void Watcher::AddTree(std::size_t root, const std::string& rel) {
  std::set<std::pair<dev_t, ino_t>> seen;
  AddTree(root, rel, seen);
}

void Watcher::AddTree(std::size_t root, const std::string& rel,
                      std::set<std::pair<dev_t, ino_t>>& seen) {
  std::filesystem::path dir = rel.empty() ? engine_.roots()[root].dir
                                          : engine_.roots()[root].dir / rel;
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !seen.insert({st.st_dev, st.st_ino}).second) return;
  int wd = inotify_add_watch(fd_, dir.c_str(), kWatchMask);
  if (wd < 0) return;  // gone already, or out of watches: the sync still sees it once
  dirs_[wd] = {root, rel};
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) return;
  std::vector<std::string> subdirs;
  while (const dirent* entry = readdir(handle)) {
    std::string_view name = entry->d_name;
    if (name == "." || name == ".." || IsIgnoredFolder(name)) continue;
    if (entry->d_type == DT_DIR || entry->d_type == DT_LNK || entry->d_type == DT_UNKNOWN) {
      subdirs.push_back(rel.empty() ? std::string(name) : rel + "/" + std::string(name));
    }
  }
  closedir(handle);
  for (const std::string& sub : subdirs) AddTree(root, sub, seen);
}

void Watcher::ForgetTree(std::size_t root, const std::string& rel) {
  for (auto it = dirs_.begin(); it != dirs_.end();) {
    const Dir& dir = it->second;
    bool below = dir.root == root && (dir.rel == rel || dir.rel.starts_with(rel + "/"));
    if (below) {
      inotify_rm_watch(fd_, it->first);
      it = dirs_.erase(it);
    } else {
      ++it;
    }
  }
}

void Watcher::Handle(const inotify_event& event) {
  if (event.mask & IN_Q_OVERFLOW) {
    overflow_ = true;
    return;
  }
  auto found = dirs_.find(event.wd);
  if (found == dirs_.end()) return;
  Dir dir = found->second;
  if (event.mask & IN_IGNORED) {
    dirs_.erase(found);
    return;
  }
  if (event.mask & IN_DELETE_SELF) {
    if (dir.rel.empty()) overflow_ = true;  // a root went: look at everything
    return;
  }
  std::string_view name = event.len > 0 ? event.name : "";
  if (name.empty()) return;
  std::string rel = dir.rel.empty() ? std::string(name) : dir.rel + "/" + std::string(name);
  std::string stored = engine_.StoredPath(dir.root, rel);
  if (event.mask & IN_ISDIR) {
    if (IsIgnoredFolder(name)) return;
    if (event.mask & (IN_MOVED_FROM | IN_DELETE)) ForgetTree(dir.root, rel);
    if (event.mask & (IN_CREATE | IN_MOVED_TO)) AddTree(dir.root, rel);
    folders_.insert(stored);
  } else if (IsNoteFileName(name)) {
    files_.insert(stored);
  }
}

bool Watcher::ReadEvents() {
  alignas(inotify_event) char buffer[64 * 1024];
  bool any = false;
  for (;;) {
    ssize_t n = read(fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (char* p = buffer; p < buffer + n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(p);
      Handle(*event);
      any = true;
      p += sizeof(inotify_event) + event->len;
    }
  }
  return any;
}

void Watcher::Flush() {
  SyncStats stats;
  if (overflow_) {
    // Events were lost: watch every folder again and look at everything.
    for (std::size_t i = 0; i < engine_.roots().size(); ++i) AddTree(i, "");
    stats = engine_.SyncAll();
  } else {
    stats = engine_.SyncSome(files_, folders_);
  }
  overflow_ = false;
  files_.clear();
  folders_.clear();
  bool changed = stats.added + stats.updated + stats.removed + stats.skipped > 0 || stats.committed;
  if (changed && options_.on_sync) options_.on_sync(stats);
}

void Watcher::Run() {
  using Clock = std::chrono::steady_clock;
  const auto debounce = std::chrono::milliseconds(options_.debounce_ms);
  bool pending = false;
  Clock::time_point first, last;
  for (;;) {
    int timeout = -1;
    if (pending) {
      auto due = std::min(last + debounce, first + kMaxDelay);
      timeout = static_cast<int>(
          std::max<std::int64_t>(0, std::chrono::ceil<std::chrono::milliseconds>(due - Clock::now()).count()));
    }
    pollfd fds[2] = {{fd_, POLLIN, 0}, {stopper_.fd(), POLLIN, 0}};
    int ready = poll(fds, 2, timeout);
    if (ready < 0 && errno != EINTR) throw IndexError(std::string("poll: ") + std::strerror(errno));
    if (fds[1].revents & POLLIN) break;
    if (ready > 0 && (fds[0].revents & POLLIN) && ReadEvents()) {
      last = Clock::now();
      if (!pending) first = last;
      pending = true;
    }
    if (pending && Clock::now() >= std::min(last + debounce, first + kMaxDelay)) {
      pending = false;
      Flush();
    }
  }
  // Stopped: what was seen but not synced yet is synced (and committed).
  ReadEvents();
  if (pending || !files_.empty() || !folders_.empty() || overflow_) Flush();
}

}  // namespace

WatchStopper::WatchStopper() {
  fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd_ < 0) throw Error(std::string("eventfd: ") + std::strerror(errno));
}

WatchStopper::~WatchStopper() {
  if (signals_) {
    sigaction(SIGINT, &g_old_int, nullptr);
    sigaction(SIGTERM, &g_old_term, nullptr);
    g_signal_stopper = nullptr;
  }
  close(fd_);
}

void WatchStopper::Stop() noexcept {
  std::uint64_t one = 1;
  ssize_t ignored = write(fd_, &one, sizeof one);
  (void)ignored;
}

void WatchStopper::StopOnSignals() {
  g_signal_stopper = this;
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_old_int);
  sigaction(SIGTERM, &action, &g_old_term);
  signals_ = true;
}

void Watch(const IndexOptions& options, const WatchOptions& watch, WatchStopper& stopper) {
  TranslateXapianErrors(options.db, [&] {
    IndexWriter writer(options.db, options.language);
    SyncEngine engine(options, writer);
    // Watching starts before the first sync, so nothing changed between the
    // two is missed.
    Watcher watcher(engine, watch, stopper);
    engine.set_stop_check([&stopper] {
      pollfd fd = {stopper.fd(), POLLIN, 0};
      return poll(&fd, 1, 0) > 0;
    });
    SyncStats first = engine.SyncAll();
    if (watch.on_sync) watch.on_sync(first);
    watcher.Run();
  });
}

}  // namespace talksearch
