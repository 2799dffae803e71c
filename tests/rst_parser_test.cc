#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "outline.h"

namespace talksearch {
namespace {

std::vector<Block> Headings(const Outline& outline) {
  std::vector<Block> out;
  for (const Block& b : outline.blocks) {
    if (b.kind == BlockKind::kHeading) out.push_back(b);
  }
  return out;
}

TEST(RstParserTest, AssignsLevelsInOrderOfFirstAdornment) {
  Outline o = ParseRstOutline(
      "~~~~~\nTitle\n~~~~~\n\nTwo\n***\n\nThree\n+++++\n\nTwo again\n*********\n");
  std::vector<Block> h = Headings(o);
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0].text, "Title");
  EXPECT_EQ(h[0].level, 1);
  EXPECT_EQ(h[0].line, 2);
  EXPECT_EQ(h[1].level, 2);
  EXPECT_EQ(h[2].level, 3);
  EXPECT_EQ(h[3].text, "Two again");
  EXPECT_EQ(h[3].level, 2);
}

TEST(RstParserTest, OverlinedAndUnderlinedWithSameCharAreDifferentLevels) {
  Outline o = ParseRstOutline("=====\nTop\n=====\n\nUnder\n=====\n");
  std::vector<Block> h = Headings(o);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].level, 1);
  EXPECT_EQ(h[1].level, 2);
}

struct BlockCase {
  const char* name;
  const char* rst;
  BlockKind kind;
  const char* text;
  const char* language;
};

bool HasBlock(const Outline& o, const BlockCase& c) {
  for (const Block& b : o.blocks) {
    if (b.kind == c.kind && b.text == c.text &&
        (c.kind != BlockKind::kCode || b.language == c.language)) {
      return true;
    }
  }
  return false;
}

TEST(RstParserTest, ParsesEachKindOfBlock) {
  const BlockCase cases[] = {
      BlockCase{"sourcecode", ".. sourcecode:: python\n\n    monkey.patch_all()\n",
                  BlockKind::kCode, "monkey.patch_all()", "python"},
      BlockCase{"code-block with options",
                  ".. code-block:: bash\n   :linenos:\n\n   ls -l\n   pwd\n", BlockKind::kCode,
                  "ls -l\npwd", "bash"},
      BlockCase{"code", ".. code:: ruby\n\n  puts 1\n", BlockKind::kCode, "puts 1", "ruby"},
      BlockCase{"literal block", "Example::\n\n    x = 1\n\n    y = 2\n\nAfter\n",
                  BlockKind::kCode, "x = 1\n\ny = 2", ""},
      BlockCase{"literal paragraph keeps one colon", "Example::\n\n    x = 1\n",
                  BlockKind::kText, "Example:", ""},
      BlockCase{"expanded literal", "Text here ::\n\n    x = 1\n", BlockKind::kText,
                  "Text here", ""},
      BlockCase{"parsed-literal", ".. parsed-literal::\n\n   some *code*\n", BlockKind::kCode,
                  "some *code*", ""},
      BlockCase{"doctest", ">>> 1 + 1\n2\n", BlockKind::kCode, ">>> 1 + 1\n2", "python"},
      BlockCase{"highlight sets literal language",
                  ".. highlight:: javascript\n\nCode::\n\n    var x;\n", BlockKind::kCode,
                  "var x;", "javascript"},
      BlockCase{"bullet", "* one item\n  continued\n* two\n", BlockKind::kText,
                  "one item continued", ""},
      BlockCase{"dash bullet", "- dash item\n", BlockKind::kText, "dash item", ""},
      BlockCase{"enumeration", "1. first\n2. second\n", BlockKind::kText, "second", ""},
      BlockCase{"auto enumeration", "#. auto\n", BlockKind::kText, "auto", ""},
      BlockCase{"parenthesized enumeration", "(a) lettered\n", BlockKind::kText, "lettered",
                  ""},
      BlockCase{"note", ".. note:: Arrived late\n   and tired\n", BlockKind::kAdmonition,
                  "Arrived late and tired", ""},
      BlockCase{"warning body", ".. warning::\n\n   Be careful.\n", BlockKind::kAdmonition,
                  "Be careful.", ""},
      BlockCase{"epigraph", ".. epigraph::\n\n   Wise words.\n", BlockKind::kAdmonition,
                  "Wise words.", ""},
      BlockCase{"inline markup stripped",
                  "Use **bold**, *it*, ``code``, `interp` and :class:`~a.B`.\n",
                  BlockKind::kText, "Use bold, it, code, interp and a.B.", ""},
      BlockCase{"link text kept", "See `the docs <http://x.org/>`_ and `Here`_ now.\n",
                  BlockKind::kText, "See the docs and Here now.", ""},
      BlockCase{"anonymous link", "A `page <http://x.org/>`__.\n", BlockKind::kText,
                  "A page.", ""},
      BlockCase{"footnote reference", "Claim [1]_ made.\n", BlockKind::kText, "Claim made.",
                  ""},
      BlockCase{"escapes", "Not \\*emphasis\\*\n", BlockKind::kText, "Not *emphasis*", ""},
      BlockCase{"lone stars stay", "5 * 3 = 15\n", BlockKind::kText, "5 * 3 = 15", ""},
      BlockCase{"identifiers keep underscores", "call __init__ and patch_all\n",
                  BlockKind::kText, "call __init__ and patch_all", ""},
      BlockCase{"grid table row", "+---+---+\n| a | b |\n+---+---+\n", BlockKind::kText,
                  "a b", ""},
      BlockCase{"unknown directive body is text", ".. custom:: arg\n\n   body text\n",
                  BlockKind::kText, "body text", ""}};
  for (const BlockCase& c : cases) {
    EXPECT_TRUE(HasBlock(ParseRstOutline(c.rst), c))
        << c.name << ": no block of that kind with text '" << c.text << "'";
  }
}

