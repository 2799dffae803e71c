// The structure rules: from an outline to a Note with its event, date,
// talks, speakers, sections and anchors. Internal to the indexer library.
#ifndef TALKSEARCH_INDEXER_STRUCTURE_H_
#define TALKSEARCH_INDEXER_STRUCTURE_H_

#include <string>
#include <string_view>
#include <vector>

#include "outline.h"
#include "talksearch/note.h"

namespace talksearch {

struct NoteContext {
  std::string rel_path;      // relative to the notes root, '/'-separated
  Format format = Format::kRst;
  std::string folder_event;  // the folder's index note title, or ""
};

// Builds the note: decides whether the file is one talk or an event holding
// several (the headings of one level that carry "by ..." lines), finds
// speakers, event and date, and gives every section a unique anchor.
Note BuildNote(const Outline& outline, const NoteContext& context);

// The speakers named by a "by ..." line ("by James Bennett and Jacob
// Kaplan-Moss", "* By Dan Loewenhertz of", "by Jacob Kaplan-Moss in
// Springfield, Virginia"), or an empty list when the line is not a speaker
// line ("By testing your hypothesis, you ...").
std::vector<std::string> ParseSpeakerLine(std::string_view line);

// The first date in `text` as ISO "YYYY-MM-DD", "YYYY-MM" or "YYYY":
// "June 6, 2011", "6 June 2011", "2011-06-06", "20110616", "June 2011",
// "Pycon 2011", "Pycon2011". "" when there is none.
std::string FindDate(std::string_view text);

// The anchor Sphinx (docutils) makes from a title: lower case ASCII letters
// and digits, every other run of characters becomes one '-', none at the
// ends, accents dropped; "section" when nothing is left.
std::string MakeAnchor(std::string_view title);

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_STRUCTURE_H_
