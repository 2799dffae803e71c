// Small text helpers shared by the parsers. Internal to the indexer library.
#ifndef TALKSEARCH_INDEXER_TEXT_UTIL_H_
#define TALKSEARCH_INDEXER_TEXT_UTIL_H_

#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

std::string_view TrimSpace(std::string_view s);
std::string ToLowerAscii(std::string_view s);

// The number of code points in valid UTF-8 `s`.
std::size_t Utf8Length(std::string_view s);

// `line` without its first `columns` columns of leading white space.
std::string_view DropColumns(std::string_view line, int columns);

// reStructuredText inline markup stripped, text kept: ``literal``, `text
// <url>`_, :role:`text`, **strong**, *emphasis*, |substitution|, footnote
// references, backslash escapes. Literals (``x``, `x`, code roles) are
// appended to `literals`. White space is collapsed.
std::string StripInline(std::string_view text, std::vector<std::string>* literals);

// Replaces each invalid UTF-8 sequence in `text` with U+FFFD and NUL bytes
// with spaces. Returns the 1-based lines where something was replaced.
std::vector<int> RepairUtf8(std::string& text);

}  // namespace talksearch

#endif  // TALKSEARCH_INDEXER_TEXT_UTIL_H_
