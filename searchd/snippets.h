// Choosing what to show of a hit: the best-matching section and its
// highlighted snippet; and completions for search-as-you-type. Internal to
// the searchd library.
#ifndef TALKSEARCH_SEARCHD_SNIPPETS_H_
#define TALKSEARCH_SEARCHD_SNIPPETS_H_

#include <xapian.h>

#include <memory>
#include <string>
#include <vector>

#include "talksearch/record.h"
#include "talksearch/words.h"  // CachingStem

namespace talksearch {

inline constexpr std::size_t kSnippetLength = 200;

struct BestSection {
  std::size_t index = 0;  // into record.sections
  std::string snippet;    // HTML: escaped, matches (and whole phrases) in <mark>
};

// Which words of a text match a query's terms, found the way Xapian's
// snippets find them (a word, lower-cased, or "Z" and its stem is one of the
// query's terms), but without making a snippet: choosing a hit's best
// section scans all its sections, and only the chosen one is shown. Made
// once per query, used for every hit. Not thread-safe.
class QueryWords {
 public:
  QueryWords(const Xapian::Query& query, const Xapian::Stem& stem);
  ~QueryWords();
  QueryWords(const QueryWords&) = delete;
  QueryWords& operator=(const QueryWords&) = delete;

  // False when the query holds a phrase, NEAR or a wildcard, which Xapian's
  // snippets mark in ways a word-by-word scan does not follow: sections are
  // then compared by snippets, as before.
  bool usable() const;

  // The best window of about kSnippetLength bytes of `text`: how many
  // distinct matched words it holds (case aside), then how many matches.
  struct Score {
    std::size_t distinct = 0, marks = 0;
    std::size_t begin = 0, end = 0;  // the window's bytes, first match to last
    bool operator>(const Score& o) const {
      return distinct != o.distinct ? distinct > o.distinct : marks > o.marks;
    }
  };
  Score Best(const std::string& text);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The section whose title and text hold the most distinct query words
// (then the most matches; the earliest on a tie), and a snippet of about
// kSnippetLength characters from it, or from its code when only the code
// matched. With no match anywhere, the talk's first text. With a usable
// `words`, sections are compared by it and the snippet is cut around the
// window with the most matches. Otherwise (phrases, NEAR, wildcards) each
// section's snippet is made to compare them, and the shown one prefers
// windows with rarer words (Xapian's background model, a term frequency
// lookup per word) unless `background` is false: over remote shards each
// lookup is a network round trip.
BestSection FindBestSection(const TalkRecord& record, const Xapian::MSet& mset,
                            const Xapian::Stem& stem, bool background = true,
                            QueryWords* words = nullptr);

// Completions of the last word of `prefix`: speakers, events and words of
// the index that start with it, most frequent first, as whole queries.
std::vector<std::string> SuggestCompletions(const Xapian::Database& db, const std::string& prefix,
                                            std::size_t limit);

}  // namespace talksearch

#endif  // TALKSEARCH_SEARCHD_SNIPPETS_H_
