#include "snippets.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

#include "talksearch/schema.h"
#include "talksearch/words.h"

namespace talksearch {
namespace {

constexpr std::string_view kOpen = "<mark>";
constexpr std::string_view kClose = "</mark>";

// Marks next to each other become one: a matched phrase reads as one mark.
std::string JoinMarks(std::string s) {
  const std::string between = std::string(kClose) + " " + std::string(kOpen);
  for (std::size_t at; (at = s.find(between)) != std::string::npos;) s.replace(at, between.size(), " ");
  return s;
}

using Score = QueryWords::Score;

Score Count(const std::string& marked) {
  Score score;
  std::set<std::string> words;
  for (std::size_t at = marked.find(kOpen); at != std::string::npos;
       at = marked.find(kOpen, at + 1)) {
    std::size_t end = marked.find(kClose, at);
    if (end == std::string::npos) break;
    std::string word = marked.substr(at + kOpen.size(), end - at - kOpen.size());
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    words.insert(word);
    ++score.marks;
  }
  score.distinct = words.size();
  return score;
}

// How sections are compared: the query's matches only. Xapian's background
// model (the default) also weighs every other word by its rarity, which
// costs a term frequency lookup per word of the text; it is kept for the
// one snippet that is shown (see FindBestSection).
enum class Model { kMatchesOnly, kBackground };

std::string Snip(const Xapian::MSet& mset, const std::string& text, const Xapian::Stem& stem,
                 bool only_if_matched, Model model = Model::kMatchesOnly) {
  unsigned flags = Xapian::MSet::SNIPPET_EXHAUSTIVE;
  if (model == Model::kBackground) flags |= Xapian::MSet::SNIPPET_BACKGROUND_MODEL;
  if (only_if_matched) flags |= Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH;
  return mset.snippet(text, kSnippetLength, stem, flags, std::string(kOpen), std::string(kClose),
                      "…");
}

// The first words of `text`, about a snippet long, escaped. (A snippet of
// text holding no match is some window of it, not necessarily the first:
// the text is cut to fit one.)
std::string Opening(const Xapian::MSet& mset, const std::string& text, const Xapian::Stem& stem) {
  if (text.size() <= kSnippetLength) return Snip(mset, text, stem, false);
  std::size_t cut = text.rfind(' ', kSnippetLength);
  if (cut == std::string::npos || cut == 0) {
    cut = kSnippetLength;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out = Snip(mset, text.substr(0, cut), stem, false);
  return out.ends_with("…") ? out : out + "…";
}

// About a snippet's length of `text` around bytes [begin, end) (the window
// QueryWords found with the most matches), cut at spaces, with "…" where
// text was left out; marked and escaped by Xapian, which keeps all of a
// text that fits in a snippet. The window is chosen from the text alone, so
// an index and its shards show the same one, and without the background
// model's term frequency lookup for every word of the section.
std::string Around(const Xapian::MSet& mset, const std::string& text, std::size_t begin,
                   std::size_t end, const Xapian::Stem& stem) {
  if (text.size() <= kSnippetLength) return Snip(mset, text, stem, false);
  auto inside = [&](std::size_t at) {
    return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
  };
  constexpr std::string_view kSpace = " \n\t\r";
  // A third of the room before the matches, the rest after; near the end
  // of the text, what is left over goes before.
  std::size_t room = kSnippetLength - std::min(kSnippetLength, end - begin);
  std::size_t from = begin - std::min(begin, room / 3);
  std::size_t to = std::min(text.size(), from + kSnippetLength);
  if (to - from < kSnippetLength) from = to - std::min(to, kSnippetLength);
  if (from > 0) {
    std::size_t space = text.find_first_of(kSpace, from - 1);
    if (space != std::string::npos && space < begin) from = space + 1;
    while (from < begin && inside(from)) ++from;
  }
  if (to < text.size()) {
    std::size_t space = text.find_last_of(kSpace, to);
    if (space != std::string::npos && space >= end) to = space;
    while (to > end && inside(to)) --to;
  }
  std::string out = Snip(mset, text.substr(from, to - from), stem, false);
  if (from > 0 && !out.starts_with("…")) out = "…" + out;
  if (to < text.size() && !out.ends_with("…")) out += "…";
  return out;
}

bool HasPositionalParts(const Xapian::Query& query) {
  switch (query.get_type()) {
    case Xapian::Query::OP_PHRASE:
    case Xapian::Query::OP_NEAR:
    case Xapian::Query::OP_WILDCARD:
      return true;
    default:
      break;
  }
  for (std::size_t i = 0; i < query.get_num_subqueries(); ++i) {
    if (HasPositionalParts(query.get_subquery(i))) return true;
  }
  return false;
}

}  // namespace

struct QueryWords::Impl {
  Xapian::Stem stem;
  std::set<std::string, std::less<>> terms;
  bool usable = false;
  // A section's matches, reused: where each is, and which distinct word.
  struct Match {
    std::size_t begin, end, word;
  };
  std::vector<Match> matches;
  std::vector<std::string> distinct;
  std::string written;
  std::vector<std::size_t> in_window;

