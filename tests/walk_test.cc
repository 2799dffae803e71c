// Finding notes below a root: subtrees are walked on several threads and
// merged in order, so what is found (and under which path) must be what one
// walk in order finds, every time.
#include "walk.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "test_util.h"

namespace talksearch {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Paths(const std::vector<WalkEntry>& entries) {
  std::vector<std::string> out;
  for (const WalkEntry& e : entries) out.push_back(e.rel);
  return out;
}

TEST(WalkTest, FindsEveryNoteOfManyFoldersOnce) {
  testing::TempDir dir;
  std::vector<std::string> expected;
  for (int f = 0; f < 12; ++f) {
    for (int n = 0; n < 5; ++n) {
      std::string rel = "event" + std::to_string(f) + "/day" + std::to_string(n % 2) + "/talk" +
                        std::to_string(n) + ".rst";
      testing::WriteFile(dir.path() / rel, "Talk\n====\n\ntext\n");
      expected.push_back(rel);
    }
    testing::WriteFile(dir.path() / ("event" + std::to_string(f)) / "image.png", "x");
  }
  testing::WriteFile(dir.path() / "top.md", "# Top\n");
  expected.push_back("top.md");
  fs::create_directories(dir.path() / ".git" / "objects");
  testing::WriteFile(dir.path() / ".git" / "objects" / "x.rst", "not a note");
  std::vector<WalkEntry> entries;
  std::vector<WalkSkip> skipped;
  WalkNotes(dir.path(), "", entries, &skipped);
  std::vector<std::string> found = Paths(entries);
  // Each folder's files come before those of the folders below it.
  auto top = std::find(found.begin(), found.end(), "top.md");
  EXPECT_EQ(top, found.begin());
  std::sort(found.begin(), found.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(found, expected);
  EXPECT_TRUE(skipped.empty());
  // A subfolder alone.
  std::vector<WalkEntry> some;
  WalkNotes(dir.path(), "event3", some);
  EXPECT_EQ(some.size(), 5u);
  for (const WalkEntry& e : some) EXPECT_EQ(e.rel.rfind("event3/", 0), 0u) << e.rel;
}

// One folder reached by two paths from different subtrees: its notes are
// found once, always under the same path (the first in walk order), and the
// other path is reported; a link back up is a loop, reported, not walked.
TEST(WalkTest, AFolderReachedTwiceIsFoundOnceTheSameWayEveryTime) {
  testing::TempDir dir;
  for (int f = 0; f < 8; ++f) {
    testing::WriteFile(dir.path() / ("e" + std::to_string(f)) / "real" / "note.rst", "T\n=\n");
  }
  for (int f = 0; f < 8; ++f) {
    fs::create_symlink(dir.path() / ("e" + std::to_string((f + 3) % 8)) / "real",
                       dir.path() / ("e" + std::to_string(f)) / "alias");
  }
  fs::create_symlink("..", dir.path() / "e5" / "up");
  std::vector<std::string> first;
  for (int run = 0; run < 20; ++run) {
    std::vector<WalkEntry> entries;
    std::vector<WalkSkip> skipped;
    WalkNotes(dir.path(), "", entries, &skipped);
    std::vector<std::string> found = Paths(entries);
    ASSERT_EQ(found.size(), 8u) << "run " << run;
    EXPECT_EQ(skipped.size(), 9u) << "run " << run;  // 8 aliases and the loop
    for (const WalkSkip& s : skipped) {
      EXPECT_NE(s.reason.find("already walked"), std::string::npos) << s.rel;
    }
    if (run == 0) first = found;
    EXPECT_EQ(found, first) << "run " << run;
  }
}

}  // namespace
}  // namespace talksearch
