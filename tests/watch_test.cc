// indexer --watch as a user runs it: a child process, notes changed under
// it, the database polled until it shows the change (never fixed sleeps).
#include <signal.h>
#include <sys/wait.h>
#include <xapian.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "index_test_util.h"
#include "process_util.h"

namespace talksearch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::IndexFixture;
using testing::PollUntil;
using testing::TalkNote;

// The database's answer, or false while it cannot be opened yet.
bool Check(const IndexFixture& index, const std::function<bool(const Xapian::Database&)>& test) {
  try {
    return test(index.Open());
  } catch (const Xapian::Error&) {
    return false;
  }
}

bool HasTerm(const IndexFixture& index, const std::string& term) {
  return Check(index, [&](const Xapian::Database& db) { return db.term_exists(term); });
}

bool HasTalk(const IndexFixture& index, const std::string& path) {
  return HasTerm(index, schema::IdTerm(path, 0));
}

TEST(WatchTest, FollowsChangesAndStopsCleanlyOnSigterm) {
  IndexFixture index;
  index.Write("conf/a.rst", TalkNote("Alpha talk", "zebras"));
  fs::path log = index.base() / "watch.log";
  testing::Child watcher({testing::IndexerBinary().string(), "--db", index.db().string(), "--watch",
                          index.notes().string()},
                         log);
  ASSERT_TRUE(PollUntil([&] { return HasTalk(index, "conf/a.rst"); }, 20s)) << "first sync";

  // A new note is searchable within a second (a few here, for a busy machine).
  auto saved = std::chrono::steady_clock::now();
  index.Write("conf/new.rst", TalkNote("New talk", "narwhals"));
  ASSERT_TRUE(PollUntil([&] { return HasTerm(index, "narwhals"); }, 5s));
  auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - saved);
  RecordProperty("new_note_latency_ms", static_cast<int>(latency.count()));

  // An editor's save: write a temporary file, rename it over the note.
  testing::WriteFile(index.notes() / "conf/.a.rst.swp", TalkNote("Alpha talk", "quokkas"));
  fs::rename(index.notes() / "conf/.a.rst.swp", index.notes() / "conf/a.rst");
  ASSERT_TRUE(PollUntil([&] { return HasTerm(index, "quokkas"); }, 5s));
  EXPECT_FALSE(HasTerm(index, "zebras"));

  // A new folder tree, then its deletion.
  index.Write("later/deep/b.rst", TalkNote("Deep talk", "axolotls"));
  ASSERT_TRUE(PollUntil([&] { return HasTalk(index, "later/deep/b.rst"); }, 5s));
  index.Write("later/deep/c.rst", TalkNote("Deeper talk", "capybaras"));
  ASSERT_TRUE(PollUntil([&] { return HasTalk(index, "later/deep/c.rst"); }, 5s))
      << "a note in a folder made after the watch began";
  fs::remove_all(index.notes() / "later");
  ASSERT_TRUE(PollUntil([&] { return !HasTalk(index, "later/deep/b.rst"); }, 5s));

  // A folder moved out of the tree, then back in under another name.
  fs::rename(index.notes() / "conf", index.base() / "outside");
  ASSERT_TRUE(PollUntil(
      [&] { return Check(index, [](const Xapian::Database& db) { return db.get_doccount() == 0; }); },
      5s));
  fs::rename(index.base() / "outside", index.notes() / "conf2");
  ASSERT_TRUE(PollUntil([&] { return HasTalk(index, "conf2/new.rst"); }, 5s));

  // A second indexer is told the index is busy, with exit status 3.
  int status = testing::RunToEnd({testing::IndexerBinary().string(), "--db",
                                  index.db().string(), index.notes().string()},
                                 index.base() / "second.log");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 3) << status;
  EXPECT_NE(testing::ReadFile(index.base() / "second.log").find("is being updated by another indexer"),
            std::string::npos);

  watcher.Signal(SIGTERM);
  ASSERT_TRUE(watcher.WaitFor(10s, &status)) << "indexer --watch did not stop on SIGTERM";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << testing::ReadFile(log);
  std::string output = testing::ReadFile(log);
  EXPECT_NE(output.find("added " + (index.notes() / "conf/new.rst").string()), std::string::npos)
      << output;
}

}  // namespace
}  // namespace talksearch
