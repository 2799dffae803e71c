// The outline: what every format parser produces, and what the structure
// rules (structure.h) turn into a Note. Internal to the indexer library.
//
// A format parser only has to say what is a heading (and its level), what is
// text, what is code and what is an admonition, in order, with lines. All the
// knowledge of talks, speakers, events, dates and anchors lives in one place,
// structure.cc, so every format gets it the same.
#ifndef TALKSEARCH_INDEXER_OUTLINE_H_
#define TALKSEARCH_INDEXER_OUTLINE_H_

#include <string>
#include <string_view>
#include <vector>

#include "talksearch/note.h"

namespace talksearch {

enum class BlockKind {
  kHeading,     // text = the title; level = 1, 2, ... in order of first use
  kText,        // a paragraph or one list item, inline markup stripped
  kCode,        // a code block; language may be empty
  kAdmonition,  // note/warning/...: admonition = its kind, text = its text
};

struct Block {
  BlockKind kind = BlockKind::kText;
  int line = 0;            // 1-based line of the block in the file
  int level = 0;           // headings only
  std::string text;        // plain text (headings, text, admonitions) or code
  std::string language;    // code only
  std::string admonition;  // admonitions only: "note", "warning", ...
  std::string anchor;      // headings only: an id the source gives (HTML), else ""
  bool bullet = false;     // text only: the block was a list item
  // Inline literals (``code`` in reST, `code` in Markdown, <code> in HTML)
  // found in this block's text; their text stays in `text` too.
  std::vector<std::string> literals;
};

struct Outline {
  std::vector<Block> blocks;
  std::vector<Diagnostic> diagnostics;  // path left empty; the caller fills it
};

// The format parsers. None of them throws on any input; each is tolerant of
// malformed markup (it becomes text).
Outline ParseRstOutline(std::string_view text);
Outline ParseMarkdownOutline(std::string_view text);
Outline ParseHtmlOutline(std::string_view text);
Outline ParseTextOutline(std::string_view text);

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_OUTLINE_H_
