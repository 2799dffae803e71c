// End to end: the real `indexer --dump` on the notes in data/, as a user
// would run it.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace talksearch {
namespace {

std::string Indexer() { return std::string(TALKSEARCH_BINARY_DIR) + "/indexer/indexer"; }
std::string Data() { return std::string(TALKSEARCH_SOURCE_DIR) + "/data"; }

const char* kTalks[] = {"Asynchronous programming techniques in Python",
                        "Metaclasses: Look behind the curtain",
                        "Approaching Technical challenges as a Startup"};

TEST(DumpE2eTest, SeedMeetupGivesThreeTalksInOrder) {
  testing::CommandOutput out = testing::RunCommand(Indexer() + " --root " + Data() + " --dump " + Data() +
                   "/socalpiggies/2011-06-06-dreamhost.rst");
  ASSERT_EQ(out.status, 0);
  auto notes = nlohmann::json::parse(out.text);
  ASSERT_EQ(notes.size(), 1u);
  const auto& note = notes[0];
  EXPECT_EQ(note["path"], "socalpiggies/2011-06-06-dreamhost.rst");
  EXPECT_EQ(note["format"], "rst");
  EXPECT_EQ(note["date"], "2011-06-06");
  const auto& talks = note["talks"];
  ASSERT_EQ(talks.size(), 3u);
  const char* speakers[] = {"Tommi Virtanen", "John LaCourt", "David Litwin"};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(talks[i]["title"], kTalks[i]);
    EXPECT_EQ(talks[i]["speakers"], nlohmann::json::array({speakers[i]}));
    EXPECT_EQ(talks[i]["date"], "2011-06-06");
  }
  EXPECT_EQ(talks[0]["anchor"], "asynchronous-programming-techniques-in-python");
  // The metaclass talk keeps its code.
  std::string code;
  for (const auto& s : talks[1]["sections"]) {
    for (const auto& c : s["code"]) code += c["text"].get<std::string>();
  }
  EXPECT_NE(code.find("class MyFirstMeta(type):"), std::string::npos);
  EXPECT_NE(code.find("__metaclass__ = MyFirstMeta"), std::string::npos);
}

TEST(DumpE2eTest, RenderedTwinGivesTheSameTalkTitles) {
  testing::CommandOutput out = testing::RunCommand(Indexer() + " --root " + Data() + " --dump " + Data() +
                   "/socalpiggies/2011-06-06-dreamhost.txt");
  ASSERT_EQ(out.status, 0);
  auto notes = nlohmann::json::parse(out.text);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["format"], "text");
  EXPECT_EQ(notes[0]["date"], "2011-06-06");
  const auto& talks = notes[0]["talks"];
  ASSERT_EQ(talks.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(talks[i]["title"], kTalks[i]);
}

TEST(DumpE2eTest, ReportsSkippedFilesAndGoesOn) {
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "good.rst", "Good\n====\n\nby Ann Bee\n");
  testing::WriteFile(dir.path() / "bad.rst", "Bad \xff\n====\n");
  testing::WriteFile(dir.path() / "big.rst", std::string(5000, 'a'));
  std::string d = dir.path().string();
  testing::CommandOutput out = testing::RunCommand(Indexer() + " --max-file-size 4096 --root " + d + " --dump " + d +
                   "/big.rst " + d + "/bad.rst " + d + "/good.rst 2>&1 >/dev/null");
  EXPECT_EQ(out.status, 0);
  EXPECT_NE(out.text.find("big.rst:0: skipped: over the size limit"), std::string::npos)
      << out.text;
  EXPECT_NE(out.text.find("bad.rst:1: invalid UTF-8 repaired"), std::string::npos) << out.text;
}

TEST(DumpE2eTest, ParseOnlyReadsEveryNoteAndWritesNothing) {
  testing::CommandOutput out =
      testing::RunCommand(Indexer() + " --db /nonexistent/never-written --parse-only --json " + Data());
  ASSERT_EQ(out.status, 0) << out.text;
  auto stats = nlohmann::json::parse(out.text);
  EXPECT_GT(stats["files"].get<int>(), 0);
  EXPECT_EQ(stats["notes"].get<int>() + stats["skipped"].get<int>(), stats["files"].get<int>());
  EXPECT_GE(stats["talks"].get<int>(), 3);  // the meetup note alone holds three
  EXPECT_GT(stats["bytes"].get<int>(), 0);
  EXPECT_FALSE(std::filesystem::exists("/nonexistent/never-written"));
}

}  // namespace
}  // namespace talksearch
