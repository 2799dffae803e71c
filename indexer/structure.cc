// The structure rules: one place that knows what talks, speakers, events,
// dates and anchors look like in real notes, for every format.
#include "structure.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "text_util.h"

namespace talksearch {
namespace {

bool IsUpper(char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// --- Speakers ---------------------------------------------------------------

std::vector<std::string_view> SplitWords(std::string_view s) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) words.push_back(s.substr(i, j - i));
    i = j;
  }
  return words;
}

bool IsParticle(std::string_view w) {
  static constexpr std::string_view kParticles[] = {"van", "von", "de", "la", "der", "den",
                                                    "da",  "di",  "du", "le", "del", "dos"};
  return std::find(std::begin(kParticles), std::end(kParticles), w) != std::end(kParticles);
}

bool IsHonorific(std::string_view w) {
  static constexpr std::string_view kTitles[] = {"Dr.", "Dr", "Mr", "Mr.", "Mrs", "Mrs.",
                                                 "Ms",  "Ms.", "Prof.", "Professor", "Sir"};
  return std::find(std::begin(kTitles), std::end(kTitles), w) != std::end(kTitles);
}

// A word that can be part of a name: "Tommi", "Kaplan-Moss", "O'Neil", "J.",
// "LaCourt", "Waligóra", "@harrymarr".
bool IsNameWord(std::string_view w) {
  if (w.empty()) return false;
  if (w[0] == '@') return w.size() > 1;
  unsigned char first = static_cast<unsigned char>(w[0]);
  if (!IsUpper(w[0]) && first < 0xC3) return false;
  return std::all_of(w.begin(), w.end(), [](char c) {
    return IsAlpha(c) || c == '-' || c == '\'' || c == '.' || static_cast<unsigned char>(c) >= 0x80;
  });
}

// "AYEVA" -> "Ayeva"; leaves "LVH" (shorter than `min_size`) and mixed case alone.
std::string FixCase(std::string_view w, std::size_t min_size = 4) {
  std::string out(w);
  bool all_upper = w.size() >= min_size && std::none_of(w.begin(), w.end(), [](char c) {
                     return std::islower(static_cast<unsigned char>(c));
                   });
  if (all_upper) {
    for (std::size_t i = 1; i < out.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(out[i]);
      if (out[i - 1] == '-' || out[i - 1] == '\'') continue;
      if (c < 0x80) {
        out[i] = static_cast<char>(std::tolower(c));
      } else if (static_cast<unsigned char>(out[i - 1]) == 0xC3 && c >= 0x80 && c <= 0x9E &&
                 c != 0x97) {
        out[i] = static_cast<char>(c + 0x20);  // À..Þ -> à..þ
      }
    }
  }
  return out;
}

// One name from words; trailing words that are no name are dropped.
std::string NameFrom(std::string_view part) {
  if (std::size_t own = part.find("'s own "); own != std::string_view::npos) {
    part = part.substr(own + 7);
  }
  std::vector<std::string_view> words = SplitWords(part);
  std::size_t begin = 0;
  while (begin < words.size() && IsHonorific(words[begin])) ++begin;
  std::vector<std::string_view> name;
  int capitals = 0;
  for (std::size_t i = begin; i < words.size(); ++i) {
    std::string_view w = words[i];
    while (!w.empty() && std::string_view("!?\"").find(w.back()) != std::string_view::npos) {
      w.remove_suffix(1);
    }
    if (IsParticle(w) && !name.empty()) {
      name.push_back(w);
    } else if (IsNameWord(w)) {
      name.push_back(w);
      ++capitals;
    } else {
      break;
    }
  }
  while (!name.empty() && IsParticle(name.back())) name.pop_back();
  // "Dreamhoster Tommi Virtanen": a role word before a full name.
  if (capitals >= 3 && name.size() == 3 && name[0].ends_with("er")) name.erase(name.begin());
  // "Ray Toal Loyala Marymount": a name and then an organization.
  if (capitals > 3) {
    name.resize(2);
  }
  std::string out;
  for (std::string_view w : name) {
    if (!out.empty()) out += ' ';
    out += FixCase(w);
  }
  return out;
}

// Where the names end: before ", title", " of Company", "(note)", "http...".
std::string_view CutTrailer(std::string_view s) {
  static constexpr std::string_view kStops[] = {",",     " - ",  " \xE2\x80\x94 ", "(",
                                                " of ",  " from ", " at ",  " in ",
                                                " aka ", " who ",  " with ", "http",
                                                ";",     ":",     " et al", " for "};
  std::size_t cut = s.size();
  for (std::string_view stop : kStops) cut = std::min(cut, s.find(stop));
  s = s.substr(0, cut);
  if (s.ends_with(" of")) s.remove_suffix(3);
  return TrimSpace(s);
}

