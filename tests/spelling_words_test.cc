// A talk's spelling words (DocumentBuilder::Spelling) are cut by words.h's
// tokeniser, not by a TermGenerator pass: they must be exactly the terms
// TermGenerator makes of the same texts, with the same counts, over a table
// of texts that cut words in every way it does, over the test notes, and
// over the real corpus when TALKSEARCH_CORPUS is set.
#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <string>
#include <vector>

#include "talk_document.h"
#include "talksearch/parse.h"
#include "test_util.h"

namespace talksearch {
namespace {

// What the spelling words were before words.h: TermGenerator, no stemmer,
// into a scratch document; words over 32 bytes left out.
SpellingWords Reference(const TalkRecord& record) {
  Xapian::TermGenerator generator;
  Xapian::Document scratch;
  generator.set_document(scratch);
  generator.index_text(record.title);
  for (const SectionRecord& section : record.sections) {
    generator.index_text(section.title);
    generator.index_text(section.text);
  }
  SpellingWords words;
  for (auto it = scratch.termlist_begin(); it != scratch.termlist_end(); ++it) {
    if ((*it).size() <= 32) words.emplace_back(*it, it.get_wdf());
  }
  return words;
}

TalkRecord RecordOf(const std::string& title, const std::vector<std::string>& texts) {
  TalkRecord record;
  record.title = title;
  for (const std::string& text : texts) record.sections.push_back({"", "", text, ""});
  return record;
}

TEST(SpellingWordsTest, AreTheTermsTermGeneratorMakes) {
  DocumentBuilder builder("english");
  const std::vector<std::string> texts = {
      "Tests, a test and TESTING: tested.",
      "Celery's workers; a celery worker. I don't know, dont ask.",
      "AT&T and at & t. Made in the U.S.A. and the USA. A.B and A.",
      "U.S.Army, A.B.c, X.Y, I.O.U, A.b, A..B, A.B., É.T.É, A.1, AB.CD",
      "C++ and C#, c++11 and C+++. C++x, F#.",
      "Python 3.14 and 3,14 and 3; 2.7.3 and 1,000,000.",
      "monkey.patch_all() and patch_all_the_things __metaclass__ = M",
      "Le Café, un cafe, CAFÉ. a naïve and naive approach",
      "ünïcode Unicode “unicode” — unicode’s rock'n'roll O'Reilly's",
      "Die Straße und die STRASSE, ΑΘΗΝΑ Αθήνα, Москва 東京タワー",
      "a·b l·l x_y_ _z 3_4 ½ ² ٣ word--word word-- --word",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      " bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb ccccccccccccccccccccccccccccccccc",
      "", "   ", "x", "'quoted' and \"quoted\" (parens) [brackets] {braces}",
  };
  for (const std::string& text : texts) {
    TalkRecord record = RecordOf("The Title's Words: U.S.A. C++", {text});
    EXPECT_EQ(builder.Spelling(record), Reference(record)) << text;
  }
}

// Every talk of every note below `root` gets the same words both ways.
void ExpectSameOverNotes(const std::filesystem::path& root, std::size_t* talks) {
  DocumentBuilder builder("english");
  NoteReader reader(root);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || !FormatForPath(entry.path())) continue;
    ParseResult parsed = reader.Read(entry.path());
    if (!parsed.note) continue;
    for (std::size_t i = 0; i < parsed.note->talks.size(); ++i) {
      TalkRecord record = MakeTalkRecord(*parsed.note, static_cast<int>(i));
      ASSERT_EQ(builder.Spelling(record), Reference(record))
          << entry.path() << " talk " << i;
      ++*talks;
    }
  }
}

TEST(SpellingWordsTest, AreTheTermsTermGeneratorMakesOverTheTestNotes) {
  std::size_t talks = 0;
  ExpectSameOverNotes(TALKSEARCH_TEST_DATA, &talks);
  EXPECT_GT(talks, 10u);
}

TEST(SpellingWordsTest, AreTheTermsTermGeneratorMakesOverTheCorpus) {
  TALKSEARCH_REQUIRE_CORPUS(corpus);
  std::size_t talks = 0;
  ExpectSameOverNotes(corpus, &talks);
  EXPECT_GT(talks, 300u);
}

}  // namespace
}  // namespace talksearch
