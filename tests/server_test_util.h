// Helpers for the searchd tests: a small notes folder and its index in a
// temporary folder, built by the real indexer, and a way to wait for
// something that happens on another thread or process.
//
// The sample: the seed meetup (data/socalpiggies, event "Socal Python meetup
// at Dreamhost", three talks of 2011 including the metaclass talk) and
// tests/data/search (event "talks", three talks, one holding <script>).
#ifndef TALKSEARCH_TESTS_SERVER_TEST_UTIL_H_
#define TALKSEARCH_TESTS_SERVER_TEST_UTIL_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "talksearch/index.h"
#include "test_util.h"

namespace talksearch::testing {

inline constexpr char kSeedEvent[] = "Socal Python meetup at Dreamhost";
inline constexpr char kSearchEvent[] = "talks";
inline constexpr int kSampleTalks = 6;

// A notes folder with the sample notes, and its index.
class SampleIndex {
 public:
  SampleIndex() {
    namespace fs = std::filesystem;
    fs::create_directories(notes() / "socalpiggies");
    fs::copy_file(fs::path(TALKSEARCH_SOURCE_DIR) / "data/socalpiggies/2011-06-06-dreamhost.rst",
                  notes() / "socalpiggies/2011-06-06-dreamhost.rst");
    fs::copy(TestData() / "search", notes() / "talks", fs::copy_options::recursive);
    Sync();
  }

  std::filesystem::path notes() const { return dir_.path() / "notes"; }
  std::filesystem::path db() const { return dir_.path() / "db"; }
  std::filesystem::path dir() const { return dir_.path(); }

  // Brings the index up to date with the notes folder (the indexer library).
  void Sync() const {
    IndexOptions options;
    options.db = db();
    options.roots = {notes()};
    options.threads = 2;
    talksearch::Sync(options);
  }

  // Runs the real `indexer --db DB NOTES`, as a user would while searchd
  // runs; its output (for a failure message) and exit status.
  CommandOutput RunIndexer() const {
    std::string indexer = std::string(TALKSEARCH_BINARY_DIR) + "/indexer/indexer";
    return RunCommand(indexer + " --quiet --threads 1 --db '" + db().string() + "' '" +
                      notes().string() + "' 2>&1");
  }

  // A one-talk note at `rel` whose body mentions `word`.
  void WriteNote(const std::string& rel, const std::string& title, const std::string& word) const {
    std::string line(title.size(), '=');
    WriteFile(notes() / rel, line + "\n" + title + "\n" + line + "\n\nby Hugo Eckener\n\n* We " +
                                 "talked about " + word + " today.\n");
  }

 private:
  TempDir dir_;
};

// Calls `check` until it returns true or `timeout` passes; true if it did.
inline bool Eventually(const std::function<bool()>& check,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return check();
}

}  // namespace talksearch::testing

#endif  // TALKSEARCH_TESTS_SERVER_TEST_UTIL_H_
