#include "file_state.h"

#include <time.h>

#include <charconv>
#include <vector>

namespace talksearch {
namespace {

// File times come from a coarse clock (a few ms on Linux, 1 s or 2 s on
// some file systems): a change this close to the stat may not move them.
constexpr std::int64_t kRacyWindowNs = 2'000'000'000;
constexpr std::string_view kStateTag = "v1";

std::int64_t ToNs(const struct timespec& ts) {
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

template <typename T>
bool ParseNumber(std::string_view text, T& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

FileStat StatOf(const struct stat& st) {
  return {static_cast<std::uint64_t>(st.st_size), ToNs(st.st_mtim), ToNs(st.st_ctim),
          static_cast<std::uint64_t>(st.st_ino)};
}

FileState StatState(const FileStat& st, std::int64_t now_ns) {
  FileState state;
  state.size = st.size;
  state.mtime_ns = st.mtime_ns;
  state.ctime_ns = st.ctime_ns;
  state.inode = st.inode;
  state.racy = now_ns - state.mtime_ns < kRacyWindowNs || now_ns - state.ctime_ns < kRacyWindowNs;
  return state;
}

bool SameStat(const FileState& a, const FileState& b) {
  return a.size == b.size && a.mtime_ns == b.mtime_ns && a.ctime_ns == b.ctime_ns &&
         a.inode == b.inode;
}

// "v1 size mtime ctime inode hash talks racy[ skipped reason]"
std::string EncodeFileState(const FileState& s) {
  std::string out(kStateTag);
  for (auto number : {s.size, static_cast<std::uint64_t>(s.mtime_ns),
                      static_cast<std::uint64_t>(s.ctime_ns), s.inode, s.hash}) {
    out += ' ';
    out += std::to_string(number);
  }
  out += ' ' + std::to_string(s.talks) + (s.racy ? " 1" : " 0");
  if (!s.skipped.empty()) out += ' ' + s.skipped;
  return out;
}

std::optional<FileState> DecodeFileState(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (fields.size() < 8) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    fields.push_back(text.substr(start, end - start));
    if (end == text.size()) break;
    start = end + 1;
  }
  if (fields.size() != 8 || fields[0] != kStateTag) return std::nullopt;
  FileState s;
  std::uint64_t mtime = 0, ctime = 0;
  int racy = 0;
  if (!ParseNumber(fields[1], s.size) || !ParseNumber(fields[2], mtime) ||
      !ParseNumber(fields[3], ctime) || !ParseNumber(fields[4], s.inode) ||
      !ParseNumber(fields[5], s.hash) || !ParseNumber(fields[6], s.talks) ||
      !ParseNumber(fields[7], racy)) {
    return std::nullopt;
  }
  s.mtime_ns = static_cast<std::int64_t>(mtime);
  s.ctime_ns = static_cast<std::int64_t>(ctime);
  s.racy = racy != 0;
  std::size_t consumed = 0;
  for (auto field : fields) consumed += field.size() + 1;
  if (consumed < text.size()) s.skipped = std::string(text.substr(consumed));
  return s;
}

std::uint64_t HashBytes(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::int64_t NowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ToNs(ts);
}

}  // namespace talksearch
