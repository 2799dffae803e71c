// Tests of the Markdown outline parser (indexer/markdown_parser.cc).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "outline.h"
#include "outline_test_util.h"
#include "test_util.h"

namespace talksearch {
namespace {

using ::talksearch::testing::CommonHostileInputs;
using ::talksearch::testing::Describe;
using ::talksearch::testing::ReadFile;
using ::talksearch::testing::Repeat;
using ::talksearch::testing::TestData;

struct Case {
  const char* name;
  const char* markdown;
  std::vector<std::string> blocks;  // as Describe gives them
};

const Case kCases[] = {
    {"atx headings renumbered from their first level",
     "## A\n\n#### B\n\n## C\n",
     {"H1 A", "H2 B", "H1 C"}},
    {"setext headings", "Title\n=====\n\nSub\n---\n", {"H1 Title", "H2 Sub"}},
    {"levels follow first appearance", "### First\n\n# Second\n", {"H1 First", "H2 Second"}},
    {"empty heading dropped", "#\n\nText\n", {"T Text"}},
    {"emphasis and link text kept",
     "Some *em* and [a link](http://x.org) here.\n",
     {"T Some em and a link here."}},
    {"soft line breaks become spaces", "one\ntwo\n", {"T one two"}},
    {"image dropped", "See ![alt text](a.png) here.\n", {"T See here."}},
    {"html block dropped", "<div>\nraw block\n</div>\n\nAfter.\n", {"T After."}},
    {"inline html tags dropped", "a <b>bold</b> word\n", {"T a bold word"}},
    {"tight list items", "- one\n- two\n  - nested\n", {"* one", "* two", "* nested"}},
    {"loose list paragraphs", "1. one\n\n   more\n\n2. two\n", {"* one", "* more", "* two"}},
    {"text after a nested list",
     "- outer\n  - inner\n\n  tail\n",
     {"* outer", "* inner", "* tail"}},
    {"fenced code with info string", "```python {linenos}\nx = 1\n```\n", {"C[python] x = 1"}},
    {"tilde fence without language", "~~~\ncode\n  kept\n~~~\n", {"C[] code\n  kept"}},
    {"indented code", "Para.\n\n    indented code\n", {"T Para.", "C[] indented code"}},
    {"empty fence dropped", "```\n```\n\nAfter\n", {"T After"}},
    {"blockquote is text", "> quoted *text*\n>\n> > deeper\n", {"T quoted text", "T deeper"}},
    {"admonition-like quote stays text", "> **Note:** careful.\n", {"T Note: careful."}},
    {"entities decoded",
     "Tom &amp; Jerry &#8212; &#x41;&copy; &bogus;\n",
     {"T Tom & Jerry \u2014 A\u00a9 &bogus;"}},
    {"table row is one block", "| A | B |\n|---|---|\n| x | y |\n", {"T A B", "T x y"}},
    {"thematic break ignored", "a\n\n***\n\nb\n", {"T a", "T b"}},
    {"front matter skipped", "---\ntitle: x\ntags: [a]\n---\n# Real\n", {"H1 Real"}},
    {"unclosed front matter is markdown", "---\nText\n", {"T Text"}},
    {"empty input", "", {}},
};

TEST(MarkdownParserTest, ParsesTableOfCases) {
  for (const Case& c : kCases) {
    EXPECT_EQ(Describe(ParseMarkdownOutline(c.markdown)), c.blocks) << c.name;
  }
}

TEST(MarkdownParserTest, CollectsInlineCodeSpansAsLiterals) {
  Outline outline =
      ParseMarkdownOutline("Call `foo()` then ``bar  baz``.\n\n## The `type` class\n");
  ASSERT_EQ(outline.blocks.size(), 2u);
  EXPECT_EQ(outline.blocks[0].text, "Call foo() then bar baz.");
  EXPECT_EQ(outline.blocks[0].literals, (std::vector<std::string>{"foo()", "bar baz"}));
  EXPECT_EQ(outline.blocks[1].text, "The type class");
  EXPECT_EQ(outline.blocks[1].literals, (std::vector<std::string>{"type"}));
}

TEST(MarkdownParserTest, TracksLineNumbers) {
  const char* markdown =
      "# Title\n"        // 1
      "\n"               // 2
      "Para line one\n"  // 3
      "line two\n"       // 4
      "\n"               // 5
      "- item a\n"       // 6
      "- item b\n"       // 7
      "\n"               // 8
      "```bash\n"        // 9
      "ls\n"             // 10
      "```\n"            // 11
      "\n"               // 12
      "Setext\n"         // 13
      "------\n"         // 14
      "\n"               // 15
      "    indented\n";  // 16
  std::vector<int> lines;
  for (const Block& block : ParseMarkdownOutline(markdown).blocks) lines.push_back(block.line);
  EXPECT_EQ(lines, (std::vector<int>{1, 3, 6, 7, 9, 13, 16}));
}

TEST(MarkdownParserTest, KeepsLineNumbersAfterFrontMatter) {
  Outline outline = ParseMarkdownOutline("---\r\ntitle: x\r\n...\r\n\r\n# Title\r\n");
  ASSERT_EQ(outline.blocks.size(), 1u);
  EXPECT_EQ(outline.blocks[0].text, "Title");
  EXPECT_EQ(outline.blocks[0].line, 5);
}

TEST(MarkdownParserTest, ParsesSampleTalk) {
  std::string markdown = ReadFile(TestData() / "formats" / "talk.md");
  ASSERT_FALSE(markdown.empty());
  Outline outline = ParseMarkdownOutline(markdown);
  EXPECT_EQ(Describe(outline),
            (std::vector<std::string>{
                "H1 PyCon 2012: Testing with gevent",
                "T by Jane Example",
                "T Notes from the gevent talk, see the slides and the monkey.patch_all() call.",
                "H2 Why async & green threads?",
                "* Tight item one",
                "* Tight item with code",
                "* Nested item",
                "* Loose item one",
                "* Loose item two",
                "C[python] from gevent import monkey\nmonkey.patch_all()",
                "H1 Setext section",
                "T Note: quoted advice stays text.",
                "C[] $ pip install gevent",
                "T Tool Use",
                "T gevent green threads",
            }));
  EXPECT_EQ(outline.blocks[9].line, 22);
  EXPECT_TRUE(outline.diagnostics.empty());
}

// md4c 0.4.8 looks past the end of a link destination cut off by the end of
// the input; whatever follows the note in memory must not become its text.
TEST(MarkdownParserTest, ReadsNothingPastTheEndOfTheNote) {
  const std::string note = "See the `monkey.patch_all()` call. ![diagram](diagram.\xff";
  const std::string memory = note + ")" + Repeat("beyond ", 1000);
  Outline outline = ParseMarkdownOutline(std::string_view(memory.data(), note.size()));
  ASSERT_EQ(outline.blocks.size(), 1u);
  EXPECT_EQ(outline.blocks[0].text.find("beyond"), std::string::npos) << outline.blocks[0].text;
  EXPECT_NE(outline.blocks[0].text.find("monkey.patch_all()"), std::string::npos);
}

TEST(MarkdownParserTest, SurvivesHostileInput) {
  std::vector<testing::HostileInput> inputs = CommonHostileInputs();
  inputs.push_back({"deep blockquotes", Repeat(">", 1 << 20) + " x\n"});
  inputs.push_back({"deep lists", Repeat("- ", 1 << 16) + "x\n"});
  inputs.push_back({"unclosed brackets", Repeat("[", 1 << 20)});
  inputs.push_back({"unclosed emphasis", Repeat("*a ", 1 << 18)});
  inputs.push_back({"unclosed code spans", Repeat("`` `", 1 << 18)});
  inputs.push_back({"unclosed fence", "```\n" + Repeat("code\n", 1 << 16)});
  inputs.push_back({"entities", Repeat("&#99999999999;&#x;&amp", 1 << 14)});
  for (const auto& input : inputs) {
    Outline outline = ParseMarkdownOutline(input.text);
    for (const Block& block : outline.blocks) {
      EXPECT_GE(block.line, 1) << input.name;
    }
  }
  Outline long_line = ParseMarkdownOutline(Repeat("word ", 2 << 20));
  ASSERT_EQ(long_line.blocks.size(), 1u);
  EXPECT_EQ(long_line.blocks[0].text.size(), 5u * (2 << 20) - 1);
}

}  // namespace
}  // namespace talksearch
