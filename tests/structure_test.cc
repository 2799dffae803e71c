#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "structure.h"
#include "talksearch/parse.h"
#include "test_util.h"

namespace talksearch {
namespace {

using Names = std::vector<std::string>;

struct SpeakerCase {
  const char* line;
  Names speakers;
};

TEST(StructureTest, ParsesSpeakerLines) {
  const SpeakerCase cases[] = {
      {"by Raymond Hettinger", {"Raymond Hettinger"}},
      {"By James Bennett and Jacob Kaplan-Moss", {"James Bennett", "Jacob Kaplan-Moss"}},
      {"by Dan Loewenhertz of", {"Dan Loewenhertz"}},
      {"by Jacob Kaplan-Moss in Springfield, Virginia", {"Jacob Kaplan-Moss"}},
      {"* by Dreamhoster Tommi Virtanen", {"Tommi Virtanen"}},
      {"by Dreamhoster John LaCourt", {"John LaCourt"}},
      {"by Raymond Hettiger", {"Raymond Hettiger"}},
      {"by Kevin Hanson, Solutions Architect, 10gen", {"Kevin Hanson"}},
      {"BY DANIEL GREENFELD AND AUDREY ROY", {"Daniel Greenfeld", "Audrey Roy"}},
      {"* By LA Python's own Raymond Hettinger", {"Raymond Hettinger"}},
      {"By Jathan (Security Engineer)", {"Jathan"}},
      {"* By Daniel Lindsley methinks", {"Daniel Lindsley"}},
      {"* by Daniel Greenfeld aka \"Pydanny\"", {"Daniel Greenfeld"}},
      {"by Dr. Russell Keith-Magee", {"Russell Keith-Magee"}},
      {"by Carlos A de la Guardia", {"Carlos A de la Guardia"}},
      {"by Guido van Rossum", {"Guido van Rossum"}},
      {"* by Ryan J. O'Neil", {"Ryan J. O'Neil"}},
      {"By Tim Penhey and Rachel Penhey", {"Tim Penhey", "Rachel Penhey"}},
      {"by Glyph", {"Glyph"}},
      {"Speaker: Kamon AYEVA", {"Kamon Ayeva"}},
      {"Presented by Rebecca (of Google)", {"Rebecca"}},
      {"* BY BRUNO RENIÉ", {"Bruno Renié"}},
      {"* By testing your hypothesis, you don't just get better results.", {}},
      {"* By some guy at Digium", {}},
      {"* By myself", {}},
      {"by cast of thousands", {}},
      {"- By content type can select RSS, ATOM, or both", {}},
      {"Bye for now", {}},
      {"Nearby Jacob", {}},
      {"", {}},
  };
  for (const SpeakerCase& c : cases) {
    EXPECT_EQ(ParseSpeakerLine(c.line), c.speakers) << "line: " << c.line;
  }
}

TEST(StructureTest, FindsDates) {
  const std::pair<const char*, const char*> cases[] = {
      {"June 6, 2011 - Socal Python meetup at Dreamhost", "2011-06-06"},
      {"April 20, 2011 - Python tricks", "2011-04-20"},
      {"6 June 2011", "2011-06-06"},
      {"2011-06-06-dreamhost", "2011-06-06"},
      {"20110616-adly", "2011-06-16"},
      {"Sept. 7-9, 2011", "2011-09-07"},
      {"June 2011", "2011-06"},
      {"Pycon 2011", "2011"},
      {"Pycon2011", "2011"},
      {"DjangoConEurope2013", "2013"},
      {"SCALE10x", ""},
      {"Talk #1 - Deploying Django", ""},
      {"20119999", ""},
      {"", ""},
  };
  for (const auto& [text, date] : cases) EXPECT_EQ(FindDate(text), date) << text;
}

TEST(StructureTest, MakesAnchorsAsSphinxDoes) {
  const std::pair<const char*, const char*> cases[] = {
      {"Asynchronous programming techniques in Python",
       "asynchronous-programming-techniques-in-python"},
      {"Metaclasses: Look behind the curtain", "metaclasses-look-behind-the-curtain"},
      {"Great! Now be @#$%ing careful!!!!", "great-now-be-ing-careful"},
      {"The `type` metaclass", "the-type-metaclass"},
      {"What is a metaclass?", "what-is-a-metaclass"},
      {"Igor Waligóra", "igor-waligora"},
      {"2011 review", "review"},
      {"super()", "super"},
      {"!!!", ""},
  };
  for (const auto& [title, anchor] : cases) EXPECT_EQ(MakeAnchor(title), anchor) << title;
}

Note Parse(const std::string& rel_path, const std::string& folder_event = "") {
  auto text = testing::ReadFile(testing::TestData() / "notes" / rel_path);
  ParseResult r = ParseNoteText(text, Format::kRst, rel_path, folder_event);
  EXPECT_TRUE(r.note.has_value());
  return *r.note;
}

TEST(StructureTest, SplitsMeetupIntoTalks) {
  Note note = Parse("meetup/2012-03-14-evening.rst");
  EXPECT_EQ(note.title, "March 14, 2012 - Evening of Lightning");
  EXPECT_EQ(note.event, "Evening of Lightning");
  EXPECT_EQ(note.date, "2012-03-14");
  ASSERT_EQ(note.talks.size(), 3u);
  EXPECT_EQ(note.talks[0].title, "Deploying with fabric");
  EXPECT_EQ(note.talks[0].speakers, (Names{"Alice Example", "Bob Sample"}));
  EXPECT_EQ(note.talks[0].date, "2012-03-14");
  EXPECT_EQ(note.talks[1].speakers, (Names{"Carol Third"}));
  EXPECT_TRUE(note.talks[2].speakers.empty());  // "By attending you agree..."
  EXPECT_NE(note.preamble.text.find("Welcome words"), std::string::npos);
  EXPECT_NE(note.preamble.text.find("Pizza was late"), std::string::npos);
  // Sections: the talk's own text first, then its subsections.
  ASSERT_EQ(note.talks[0].sections.size(), 2u);
  EXPECT_EQ(note.talks[0].sections[1].title, "Rolling back");
  EXPECT_EQ(note.talks[0].sections[1].anchor, "rolling-back");
  ASSERT_EQ(note.talks[0].sections[1].code.size(), 1u);
  EXPECT_EQ(note.talks[0].sections[1].code[0].text, "fab rollback --to=previous");
  EXPECT_EQ(note.talks[0].sections[0].literals, (Names{"fab deploy", "settings.py"}));
  ASSERT_EQ(note.talks[1].sections[0].admonitions.size(), 1u);
  EXPECT_EQ(note.talks[1].sections[0].admonitions[0].kind, "warning");
}

TEST(StructureTest, OneTalkNoteTakesEventFromFolderIndex) {
  Note note = Parse("conf2012/testing_talk.rst", "Example Conference 2012");
  EXPECT_EQ(note.event, "Example Conference 2012");
  EXPECT_EQ(note.date, "2012");
  ASSERT_EQ(note.talks.size(), 1u);
  const Talk& talk = note.talks[0];
  EXPECT_EQ(talk.title, "Testing is not optional");
  EXPECT_EQ(talk.anchor, "testing-is-not-optional");
  EXPECT_EQ(talk.speakers, (Names{"Dana Fourth"}));
  ASSERT_EQ(talk.sections.size(), 3u);
  // Duplicate titles get docutils' fallback ids.
  EXPECT_EQ(talk.sections[1].anchor, "fixtures");
  EXPECT_EQ(talk.sections[2].anchor, "id1");
  EXPECT_EQ(talk.sections[1].code.size(), 2u);
  EXPECT_EQ(talk.sections[1].code[0].language, "python");
  EXPECT_EQ(talk.sections[1].code[0].line, 20);
  EXPECT_EQ(talk.sections[2].code.size(), 1u);
  EXPECT_NE(talk.sections[2].text.find("Testing shows the presence of bugs."), std::string::npos);
  EXPECT_EQ(talk.sections[0].text.find("comment"), std::string::npos);
  EXPECT_EQ(talk.sections[2].text.find("hidden_page"), std::string::npos);
  EXPECT_NE(talk.sections[0].text.find("link to docs"), std::string::npos);
  EXPECT_EQ(talk.sections[0].text.find("http://example.com"), std::string::npos);
}

TEST(StructureTest, EventFallsBackToFolderNameAndTitleToFileName) {
  Note note = Parse("conf2012/no_title.rst");
  EXPECT_EQ(note.event, "conf2012");
  EXPECT_EQ(note.date, "2012");
  ASSERT_EQ(note.talks.size(), 1u);
  EXPECT_EQ(note.talks[0].title, "no_title");
  EXPECT_NE(note.talks[0].sections[0].text.find("a bullet"), std::string::npos);
}

}  // namespace
}  // namespace talksearch
