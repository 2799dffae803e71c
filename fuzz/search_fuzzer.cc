// libFuzzer target for query handling: the whole Searcher::Search path (our
// preprocessing, Xapian's QueryParser, the match, facets, snippets,
// spelling) and the JSON made of its answer, on a small index built once at
// start-up from tests/data. A bad request may be refused with
// InvalidArgument; anything else thrown, or any sanitizer report, is a bug.
//
// Input: byte 0 picks the sort, snippets, facets and filters; byte 1 the
// page and limit (some out of range on purpose); the rest is the query, and
// after NUL bytes the event, speaker, year, from and to filters.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "talksearch/errors.h"
#include "talksearch/index.h"
#include "talksearch/search.h"

namespace {

namespace fs = std::filesystem;

fs::path index_dir;
std::unique_ptr<talksearch::Searcher> searcher;

void RemoveIndex() {
  searcher.reset();
  std::error_code ec;
  fs::remove_all(index_dir, ec);
}

std::vector<std::string> SplitOnNul(std::string_view s) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    std::size_t nul = s.find('\0', start);
    parts.emplace_back(s.substr(start, nul - start));
    if (nul == std::string_view::npos) break;
    start = nul + 1;
  }
  return parts;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string dir = (fs::temp_directory_path() / "talksearch-fuzz-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) std::abort();
  index_dir = dir;
  std::atexit(RemoveIndex);
  talksearch::IndexOptions options;
  options.db = index_dir / "db";
  options.roots = {fs::path(TALKSEARCH_TEST_DATA)};
  options.threads = 1;
  talksearch::Sync(options);
  talksearch::SearchOptions search;
  search.databases = {options.db.string()};
  search.base_url = "https://notes.example.org";
  searcher = std::make_unique<talksearch::Searcher>(search);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const unsigned flags = data[0], paging = data[1];
  std::vector<std::string> fields =
      SplitOnNul(std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2));
  talksearch::SearchRequest request;
  request.query = fields[0];
  request.sort = static_cast<talksearch::SortOrder>(flags % 3);
  request.snippets = (flags & 0x04) == 0;
  request.facets = (flags & 0x08) == 0;
  request.page = static_cast<int>(paging >> 4) * (paging & 0x80 ? 100 : 1);  // 0 is invalid
  request.limit = static_cast<int>(paging & 0x0f) * 9;                       // 0 and >100 too
  auto field = [&](std::size_t i) { return i < fields.size() ? fields[i] : std::string(); };
  if (!field(1).empty()) request.events.push_back(field(1));
  if (!field(2).empty()) request.speakers.push_back(field(2));
  if (!field(3).empty()) request.years.push_back(field(3));
  request.from = field(4);
  request.to = field(5);
  try {
    talksearch::SearchResponse response = searcher->Search(request);
    (void)talksearch::ToJson(response);
    if (!response.hits.empty() && (flags & 0x10)) {
      (void)talksearch::ToJson(searcher->Similar(response.hits[0].id, 5));
      (void)talksearch::ToJson(searcher->Talk(response.hits[0].id));
    }
  } catch (const talksearch::InvalidArgument&) {
    // A request the engine refuses with a message for the user: fine.
  }
  if (flags & 0x20) (void)searcher->Suggest(request.query, 8);
  return 0;
}
