// reStructuredText to outline. There is no C++ reST parser to reuse, so this
// is ours: a line-oriented reader that knows what talk notes use (section
// titles of any adornment, lists, directives, literal blocks, tables,
// comments) and turns anything it does not know into text rather than
// failing.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "outline.h"
#include "text_util.h"

namespace talksearch {
namespace {

struct Line {
  std::string_view text;  // without the line break, trailing space removed
  int number = 0;         // 1-based
  int indent = 0;         // leading spaces (tabs count to the next multiple of 8)
  bool blank = true;
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t pos = 0;
  int number = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    while (!raw.empty() && (raw.back() == '\r' || raw.back() == ' ' || raw.back() == '\t')) {
      raw.remove_suffix(1);
    }
    Line line;
    line.number = ++number;
    int indent = 0;
    std::size_t i = 0;
    for (; i < raw.size() && (raw[i] == ' ' || raw[i] == '\t'); ++i) {
      indent = raw[i] == '\t' ? (indent / 8 + 1) * 8 : indent + 1;
    }
    line.text = raw;
    line.indent = indent;
    line.blank = i == raw.size();
    lines.push_back(line);
    if (end == text.size()) break;
    pos = end + 1;
  }
  return lines;
}

std::string_view Stripped(const Line& line) { return TrimSpace(line.text); }

bool IsAdornmentChar(char c) {
  return std::ispunct(static_cast<unsigned char>(c)) != 0;
}

// A line of one repeated punctuation character, three or more long
// ("=====", "-----", "~~~~"), at column 0.
bool IsAdornment(const Line& line) {
  if (line.blank || line.indent != 0 || line.text.size() < 2 || line.text == "::") return false;
  char c = line.text[0];
  if (!IsAdornmentChar(c)) return false;
  return std::all_of(line.text.begin(), line.text.end(), [c](char x) { return x == c; });
}

// "* ", "- ", "+ ", "• ", "1. ", "#. ", "(a) ", "a) ": the length of the
// marker with its following space, or 0.
std::size_t ListMarker(std::string_view s) {
  if (s.size() >= 2 && (s[0] == '*' || s[0] == '-' || s[0] == '+') && s[1] == ' ') return 2;
  if (s.substr(0, 4) == "\xE2\x80\xA2 ") return 4;  // "• "
  std::size_t i = 0;
  bool paren = false;
  if (!s.empty() && s[0] == '(') paren = true, i = 1;
  std::size_t start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 3) ++i;
  if (i == start && i < s.size() &&
      (std::isalpha(static_cast<unsigned char>(s[i])) || s[i] == '#')) {
    ++i;  // one letter or '#'
  }
  if (i == start || i + 1 >= s.size()) return 0;
  if ((s[i] == '.' && !paren) || s[i] == ')') {
    if (s[i + 1] == ' ') return i + 2;
  }
  return 0;
}

bool IsTableBorder(std::string_view s) {
  if (s.size() < 3) return false;
  bool has_rule = false;
  for (char c : s) {
    if (c == '=' || c == '-') {
      has_rule = true;
    } else if (c != ' ' && c != '+' && c != '|') {
      return false;
    }
  }
  return has_rule && (s.find(' ') != std::string_view::npos || s[0] == '+');
}

// Directives whose body is code, and their default language.
bool IsCodeDirective(std::string_view name, std::string* language) {
  if (name == "sourcecode" || name == "code-block" || name == "code" || name == "highlight" ||
      name == "literalinclude") {
    return true;
  }
  if (name == "parsed-literal") return language->clear(), true;
  if (name == "doctest" || name == "testcode" || name == "ipython") {
    return *language = "python", true;
  }
  return false;
}

