#include "text_util.h"

#include <algorithm>
#include <cctype>

#include "outline_util.h"

namespace talksearch {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
}

// Roles whose text is code.
bool IsCodeRole(std::string_view role) {
  static constexpr std::string_view kRoles[] = {
      "code", "func", "class", "meth", "mod", "attr", "obj", "data", "exc",
      "samp", "file", "command", "envvar", "const", "literal", "kbd", "program"};
  if (role.starts_with("py:")) return true;
  return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

// Inline markup starts only after white space, the start or opening punctuation.
bool CanStart(std::string_view s, std::size_t i) {
  if (i == 0) return true;
  char p = s[i - 1];
  return IsSpace(p) || std::string_view("([{<'\"-/:").find(p) != std::string_view::npos;
}

// "text <target>" -> "text" (or the target when there is no text).
std::string_view LinkText(std::string_view content) {
  content = TrimSpace(content);
  if (content.ends_with(">")) {
    std::size_t open = content.rfind('<');
    if (open != std::string_view::npos) {
      std::string_view text = TrimSpace(content.substr(0, open));
      return text.empty() ? content.substr(open + 1, content.size() - open - 2) : text;
    }
  }
  return content;
}

class InlineStripper {
 public:
  InlineStripper(std::string_view s, std::vector<std::string>* literals)
      : s_(s), literals_(literals) {}

  std::string Run() {
    while (i_ < s_.size()) {
      if (!Markup()) out_ += s_[i_++];
    }
    return CollapseWhitespace(out_);
  }

 private:
  // Consumes one piece of markup at i_; false when there is none.
  bool Markup() {
    char c = s_[i_];
    if (c == '\\' && i_ + 1 < s_.size()) {
      out_ += s_[i_ + 1];
      i_ += 2;
      return true;
    }
    if (!CanStart(s_, i_)) return c == '_' ? Reference() : false;
    if (s_.substr(i_, 2) == "``") return Enclosed("``", true);
    if (c == ':') return Role();
    if (c == '`') return Interpreted("");
    if (s_.substr(i_, 2) == "**") return Enclosed("**", false);
    if (c == '*') return Enclosed("*", false);
    if (c == '|') return Enclosed("|", false);
    if (c == '[') return FootnoteReference();
    return false;
  }

  bool Enclosed(std::string_view delim, bool literal) {
    std::size_t start = i_ + delim.size();
    if (start >= s_.size() || IsSpace(s_[start])) return false;
    std::size_t end = s_.find(delim, start);
    if (delim == "*") {
      while (end != std::string_view::npos && s_.substr(end, 2) == "**") end = s_.find('*', end + 2);
    }
    if (end == std::string_view::npos || end == start || IsSpace(s_[end - 1])) return false;
    std::string_view content = s_.substr(start, end - start);
    out_.append(content);
    if (literal && literals_ != nullptr) literals_->emplace_back(content);
    i_ = end + delim.size();
    return true;
  }

  // :role:`text`
  bool Role() {
    std::size_t j = i_ + 1;
    while (j < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[j])) || s_[j] == '-' ||
                             s_[j] == ':' || s_[j] == '_')) {
      ++j;
    }
    if (j <= i_ + 2 || j >= s_.size() || s_[j] != '`' || s_[j - 1] != ':') return false;
    std::string role(s_.substr(i_ + 1, j - i_ - 2));
    i_ = j;
    if (!Interpreted(role)) {
      i_ = j - role.size() - 2;
      return false;
    }
    return true;
  }

  // `text`, `text <url>`_, `text`__, and the role's text.
  bool Interpreted(const std::string& role) {
    std::size_t start = i_ + 1;
    std::size_t end = s_.find('`', start);
    if (end == std::string_view::npos || end == start) return false;
    std::string_view content = s_.substr(start, end - start);
    std::size_t after = end + 1;
    bool reference = false;
    while (after < s_.size() && s_[after] == '_') ++after, reference = true;
    std::string_view text = LinkText(content);
    if (!role.empty() && text.starts_with("~")) text.remove_prefix(1);
    out_.append(text);
    bool literal = role.empty() ? !reference : IsCodeRole(role);
    if (literal && literals_ != nullptr && !text.empty()) literals_->emplace_back(text);
    i_ = after;
    return true;
  }

  // [1]_, [#]_, [#note]_, [CIT2002]_ vanish.
  bool FootnoteReference() {
    std::size_t close = s_.find("]_", i_);
    if (close == std::string_view::npos || close - i_ > 32) return false;
    std::string_view label = s_.substr(i_ + 1, close - i_ - 1);
    if (label.empty() || label.find(' ') != std::string_view::npos) return false;
    i_ = close + 2;
    return true;
  }

  // word_ (a named reference): the underscore vanishes.
  bool Reference() {
    bool after_word = i_ > 0 && std::isalnum(static_cast<unsigned char>(s_[i_ - 1]));
    bool at_end = i_ + 1 >= s_.size() || (!IsWordChar(s_[i_ + 1]) && s_[i_ + 1] != '_');
    if (after_word && at_end) {
      ++i_;
      return true;
    }
    return false;
  }

  std::string_view s_;
  std::vector<std::string>* literals_;
  std::size_t i_ = 0;
  std::string out_;
};

}  // namespace

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t Utf8Length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string_view DropColumns(std::string_view line, int columns) {
  int col = 0;
  std::size_t i = 0;
  while (i < line.size() && col < columns && (line[i] == ' ' || line[i] == '\t')) {
    col = line[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
    ++i;
  }
  return line.substr(i);
}

std::string StripInline(std::string_view text, std::vector<std::string>* literals) {
  return InlineStripper(text, literals).Run();
}

std::vector<int> RepairUtf8(std::string& text) {
  std::vector<int> lines;
  std::string out;
  out.reserve(text.size());
  int line = 1;
  auto mark = [&] {
    if (lines.empty() || lines.back() != line) lines.push_back(line);
  };
  std::size_t i = 0, n = text.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '\n') ++line;
      if (c == 0) {
        mark();
        out += ' ';
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    bool ok = len != 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (ok && len >= 3) {
      unsigned char c1 = static_cast<unsigned char>(text[i + 1]);
      if (c == 0xE0 && c1 < 0xA0) ok = false;  // overlong
      if (c == 0xED && c1 >= 0xA0) ok = false;  // surrogate
      if (c == 0xF0 && c1 < 0x90) ok = false;  // overlong
      if (c == 0xF4 && c1 >= 0x90) ok = false;  // beyond U+10FFFF
    }
    if (ok) {
      out.append(text, i, len);
      i += len;
    } else {
      mark();
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  if (!lines.empty()) text = std::move(out);
  return lines;
}

}  // namespace talksearch
