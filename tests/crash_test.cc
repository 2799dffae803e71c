// A run killed with SIGKILL at any moment leaves a database that opens and
// that xapian-check accepts, and the next run completes it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <xapian.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "index_dump.h"
#include "process_util.h"
#include "test_util.h"

namespace talksearch {
namespace {

namespace fs = std::filesystem;

// xapian-check's path, or "" when it is not on PATH.
std::string FindXapianCheck() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    fs::path candidate = fs::path(dirs.substr(start, end - start)) / "xapian-check";
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return "";
}

void WriteNotes(const fs::path& root, int count) {
  for (int i = 0; i < count; ++i) {
    std::string title = "Talk number " + std::to_string(i);
    std::string line(title.size(), '=');
    testing::WriteFile(
        root / ("event" + std::to_string(i % 20)) / ("talk" + std::to_string(i) + ".rst"),
        line + "\n" + title + "\n" + line + "\n\nby Speaker " + std::to_string(i % 37) +
            "\n\n* word" + std::to_string(i) +
            " and some text about gevent, metaclasses and ``patch_all``\n");
  }
}

Xapian::doccount Build(const fs::path& db, const fs::path& notes, const fs::path& log) {
  int status = testing::RunToEnd(
      {testing::IndexerBinary().string(), "--quiet", "--db", db.string(), notes.string()}, log);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << testing::ReadFile(log);
  return Xapian::Database(db.string()).get_doccount();
}

// True when xapian-check (if on PATH) accepts the database; says why not.
::testing::AssertionResult PassesCheck(const std::string& check, const fs::path& db,
                                       const fs::path& log) {
  if (check.empty()) return ::testing::AssertionSuccess();
  int status = testing::RunToEnd({check, db.string()}, log);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "xapian-check " << db << ":\n" << testing::ReadFile(log);
}

// A corpus made by bench/scale.py, as the benchmarks make theirs: 3 copies of
// TALKSEARCH_CORPUS, or 100 of tests/data when it is unset (about a
// thousand notes either way).
fs::path ScaledCorpus(const fs::path& out) {
  const char* corpus = std::getenv("TALKSEARCH_CORPUS");
  bool real = corpus != nullptr && *corpus != '\0';
  std::string source = real ? corpus : testing::TestData().string();
  std::string command = "python3 '" + std::string(TALKSEARCH_SOURCE_DIR) +
                        "/bench/scale.py' --source '" + source + "' --scale " +
                        (real ? "3" : "100") + " --out '" + out.string() + "' 2>&1";
  testing::CommandOutput made = testing::RunCommand(command);
  EXPECT_EQ(made.status, 0) << command << "\n" << made.text;
  return out;
}

// SIGKILL at a dozen points spread over a build of a scaled corpus (offsets
// measured from a clean build of it, committed every 100 files): each time
// the database opens, xapian-check accepts it, and the next run completes
// it to exactly what the clean build holds (talks, records, terms, values,
// file states, spelling), so a kill loses nothing.
TEST(CrashTest, KilledAtManyPointsOfAScaledBuildLosesNothing) {
  testing::TempDir dir;
  const fs::path notes = ScaledCorpus(dir.path() / "notes");
  ASSERT_FALSE(::testing::Test::HasFailure());
  const std::vector<std::string> build = {testing::IndexerBinary().string(),
                                          "--quiet",
                                          "--batch-files",
                                          "100",
                                          "--threads",
                                          "2",
                                          "--db"};
  // Most kills hit a build by one writer, committing batches into the index
  // in place; every third hits the parallel first build (parallel_build.h),
  // whose parts are merged into the index only at its end.
  auto run = [&](const fs::path& db, bool parallel = false) {
    std::vector<std::string> argv = build;
    argv.insert(argv.end() - 1, {"--writers", parallel ? "2" : "1"});
    argv.push_back(db.string());
    argv.push_back(notes.string());
    return argv;
  };
  const auto started = std::chrono::steady_clock::now();
  int status = testing::RunToEnd(run(dir.path() / "clean"), dir.path() / "clean.log");
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << testing::ReadFile(dir.path() / "clean.log");
  const std::string clean = testing::DumpIndex((dir.path() / "clean").string());
  const std::string check = FindXapianCheck();
  if (check.empty()) std::cerr << "xapian-check is not on PATH: the databases are only opened\n";
  const int kPoints = 12;
  int committed_before_kill = 0;
  for (int point = 0; point < kPoints; ++point) {
    const auto offset = std::chrono::duration_cast<std::chrono::milliseconds>(
        took * (2 * point + 1) / (2 * kPoints));
    SCOPED_TRACE("killed " + std::to_string(offset.count()) + " ms into the build");
    const fs::path db = dir.path() / ("db" + std::to_string(point));
    {
      testing::Child killed(run(db, point % 3 == 2), dir.path() / "killed.log");
      std::this_thread::sleep_for(offset);
      killed.Signal(SIGKILL);
      killed.Wait();
    }
    std::string state = "no database yet";
    if (fs::exists(db / "iamglass")) {
      Xapian::Database left(db.string());
      state = "revision " + std::to_string(left.get_revision()) + ", " +
              std::to_string(left.get_doccount()) + " talks";
      if (left.get_doccount() > 0 && point % 3 != 2) ++committed_before_kill;
      EXPECT_TRUE(PassesCheck(check, db, dir.path() / "check.log"));
    }
    status = testing::RunToEnd(run(db), dir.path() / "next.log");
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << testing::ReadFile(dir.path() / "next.log");
    EXPECT_TRUE(PassesCheck(check, db, dir.path() / "check.log"));
    EXPECT_EQ(testing::FirstDifference(testing::DumpIndex(db.string()), clean), "");
    std::cout << "kill point " << point + 1 << "/" << kPoints
              << (point % 3 == 2 ? " (parallel build)" : "") << " at " << offset.count()
              << " ms of " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
              << " ms: " << state << "; the next run completed it to the clean build\n";
    fs::remove_all(db);
  }
  // Most kills of the one-writer build must land mid-build, after some
  // commits, or the test proves little.
  EXPECT_GE(committed_before_kill, kPoints / 3);
}

TEST(CrashTest, KilledIndexerLeavesAnIndexTheNextRunCompletes) {
  testing::TempDir dir;
  fs::path notes = dir.path() / "notes";
  WriteNotes(notes, 3000);
  const Xapian::doccount clean = Build(dir.path() / "clean", notes, dir.path() / "clean.log");
  ASSERT_EQ(clean, 3000u);
  const std::string check = FindXapianCheck();
  if (check.empty()) std::cerr << "xapian-check is not on PATH: the databases are only opened\n";
  for (int delay_ms : {15, 60, 150, 400, 900}) {
    SCOPED_TRACE("killed after " + std::to_string(delay_ms) + " ms");
    fs::path db = dir.path() / ("db" + std::to_string(delay_ms));
    {
      testing::Child run({testing::IndexerBinary().string(), "--quiet", "--batch-files", "150",
                          "--db", db.string(), notes.string()},
                         dir.path() / "killed.log");
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      run.Signal(SIGKILL);
      run.Wait();
    }
    if (fs::exists(db / "iamglass")) {
      EXPECT_NO_THROW(Xapian::Database(db.string()).get_doccount());
      if (!check.empty()) {
        int status = testing::RunToEnd({check, db.string()}, dir.path() / "check.log");
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
            << testing::ReadFile(dir.path() / "check.log");
      }
    }
    EXPECT_EQ(Build(db, notes, dir.path() / "next.log"), clean);
    if (!check.empty()) {
      int status = testing::RunToEnd({check, db.string()}, dir.path() / "check.log");
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
  }
}

// The same for `indexer --watch` killed while it applies a burst of edits:
// the database opens and passes xapian-check, and the next run brings it to
// exactly the notes on disk (every talk carries the last edit's word).
TEST(CrashTest, KilledWatcherMidUpdateLeavesAnIndexTheNextRunCompletes) {
  testing::TempDir dir;
  const fs::path notes = dir.path() / "notes";
  const fs::path db = dir.path() / "db";
  const int kNotes = 600;
  WriteNotes(notes, kNotes);
  ASSERT_EQ(Build(db, notes, dir.path() / "first.log"), static_cast<Xapian::doccount>(kNotes));
  const std::string check = FindXapianCheck();
  int round = 0;
  for (int delay_ms : {0, 30, 120, 400}) {
    ++round;
    SCOPED_TRACE("watcher killed " + std::to_string(delay_ms) + " ms after the edits");
    const fs::path log = dir.path() / ("watch" + std::to_string(round) + ".log");
    {
      testing::Child watch({testing::IndexerBinary().string(), "--watch", "--batch-files", "40",
                            "--db", db.string(), notes.string()},
                           log);
      ASSERT_TRUE(testing::PollUntil(
          [&] { return testing::ReadFile(log).find("watching for changes") != std::string::npos; },
          std::chrono::seconds(60)))
          << testing::ReadFile(log);
      for (int i = 0; i < kNotes; ++i) {
        testing::WriteFile(
            notes / ("event" + std::to_string(i % 20)) / ("talk" + std::to_string(i) + ".rst"),
            "Edited talk " + std::to_string(i) + "\n" + std::string(30, '=') +
                "\n\nby Someone\n\n" + "* edit" + std::to_string(round) + " of the notes\n");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      watch.Signal(SIGKILL);
      watch.Wait();
    }
    std::string said = testing::ReadFile(log);
    std::size_t applied = 0;
    for (std::size_t at = 0; (at = said.find(" updated ", at)) != std::string::npos; ++at) {
      ++applied;
    }
    std::cout << "round " << round << ": killed after " << applied << " of " << kNotes
              << " edits were applied\n";
    EXPECT_NO_THROW(Xapian::Database(db.string()).get_doccount());
    if (!check.empty()) {
      int status = testing::RunToEnd({check, db.string()}, dir.path() / "check.log");
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
          << testing::ReadFile(dir.path() / "check.log");
    }
    EXPECT_EQ(Build(db, notes, dir.path() / "next.log"), static_cast<Xapian::doccount>(kNotes));
    Xapian::Database after(db.string());
    EXPECT_EQ(after.get_termfreq("edit" + std::to_string(round)),
              static_cast<Xapian::doccount>(kNotes));
    if (round > 1) {
      EXPECT_EQ(after.get_termfreq("edit" + std::to_string(round - 1)), 0u);
    }
    // And exactly what a clean build of the notes now on disk holds.
    const fs::path clean = dir.path() / ("clean" + std::to_string(round));
    Build(clean, notes, dir.path() / "clean.log");
    EXPECT_EQ(testing::FirstDifference(testing::DumpIndex(db.string()),
                                       testing::DumpIndex(clean.string())),
              "");
    fs::remove_all(clean);
  }
}

}  // namespace
}  // namespace talksearch
