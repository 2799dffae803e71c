#include "snippets.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "talksearch/schema.h"

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

struct Score {
  std::size_t distinct = 0, marks = 0;
  bool operator>(const Score& o) const {
    return distinct != o.distinct ? distinct > o.distinct : marks > o.marks;
  }
};

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

}  // namespace

Xapian::Stem CachingStem(const std::string& language) {
  Xapian::Stem plain(language);
  if (plain.is_none()) return plain;
  return Xapian::Stem(new CachingStemImplementation(language));
}

BestSection FindBestSection(const TalkRecord& record, const Xapian::MSet& mset,
                            const Xapian::Stem& stem, bool background) {
  const Model shown = background ? Model::kBackground : Model::kMatchesOnly;
  BestSection best;
  Score best_score;
  enum class From { kText, kCode, kOpening } best_from = From::kOpening;
  for (std::size_t i = 0; i < record.sections.size(); ++i) {
    const SectionRecord& s = record.sections[i];
    std::string title = Snip(mset, s.title, stem, true);
    std::string text = Snip(mset, s.text, stem, true);
    Score score = Count(text);
    Score title_score = Count(title);
    score.distinct = std::max(score.distinct, title_score.distinct);
    score.marks += title_score.marks;
    std::string code;
    if (score.distinct == 0 && !s.code.empty()) {
      code = Snip(mset, s.code, stem, true);
      score = Count(code);
    }
    if (score > best_score) {
      best_score = score;
      best.index = i;
      best_from = !text.empty() ? From::kText : !code.empty() ? From::kCode : From::kOpening;
    }
  }
  if (best_score.distinct > 0 && best_from == From::kOpening) {
    // The title matched, not the text: the section's opening words.
    best.snippet = Opening(mset, record.sections[best.index].text, stem);
  } else if (best_score.distinct > 0) {
    // The shown snippet, made once, with the background model (it prefers
    // windows with rarer words among those holding the matches).
    const SectionRecord& s = record.sections[best.index];
    best.snippet = Snip(mset, best_from == From::kCode ? s.code : s.text, stem, true, shown);
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
