// The note model: what a parsed note holds, independent of its format.
//
// A Note is one file. It holds one talk (most conference notes) or several
// (a meetup's notes with a section per talk). Each talk is split into
// sections; the first section of a talk is the text right under the talk's
// own title (its title and anchor are the talk's).
#ifndef TALKSEARCH_NOTE_H_
#define TALKSEARCH_NOTE_H_

#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

enum class Format { kRst, kMarkdown, kHtml, kText };

// "rst", "markdown", "html", "text".
std::string_view FormatName(Format format);

// A code block, or an inline literal, with its language when known
// ("python", "bash"; empty when the note does not say).
struct CodeBlock {
  std::string language;
  std::string text;
  int line = 0;  // 1-based line of the block's first line in the file
};

// A `.. note::`, `.. warning::` or other admonition. Its text is also part of
// the section's text; this marks which part it was.
struct Admonition {
  std::string kind;  // "note", "warning", "epigraph", ...
  std::string text;
};

struct Section {
  std::string title;
  std::string anchor;  // unique within the note, as Sphinx makes it
  int level = 0;       // 1 = the file's title, 2 = below it, ...
  int line = 0;        // 1-based line of the title in the file
  std::string text;    // plain text: markup stripped, paragraphs split by "\n\n"
  std::vector<CodeBlock> code;
  std::vector<std::string> literals;  // inline literals (``code``), in order
  std::vector<Admonition> admonitions;
};

struct Talk {
  std::string title;  // as written in the note
  std::string anchor;
  std::vector<std::string> speakers;
  std::string date;  // ISO: "YYYY-MM-DD", "YYYY-MM" or "YYYY"; empty if unknown
  std::vector<Section> sections;
};

struct Note {
  std::string path;  // relative to the notes root, '/'-separated
  Format format = Format::kRst;
  std::string event;
  std::string date;   // as Talk::date
  std::string title;  // the file's title ("" when it has none)
  // Text before the first talk of a note that holds several talks.
  Section preamble;
  std::vector<Talk> talks;
};

// A problem found in a file: repaired (invalid UTF-8) or fatal to the file.
struct Diagnostic {
  std::string path;
  int line = 0;  // 0 when the problem is not at a line
  std::string message;
};

}  // namespace talksearch

#endif  // TALKSEARCH_NOTE_H_
