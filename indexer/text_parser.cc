// Plain text to outline: hand-written text notes, and notes a documentation
// site rendered to text (bullets as "•", code markers and underlines lost).
//
// The text is read line by line into items: the title (the first non-blank
// line), headings underlined like reST, bullets with their continuation
// lines, code found by its look, and paragraphs. A one-line paragraph
// standing alone between blank lines that reads like a title is a heading
// candidate. Levels are decided last (AssignLevels): by underline style when
// the text has underlines, else a candidate followed by a "by Name" line or
// by two blank lines is a talk (level 2) and any other is level 3.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "outline.h"
#include "outline_util.h"

namespace talksearch {
namespace {

constexpr std::size_t kMaxHeadingChars = 80;
constexpr int kMaxHeadingWords = 12;

struct Line {
  std::string_view raw;      // without the line break
  std::string_view content;  // without leading and trailing white space
  int indent = 0;            // columns of leading white space (tab stops of 8)
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsIdentStart(char c) { return IsLower(c) || IsUpper(c) || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    Line line;
    line.raw = text.substr(pos, end - pos);
    std::size_t begin = 0;
    while (begin < line.raw.size() && IsSpace(line.raw[begin])) {
      line.indent = line.raw[begin] == '\t' ? (line.indent / 8 + 1) * 8 : line.indent + 1;
      ++begin;
    }
    std::size_t last = line.raw.size();
    while (last > begin && IsSpace(line.raw[last - 1])) --last;
    line.content = line.raw.substr(begin, last - begin);
    lines.push_back(line);
    pos = end + 1;
  }
  return lines;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The length of the bullet or enumeration marker opening `content` with the
// space after it ("• ", "- ", "12. ", "a) ", "(3) "), or 0 when none.
std::size_t BulletMarkerLength(std::string_view content) {
  static constexpr std::string_view kMarkers[] = {"• ", "‣ ", "◦ ", "▪ ", "* ", "- ", "+ "};
  for (std::string_view marker : kMarkers) {
    if (StartsWith(content, marker) && content.size() > marker.size()) return marker.size();
  }
  std::size_t pos = content.substr(0, 1) == "(" ? 1 : 0;
  std::size_t digits = 0;
  while (pos + digits < content.size() && IsDigit(content[pos + digits]) && digits < 4) ++digits;
  std::size_t end = pos + digits;
  if (digits == 0 && pos < content.size() && (IsLower(content[pos]) || IsUpper(content[pos]))) {
    end = pos + 1;  // a letter: "a) " only, "a. " is too often prose
    if (end >= content.size() || content[end] != ')') return 0;
  } else if (digits == 0 || digits > 3) {
    return 0;
  }
  if (end >= content.size() || (content[end] != '.' && content[end] != ')')) return 0;
  if (pos == 1 && content[end] != ')') return 0;
  ++end;
  if (end + 1 >= content.size() || content[end] != ' ') return 0;
  return end + 1;
}

// A line of one repeated punctuation character, at least three long, at the
// left margin: a reST-like underline (or overline, or transition).
bool IsAdornment(const Line& line) {
  static constexpr std::string_view kChars = "=-~^*#";
  std::string_view content = line.content;
  if (line.indent != 0 || content.size() < 3 || kChars.find(content[0]) == std::string_view::npos) {
    return false;
  }
  return content.find_first_not_of(content[0]) == std::string_view::npos;
}

// "by Dreamhoster John LaCourt", "By James Bennett": "by "/"By " and a word
// starting with a capital (or any non-ASCII letter).
bool IsSpeakerLine(std::string_view content) {
  if (std::size_t marker = BulletMarkerLength(content); marker > 0) content.remove_prefix(marker);
  if (!StartsWith(content, "by ") && !StartsWith(content, "By ")) return false;
  content.remove_prefix(3);
  return !content.empty() &&
         (IsUpper(content[0]) || static_cast<unsigned char>(content[0]) >= 0x80);
}

// `name`, `a.b`, `a.b as c`: what follows "import".
bool IsImportList(std::string_view names) {
  std::size_t pos = 0;
  while (pos <= names.size()) {
    std::size_t end = names.find(", ", pos);
    if (end == std::string_view::npos) end = names.size();
    std::string_view item = names.substr(pos, end - pos);
    if (std::size_t as = item.find(" as "); as != std::string_view::npos) item = item.substr(0, as);
    if (item.empty() || !IsIdentStart(item[0])) return false;
    for (char c : item) {
      if (!IsIdentChar(c) && c != '.') return false;
    }
    pos = end + 2;
  }
  return true;
}

// The length of a leading `name`, `a.b` or `a[0]` expression, 0 if none.
std::size_t LeadingNameLength(std::string_view text) {
  if (text.empty() || !IsIdentStart(text[0])) return 0;
  std::size_t pos = 1;
  while (pos < text.size() && (IsIdentChar(text[pos]) || text[pos] == '.')) ++pos;
  return pos;
}

int CountSymbols(std::string_view text) {
  int count = 0;
  for (char c : text) {
    if (std::string_view("()[]{}=<>;'\"").find(c) != std::string_view::npos) ++count;
  }
  return count;
}

// Lines that start a code block: statements no prose line looks like.
bool IsCodeStart(std::string_view content) {
  if (content == ">>>" || StartsWith(content, ">>> ") || StartsWith(content, "#!")) return true;
  if (StartsWith(content, "$ ") && content.size() > 2) return true;
  if (StartsWith(content, "import ")) return IsImportList(content.substr(7));
  if (StartsWith(content, "from ")) {
    std::size_t name = LeadingNameLength(content.substr(5));
    return name > 0 && content.substr(5 + name, 8) == " import " &&
           IsImportList(content.substr(5 + name + 8));
  }
  for (std::string_view keyword : {"class ", "def "}) {
    if (!StartsWith(content, keyword)) continue;
    std::string_view rest = content.substr(keyword.size());
    std::size_t name = LeadingNameLength(rest);
    if (name > 0 && name < rest.size() && (rest[name] == '(' || rest[name] == ':')) return true;
  }
  std::size_t name = LeadingNameLength(content);
  if (name == 0 && StartsWith(content, "@")) {
    return LeadingNameLength(content.substr(1)) + 1 == content.size() ||
           (EndsWith(content, ")") && content.find(' ') == std::string_view::npos);
  }
  if (name == 0) return false;
  std::string_view rest = content.substr(name);
  // A call alone on its line: "monkey.patch_all()".
  if (StartsWith(rest, "(") && EndsWith(rest, ")")) return true;
  // An assignment whose value is one word or has code symbols: "j = Person".
  std::size_t eq = rest.find_first_not_of(' ');
  if (eq == std::string_view::npos || rest[eq] != '=' || StartsWith(rest.substr(eq), "==")) {
    return false;
  }
  std::string_view value = rest.substr(eq + 1);
  while (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  if (value.empty() || EndsWith(value, ".")) return false;
  return value.find(' ') == std::string_view::npos ||
         value.find_first_of("()[]{}'\"+-*/%") != std::string_view::npos;
}

// Lines that may continue a code block at its left margin.
bool IsCodeish(std::string_view content) {
  if (IsCodeStart(content)) return true;
  if (content.empty()) return false;
  if (content[0] == '#' || content[0] == '}' || content[0] == ')' || content[0] == ']') return true;
  if ((content[0] == '\'' || content[0] == '"') && content.size() > 1 &&
      content.back() == content[0]) {
    return true;
  }
  for (std::string_view keyword : {"print ", "return ", "raise ", "pass", "else:", "elif "}) {
    if (StartsWith(content, keyword)) return true;
  }
  int symbols = CountSymbols(content);
  return symbols >= 3 && static_cast<std::size_t>(symbols) * 8 >= content.size();
}

bool IsHeadingCandidate(std::string_view content) {
  if (content.empty() || IsLower(content[0]) || IsSpeakerLine(content)) return false;
  if (EndsWith(content, ".") || EndsWith(content, ",") || EndsWith(content, ";") ||
      EndsWith(content, ":")) {
    return false;
  }
  if (content.find(". ") != std::string_view::npos ||
      content.find("://") != std::string_view::npos) {
    return false;
  }
  std::size_t chars = 0;
  int words = 0;
  bool has_letter = false;
  bool in_word = false;
  for (char c : content) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) != 0x80) ++chars;
    if (IsLower(c) || IsUpper(c) || byte >= 0x80) has_letter = true;
    bool space = c == ' ' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return has_letter && chars <= kMaxHeadingChars && words <= kMaxHeadingWords;
}

struct Item {
  Block block;
  std::string style;     // underline style of an underlined heading: "u=", "o-"
  bool guessed = false;  // a heading only by its look
  bool talk = false;     // a guessed heading followed by "by Name" or two blank lines
};

class TextOutliner {
 public:
  explicit TextOutliner(std::string_view text) : lines_(SplitLines(text)) {}
  Outline Run();

