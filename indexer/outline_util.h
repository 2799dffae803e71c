// Small helpers shared by the format parsers (markdown_parser.cc,
// html_parser.cc, text_parser.cc). Internal to the indexer library.
#ifndef TALKSEARCH_INDEXER_OUTLINE_UTIL_H_
#define TALKSEARCH_INDEXER_OUTLINE_UTIL_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "outline.h"

namespace talksearch {

// Appends `piece` to `out` with every run of white space (ASCII space, tab,
// line breaks, and U+00A0) turned into one space. Never puts a space at the
// start of `out` nor two spaces in a row; a trailing space may remain.
void AppendCollapsed(std::string& out, std::string_view piece);

// `text` with runs of white space collapsed and both ends trimmed.
std::string CollapseWhitespace(std::string_view text);

// Removes white space (ASCII and U+00A0) from both ends of `text`.
void TrimInPlace(std::string& text);

// Maps byte offsets of one text to 1-based line numbers.
class LineTable {
 public:
  explicit LineTable(std::string_view text);
  // The line holding byte `offset`; offsets past the end give the last line.
  int LineOf(std::size_t offset) const;

 private:
  std::vector<std::size_t> starts_;  // byte offset where each line starts
};

// Renumbers the levels of the heading blocks 1, 2, 3, ... in order of first
// appearance: the first level seen becomes 1, the next new one 2, and so on
// (headings ## then #### give 1 then 2).
void RenumberHeadingsByFirstUse(std::vector<Block>& blocks);

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_OUTLINE_UTIL_H_