bool IsAdmonitionDirective(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "note",      "warning", "tip",     "important",   "hint",       "caution",
      "danger",    "attention", "error", "admonition",  "seealso",    "epigraph",
      "topic",     "sidebar", "pull-quote", "highlights", "versionadded", "versionchanged",
      "deprecated", "todo"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// Directives that are navigation or media, never content.
bool IsSkippedDirective(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "toctree", "image", "figure", "include", "raw",   "meta",   "contents", "index",
      "sectnum", "header", "footer", "role",   "default-role", "title", "highlightlang",
      "automodule", "autoclass", "autofunction", "math", "youtube", "vimeo", "video"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

// Directives whose body is ordinary content.
bool IsContainerDirective(std::string_view name) {
  return name == "only" || name == "container" || name == "class" || name == "rst-class" ||
         name == "compound" || name == "tabularcolumns" || name == "centered" ||
         name == "rubric" || name == "glossary" || name == "hlist" || name == "list-table" ||
         name == "csv-table" || name == "table";
}

class RstParser {
 public:
  explicit RstParser(std::string_view text) : lines_(SplitLines(text)) {}

  Outline Parse() {
    ParseRange(0, lines_.size());
    return std::move(outline_);
  }

 private:
  // Parses lines [begin, end) into blocks.
  void ParseRange(std::size_t begin, std::size_t end) {
    std::size_t i = begin;
    while (i < end) {
      const Line& line = lines_[i];
      if (line.blank) {
        ++i;
      } else if (std::size_t next = TryTitle(i, end); next != i) {
        i = next;
      } else if (Stripped(line).substr(0, 3) == ".. " || Stripped(line) == "..") {
        i = ParseExplicit(i, end);
      } else if (Stripped(line).substr(0, 3) == ">>>") {
        i = ParseDoctest(i, end);
      } else if (IsAdornment(line) || IsTableBorder(Stripped(line))) {
        ++i;  // a transition or a table border
      } else {
        i = ParseParagraph(i, end);
      }
    }
  }

  // Section titles, with an underline or with an over- and underline.
  // Returns the index after the title, or `i` when line i is no title.
  std::size_t TryTitle(std::size_t i, std::size_t end) {
    const Line& line = lines_[i];
    if (IsAdornment(line) && i + 2 < end && !lines_[i + 1].blank &&
        lines_[i + 2].text == line.text.substr(0, lines_[i + 2].text.size()) &&
        IsAdornment(lines_[i + 2]) && lines_[i + 2].text[0] == line.text[0]) {
      AddHeading(Stripped(lines_[i + 1]), lines_[i + 1].number, line.text[0], true);
      return i + 3;
    }
    if (line.indent == 0 && !IsAdornment(line) && i + 1 < end && IsUnderlineFor(i)) {
      AddHeading(Stripped(line), line.number, lines_[i + 1].text[0], false);
      return i + 2;
    }
    return i;
  }

  bool IsUnderlineFor(std::size_t i) const {
    const Line& under = lines_[i + 1];
    if (!IsAdornment(under)) return false;
    if (under.text.size() < 3 && under.text.size() < Utf8Length(lines_[i].text)) return false;
    if (ListMarker(lines_[i].text) != 0 && under.text.size() < lines_[i].text.size()) return false;
    // A title follows a blank line, the start, or another title's underline.
    return i == 0 || lines_[i - 1].blank || IsAdornment(lines_[i - 1]);
  }

  void AddHeading(std::string_view title, int line, char adornment, bool overline) {
    std::string style = std::string(1, adornment) + (overline ? "o" : "u");
    auto it = std::find(styles_.begin(), styles_.end(), style);
    int level = static_cast<int>(it - styles_.begin()) + 1;
    if (it == styles_.end()) styles_.push_back(style);
    Block block;
    block.kind = BlockKind::kHeading;
    block.level = level;
    block.line = line;
    block.text = StripInline(title, &block.literals);
    outline_.blocks.push_back(std::move(block));
  }

  // The lines after line i that belong to it: blank, or indented more than
  // `indent`. Returns the end of that body (trailing blanks excluded).
  std::size_t BodyEnd(std::size_t i, std::size_t end, int indent) const {
    std::size_t j = i + 1, last = i + 1;
    for (; j < end; ++j) {
      if (lines_[j].blank) continue;
      if (lines_[j].indent <= indent) break;
      last = j + 1;
    }
    return last;
  }

  // The text of lines [begin, end) with `indent` columns removed.
  std::string Dedent(std::size_t begin, std::size_t end) const {
    int indent = 1 << 30;
    for (std::size_t j = begin; j < end; ++j) {
      if (!lines_[j].blank) indent = std::min(indent, lines_[j].indent);
    }
    std::string out;
    for (std::size_t j = begin; j < end; ++j) {
      if (!lines_[j].blank) out += DropColumns(lines_[j].text, indent);
      out += '\n';
    }
    while (!out.empty() && out.back() == '\n') out.pop_back();
    while (!out.empty() && out.front() == '\n') out.erase(0, 1);
    return out;
  }

  // Comments, directives, targets, footnotes and substitutions.
  std::size_t ParseExplicit(std::size_t i, std::size_t end) {
    const Line& line = lines_[i];
    std::size_t body_end = BodyEnd(i, end, line.indent);
    std::string_view rest = Stripped(line).substr(std::min<std::size_t>(3, Stripped(line).size()));
    std::size_t colons = rest.find("::");
    bool is_directive = colons != std::string_view::npos && colons > 0 && rest[0] != '_' &&
                        rest[0] != '[' && rest[0] != '|' &&
                        std::all_of(rest.begin(), rest.begin() + colons, [](char c) {
                          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                                 c == '_' || c == ':' || c == '.';
                        });
    if (!is_directive) {
      if (!rest.empty() && rest[0] == '[') {  // a footnote or citation: its text is content
        std::size_t close = rest.find(']');
        AddText(close == std::string_view::npos ? rest : rest.substr(close + 1), line.number,
                false);
      }
      return body_end;  // a comment or hyperlink target: not content
    }
    std::string name = ToLowerAscii(rest.substr(0, colons));
    if (auto colon = name.rfind(':'); colon != std::string::npos) name = name.substr(colon + 1);
    std::string_view argument = TrimSpace(rest.substr(colons + 2));
    // The body starts after the directive's options (":linenos:" lines).
    std::size_t body = i + 1;
    while (body < body_end && !lines_[body].blank && Stripped(lines_[body]).starts_with(":")) {
      ++body;
    }
    std::string language = std::string(argument);
    if (IsCodeDirective(name, &language)) {
      if (name == "highlight") {
        default_language_ = ToLowerAscii(argument);
      } else if (name != "literalinclude") {
        std::size_t first = body;
        while (first < body_end && lines_[first].blank) ++first;
        AddCode(Dedent(body, body_end), ToLowerAscii(language),
                lines_[std::min(first, lines_.size() - 1)].number);
      }
    } else if (IsAdmonitionDirective(name)) {
      ParseAdmonition(name, argument, body, body_end, line.number);
    } else if (IsContainerDirective(name)) {
      if (!argument.empty() && name == "rubric") AddText(argument, line.number, false);
      ParseRange(body, body_end);
    } else if (!IsSkippedDirective(name)) {
      // An unknown directive: keep its argument and body as text.
      if (!argument.empty()) AddText(argument, line.number, false);
      ParseRange(body, body_end);
    }
    return body_end;
  }

  void ParseAdmonition(const std::string& kind, std::string_view argument, std::size_t body,
                       std::size_t body_end, int line) {
    std::size_t first = outline_.blocks.size();
    ParseRange(body, body_end);
    // Fold the body's text into one admonition block; its code stays code.
    Block admonition;
    admonition.kind = BlockKind::kAdmonition;
    admonition.admonition = kind;
    admonition.line = line;
    admonition.text = StripInline(argument, &admonition.literals);
    std::vector<Block> code;
    for (std::size_t k = first; k < outline_.blocks.size(); ++k) {
      Block& b = outline_.blocks[k];
      if (b.kind == BlockKind::kCode) {
        code.push_back(std::move(b));
        continue;
      }
      if (!admonition.text.empty()) admonition.text += ' ';
      admonition.text += b.text;
      admonition.literals.insert(admonition.literals.end(), b.literals.begin(), b.literals.end());
    }
    outline_.blocks.resize(first);
    outline_.blocks.push_back(std::move(admonition));
    for (Block& b : code) outline_.blocks.push_back(std::move(b));
  }

  std::size_t ParseDoctest(std::size_t i, std::size_t end) {
    std::size_t j = i;
    while (j < end && !lines_[j].blank) ++j;
    AddCode(Dedent(i, j), "python", lines_[i].number);
    return j;
  }

  // A paragraph or one list item; a following literal block if it ends in "::".
  std::size_t ParseParagraph(std::size_t i, std::size_t end) {
    const Line& first = lines_[i];
    std::string_view first_text = Stripped(first);
    std::size_t marker = ListMarker(first_text);
    std::string text(first_text.substr(marker));
    std::size_t j = i + 1;
    for (; j < end; ++j) {
      const Line& line = lines_[j];
      if (line.blank || IsTableBorder(Stripped(line))) break;
      std::string_view s = Stripped(line);
      if (ListMarker(s) != 0 || s.starts_with(".. ") || s.starts_with(">>>")) break;
      if (line.indent == 0 && j + 1 < end && IsAdornment(lines_[j + 1]) &&
          lines_[j + 1].text.size() >= 3) {
        break;  // a title right after the paragraph, without a blank line
      }
      if (IsAdornment(line)) break;
      text += ' ';
      text.append(s);
    }
    bool literal = false;
    std::string_view trimmed = TrimSpace(text);
    if (trimmed.ends_with("::")) {
      literal = true;
      trimmed.remove_suffix(2);
      // "Text::" reads "Text:"; "Text ::" and a lone "::" vanish.
      bool spaced = trimmed.empty() || trimmed.back() == ' ';
      text = std::string(TrimSpace(trimmed)) + (spaced ? "" : ":");
    }
    if (!text.empty()) {
      AddText(Table(text), first.number, marker != 0);
    }
    if (literal) j = ParseLiteralBlock(j, end, first.indent);
    return j;
  }

  // Grid-table rows ("| a | b |") read as their cells.
  static std::string Table(std::string text) {
    if (!text.starts_with("| ") && !text.starts_with("|")) return text;
    if (text.size() < 2 || text.find('|', 1) == std::string::npos) return text;
    std::replace(text.begin(), text.end(), '|', ' ');
    return text;
  }

  std::size_t ParseLiteralBlock(std::size_t j, std::size_t end, int indent) {
    std::size_t k = j;
    while (k < end && lines_[k].blank) ++k;
    if (k >= end || lines_[k].indent <= indent) return j;
    std::size_t body_end = BodyEnd(k, end, indent);
    AddCode(Dedent(k, body_end), default_language_, lines_[k].number);
    return body_end;
  }

  void AddText(std::string_view text, int line, bool bullet) {
    Block block;
    block.kind = BlockKind::kText;
    block.line = line;
    block.bullet = bullet;
    block.text = StripInline(text, &block.literals);
    if (!block.text.empty()) outline_.blocks.push_back(std::move(block));
  }

  void AddCode(std::string text, std::string language, int line) {
    if (TrimSpace(text).empty()) return;
    Block block;
    block.kind = BlockKind::kCode;
    block.line = line;
    block.text = std::move(text);
    block.language = std::move(language);
    outline_.blocks.push_back(std::move(block));
  }

  std::vector<Line> lines_;
  std::vector<std::string> styles_;  // adornment styles in order of first use
  std::string default_language_;     // from ".. highlight::"
  Outline outline_;
};

}  // namespace

Outline ParseRstOutline(std::string_view text) { return RstParser(text).Parse(); }

}  // namespace talksearch