// The words after "by", if the line is a by-line at all.
bool SpeakerPrefix(std::string_view line, std::string_view* rest) {
  std::string lower = ToLowerAscii(line.substr(0, 16));
  static constexpr std::string_view kPrefixes[] = {"presented by ", "speakers: ", "speaker: ",
                                                   "presenters: ", "presenter: ", "by "};
  for (std::string_view p : kPrefixes) {
    if (std::string_view(lower).starts_with(p)) {
      *rest = TrimSpace(line.substr(p.size()));
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> ParseSpeakerLine(std::string_view line) {
  line = TrimSpace(line);
  for (std::string_view bullet : {"* ", "- ", "+ ", "\xE2\x80\xA2 "}) {
    if (line.starts_with(bullet)) line = TrimSpace(line.substr(bullet.size()));
  }
  std::string_view rest;
  if (line.size() > 160 || !SpeakerPrefix(line, &rest) || rest.empty()) return {};
  // A sentence ("By testing your hypothesis, ...") starts with a small word.
  if (!IsNameWord(SplitWords(rest).front()) && !IsHonorific(SplitWords(rest).front())) return {};
  bool shouting = std::none_of(rest.begin(), rest.end(),
                               [](char c) { return std::islower(static_cast<unsigned char>(c)); });
  std::string names(CutTrailer(rest));
  // Split "A and B", "A & B", "A AND B".
  std::vector<std::string> speakers;
  std::size_t pos = 0;
  for (;;) {
    std::size_t next = std::string::npos, skip = 0;
    for (std::string_view sep : {" and ", " & ", " AND "}) {
      std::size_t at = names.find(sep, pos);
      if (at < next) next = at, skip = sep.size();
    }
    std::string name = NameFrom(std::string_view(names).substr(pos, next - pos));
    if (!name.empty() && name.size() <= 60) speakers.push_back(name);
    if (next == std::string::npos) break;
    pos = next + skip;
  }
  if (shouting) {
    for (std::string& s : speakers) {
      std::vector<std::string_view> words = SplitWords(s);
      std::string fixed;
      for (std::string_view w : words) fixed += (fixed.empty() ? "" : " ") + FixCase(w, 2);
      s = fixed;
    }
  }
  return speakers;
}

// --- Dates ------------------------------------------------------------------

namespace {

int MonthNumber(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (word.size() < 3) return 0;
  std::string lower = ToLowerAscii(word);
  if (lower.ends_with(".")) lower.pop_back();
  static constexpr std::array<std::string_view, 12> kFull = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  for (int m = 0; m < 12; ++m) {
    if (lower == kMonths[m] || lower == kFull[m] || (m == 8 && lower == "sept")) return m + 1;
  }
  return 0;
}

struct Token {
  std::string_view text;
  bool number = false;
  bool glued = false;  // follows letters with no space ("Pycon2011")
};

std::vector<Token> DateTokens(std::string_view s) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < s.size()) {
    if (IsDigit(s[i])) {
      std::size_t j = i;
      while (j < s.size() && IsDigit(s[j])) ++j;
      bool glued = i > 0 && IsAlpha(s[i - 1]);
      tokens.push_back({s.substr(i, j - i), true, glued});
      i = j;
    } else if (IsAlpha(s[i])) {
      std::size_t j = i;
      while (j < s.size() && IsAlpha(s[j])) ++j;
      tokens.push_back({s.substr(i, j - i), false, false});
      i = j;
    } else {
      ++i;
    }
  }
  return tokens;
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

bool IsYear(const Token& t) {
  return t.number && t.text.size() == 4 && (t.text.starts_with("19") || t.text.starts_with("20"));
}

std::string Iso(int year, int month, int day) {
  char buf[16];
  if (month == 0) {
    std::snprintf(buf, sizeof buf, "%04d", year);
  } else if (day == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  }
  return buf;
}

bool ValidDay(int month, int day) { return month >= 1 && month <= 12 && day >= 1 && day <= 31; }

}  // namespace

std::string FindDate(std::string_view text) {
  std::vector<Token> t = DateTokens(text.substr(0, 4096));
  std::string year_only;
  for (std::size_t i = 0; i < t.size(); ++i) {
    // 20110616
    if (t[i].number && t[i].text.size() == 8 && (t[i].text[0] == '1' || t[i].text[0] == '2')) {
      int y = ToInt(t[i].text.substr(0, 4)), m = ToInt(t[i].text.substr(4, 2)),
          d = ToInt(t[i].text.substr(6, 2));
      if (y >= 1900 && y < 2100 && ValidDay(m, d)) return Iso(y, m, d);
    }
    if (IsYear(t[i])) {
      int y = ToInt(t[i].text);
      // 2011-06-06, 2011-06
      if (i + 1 < t.size() && t[i + 1].number && t[i + 1].text.size() <= 2) {
        int m = ToInt(t[i + 1].text);
        if (i + 2 < t.size() && t[i + 2].number && t[i + 2].text.size() <= 2 &&
            ValidDay(m, ToInt(t[i + 2].text))) {
          return Iso(y, m, ToInt(t[i + 2].text));
        }
        if (m >= 1 && m <= 12) return Iso(y, m, 0);
      }
      if (year_only.empty()) year_only = Iso(y, 0, 0);
      continue;
    }
    int month = t[i].number ? 0 : MonthNumber(t[i].text);
    if (month == 0) continue;
    // 6 June 2011
    if (i > 0 && t[i - 1].number && t[i - 1].text.size() <= 2 && i + 1 < t.size() &&
        IsYear(t[i + 1]) && ValidDay(month, ToInt(t[i - 1].text))) {
      return Iso(ToInt(t[i + 1].text), month, ToInt(t[i - 1].text));
    }
    // June 6, 2011 / June 6-8, 2011 / June 2011
    if (i + 1 < t.size() && IsYear(t[i + 1])) return Iso(ToInt(t[i + 1].text), month, 0);
    if (i + 2 < t.size() && t[i + 1].number && t[i + 1].text.size() <= 2) {
      int d = ToInt(t[i + 1].text);
      std::size_t y = i + 2;
      if (y < t.size() && t[y].number && t[y].text.size() <= 2) ++y;  // a day range
      if (y < t.size() && IsYear(t[y]) && ValidDay(month, d)) return Iso(ToInt(t[y].text), month, d);
    }
  }
  return year_only;
}

// --- Anchors ----------------------------------------------------------------

namespace {

// Latin letters with accents, as docutils' make_id reduces them (NFKD, then
// ASCII only). Two-byte UTF-8 sequences from U+00C0 to U+017F.
char Unaccent(unsigned code) {
  static constexpr std::string_view kLatin1 =  // U+00C0 .. U+00FF
      "AAAAAAACEEEEIIIIDNOOOOO*OUUUUYPsaaaaaaaceeeeiiiidnooooo/ouuuuypy";
  static constexpr std::string_view kExtendedA =  // U+0100 .. U+017F
      "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiJjJjKkkLlLlLlLlLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
  if (code >= 0xC0 && code <= 0xFF) return kLatin1[code - 0xC0];
  if (code >= 0x100 && code < 0x100 + kExtendedA.size()) return kExtendedA[code - 0x100];
  return 0;
}

}  // namespace

std::string MakeAnchor(std::string_view title) {
  std::string id;
  bool dash = false;
  for (std::size_t i = 0; i < title.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(title[i]);
    char letter = 0;
    if (c < 0x80) {
      if (std::isalnum(c)) letter = static_cast<char>(std::tolower(c));
    } else if ((c & 0xE0) == 0xC0 && i + 1 < title.size()) {
      unsigned code = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(title[i + 1]) & 0x3Fu);
      char plain = Unaccent(code);
      if (std::isalpha(static_cast<unsigned char>(plain))) {
        letter = static_cast<char>(std::tolower(static_cast<unsigned char>(plain)));
      }
      ++i;
    }
    if (letter != 0) {
      if (dash && !id.empty()) id += '-';
      dash = false;
      id += letter;
    } else {
      dash = true;
    }
  }
  // docutils ids start with a letter: leading digits and dashes go.
  std::size_t start = 0;
  while (start < id.size() && (IsDigit(id[start]) || id[start] == '-')) ++start;
  return id.substr(start);
}

// --- Notes ------------------------------------------------------------------

namespace {

// Gives each anchor once per note, as docutils does ("id1", "id2" for
// titles whose anchor is taken or empty).
class AnchorSet {
 public:
  std::string Claim(std::string_view title, std::string_view given) {
    std::string anchor = given.empty() ? MakeAnchor(title) : std::string(given);
    while (anchor.empty() || used_.count(anchor) != 0) anchor = "id" + std::to_string(++counter_);
    used_.insert(anchor);
    return anchor;
  }

 private:
  std::set<std::string> used_;
  int counter_ = 0;
};

// The speakers named in the first text blocks from blocks[first] to the
// next heading (admonitions and code before them are passed over).
std::vector<std::string> SpeakersFrom(const std::vector<Block>& blocks, std::size_t first) {
  int texts = 0;
  for (std::size_t i = first; i < blocks.size() && texts < 3; ++i) {
    if (blocks[i].kind == BlockKind::kHeading) break;
    if (blocks[i].kind != BlockKind::kText) continue;
    ++texts;
    std::vector<std::string> speakers = ParseSpeakerLine(blocks[i].text);
    if (!speakers.empty()) return speakers;
  }
  return {};
}

// The speakers of a note's title: its by-line, or a heading right below it
// that is one ("BY DANIEL GREENFELD AND AUDREY ROY" underlined).
std::vector<std::string> TitleSpeakers(const std::vector<Block>& blocks, std::size_t title) {
  std::vector<std::string> speakers = SpeakersFrom(blocks, title + 1);
  for (std::size_t i = title + 1; speakers.empty() && i < blocks.size(); ++i) {
    if (blocks[i].kind != BlockKind::kHeading) continue;
    speakers = ParseSpeakerLine(blocks[i].text);
    break;
  }
  return speakers;
}

void AddToSection(Section& section, const Block& block) {
  auto append = [&section](std::string_view text) {
    if (text.empty()) return;
    if (!section.text.empty()) section.text += "\n\n";
    section.text += text;
  };
  switch (block.kind) {
    case BlockKind::kHeading:
      break;
    case BlockKind::kText:
      append(block.text);
      break;
    case BlockKind::kAdmonition:
      append(block.text);
      section.admonitions.push_back({block.admonition, block.text});
      break;
    case BlockKind::kCode:
      section.code.push_back({block.language, block.text, block.line});
      break;
  }
  section.literals.insert(section.literals.end(), block.literals.begin(), block.literals.end());
}

std::string FileStem(std::string_view rel_path) {
  std::string_view name = rel_path.substr(rel_path.rfind('/') + 1);
  return std::string(name.substr(0, name.rfind('.')));
}

std::string FolderName(std::string_view rel_path) {
  std::size_t slash = rel_path.rfind('/');
  if (slash == std::string_view::npos) return "";
  std::string_view dir = rel_path.substr(0, slash);
  return std::string(dir.substr(dir.rfind('/') + 1));
}

// "June 6, 2011 - Socal Python meetup" -> "Socal Python meetup".
std::string WithoutDate(const std::string& title) {
  for (std::string_view sep : {" - ", " \xE2\x80\x94 ", " \xE2\x80\x93 ", ": "}) {
    std::size_t at = title.find(sep);
    if (at != std::string::npos && !FindDate(title.substr(0, at)).empty()) {
      return std::string(TrimSpace(title.substr(at + sep.size())));
    }
  }
  return title;
}

struct Plan {
  std::ptrdiff_t title = -1;        // the note's title heading, or -1
  std::vector<std::size_t> talks;   // headings that start talks (empty: one talk)
};

// Decides the shape of the note: one talk, or talks at one heading level.
Plan PlanNote(const std::vector<Block>& blocks) {
  Plan plan;
  std::vector<std::size_t> headings;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i].kind == BlockKind::kHeading) headings.push_back(i);
  }
  if (headings.empty()) return plan;
  int top = blocks[headings[0]].level;
  int tops = static_cast<int>(std::count_if(headings.begin(), headings.end(), [&](std::size_t h) {
    return blocks[h].level <= top;
  }));
  std::size_t rest = 0;
  if (tops == 1) {
    plan.title = static_cast<std::ptrdiff_t>(headings[0]);
    if (!TitleSpeakers(blocks, headings[0]).empty()) return plan;  // the title is the talk
    rest = 1;
  }
  if (rest >= headings.size()) return plan;
  int level = blocks[headings[rest]].level;
  for (std::size_t k = rest; k < headings.size(); ++k) level = std::min(level, blocks[headings[k]].level);
  std::vector<std::size_t> candidates;
  int with_speakers = 0;
  for (std::size_t k = rest; k < headings.size(); ++k) {
    if (blocks[headings[k]].level != level) continue;
    candidates.push_back(headings[k]);
    if (!SpeakersFrom(blocks, headings[k] + 1).empty()) ++with_speakers;
  }
  // Talks are headings of which at least half name speakers; a lone "By Tim
  // Peters" under one of many section headings makes no talk. Without a
  // title, one heading with speakers is just the title of a one-talk note.
  bool several = with_speakers * 2 >= static_cast<int>(candidates.size()) &&
                 with_speakers >= (plan.title >= 0 ? 1 : 2);
  if (several) plan.talks = std::move(candidates);
  return plan;
}

