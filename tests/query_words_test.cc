// QueryWords, which compares a hit's sections without making their
// snippets, must find the words Xapian's snippets mark: the same words, as
// many times, over a table of texts that cut words in every way
// TermGenerator does (apostrophes, acronyms, C++, numbers, identifiers,
// accents, other scripts).
#include <gtest/gtest.h>
#include <xapian.h>

#include <set>
#include <string>

#include "snippets.h"

namespace talksearch {
namespace {

// What Xapian's snippet of `text` marks for `query`: distinct words (case
// aside) and marks. The texts are shorter than a snippet, so it is all of
// them.
QueryWords::Score Marked(const Xapian::MSet& mset, const std::string& text,
                         const Xapian::Stem& stem) {
  std::string snippet = mset.snippet(text, 10 * kSnippetLength, stem,
                                     Xapian::MSet::SNIPPET_EXHAUSTIVE, "[", "]");
  QueryWords::Score score;
  std::set<std::string> words;
  for (std::size_t at = snippet.find('['); at != std::string::npos;
       at = snippet.find('[', at + 1)) {
    std::size_t end = snippet.find(']', at);
    std::string word = snippet.substr(at + 1, end - at - 1);
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    words.insert(word);
    ++score.marks;
  }
  score.distinct = words.size();
  return score;
}

struct Case {
  const char* query;
  const char* text;
  // As Xapian marks them (checked too): distinct as written, case aside
  // ("U.S.A." and "USA" are two), and marks.
  std::size_t distinct, marks;
};

TEST(QueryWordsTest, FindsTheWordsXapianSnippetsMark) {
  const Case cases[] = {
      {"testing", "Tests, a test and TESTING: tested.", 4, 4},
      {"celery workers", "Celery's workers; a celery worker.", 4, 4},
      {"don't", "I don't know, dont ask.", 1, 1},
      {"at&t", "AT&T and at & t.", 1, 1},
      {"usa", "Made in the U.S.A. and the USA.", 2, 2},
      {"c++", "C++ and C#, c++11 and C+++.", 1, 1},
      {"python 3.14", "Python 3.14 and 3,14 and 3.", 2, 2},
      {"patch_all", "monkey.patch_all() and patch_all_the_things", 1, 1},
      {"__metaclass__", "class A: __metaclass__ = M", 1, 1},
      {"café", "Le Café, un cafe, CAFÉ.", 2, 2},
      {"naïve", "a naïve and naive approach", 1, 1},
      {"unicode", "ünïcode Unicode “unicode” — unicode’s", 2, 3},
      {"straße", "Die Straße und die STRASSE", 1, 1},
      {"python", "no match at all here", 0, 0},
      {"data structures", "Data-structures: data_structures, dataStructures", 2, 2},
      {"hettinger", "Raymond Hettinger’s talk; Hettinger's slides", 2, 2},
      {"emoji", "emoji 🎉emoji🎉 e-moji", 1, 2},
  };
  Xapian::Stem stem("english");
  Xapian::QueryParser parser;
  parser.set_stemmer(stem);
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  Xapian::Document doc;
  doc.add_term("x");
  db.add_document(doc);
  for (const Case& c : cases) {
    Xapian::Query query = parser.parse_query(c.query);
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    Xapian::MSet mset = enquire.get_mset(0, 10);
    QueryWords words(query, stem);
    ASSERT_TRUE(words.usable()) << c.query;
    QueryWords::Score marked = Marked(mset, c.text, stem);
    QueryWords::Score ours = words.Best(c.text);
    EXPECT_EQ(ours.distinct, marked.distinct) << c.query << " in " << c.text;
    EXPECT_EQ(ours.marks, marked.marks) << c.query << " in " << c.text;
    EXPECT_EQ(marked.distinct, c.distinct) << c.query << " in " << c.text;
    EXPECT_EQ(marked.marks, c.marks) << c.query << " in " << c.text;
  }
}

TEST(QueryWordsTest, ScoresTheBestWindowOfASnippetsLength) {
  Xapian::Stem stem("english");
  Xapian::Query query(Xapian::Query::OP_OR, Xapian::Query("Zceleri"), Xapian::Query("Zqueue"));
  QueryWords words(query, stem);
  std::string far = "celery " + std::string(kSnippetLength, ' ') + "queue";
  EXPECT_EQ(words.Best(far).distinct, 1u);
  EXPECT_EQ(words.Best(far).marks, 1u);
  std::string near = far + " and celery";
  EXPECT_EQ(words.Best(near).distinct, 2u);
  EXPECT_EQ(words.Best(near).marks, 2u);
  EXPECT_EQ(words.Best("").marks, 0u);
}

TEST(QueryWordsTest, PhrasesAndWildcardsAreLeftToSnippets) {
  Xapian::Stem stem("english");
  Xapian::QueryParser parser;
  parser.set_stemmer(stem);
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  parser.set_database(db);
  for (const char* q : {"\"monkey patch\"", "monkey NEAR patch", "pyth*", "a (\"b c\" OR d)"}) {
    QueryWords words(parser.parse_query(q, Xapian::QueryParser::FLAG_DEFAULT |
                                               Xapian::QueryParser::FLAG_WILDCARD),
                     stem);
    EXPECT_FALSE(words.usable()) << q;
  }
  EXPECT_TRUE(QueryWords(parser.parse_query("monkey patch -gevent"), stem).usable());
}

// The shown snippet is cut around the window with the most matches, at
// spaces, with "…" on each side that left text out, and valid UTF-8 however
// the text falls.
TEST(QueryWordsTest, TheSnippetShowsTheBestWindowCutAtSpaces) {
  Xapian::Stem stem("english");
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  Xapian::Document doc;
  doc.add_term("x");
  db.add_document(doc);
  Xapian::Query query(Xapian::Query::OP_OR, Xapian::Query("Zceleri"), Xapian::Query("Zqueue"));
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  Xapian::MSet mset = enquire.get_mset(0, 10);
  std::string filler;
  for (int i = 0; i < 60; ++i) filler += "déjà vu ";
  TalkRecord record;
  record.sections.push_back({"Intro", "intro", filler + "a celery worker " + filler, ""});
  record.sections.push_back(
      {"Queues", "queues", filler + "celery reads a queue, celery acks " + filler, ""});
  QueryWords words(query, stem);
  BestSection best = FindBestSection(record, mset, stem, true, &words);
  EXPECT_EQ(best.index, 1u);
  EXPECT_TRUE(best.snippet.starts_with("…déjà") || best.snippet.starts_with("…vu"))
      << best.snippet;
  EXPECT_TRUE(best.snippet.ends_with(" déjà…") || best.snippet.ends_with(" vu…")) << best.snippet;
  EXPECT_NE(best.snippet.find("<mark>celery</mark> reads a <mark>queue</mark>, <mark>celery</mark>"),
            std::string::npos)
      << best.snippet;
  std::string plain = best.snippet;
  for (std::string_view tag : {"<mark>", "</mark>"}) {
    for (std::size_t at; (at = plain.find(tag)) != std::string::npos;) plain.erase(at, tag.size());
  }
  EXPECT_LE(plain.size(), kSnippetLength + 2 * std::string_view("…").size());
  EXPECT_GE(plain.size(), kSnippetLength - 20);
  // Valid UTF-8: each lead byte followed by its continuation bytes.
  for (std::size_t i = 0; i < plain.size();) {
    auto byte = static_cast<unsigned char>(plain[i]);
    std::size_t n = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 0;
    ASSERT_NE(n, 0u) << "a continuation byte at " << i << " of " << plain;
    ASSERT_LE(i + n, plain.size()) << plain;
    for (std::size_t k = 1; k < n; ++k) {
      ASSERT_EQ(static_cast<unsigned char>(plain[i + k]) & 0xC0, 0x80) << plain;
    }
    i += n;
  }
}

}  // namespace
}  // namespace talksearch