  // The word itself, or its stem (stems are remembered by the stemmer).
  bool Matches(const std::string& word) {
    if (terms.count(word) > 0) return true;
    if (stem.is_none()) return false;
    z = "Z";
    z += stem(word);
    return terms.count(z) > 0;
  }
  std::string z;
};

QueryWords::QueryWords(const Xapian::Query& query, const Xapian::Stem& stem)
    : impl_(std::make_unique<Impl>()) {
  impl_->stem = stem;
  impl_->usable = !HasPositionalParts(query);
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
    impl_->terms.insert(*it);
  }
}

QueryWords::~QueryWords() = default;

bool QueryWords::usable() const { return impl_->usable; }

QueryWords::Score QueryWords::Best(const std::string& text) {
  Impl& m = *impl_;
  m.matches.clear();
  m.distinct.clear();
  ForEachWord(text, [&](std::size_t begin, std::size_t end, const std::string& word) {
    if (!m.Matches(word)) return;
    // Distinct as written, case aside (as the marks of a snippet are told
    // apart): "U.S.A." and "USA" are two.
    m.written.assign(text, begin, end - begin);
    for (char& c : m.written) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t id =
        std::find(m.distinct.begin(), m.distinct.end(), m.written) - m.distinct.begin();
    if (id == m.distinct.size()) m.distinct.push_back(m.written);
    m.matches.push_back({begin, end, id});
  });
  // The window of kSnippetLength bytes holding the most distinct words,
  // then the most matches: two pointers over the matches.
  m.in_window.assign(m.distinct.size(), 0);
  Score best, now;
  std::size_t first = 0;
  for (const Impl::Match& match : m.matches) {
    if (m.in_window[match.word]++ == 0) ++now.distinct;
    ++now.marks;
    while (match.end - m.matches[first].begin > kSnippetLength) {
      if (--m.in_window[m.matches[first].word] == 0) --now.distinct;
      --now.marks;
      ++first;
    }
    if (now > best) {
      best = now;
      best.begin = m.matches[first].begin;
      best.end = match.end;
    }
  }
  return best;
}

BestSection FindBestSection(const TalkRecord& record, const Xapian::MSet& mset,
                            const Xapian::Stem& stem, bool background, QueryWords* words) {
  const Model shown = background ? Model::kBackground : Model::kMatchesOnly;
  if (words != nullptr && !words->usable()) words = nullptr;
  // A part's score: from the query's words when they can tell, else from
  // its snippet's marks.
  auto score_of = [&](const std::string& part) {
    if (part.empty()) return Score{};
    return words != nullptr ? words->Best(part) : Count(Snip(mset, part, stem, true));
  };
  BestSection best;
  Score best_score, best_window;
  enum class From { kText, kCode, kOpening } best_from = From::kOpening;
  for (std::size_t i = 0; i < record.sections.size(); ++i) {
    const SectionRecord& s = record.sections[i];
    Score text_score = score_of(s.text);
    Score title_score = score_of(s.title);
    Score score = text_score;
    score.distinct = std::max(score.distinct, title_score.distinct);
    score.marks += title_score.marks;
    Score code_score;
    if (score.distinct == 0 && !s.code.empty()) {
      code_score = score_of(s.code);
      score = code_score;
    }
    if (score > best_score) {
      best_score = score;
      best.index = i;
      best_from = text_score.distinct > 0   ? From::kText
                  : code_score.distinct > 0 ? From::kCode
                                            : From::kOpening;
      best_window = best_from == From::kCode ? code_score : text_score;
    }
  }
  if (best_score.distinct > 0 && best_from == From::kOpening) {
    // The title matched, not the text: the section's opening words.
    best.snippet = Opening(mset, record.sections[best.index].text, stem);
  } else if (best_score.distinct > 0) {
    const SectionRecord& s = record.sections[best.index];
    const std::string& part = best_from == From::kCode ? s.code : s.text;
    if (words != nullptr) {
      // Around the window with the most matches.
      best.snippet = Around(mset, part, best_window.begin, best_window.end, stem);
    } else {
      // The shown snippet, made once, with the background model (it
      // prefers windows with rarer words among those holding the matches).
      best.snippet = Snip(mset, part, stem, true, shown);
    }
  }
  if (best_score.distinct == 0) {
    // Nothing matched in the text (a title, speaker or event match): the
    // talk's opening words.
    best.index = 0;
    for (const SectionRecord& s : record.sections) {
      if (!s.text.empty()) {
        best.snippet = Opening(mset, s.text, stem);
        break;
      }
    }
  }
  for (char& c : best.snippet) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  std::string collapsed;
  for (char c : best.snippet) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed += c;
  }
  best.snippet = JoinMarks(std::move(collapsed));
  return best;
}

