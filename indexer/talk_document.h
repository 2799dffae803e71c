// From a parsed note to Xapian documents, one per talk, following
// include/talksearch/schema.h. Internal to the indexer library.
#ifndef TALKSEARCH_INDEXER_TALK_DOCUMENT_H_
#define TALKSEARCH_INDEXER_TALK_DOCUMENT_H_

#include <xapian.h>

#include <string>
#include <utility>
#include <vector>

#include "talksearch/note.h"
#include "talksearch/record.h"

namespace talksearch {

// Words for the spelling dictionary with their frequencies.
using SpellingWords = std::vector<std::pair<std::string, Xapian::termcount>>;

struct TalkDocument {
  Xapian::Document document;
  SpellingWords spelling;  // to add with WritableDatabase::add_spelling
};

// The stored record of talk `talk_index` of `note` (note.path is the path
// stored in the index).
TalkRecord MakeTalkRecord(const Note& note, int talk_index);

// Builds documents. Not thread-safe: use one per thread. Documents built
// here may be handed to another thread (the writer).
class DocumentBuilder {
 public:
  // `language`: a Xapian stemmer name, or "none".
  explicit DocumentBuilder(const std::string& language);

  TalkDocument Build(const Note& note, int talk_index);

  // The spelling words of a talk: the words of its title, section titles
  // and texts (not code). Used both when a talk is added and, from its
  // stored record, when it is removed, so the two always agree.
  SpellingWords Spelling(const TalkRecord& record);

 private:
  void IndexField(const std::string& text, unsigned weight, std::string_view prefix);
  void AddBooleanTerms(Xapian::Document& doc, const Note& note, const TalkRecord& record);

  Xapian::TermGenerator generator_;
};

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_TALK_DOCUMENT_H_
