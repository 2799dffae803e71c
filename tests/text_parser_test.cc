// Tests of the plain-text outline parser (indexer/text_parser.cc).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "outline.h"
#include "outline_test_util.h"
#include "test_util.h"

namespace talksearch {
namespace {

using ::talksearch::testing::CommonHostileInputs;
using ::talksearch::testing::Describe;
using ::talksearch::testing::HeadingsAt;
using ::talksearch::testing::ReadFile;
using ::talksearch::testing::Repeat;
using ::talksearch::testing::TestData;

struct Case {
  const char* name;
  const char* text;
  std::vector<std::string> blocks;  // as Describe gives them
};

const Case kCases[] = {
    {"first line is the title",
     "\n\nTitle\n\nSome text here.\n",
     {"H1 Title", "T Some text here."}},
    {"paragraph lines joined", "T\n\nline one\n  line two\n", {"H1 T", "T line one line two"}},
    {"bullet markers stripped",
     "T\n\n\u2022 one\n* two\n- three\n+ four\n\u2023 five\n\u25e6 six\n1. seven\na) eight\n"
     "(3) nine\n",
     {"H1 T", "* one", "* two", "* three", "* four", "* five", "* six", "* seven", "* eight",
      "* nine"}},
    {"bullet continuation joined",
     "T\n\n  \u2022 first line\n    continues\n  \u2022 second\n",
     {"H1 T", "* first line continues", "* second"}},
    {"prose that only looks like a list",
     "T\n\na. b is prose\n-not a bullet\n",
     {"H1 T", "T a. b is prose -not a bullet"}},
    {"sections without talks are level 2",
     "Title\n\nSection one\n\nText.\n",
     {"H1 Title", "H2 Section one", "T Text."}},
    {"talk named by a speaker line",
     "Event\n\nTalk A\n\nby Jane Doe\n\nText.\n\nDetails\n\nMore.\n",
     {"H1 Event", "H2 Talk A", "T by Jane Doe", "T Text.", "H3 Details", "T More."}},
    {"talk named by a bulleted speaker line",
     "Event\n\nTalk A\n\n  \u2022 By Jane Doe\n",
     {"H1 Event", "H2 Talk A", "* By Jane Doe"}},
    {"talk followed by two blank lines",
     "Event\n\nTalk A\n\n\nText.\n\nSub\n\nMore.\n",
     {"H1 Event", "H2 Talk A", "T Text.", "H3 Sub", "T More."}},
    {"blank lines at the end make no talk",
     "Event\n\nSection\n\nText.\n\nLast\n\n\n",
     {"H1 Event", "H2 Section", "T Text.", "H2 Last"}},
    {"lowercase by is no speaker",
     "Event\n\nTalk A\n\nby the way\n\nText.\n",
     {"H1 Event", "H2 Talk A", "T by the way", "T Text."}},
    {"not headings",
     "T\n\nFirst metaclass:\n\nOne. Two\n\nlowercase start\n\nEnds with a period.\n\n"
     "See http://example.com/x\n\n"
     "A line with far too many words to be any kind of heading at all really\n\n"
     "1999\n\nStandalone\n",
     {"H1 T", "T First metaclass:", "T One. Two", "T lowercase start", "T Ends with a period.",
      "T See http://example.com/x",
      "T A line with far too many words to be any kind of heading at all really", "T 1999",
      "H2 Standalone"}},
    {"heading needs blank lines around it",
     "T\n\nOne\ntwo\n\nA\n\u2022 b\n",
     {"H1 T", "T One two", "T A", "* b"}},
    {"empty section before a talk is a paragraph",
     "Event\n\nArrived late today\n\nTalk\n\nby Ann Lee\n",
     {"H1 Event", "T Arrived late today", "H2 Talk", "T by Ann Lee"}},
    {"line right after a section heading is a paragraph",
     "Event\n\nTalk\n\nby Ann Lee\n\nExample\n\nEnforce the rules, like Java\n\ntext.\n",
     {"H1 Event", "H2 Talk", "T by Ann Lee", "H3 Example", "T Enforce the rules, like Java",
      "T text."}},
    {"underlined headings by style order",
     "Title\n=====\n\nSection\n-------\n\nLooks Like Heading\n\nSub\n~~~\n\nNext\n-------\n",
     {"H1 Title", "H2 Section", "T Looks Like Heading", "H3 Sub", "H2 Next"}},
    {"underlines below an unadorned title",
     "Notes\n\nPart\n====\n\nBody.\n",
     {"H1 Notes", "H2 Part", "T Body."}},
    {"overlined title", "=====\nTitle\n=====\n\nSec\n---\n", {"H1 Title", "H2 Sec"}},
    {"transition skipped",
     "T\n\npara one\n\n----\n\npara two\n",
     {"H1 T", "T para one", "T para two"}},
    {"interactive session is code",
     "T\n\n>>> x = 1\n>>> x\n1\n\nafter\n",
     {"H1 T", "C[] >>> x = 1\n>>> x\n1", "T after"}},
    {"shell command is code", "T\n\n$ pip install gevent\n", {"H1 T", "C[] $ pip install gevent"}},
    {"indented code after a colon",
     "T\n\nExample:\n\n    def f(x):\n        return x\n",
     {"H1 T", "T Example:", "C[] def f(x):\n    return x"}},
    {"code right after a bullet",
     "T\n\n  \u2022 Example:\nimport os\nos.getcwd()\n",
     {"H1 T", "* Example:", "C[] import os\nos.getcwd()"}},
    {"code continues across blank lines",
     "T\n\nclass A(object):\n    x = 1\n\n\n# comment\nb = A()\n\nThe End\n",
     {"H1 T", "C[] class A(object):\n    x = 1\n\n\n# comment\nb = A()", "H2 The End"}},
    {"prose is not code",
     "T\n\nResult = good things happen.\nimport your data first\nfrom here to there\n"
     "class is over (sort of)\nCost = too high\n",
     {"H1 T",
      "T Result = good things happen. import your data first from here to there class is over "
      "(sort of) Cost = too high"}},
    {"windows line ends", "Title\r\n\r\nText\r\nmore\r\n", {"H1 Title", "T Text more"}},
    {"empty input", "", {}},
    {"blank input", "\n  \n\t\n", {}},
};

TEST(TextParserTest, ParsesTableOfCases) {
  for (const Case& c : kCases) {
    EXPECT_EQ(Describe(ParseTextOutline(c.text)), c.blocks) << c.name;
  }
}

std::string RenderedTwin() {
  return ReadFile(std::filesystem::path(TALKSEARCH_SOURCE_DIR) / "data" / "socalpiggies" /
                  "2011-06-06-dreamhost.txt");
}

TEST(TextParserTest, FindsTalkHeadingsInRenderedTwin) {
  std::string text = RenderedTwin();
  ASSERT_FALSE(text.empty());
  Outline outline = ParseTextOutline(text);
  EXPECT_EQ(HeadingsAt(outline, 1),
            (std::vector<std::string>{"June 6, 2011 - Socal Python meetup at Dreamhost"}));
  EXPECT_EQ(HeadingsAt(outline, 2),
            (std::vector<std::string>{"Asynchronous programming techniques in Python",
                                      "Metaclasses: Look behind the curtain",
                                      "Approaching Technical challenges as a Startup"}));
  // Sections whose titles survived rendering ("Multiprocessing" and "Gevent"
  // lost theirs: the twin has no line for them).
  EXPECT_EQ(HeadingsAt(outline, 3),
            (std::vector<std::string>{"Communicating Sequential Processes", "What does a class do?",
                                      "Example libraries", "What is a metaclass?",
                                      "The type metaclass", "Practical example",
                                      "Great! Now be @#$%ing careful!!!!", "Video transcoding",
                                      "Real-time feeds", "Slow ORM queries", "Lessons Learned"}));
}

TEST(TextParserTest, FindsCodeInRenderedTwin) {
  Outline outline = ParseTextOutline(RenderedTwin());
  std::vector<const Block*> code;
  for (const Block& block : outline.blocks) {
    if (block.kind == BlockKind::kCode) code.push_back(&block);
  }
  ASSERT_EQ(code.size(), 4u);
  EXPECT_EQ(code[0]->line, 71);
  EXPECT_EQ(code[0]->text.substr(0, 22), "class Person(object):\n");
  EXPECT_EQ(code[1]->line, 96);
  const Block& meta = *code[2];
  EXPECT_EQ(meta.line, 109);
  EXPECT_EQ(meta.text.substr(0, 25), "class MyFirstMeta(type):\n");
  EXPECT_NE(meta.text.find("# the grungy way of building that class\n"), std::string::npos);
  EXPECT_TRUE(meta.text.ends_with("    __metaclass__ = MyFirstMeta"));
  EXPECT_EQ(code[3]->line, 131);
  EXPECT_TRUE(code[3]->text.ends_with("    age = Field(int)"));
}

TEST(TextParserTest, ReadsBulletsAndSpeakersInRenderedTwin) {
  Outline outline = ParseTextOutline(RenderedTwin());
  std::vector<std::string> blocks = Describe(outline);
  auto has = [&](const std::string& line) {
    return std::find(blocks.begin(), blocks.end(), line) != blocks.end();
  };
  EXPECT_TRUE(has("* Walked in the on the part about Twisted\u2026"));
  EXPECT_TRUE(
      has("* Multiple threads in Python are OS processes and you can get blocking on "
          "memory objects"));
  EXPECT_TRUE(has("T by Dreamhoster John LaCourt"));
  EXPECT_TRUE(has("T by David Litwin"));
  EXPECT_TRUE(has("T First metaclass:"));
  EXPECT_TRUE(has("T Arrived 30 minutes late so my notes are woefully incomplete"));
}

TEST(TextParserTest, ParsesSampleMeetup) {
  Outline outline = ParseTextOutline(ReadFile(TestData() / "formats" / "meetup.txt"));
  EXPECT_EQ(Describe(outline), (std::vector<std::string>{
                                   "H1 Python meetup, March 2012",
                                   "T Pizza arrived at seven.",
                                   "H2 Packaging in 2012",
                                   "T by Ada Lovelace",
                                   "* setup.py is going away",
                                   "* distutils2 replaces it, with a setup.cfg file",
                                   "H3 Demo",
                                   "C[] >>> import packaging\n>>> packaging.__version__\n'1.0'",
                                   "H2 Lightning talks",
                                   "* Something about regular expressions",
                                   "* A new test runner",
                                   "T Read the slides at http://example.com/slides. They are good.",
                               }));
  std::vector<int> lines;
  for (const Block& block : outline.blocks) lines.push_back(block.line);
  EXPECT_EQ(lines, (std::vector<int>{1, 4, 6, 8, 10, 11, 14, 16, 20, 23, 24, 26}));
}

TEST(TextParserTest, SurvivesHostileInput) {
  std::vector<testing::HostileInput> inputs = CommonHostileInputs();
  inputs.push_back({"many blank lines", "T\n" + Repeat("\n", 1 << 20) + "x\n"});
  inputs.push_back({"long underline", "Title\n" + Repeat("=", 1 << 20) + "\n"});
  inputs.push_back({"only adornments", Repeat("===\n", 1 << 16)});
  inputs.push_back({"deep indents", Repeat(" ", 1 << 20) + "\u2022 x\n"});
  inputs.push_back({"code forever", "T\n\nclass A:\n" + Repeat("    x = 1\n\n", 1 << 16)});
  inputs.push_back({"markers only", Repeat("\u2022 \n1.\n(\n", 1 << 14)});
  for (const auto& input : inputs) {
    Outline outline = ParseTextOutline(input.text);
    for (const Block& block : outline.blocks) {
      EXPECT_GE(block.line, 1) << input.name;
    }
  }
  Outline long_line = ParseTextOutline(Repeat("word ", 2 << 20));
  ASSERT_EQ(long_line.blocks.size(), 1u);
  EXPECT_EQ(long_line.blocks[0].kind, BlockKind::kHeading);
}

}  // namespace
}  // namespace talksearch