namespace {

void AddFrom(const Xapian::Database& db, const std::string& term_prefix, const std::string& word,
             std::vector<std::pair<Xapian::doccount, std::string>>* found) {
  std::string start = term_prefix + word;
  int seen = 0;
  for (auto it = db.allterms_begin(start); it != db.allterms_end(start) && seen < 500;
       ++it, ++seen) {
    std::string term = *it;
    std::string value = term.substr(term_prefix.size());
    if (term_prefix.empty() && !value.empty() && (value[0] < 'a' || value[0] > 'z') &&
        !(value[0] >= '0' && value[0] <= '9') && static_cast<unsigned char>(value[0]) < 0x80) {
      continue;  // a prefixed term
    }
    found->emplace_back(it.get_termfreq(), value);
  }
}

// The display form of a speaker or event whose boolean term is `term`.
std::string Display(const Xapian::Database& db, const std::string& term, Xapian::valueno slot,
                    const std::string& lower) {
  Xapian::PostingIterator p = db.postlist_begin(term);
  if (p == db.postlist_end(term)) return lower;
  std::string value = db.get_document(*p).get_value(slot);
  for (std::string_view one : schema::SplitList(value)) {
    if (schema::BooleanTerm("", one) == lower) return std::string(one);
  }
  return lower;
}

}  // namespace

std::vector<std::string> SuggestCompletions(const Xapian::Database& db, const std::string& prefix,
                                            std::size_t limit) {
  std::size_t cut = prefix.find_last_of(" \t");
  std::string head = cut == std::string::npos ? "" : prefix.substr(0, cut + 1);
  std::string word = schema::BooleanTerm("", prefix.substr(cut == std::string::npos ? 0 : cut + 1));
  std::vector<std::string> out;
  if (word.empty()) return out;
  std::set<std::string> seen;
  auto add = [&](std::string s) {
    if (out.size() < limit && seen.insert(s).second) out.push_back(std::move(s));
  };
  // Whole speakers and events first (when the user types the start of a name).
  for (auto [prefix_term, slot] : {std::pair{schema::kSpeakerExact, schema::kSpeakersValue},
                                   std::pair{schema::kEventExact, schema::kEventValue}}) {
    std::vector<std::pair<Xapian::doccount, std::string>> names;
    AddFrom(db, std::string(prefix_term), head.empty() ? word : schema::BooleanTerm("", prefix),
            &names);
    std::stable_sort(names.begin(), names.end(), [](auto& a, auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; i < names.size() && i < 3; ++i) {
      std::string lower = names[i].second;
      add(Display(db, std::string(prefix_term) + lower, slot, lower));
    }
  }
  std::vector<std::pair<Xapian::doccount, std::string>> words;
  AddFrom(db, "", word, &words);
  std::stable_sort(words.begin(), words.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (const auto& [freq, w] : words) add(head + w);
  return out;
}

}  // namespace talksearch
