// Tests of the HTML outline parser (indexer/html_parser.cc).
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
  const char* html;
  std::vector<std::string> blocks;  // as Describe gives them
};

const Case kCases[] = {
    {"headings renumbered from their first level",
     "<h2>A</h2><h4>B</h4><h2>C</h2>",
     {"H1 A", "H2 B", "H1 C"}},
    {"heading id is its anchor", "<h1 id=\"top\">Top</h1>", {"H1 Top #top"}},
    {"section id goes to its first heading only",
     "<section id=\"s1\"><h2>A</h2><p>x</p><h3>B</h3></section>",
     {"H1 A #s1", "T x", "H2 B"}},
    {"sphinx div sections nest",
     "<div class=\"section\" id=\"a\"><h1>A</h1><div class=\"section\" id=\"b-c\">"
     "<h2>B <em>c</em></h2></div></div>",
     {"H1 A #a", "H2 B c #b-c"}},
    {"untaken section id not reused",
     "<section id=\"empty\"><p>x</p></section><h2>Later</h2>",
     {"T x", "H1 Later"}},
    {"permalink dropped from heading",
     "<h2>Title<a class=\"headerlink\" href=\"#t\">\u00b6</a></h2>",
     {"H1 Title"}},
    {"pre with code language",
     "<pre><code class=\"language-bash\">ls -l\n</code></pre>",
     {"C[bash] ls -l"}},
    {"sphinx highlight wrapper language",
     "<div class=\"highlight-python\"><div class=\"highlight\"><pre>"
     "<span class=\"k\">def</span> f():\n    <span>pass</span>\n</pre></div></div>",
     {"C[python] def f():\n    pass"}},
    {"sphinx default highlight has no language",
     "<div class=\"highlight-default notranslate\"><pre>x = 1</pre></div>",
     {"C[] x = 1"}},
    {"bare pre keeps white space", "<pre>a\n  b</pre>", {"C[] a\n  b"}},
    {"definition list", "<dl><dt>Term</dt><dd>Definition</dd></dl>", {"T Term", "T Definition"}},
    {"table cells", "<table><tr><td>a</td><td>b <b>c</b></td></tr></table>", {"T a", "T b c"}},
    {"blockquote paragraphs", "<blockquote><p>One</p><p>Two</p></blockquote>", {"T One", "T Two"}},
    {"list items are bullets",
     "<ul><li><p>One</p><ul><li>Two</li></ul></li></ul><p>After</p>",
     {"* One", "* Two", "T After"}},
    {"sphinx admonition",
     "<div class=\"admonition warning\"><p class=\"admonition-title\">"
     "Warning</p><p>Be careful.</p><ul><li>Really.</li></ul></div>",
     {"A[warning] Be careful. Really."}},
    {"html5 aside admonition",
     "<aside class=\"admonition note\"><p class=\"admonition-title\">"
     "Note</p><p>Read me.</p></aside>",
     {"A[note] Read me."}},
    {"custom admonition",
     "<div class=\"admonition admonition-my-title\">"
     "<p class=\"admonition-title\">My title</p><p>Body</p></div>",
     {"A[admonition] Body"}},
    {"page chrome dropped",
     "<header>Site</header><nav>Menu</nav><script>var x;</script><style>p{}</style>"
     "<noscript>JS</noscript><template><p>T</p></template><p>Content</p>"
     "<div class=\"sphinxsidebar\"><p>Side</p></div><div class=\"related\">Prev</div>"
     "<div class=\"footer\">Copyright</div><footer>Foot</footer>",
     {"T Content"}},
    {"article header kept",
     "<header>Site</header><article><header><h1>Post</h1></header>"
     "<p>Body</p><footer>Tags: x</footer></article>",
     {"H1 Post", "T Body", "T Tags: x"}},
    {"docutils admonition without admonition class",
     "<div class=\"note\"><p class=\"first admonition-title\">Note</p><p>Hi</p></div>"
     "<div class=\"note\"><p>Just a div</p></div>",
     {"A[note] Hi", "T Just a div"}},
    {"toctree dropped", "<div class=\"toctree-wrapper\"><ul><li>Other page</li></ul></div>", {}},
    {"image dropped", "<p>See <img src=\"a.png\" alt=\"diagram\"> here</p>", {"T See here"}},
    {"title used when no h1",
     "<title>Page  title</title><h2>Sub</h2>",
     {"H1 Page title", "H2 Sub"}},
    {"title ignored with an h1", "<title>Page</title><h1>Real</h1>", {"H1 Real"}},
    {"entities decoded, white space collapsed",
     "<p>a&nbsp;&amp;\n   b&mdash;c</p>",
     {"T a & b\u2014c"}},
    {"loose text in body",
     "<body>Loose <i>words</i><p>Para</p>tail</body>",
     {"T Loose words", "T Para", "T tail"}},
    {"unbalanced tags", "<div><p><b>text</div></i><li>item", {"T text", "* item"}},
    {"empty input", "", {}},
};

