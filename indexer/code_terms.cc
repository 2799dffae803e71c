#include "code_terms.h"

#include <cctype>

namespace talksearch {
namespace {

bool IsIdentifierByte(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || u >= 0x80;
}

bool IsUpper(char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }
bool IsLower(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::islower(u) || std::isdigit(u) || u >= 0x80;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits one '_'-free chunk at camel-case humps: a capital after a lower
// case letter or digit ("myFirst"), or the last capital of a run followed by
// a lower case letter ("HTTPServer" -> HTTP, Server).
void SplitCamel(std::string_view chunk, std::vector<std::string>& out) {
  std::size_t start = 0;
  for (std::size_t i = 1; i < chunk.size(); ++i) {
    bool hump = IsUpper(chunk[i]) && (IsLower(chunk[i - 1]) ||
                                      (IsUpper(chunk[i - 1]) && i + 1 < chunk.size() &&
                                       IsLower(chunk[i + 1]) && !std::isdigit(chunk[i + 1])));
    if (hump) {
      out.push_back(Lower(chunk.substr(start, i - start)));
      start = i;
    }
  }
  out.push_back(Lower(chunk.substr(start)));
}

}  // namespace

std::vector<std::string_view> FindIdentifiers(std::string_view code) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < code.size()) {
    if (!IsIdentifierByte(code[i])) {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < code.size() && IsIdentifierByte(code[i])) ++i;
    if (!std::isdigit(static_cast<unsigned char>(code[start]))) {
      out.push_back(code.substr(start, i - start));
    }
  }
  return out;
}

std::vector<std::string> SplitIdentifier(std::string_view identifier) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= identifier.size()) {
    std::size_t end = identifier.find('_', start);
    if (end == std::string_view::npos) end = identifier.size();
    if (end > start) SplitCamel(identifier.substr(start, end - start), words);
    start = end + 1;
  }
  if (words.size() == 1 && words[0] == Lower(identifier)) words.clear();
  return words;
}

void IndexCode(Xapian::TermGenerator& generator, std::string_view code, unsigned weight,
               std::string_view prefix) {
  std::string prefix_string(prefix);
  generator.index_text(Xapian::Utf8Iterator(code.data(), code.size()), weight, prefix_string);
  for (std::string_view identifier : FindIdentifiers(code)) {
    std::vector<std::string> words = SplitIdentifier(identifier);
    if (words.empty()) continue;
    std::string text;
    for (const std::string& word : words) {
      if (!text.empty()) text += ' ';
      text += word;
    }
    // A gap keeps the words of one identifier from forming a phrase with
    // those of the next.
    generator.increase_termpos(2);
    generator.index_text(text, weight, prefix_string);
  }
  generator.increase_termpos(2);
}

}  // namespace talksearch
