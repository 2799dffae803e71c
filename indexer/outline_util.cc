#include "outline_util.h"

#include <algorithm>
#include <map>

namespace talksearch {
namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The length of the white space starting at `pos` in `text`, 0 if none.
std::size_t SpaceLength(std::string_view text, std::size_t pos) {
  if (IsAsciiSpace(text[pos])) return 1;
  if (text[pos] == '\xC2' && pos + 1 < text.size() && text[pos + 1] == '\xA0') return 2;
  return 0;
}

}  // namespace

void AppendCollapsed(std::string& out, std::string_view piece) {
  std::size_t pos = 0;
  while (pos < piece.size()) {
    std::size_t space = SpaceLength(piece, pos);
    if (space == 0) {
      out.push_back(piece[pos++]);
      continue;
    }
    if (!out.empty() && out.back() != ' ') out.push_back(' ');
    pos += space;
  }
}

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendCollapsed(out, text);
  TrimInPlace(out);
  return out;
}

void TrimInPlace(std::string& text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t space = SpaceLength(text, begin);
    if (space == 0) break;
    begin += space;
  }
  std::size_t end = text.size();
  while (end > begin) {
    if (IsAsciiSpace(text[end - 1])) {
      --end;
    } else if (end - begin >= 2 && text[end - 2] == '\xC2' && text[end - 1] == '\xA0') {
      end -= 2;
    } else {
      break;
    }
  }
  text = text.substr(begin, end - begin);
}

LineTable::LineTable(std::string_view text) {
  starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts_.push_back(i + 1);
  }
}

int LineTable::LineOf(std::size_t offset) const {
  auto after = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<int>(after - starts_.begin());
}

void RenumberHeadingsByFirstUse(std::vector<Block>& blocks) {
  std::map<int, int> renumbered;
  for (Block& block : blocks) {
    if (block.kind != BlockKind::kHeading) continue;
    auto [it, inserted] = renumbered.emplace(block.level, static_cast<int>(renumbered.size()) + 1);
    block.level = it->second;
  }
}

}  // namespace talksearch
