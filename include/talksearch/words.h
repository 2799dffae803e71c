// How the index cuts text into words: the word rules of Xapian's
// TermGenerator, with each word's byte offsets, which Xapian's own
// tokeniser does not give. Part of the schema (schema.h): the indexer takes
// a talk's spelling words with it and searchd finds a query's words in a
// section with it, so both agree with the terms Xapian indexed.
//
// Header-only, like record.h, so that the writer (indexer/) and the
// readers (searchd/) share it without either library depending on the
// other. Xapian's Unicode tables are used inside; the interface shows
// Xapian only in CachingStem, the stemmer both sides make terms with.
#ifndef TALKSEARCH_WORDS_H_
#define TALKSEARCH_WORDS_H_

#include <xapian/stem.h>
#include <xapian/unicode.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace talksearch {
namespace words_internal {

// Xapian's word characters (letters, marks, numbers, connector
// punctuation), without a table lookup for ASCII, most of a note's text.
inline bool WordChar(unsigned ch) {
  if (ch < 0x80) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
  }
  return Xapian::Unicode::is_wordchar(ch);
}

inline void AppendLower(std::string& word, unsigned ch) {
  if (ch < 0x80) {
    word += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch);
  } else {
    Xapian::Unicode::append_utf8(word, Xapian::Unicode::tolower(ch));
  }
}

inline bool Digit(unsigned ch) {
  if (ch < 0x80) return ch >= '0' && ch <= '9';
  return Xapian::Unicode::get_category(ch) == Xapian::Unicode::DECIMAL_DIGIT_NUMBER;
}

}  // namespace words_internal

// The words of a text as Xapian's TermGenerator (and so its snippets) cuts
// them, with their byte offsets: runs of word characters, lower-cased;
// "don't", "AT&T" and "3.14" whole (an apostrophe or ampersand between
// letters, a point or comma between digits); "U.S.A." as "usa"; "C++" and
// "C#" with their suffix. (Xapian offers no tokeniser that gives offsets.)
template <typename Visit>
void ForEachWord(std::string_view text, Visit&& visit) {
  Xapian::Utf8Iterator it(text.data(), text.size()), end;
  auto offset = [&](const Xapian::Utf8Iterator& i) {
    return i == end ? text.size() : static_cast<std::size_t>(i.raw() - text.data());
  };
  auto apostrophe = [](unsigned ch) { return ch == '\'' || ch == 0x2019 || ch == 0x201B; };
  std::string word;
  while (it != end) {
    unsigned ch = *it;
    if (!words_internal::WordChar(ch)) {
      ++it;
      continue;
    }
    std::size_t start = offset(it);
    word.clear();
    // An acronym: capitals joined by points ("U.S.A.", "A.B"), the last
    // point optional.
    auto capital = [](unsigned c) { return c >= 'A' && c <= 'Z'; };
    if (capital(ch)) {
      Xapian::Utf8Iterator look = it;
      std::string letters;
      while (look != end && capital(*look)) {
        words_internal::AppendLower(letters, *look);
        ++look;
        if (look == end || *look != '.') break;
        ++look;
      }
      if (letters.size() >= 2 && (look == end || !words_internal::WordChar(*look))) {
        visit(start, offset(look), letters);
        it = look;
        continue;
      }
    }
    unsigned prev = 0;
    while (it != end) {
      ch = *it;
      if (words_internal::WordChar(ch)) {
        words_internal::AppendLower(word, ch);
        prev = ch;
        ++it;
        continue;
      }
      Xapian::Utf8Iterator next = it;
      ++next;
      if (next == end || !words_internal::WordChar(*next)) break;
      bool digits = words_internal::Digit(prev) && words_internal::Digit(*next);
      if (digits && (ch == '.' || ch == ',' || ch == ';')) {
        word += static_cast<char>(ch);
      } else if (!digits && (apostrophe(ch) || ch == '&' || ch == 0xB7)) {
        Xapian::Unicode::append_utf8(word, apostrophe(ch) ? '\'' : ch);
      } else {
        break;
      }
      it = next;
    }
    // "C++", "C#": up to three of them, not followed by a word character.
    if (it != end && (*it == '+' || *it == '#')) {
      unsigned suffix = *it;
      Xapian::Utf8Iterator look = it;
      std::string extra;
      while (look != end && *look == suffix && extra.size() < 3) {
        extra += static_cast<char>(suffix);
        ++look;
      }
      if (look == end || !words_internal::WordChar(*look)) {
        word += extra;
        it = look;
      }
    }
    visit(start, offset(it), word);
  }
}

// A stemmer that remembers the stems it made: a note's words repeat, and
// so do the words of a query's hits; Snowball costs more than a hash
// lookup. The memory is cleared past 200,000 words. Not thread-safe: one
// per thread (a DocumentBuilder's TermGenerator, a Searcher). CachingStem:
// "none" gives Xapian's no-op stemmer; an unknown language throws
// Xapian::InvalidArgumentError.
class CachingStemImplementation : public Xapian::StemImplementation {
 public:
  explicit CachingStemImplementation(const std::string& language) : stem_(language) {}

  std::string operator()(const std::string& word) override {
    auto it = cache_.find(word);
    if (it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxWords) cache_.clear();
    return cache_.emplace(word, stem_(word)).first->second;
  }

  std::string get_description() const override {
    return "CachingStem(" + stem_.get_description() + ")";
  }

 private:
  static constexpr std::size_t kMaxWords = 200000;
  Xapian::Stem stem_;
  std::unordered_map<std::string, std::string> cache_;
};

inline Xapian::Stem CachingStem(const std::string& language) {
  Xapian::Stem plain(language);
  if (plain.is_none()) return plain;
  return Xapian::Stem(new CachingStemImplementation(language));
}

}  // namespace talksearch

#endif  // TALKSEARCH_WORDS_H_