TEST(RstParserTest, DropsNavigationMediaAndComments) {
  Outline o = ParseRstOutline(
      ".. toctree::\n   :maxdepth: 2\n\n   page_one\n\n"
      ".. image:: a.png\n   :alt: alt text\n\n"
      ".. figure:: b.png\n\n   Caption text\n\n"
      ".. this is a comment\n   spanning lines\n\n"
      ".. _target:\n\nKept paragraph.\n");
  ASSERT_EQ(o.blocks.size(), 1u);
  EXPECT_EQ(o.blocks[0].text, "Kept paragraph.");
  EXPECT_EQ(o.blocks[0].line, 18);
}

TEST(RstParserTest, CollectsInlineLiterals) {
  Outline o = ParseRstOutline("Use ``monkey.patch_all()`` and `.extra()` or :func:`len`.\n");
  ASSERT_EQ(o.blocks.size(), 1u);
  EXPECT_EQ(o.blocks[0].literals,
            (std::vector<std::string>{"monkey.patch_all()", ".extra()", "len"}));
}

TEST(RstParserTest, MarksBulletsAndKeepsLineNumbers) {
  Outline o = ParseRstOutline("Para\n\n* item\n");
  ASSERT_EQ(o.blocks.size(), 2u);
  EXPECT_FALSE(o.blocks[0].bullet);
  EXPECT_TRUE(o.blocks[1].bullet);
  EXPECT_EQ(o.blocks[1].line, 3);
}

TEST(RstParserTest, AdmonitionKeepsItsCodeAsCode) {
  Outline o = ParseRstOutline(".. note::\n\n   Look::\n\n       x = 1\n");
  ASSERT_EQ(o.blocks.size(), 2u);
  EXPECT_EQ(o.blocks[0].kind, BlockKind::kAdmonition);
  EXPECT_EQ(o.blocks[0].admonition, "note");
  EXPECT_EQ(o.blocks[1].kind, BlockKind::kCode);
}

TEST(RstParserTest, SurvivesMalformedInput) {
  const char* inputs[] = {"", "\n\n", "====", "====\nTitle\n", "``unclosed", "`x <", ":role:`",
                          ".. ::", ".. code-block::", "::\n", "* \n*", "+--+\n|", "\t\t\t",
                          "a\n=\n", "**"};
  for (const char* input : inputs) {
    Outline o = ParseRstOutline(input);
    for (const Block& b : o.blocks) EXPECT_GE(b.line, 1) << input;
  }
  std::string long_line(1 << 20, '*');
  EXPECT_NO_THROW(ParseRstOutline(long_line));
  std::string many_headings;
  for (int i = 0; i < 5000; ++i) many_headings += "T" + std::to_string(i) + "\n" + "----\n\n";
  EXPECT_EQ(ParseRstOutline(many_headings).blocks.size(), 5000u);
}

}  // namespace
}  // namespace talksearch
