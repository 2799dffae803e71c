// Code-aware terms: identifiers in code blocks and inline literals are
// indexed whole (as Xapian's TermGenerator and QueryParser see them) and
// split into their words, so that `patch_all`, `patch all`,
// `monkey.patch_all`, `__metaclass__`, `metaclass`, `MyFirstMeta` and
// `my first meta` all find the note. Internal to the indexer library.
//
// How the reading side tokenizes (Xapian 1.4 QueryParser, checked):
//   patch_all        -> patch_all (one word: '_' is a word character)
//   monkey.patch_all -> phrase of monkey, patch_all
//   __metaclass__    -> __metaclass__
//   MyFirstMeta      -> myfirstmeta
//   .extra()         -> extra
//   patch all        -> patch OR all
// The whole forms come from indexing the code text itself with positions
// (so the phrase of monkey, patch_all matches); the split words come from
// indexing each splittable identifier's words as a short text of its own.
#ifndef TALKSEARCH_INDEXER_CODE_TERMS_H_
#define TALKSEARCH_INDEXER_CODE_TERMS_H_

#include <xapian.h>

#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

// The identifiers in a piece of code: maximal runs of ASCII letters, digits,
// '_' and non-ASCII bytes that do not start with a digit. A dotted name
// gives one identifier per part ("monkey.patch_all" -> monkey, patch_all).
std::vector<std::string_view> FindIdentifiers(std::string_view code);

// The lower-case words an identifier splits into at '_' and at camel-case
// humps ("patch_all" -> patch, all; "__metaclass__" -> metaclass;
// "MyFirstMeta" -> my, first, meta; "HTTPServer" -> http, server). Empty
// when the identifier is a single word already ("metaclass", "TODO").
std::vector<std::string> SplitIdentifier(std::string_view identifier);

// Indexes `code` (a code block or an inline literal) into the generator's
// document: the text itself, then the words of each identifier that splits,
// all with `weight` and `prefix` ("" for the unprefixed body terms).
void IndexCode(Xapian::TermGenerator& generator, std::string_view code, unsigned weight,
               std::string_view prefix);

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_CODE_TERMS_H_