// Fills talk.sections from blocks [begin, end), passing over the talk's own
// heading, blocks[heading].
void FillTalk(Talk& talk, const std::vector<Block>& blocks, std::size_t begin, std::size_t end,
              std::ptrdiff_t heading, AnchorSet& anchors) {
  int level = heading >= 0 ? blocks[heading].level : 1;
  int line = heading >= 0 ? blocks[heading].line : 1;
  Section first;
  first.title = talk.title;
  first.anchor = talk.anchor;
  first.level = level;
  first.line = line;
  talk.sections.push_back(std::move(first));
  for (std::size_t i = begin; i < end; ++i) {
    const Block& b = blocks[i];
    if (b.kind == BlockKind::kHeading) {
      if (static_cast<std::ptrdiff_t>(i) == heading) continue;
      Section s;
      s.title = b.text;
      s.anchor = anchors.Claim(b.text, b.anchor);
      s.level = b.level;
      s.line = b.line;
      talk.sections.push_back(std::move(s));
      continue;
    }
    AddToSection(talk.sections.back(), b);
  }
}

}  // namespace

Note BuildNote(const Outline& outline, const NoteContext& context) {
  const std::vector<Block>& blocks = outline.blocks;
  Note note;
  note.path = context.rel_path;
  note.format = context.format;
  Plan plan = PlanNote(blocks);
  AnchorSet anchors;
  if (plan.title >= 0) note.title = blocks[plan.title].text;

  note.date = FindDate(note.title);
  if (note.date.empty()) note.date = FindDate(FileStem(context.rel_path));
  if (note.date.empty()) note.date = FindDate(context.folder_event);
  if (note.date.empty()) note.date = FindDate(FolderName(context.rel_path));

  if (!context.folder_event.empty()) {
    note.event = context.folder_event;
  } else if (!plan.talks.empty() && !note.title.empty()) {
    note.event = WithoutDate(note.title);
  } else if (!FolderName(context.rel_path).empty()) {
    note.event = FolderName(context.rel_path);
  } else {
    note.event = WithoutDate(note.title);
  }

  if (plan.talks.empty()) {
    Talk talk;
    std::size_t begin = plan.title >= 0 ? static_cast<std::size_t>(plan.title) : 0;
    talk.title = !note.title.empty() ? note.title : FileStem(context.rel_path);
    const Block* heading = plan.title >= 0 ? &blocks[plan.title] : nullptr;
    talk.anchor = anchors.Claim(talk.title, heading ? heading->anchor : "");
    talk.speakers = plan.title >= 0 ? TitleSpeakers(blocks, begin) : SpeakersFrom(blocks, 0);
    talk.date = note.date;
    FillTalk(talk, blocks, 0, blocks.size(), plan.title, anchors);
    note.talks.push_back(std::move(talk));
    return note;
  }

  // Several talks: what comes before the first is the note's preamble.
  note.preamble.title = note.title;
  note.preamble.anchor = anchors.Claim(note.title, plan.title >= 0 ? blocks[plan.title].anchor : "");
  note.preamble.level = plan.title >= 0 ? blocks[plan.title].level : 1;
  note.preamble.line = plan.title >= 0 ? blocks[plan.title].line : 1;
  for (std::size_t i = 0; i < plan.talks.front(); ++i) {
    if (static_cast<std::ptrdiff_t>(i) != plan.title) AddToSection(note.preamble, blocks[i]);
  }
  for (std::size_t k = 0; k < plan.talks.size(); ++k) {
    std::size_t h = plan.talks[k];
    std::size_t end = k + 1 < plan.talks.size() ? plan.talks[k + 1] : blocks.size();
    Talk talk;
    talk.title = blocks[h].text;
    talk.anchor = anchors.Claim(talk.title, blocks[h].anchor);
    talk.speakers = SpeakersFrom(blocks, h + 1);
    talk.date = FindDate(talk.title);
    if (talk.date.empty()) talk.date = note.date;
    FillTalk(talk, blocks, h, end, static_cast<std::ptrdiff_t>(h), anchors);
    note.talks.push_back(std::move(talk));
  }
  return note;
}

}  // namespace talksearch
