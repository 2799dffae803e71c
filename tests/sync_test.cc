// Sync: what a run adds, replaces, removes, and what it leaves alone.
#include <fcntl.h>
#include <sys/stat.h>
#include <xapian.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include "file_state.h"
#include "index_dump.h"
#include "index_test_util.h"
#include "talksearch/errors.h"
#include "talksearch/index.h"
#include "talksearch/record.h"

namespace talksearch {
namespace {

namespace fs = std::filesystem;
using testing::IndexFixture;
using testing::TalkNote;

// Sets a file's mtime (its ctime moves to now, as the kernel wants).
void SetMtime(const fs::path& path, time_t seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

struct Counts {
  std::size_t added, updated, removed, unchanged, skipped;
};

void ExpectCounts(const SyncStats& s, Counts want) {
  EXPECT_EQ(s.added, want.added);
  EXPECT_EQ(s.updated, want.updated);
  EXPECT_EQ(s.removed, want.removed);
  EXPECT_EQ(s.unchanged, want.unchanged);
  EXPECT_EQ(s.skipped, want.skipped);
}

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.Write("conf/a.rst", TalkNote("Alpha talk", "zebras"));
    index_.Write("conf/b.rst", TalkNote("Beta talk", "giraffes"));
    ExpectCounts(index_.Sync(), {2, 0, 0, 0, 0});
  }
  IndexFixture index_;
};

TEST_F(SyncTest, AddsOneDocumentPerTalk) {
  EXPECT_EQ(index_.Talks(), 2u);
  EXPECT_TRUE(index_.HasTalk("conf/a.rst"));
  EXPECT_TRUE(index_.HasTalk("conf/b.rst"));
  EXPECT_TRUE(index_.HasTerm("zebras"));
  EXPECT_TRUE(index_.HasTerm(std::string(schema::kSpeakerExact) + "ada lovelace"));
  Xapian::Database db = index_.Open();
  TalkRecord record = DecodeTalkRecord(db.get_document(*db.postlist_begin(
      schema::IdTerm("conf/a.rst", 0))).get_data());
  EXPECT_EQ(record.title, "Alpha talk");
  EXPECT_EQ(record.path, "conf/a.rst");
}

TEST_F(SyncTest, NoChangeWritesNoRevision) {
  Xapian::rev before = index_.Revision();
  SyncStats stats = index_.Sync();
  ExpectCounts(stats, {0, 0, 0, 2, 0});
  EXPECT_FALSE(stats.committed);
  EXPECT_EQ(stats.talks, 2u);
  EXPECT_EQ(index_.Revision(), before);
}

TEST_F(SyncTest, EditReplacesTheTalk) {
  index_.Write("conf/a.rst", TalkNote("Alpha talk, revised", "okapis"));
  ExpectCounts(index_.Sync(), {0, 1, 0, 1, 0});
  EXPECT_EQ(index_.Talks(), 2u);
  EXPECT_FALSE(index_.HasTerm("zebras"));
  EXPECT_TRUE(index_.HasTerm("okapis"));
}

TEST_F(SyncTest, SameSizeEditWithMtimeRestoredIsCaught) {
  fs::path a = index_.notes() / "conf/a.rst";
  SetMtime(a, 1300000000);
  index_.Sync();
  index_.Write("conf/a.rst", TalkNote("Alpha talk", "zebrae"));  // same size
  SetMtime(a, 1300000000);
  ExpectCounts(index_.Sync(), {0, 1, 0, 1, 0});
  EXPECT_TRUE(index_.HasTerm("zebrae"));
  EXPECT_FALSE(index_.HasTerm("zebras"));
}

TEST_F(SyncTest, RestoreWithOlderMtimeIsCaught) {
  fs::path a = index_.notes() / "conf/a.rst";
  index_.Write("conf/a.rst", TalkNote("Alpha talk", "pandas"));
  index_.Sync();
  index_.Write("conf/a.rst", TalkNote("Alpha talk", "zebras"));  // the old version back
  SetMtime(a, 1000000000);
  ExpectCounts(index_.Sync(), {0, 1, 0, 1, 0});
  EXPECT_TRUE(index_.HasTerm("zebras"));
  EXPECT_FALSE(index_.HasTerm("pandas"));
}

TEST_F(SyncTest, TouchRewritesNoDocument) {
  Xapian::docid before = *index_.Open().postlist_begin(schema::IdTerm("conf/a.rst", 0));
  SetMtime(index_.notes() / "conf/a.rst", 1500000000);
  ExpectCounts(index_.Sync(), {0, 0, 0, 2, 0});
  Xapian::docid after = *index_.Open().postlist_begin(schema::IdTerm("conf/a.rst", 0));
  EXPECT_EQ(after, before);  // the same document, not a new one
  Xapian::rev revision = index_.Revision();
  EXPECT_FALSE(index_.Sync().committed);
  EXPECT_EQ(index_.Revision(), revision);
}

TEST_F(SyncTest, DeleteRemovesTheTalks) {
  fs::remove(index_.notes() / "conf/b.rst");
  ExpectCounts(index_.Sync(), {0, 0, 1, 1, 0});
  EXPECT_EQ(index_.Talks(), 1u);
  EXPECT_FALSE(index_.HasTalk("conf/b.rst"));
  EXPECT_FALSE(index_.HasTerm("giraffes"));
}

TEST_F(SyncTest, RenameMovesTheTalks) {
  fs::rename(index_.notes() / "conf/b.rst", index_.notes() / "conf/c.rst");
  ExpectCounts(index_.Sync(), {1, 0, 1, 1, 0});
  EXPECT_FALSE(index_.HasTalk("conf/b.rst"));
  EXPECT_TRUE(index_.HasTalk("conf/c.rst"));
  EXPECT_EQ(index_.Talks(), 2u);
}

TEST_F(SyncTest, MovedNotesFolderNeedsNoRewrite) {
  fs::path moved = index_.base() / "moved-notes";
  fs::rename(index_.notes(), moved);
  IndexOptions options = index_.Options();
  options.roots = {moved};
  SyncStats stats = Sync(options);
  ExpectCounts(stats, {0, 0, 0, 2, 0});
  EXPECT_TRUE(index_.HasTalk("conf/a.rst"));
}

TEST_F(SyncTest, ChangedLanguageRebuilds) {
  IndexOptions options = index_.Options();
  options.language = "french";
  SyncStats stats = Sync(options);
  EXPECT_TRUE(stats.rebuilt);
  ExpectCounts(stats, {2, 0, 0, 0, 0});
  EXPECT_EQ(index_.Talks(), 2u);
}

TEST_F(SyncTest, FolderIndexNoteNamesTheEventOfItsNotes) {
  index_.Write("conf/index.rst", "=========\nPyFoo 2012\n=========\n\n.. toctree::\n\n   a\n");
  index_.Sync();
  EXPECT_TRUE(index_.HasTerm(std::string(schema::kEventExact) + "pyfoo 2012"));
  // Just written, the index note is "racy" and hashed again, but unchanged:
  // the notes beside it are not parsed again.
  ExpectCounts(index_.Sync(), {0, 0, 0, 3, 0});
  index_.Write("conf/index.rst", "=========\nPyBar 2013\n=========\n\n.. toctree::\n\n   a\n");
  index_.Sync();
  EXPECT_TRUE(index_.HasTerm(std::string(schema::kEventExact) + "pybar 2013"));
  EXPECT_FALSE(index_.HasTerm(std::string(schema::kEventExact) + "pyfoo 2012"));
}

TEST_F(SyncTest, TalksThatLeaveAFileLeaveTheIndex) {
  std::string two = "=====\nMeet\n=====\n\nFirst talk\n==========\n\nby Ann One\n\n* one\n\n"
                    "Second talk\n===========\n\nby Bob Two\n\n* two\n";
  index_.Write("conf/meet.rst", two);
  index_.Sync();
  EXPECT_TRUE(index_.HasTalk("conf/meet.rst", 1));
  index_.Write("conf/meet.rst", TalkNote("Only talk", "lemurs"));
  index_.Sync();
  EXPECT_TRUE(index_.HasTalk("conf/meet.rst", 0));
  EXPECT_FALSE(index_.HasTalk("conf/meet.rst", 1));
}

TEST_F(SyncTest, SkipsWhatIsNotANote) {
  index_.Write(".git/x.rst", TalkNote("Hidden", "secrets"));
  index_.Write("_build/x.rst", TalkNote("Built", "artifacts"));
  index_.Write("conf/picture.png", "not a note");
  ASSERT_EQ(mkfifo((index_.notes() / "conf/pipe.rst").c_str(), 0600), 0);  // never opened
  fs::create_directory_symlink("..", index_.notes() / "conf/loop");        // a loop
  fs::create_symlink("self.rst", index_.notes() / "conf/self.rst");        // another
  fs::create_symlink("gone.rst", index_.notes() / "conf/dangling.rst");
  index_.Write("conf/big.rst", TalkNote("Big", std::string(5000, 'x')));
  IndexOptions options = index_.Options();
  options.parse.max_file_bytes = 2000;
  SyncStats stats = Sync(options);
  ExpectCounts(stats, {0, 0, 0, 2, 5});
  // Each is reported with its path and why: what the walk passes over too.
  std::map<std::string, std::string> reasons;
  for (const SkippedFile& file : stats.skipped_files) {
    reasons[fs::path(file.path).lexically_relative(index_.notes()).string()] = file.reason;
  }
  const std::pair<const char*, const char*> want[] = {
      {"conf/big.rst", "over the size limit"},
      {"conf/pipe.rst", "not a regular file"},
      {"conf/loop", "already walked"},
      {"conf/self.rst", "symlink loop"},
      {"conf/dangling.rst", "dangling symlink"},
  };
  for (const auto& [path, reason] : want) {
    EXPECT_NE(reasons[path].find(reason), std::string::npos) << path << ": " << reasons[path];
  }
  EXPECT_FALSE(index_.HasTerm("secrets"));
  EXPECT_FALSE(index_.HasTerm("artifacts"));
  // The skip is recorded: the next run does not read the file again.
  Xapian::rev revision = index_.Revision();
  ExpectCounts(Sync(options), {0, 0, 0, 2, 5});
  EXPECT_EQ(index_.Revision(), revision);
}

// Regression: a note skipped for its size stayed skipped after the limit was
// raised, until its bytes changed (its recorded state said "skipped" and
// its stat was the same). And the other way: a note indexed under a high
// limit left the index when the limit went below its size.
TEST_F(SyncTest, ChangingTheSizeLimitLooksAgainAtNotesItDecides) {
  index_.Write("conf/big.rst", TalkNote("Big talk", "elephants " + std::string(5000, 'x')));
  // Out of the racy window (2 s), so the next runs trust the stat alone, as
  // they would for notes written yesterday.
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  IndexOptions small = index_.Options();
  small.parse.max_file_bytes = 2000;
  ExpectCounts(Sync(small), {0, 0, 0, 2, 1});
  ExpectCounts(Sync(small), {0, 0, 0, 2, 1});
  EXPECT_FALSE(index_.HasTalk("conf/big.rst"));
  ExpectCounts(index_.Sync(), {0, 1, 0, 2, 0});  // the default limit: 8 MiB
  EXPECT_TRUE(index_.HasTalk("conf/big.rst"));
  EXPECT_TRUE(index_.HasTerm("elephants"));
  ExpectCounts(index_.Sync(), {0, 0, 0, 3, 0});
  SyncStats lowered = Sync(small);
  ExpectCounts(lowered, {0, 0, 0, 2, 1});
  EXPECT_FALSE(index_.HasTalk("conf/big.rst"));
  EXPECT_FALSE(index_.HasTerm("elephants"));
}

// Notes written just before a run that outlasts their racy window (2 s;
// a copy or a clone, then a long build) are settled by it: their recorded
// states are no longer racy, so later runs trust the stat and read nothing.
// A note changed after it was read is not settled: the next run catches it.
TEST(SyncRacyTest, ARunOutlastingTheRacyWindowSettlesTheNotesItRead) {
  IndexFixture index;
  index.Write("conf/a.rst", TalkNote("Alpha talk", "zebras"));
  index.Write("conf/b.rst", TalkNote("Beta talk", "giraffes"));
  const auto written = std::chrono::steady_clock::now();
  IndexOptions options = index.Options();
  bool changed = false;
  options.on_file = [&](const FileEvent&) {
    // Not a timing assertion: the run is made to last past the window.
    std::this_thread::sleep_until(written + std::chrono::milliseconds(2100));
    if (!changed) {
      index.Write("conf/b.rst", TalkNote("Beta talk", "giraffez"));  // same size
      changed = true;
    }
  };
  auto state = [&](const std::string& path) {
    return DecodeFileState(index.Open().get_metadata(std::string(schema::kFileKey) + path));
  };
  ExpectCounts(Sync(options), {2, 0, 0, 0, 0});
  ASSERT_TRUE(state("conf/a.rst"));
  EXPECT_FALSE(state("conf/a.rst")->racy);
  ASSERT_TRUE(state("conf/b.rst"));
  index.Sync();
  EXPECT_TRUE(index.HasTerm("giraffez"));
  EXPECT_FALSE(index.HasTerm("giraffes"));
  EXPECT_FALSE(state("conf/a.rst")->racy);
}

// A run too short for the window leaves the notes racy, and the runs after
// it, finding them unchanged, still write nothing, even past the window;
// the next run that commits records them settled.
TEST(SyncRacyTest, NotesStillInTheirRacyWindowStayRacyAndNoOpRunsWriteNothing) {
  IndexFixture index;
  index.Write("conf/a.rst", TalkNote("Alpha talk", "zebras"));
  index.Sync();
  auto racy = [&] {
    auto state = DecodeFileState(
        index.Open().get_metadata(std::string(schema::kFileKey) + "conf/a.rst"));
    return state && state->racy;
  };
  EXPECT_TRUE(racy());
  Xapian::rev before = index.Revision();
  EXPECT_FALSE(index.Sync().committed);
  EXPECT_EQ(index.Revision(), before);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past the window
  EXPECT_FALSE(index.Sync().committed);
  EXPECT_EQ(index.Revision(), before);
  EXPECT_TRUE(racy());
  index.Write("conf/b.rst", TalkNote("Beta talk", "giraffes"));
  ExpectCounts(index.Sync(), {1, 0, 0, 1, 0});
  EXPECT_FALSE(racy());
}

TEST_F(SyncTest, SecondWriterGetsAClearMessage) {
  Xapian::WritableDatabase holder(index_.db().string(), Xapian::DB_OPEN);
  try {
    index_.Sync();
    FAIL() << "Sync ran while the index was locked";
  } catch (const IndexLockedError& e) {
    std::string want = "the index at " + index_.db().string() +
                       " is being updated by another indexer";
    EXPECT_EQ(std::string(e.what()).substr(0, want.size()), want) << e.what();
  }
}

TEST(SyncErrorsTest, ADatabaseKilledBeforeItsFirstCommitIsStartedAgain) {
  // What an indexer killed while creating the database leaves: Xapian's
  // lock and temporary tables, no "iamglass". The next run must not fail.
  IndexFixture index;
  index.Write("a.rst", TalkNote("Alpha talk", "zebras"));
  std::filesystem::create_directories(index.db());
  testing::WriteFile(index.db() / "flintlock", "");
  testing::WriteFile(index.db() / "postlist.glass", "partial");
  testing::WriteFile(index.db() / "v.tmp", "partial");
  ExpectCounts(index.Sync(), {1, 0, 0, 0, 0});
  EXPECT_TRUE(index.HasTalk("a.rst"));
}

TEST(SyncErrorsTest, MissingNotesFolderIsAnInvalidArgument) {
  IndexFixture index;
  IndexOptions options = index.Options();
  options.roots = {index.base() / "nowhere"};
  EXPECT_THROW(Sync(options), InvalidArgument);
}

TEST(SyncErrorsTest, SeveralRootsArePrefixedWithTheirNames) {
  IndexFixture index;
  index.Write("x.rst", TalkNote("X talk", "xylophones"));
  testing::WriteFile(index.base() / "more" / "y.rst", TalkNote("Y talk", "yaks"));
  IndexOptions options = index.Options();
  options.roots = {index.notes(), index.base() / "more"};
  ExpectCounts(Sync(options), {2, 0, 0, 0, 0});
  EXPECT_TRUE(index.HasTalk("notes/x.rst"));
  EXPECT_TRUE(index.HasTalk("more/y.rst"));
}

TEST(SyncCorpusTest, IndexesTheCorpusAndSyncsAgainWithoutWriting) {
  TALKSEARCH_REQUIRE_CORPUS(corpus);
  IndexFixture index;
  IndexOptions options = index.Options();
  options.roots = {corpus};
  SyncStats first = Sync(options);
  EXPECT_GT(first.added, 100u);
  EXPECT_GT(first.talks, 100u);
  Xapian::rev revision = index.Revision();
  SyncStats second = Sync(options);
  EXPECT_EQ(second.unchanged + second.skipped, first.added + first.skipped);
  EXPECT_EQ(index.Revision(), revision);
}

// A first build by several writers merged at the end is the same index as
// one writer's, and the next run finds nothing to do.
void ExpectParallelBuildIsTheSame(const fs::path& notes) {
  IndexFixture one, several;
  IndexOptions serial = one.Options();
  serial.roots = {notes};
  serial.writers = 1;
  serial.batch_files = 7;
  IndexOptions parallel = several.Options();
  parallel.roots = {notes};
  parallel.writers = 3;
  parallel.parallel_min_files = 1;
  parallel.batch_files = 7;  // several commits in each part
  SyncStats a = Sync(serial);
  SyncStats b = Sync(parallel);
  EXPECT_EQ(b.added, a.added);
  EXPECT_EQ(b.skipped, a.skipped);
  EXPECT_EQ(b.talks, a.talks);
  EXPECT_TRUE(b.committed);
  // Every talk's record, terms with their wdf and values, every file state
  // and spelling word.
  EXPECT_EQ(testing::FirstDifference(testing::DumpIndex(several.db().string()),
                                     testing::DumpIndex(one.db().string())),
            "");
  EXPECT_FALSE(fs::exists(several.db().string() + ".building"));
  // The merged index is written once, by Xapian's compactor, though each
  // part committed several batches.
  EXPECT_EQ(several.Revision(), 1u);
  Xapian::rev revision = several.Revision();
  SyncStats again = Sync(parallel);
  EXPECT_EQ(again.added + again.updated + again.removed, 0u);
  EXPECT_FALSE(again.committed);
  EXPECT_EQ(several.Revision(), revision);
}

TEST(ParallelBuildTest, SeveralWritersMakeTheSameIndexAsOne) {
  ExpectParallelBuildIsTheSame(testing::TestData());
}

TEST(ParallelBuildTest, PartsOfAKilledBuildAreRemovedByTheNextWriter) {
  IndexFixture index;
  index.Write("conf/a.rst", TalkNote("Alpha talk", "zebras"));
  const fs::path parts = index.db().string() + ".building";
  testing::WriteFile(parts / "0" / "postlist.glass", "left by a killed build");
  IndexOptions options = index.Options();
  options.writers = 1;
  ExpectCounts(Sync(options), {1, 0, 0, 0, 0});
  EXPECT_FALSE(fs::exists(parts));
}

TEST(ParallelBuildCorpusTest, SeveralWritersMakeTheSameIndexAsOne) {
  TALKSEARCH_REQUIRE_CORPUS(corpus);
  ExpectParallelBuildIsTheSame(corpus);
}

}  // namespace
}  // namespace talksearch