 private:
  bool Blank(std::size_t i) const { return i >= lines_.size() || lines_[i].content.empty(); }
  bool Adornment(std::size_t i) const { return i < lines_.size() && IsAdornment(lines_[i]); }
  std::size_t NextNonBlank(std::size_t i) const;
  std::size_t ReadAdornedHeading(std::size_t i);
  std::size_t ReadBullet(std::size_t i);
  std::size_t ReadCode(std::size_t i);
  std::size_t ReadParagraph(std::size_t i, bool after_blank);
  void AddHeading(std::size_t line, std::string style);
  void AssignLevels();

  std::vector<Line> lines_;
  std::vector<Item> items_;
};

std::size_t TextOutliner::NextNonBlank(std::size_t i) const {
  while (i < lines_.size() && lines_[i].content.empty()) ++i;
  return i;
}

void TextOutliner::AddHeading(std::size_t line, std::string style) {
  Item item;
  item.block.kind = BlockKind::kHeading;
  item.block.line = static_cast<int>(line) + 1;
  item.block.text = CollapseWhitespace(lines_[line].content);
  item.style = std::move(style);
  items_.push_back(std::move(item));
}

// An overlined and underlined, or underlined, heading at `i`: returns the
// line after it, or `i` when there is none.
std::size_t TextOutliner::ReadAdornedHeading(std::size_t i) {
  if (Adornment(i) && !Blank(i + 1) && !Adornment(i + 1) && Adornment(i + 2) &&
      lines_[i + 2].content[0] == lines_[i].content[0]) {
    AddHeading(i + 1, std::string("o") + lines_[i].content[0]);
    return i + 3;
  }
  if (!Blank(i) && !Adornment(i) && Adornment(i + 1) && lines_[i].indent == 0 &&
      BulletMarkerLength(lines_[i].content) == 0) {
    AddHeading(i, std::string("u") + lines_[i + 1].content[0]);
    return i + 2;
  }
  return i;
}

std::size_t TextOutliner::ReadBullet(std::size_t i) {
  const Line& first = lines_[i];
  Item item;
  item.block.line = static_cast<int>(i) + 1;
  item.block.bullet = true;
  AppendCollapsed(item.block.text, first.content.substr(BulletMarkerLength(first.content)));
  std::size_t next = i + 1;
  while (!Blank(next) && lines_[next].indent > first.indent &&
         BulletMarkerLength(lines_[next].content) == 0 && !Adornment(next)) {
    AppendCollapsed(item.block.text, " ");
    AppendCollapsed(item.block.text, lines_[next].content);
    ++next;
  }
  TrimInPlace(item.block.text);
  items_.push_back(std::move(item));
  return next;
}

std::size_t TextOutliner::ReadCode(std::size_t i) {
  int base = lines_[i].indent;
  std::size_t end = i + 1;  // one past the last line of code
  // A session's output runs to the next blank line.
  if (StartsWith(lines_[i].content, ">>>") || StartsWith(lines_[i].content, "$ ")) {
    while (!Blank(end)) ++end;
  }
  for (std::size_t next = end; next < lines_.size();) {
    if (Blank(next)) {
      std::size_t k = NextNonBlank(next);
      if (k >= lines_.size()) break;
      const Line& line = lines_[k];
      bool comment_then_code = line.content[0] == '#' && !Blank(k + 1) &&
                               (lines_[k + 1].indent > base || IsCodeish(lines_[k + 1].content));
      bool indented = line.indent > base && BulletMarkerLength(line.content) == 0;
      if (!indented && !IsCodeStart(line.content) && !comment_then_code) break;
      next = k;
      continue;
    }
    const Line& line = lines_[next];
    bool bullet = BulletMarkerLength(line.content) > 0 && line.indent <= base;
    if (bullet || (line.indent <= base && !IsCodeish(line.content))) break;
    end = ++next;
  }
  Item item;
  item.block.kind = BlockKind::kCode;
  item.block.line = static_cast<int>(i) + 1;
  for (std::size_t k = i; k < end; ++k) {
    std::string_view raw = lines_[k].raw;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::size_t strip = 0;
    while (strip < raw.size() && strip < static_cast<std::size_t>(base) && raw[strip] == ' ') {
      ++strip;
    }
    if (k > i) item.block.text += '\n';
    item.block.text += raw.substr(Blank(k) ? raw.size() : strip);
  }
  items_.push_back(std::move(item));
  return end;
}

std::size_t TextOutliner::ReadParagraph(std::size_t i, bool after_blank) {
  std::size_t next = i + 1;
  while (!Blank(next) && BulletMarkerLength(lines_[next].content) == 0 && !Adornment(next) &&
         !Adornment(next + 1) && !(lines_[next].indent == 0 && IsCodeStart(lines_[next].content))) {
    ++next;
  }
  if (next == i + 1 && after_blank && Blank(next) && lines_[i].indent == 0 &&
      IsHeadingCandidate(lines_[i].content)) {
    AddHeading(i, "");
    Item& heading = items_.back();
    heading.guessed = true;
    std::size_t following = NextNonBlank(next);
    heading.talk = following < lines_.size() &&
                   (following >= next + 2 || IsSpeakerLine(lines_[following].content));
    return next;
  }
  Item item;
  item.block.line = static_cast<int>(i) + 1;
  for (std::size_t k = i; k < next; ++k) {
    AppendCollapsed(item.block.text, lines_[k].content);
    AppendCollapsed(item.block.text, " ");
  }
  TrimInPlace(item.block.text);
  items_.push_back(std::move(item));
  return next;
}

void TextOutliner::AssignLevels() {
  bool adorned = false;
  for (std::size_t k = 1; k < items_.size(); ++k) adorned = adorned || !items_[k].style.empty();
  if (adorned) {
    // Like reST: a level per underline style, in order of first use.
    std::map<std::string, int> levels;
    int next_level = 2;
    if (!items_.empty() && !items_[0].style.empty()) {
      levels[items_[0].style] = 1;
    }
    for (std::size_t k = 1; k < items_.size(); ++k) {
      Item& item = items_[k];
      if (item.guessed) item.block.kind = BlockKind::kText;
      if (item.style.empty()) continue;
      auto [it, inserted] = levels.emplace(item.style, next_level);
      if (inserted) ++next_level;
      item.block.level = it->second;
    }
    return;
  }
  for (Item& item : items_) {
    if (item.guessed) item.block.level = item.talk ? 2 : 3;
  }
  // A guessed section heading right before a talk's heading (so with nothing
  // under it), or right after another section heading (a sub-title or a line
  // introducing code, not an empty section), was a one-line paragraph.
  bool has_talk = false;
  for (std::size_t k = 0; k < items_.size(); ++k) {
    Item& item = items_[k];
    if (!item.guessed) continue;
    const Block* next = k + 1 < items_.size() ? &items_[k + 1].block : nullptr;
    const Block* previous = k > 0 ? &items_[k - 1].block : nullptr;
    if (item.block.level == 3 &&
        ((next != nullptr && next->kind == BlockKind::kHeading && next->level <= 2) ||
         (previous != nullptr && previous->kind == BlockKind::kHeading && previous->level == 3))) {
      item.block.kind = BlockKind::kText;
    }
    has_talk = has_talk || item.block.level == 2;
  }
  if (has_talk) return;
  for (Item& item : items_) {
    if (item.guessed) item.block.level = 2;
  }
}

Outline TextOutliner::Run() {
  std::size_t i = NextNonBlank(0);
  if (i < lines_.size()) {
    std::size_t after = ReadAdornedHeading(i);
    if (after == i) {
      AddHeading(i, "");
      after = i + 1;
    }
    items_.back().block.level = 1;
    i = after;
  }
  while (i < lines_.size()) {
    bool after_blank = i == 0 || Blank(i - 1) || Adornment(i - 1);
    if (Blank(i)) {
      ++i;
    } else if (std::size_t after = ReadAdornedHeading(i); after != i) {
      i = after;
    } else if (Adornment(i)) {
      ++i;  // a transition
    } else if (BulletMarkerLength(lines_[i].content) > 0) {
      i = ReadBullet(i);
    } else if (IsCodeStart(lines_[i].content)) {
      i = ReadCode(i);
    } else {
      i = ReadParagraph(i, after_blank);
    }
  }
  AssignLevels();
  Outline outline;
  for (Item& item : items_) {
    if (item.block.kind != BlockKind::kCode && item.block.text.empty()) continue;
    outline.blocks.push_back(std::move(item.block));
  }
  return outline;
}

}  // namespace

Outline ParseTextOutline(std::string_view text) { return TextOutliner(text).Run(); }

}  // namespace talksearch