TEST(HtmlParserTest, ParsesTableOfCases) {
  for (const Case& c : kCases) {
    EXPECT_EQ(Describe(ParseHtmlOutline(c.html)), c.blocks) << c.name;
  }
}

TEST(HtmlParserTest, CollectsInlineCodeAsLiterals) {
  Outline outline = ParseHtmlOutline(
      "<p>Use <code>x()</code> and <tt class=\"docutils literal\"><span class=\"pre\">y</span>"
      "<span class=\"pre\">z</span></tt> now</p>");
  ASSERT_EQ(outline.blocks.size(), 1u);
  EXPECT_EQ(outline.blocks[0].text, "Use x() and yz now");
  EXPECT_EQ(outline.blocks[0].literals, (std::vector<std::string>{"x()", "yz"}));
}

TEST(HtmlParserTest, GivesSourceLines) {
  Outline outline = ParseHtmlOutline(
      "<html>\n"           // 1
      "<body>\n"           // 2
      "<h1>T</h1>\n"       // 3
      "<p>\n"              // 4
      "  text</p>\n"       // 5
      "<pre>code</pre>\n"  // 6
      "</body></html>\n");
  std::vector<int> lines;
  for (const Block& block : outline.blocks) lines.push_back(block.line);
  EXPECT_EQ(lines, (std::vector<int>{3, 5, 6}));
}

TEST(HtmlParserTest, ParsesSphinxPage) {
  std::string html = ReadFile(TestData() / "formats" / "sphinx_page.html");
  ASSERT_FALSE(html.empty());
  Outline outline = ParseHtmlOutline(html);
  EXPECT_EQ(Describe(outline), (std::vector<std::string>{
                                   "H1 June 6, 2011 - Meetup #june-6-2011-meetup",
                                   "A[note] Arrived 30 minutes late & missed the start.",
                                   "H2 Asynchronous programming techniques in Python "
                                   "#asynchronous-programming-techniques-in-python",
                                   "T by Dreamhoster Tommi Virtanen",
                                   "* Threads vs processes are a debatable issue.",
                                   "* Things like dict hash-tables",
                                   "H3 Gevent #gevent",
                                   "C[python] monkey.patch_all()",
                                   "A[warning] Do not patch twice.",
                               }));
  EXPECT_EQ(outline.blocks[0].line, 16);
  EXPECT_EQ(outline.blocks[7].line, 31);
  EXPECT_EQ(outline.blocks[5].literals, (std::vector<std::string>{"dict"}));
}

TEST(HtmlParserTest, SurvivesHostileInput) {
  std::vector<testing::HostileInput> inputs = CommonHostileInputs();
  inputs.push_back({"unclosed tags", Repeat("<p><b><i><a href='", 1 << 14)});
  inputs.push_back({"stray end tags", Repeat("</div></td></html>", 1 << 14)});
  inputs.push_back({"flat paragraphs", Repeat("<p>x", 1 << 16)});
  inputs.push_back({"moderately deep", Repeat("<div>", 3000) + "deep text"});
  for (const auto& input : inputs) {
    Outline outline = ParseHtmlOutline(input.text);
    for (const Block& block : outline.blocks) {
      EXPECT_FALSE(block.text.empty()) << input.name;
    }
  }
  Outline deep = ParseHtmlOutline(Repeat("<div>", 3000) + "deep text");
  ASSERT_EQ(deep.blocks.size(), 1u);
  EXPECT_EQ(deep.blocks[0].text, "deep text");
}

TEST(HtmlParserTest, RefusesPathologicalNestingQuickly) {
  // Bounded by the test's timeout, not by a timed assertion.
  Outline outline = ParseHtmlOutline(Repeat("<div>", 1 << 20));
  EXPECT_TRUE(outline.blocks.empty());
  ASSERT_EQ(outline.diagnostics.size(), 1u);
  EXPECT_NE(outline.diagnostics[0].message.find("nested too deeply"), std::string::npos);
}

}  // namespace
}  // namespace talksearch
