// Parsing notes: files in, Notes out.
//
// NoteReader reads one file at a time, decides its format from its
// extension, repairs what it can (invalid UTF-8) and skips what it cannot
// (binary data, files over the size limit, unknown extensions), always with a
// reason. It never throws for a bad note: one bad file never stops the others.
#ifndef TALKSEARCH_PARSE_H_
#define TALKSEARCH_PARSE_H_

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "talksearch/note.h"

namespace talksearch {

struct ParseOptions {
  // Files larger than this are skipped ("over the size limit").
  std::size_t max_file_bytes = 8u << 20;
};

struct ParseResult {
  std::optional<Note> note;  // empty when the file was skipped
  std::string skipped;       // why it was skipped; empty when parsed
  // Problems found and repaired (or the reason for a skip), with path and line.
  std::vector<Diagnostic> diagnostics;
};

// The format a file name's extension names (.rst .rest .txt .text .md
// .markdown .html .htm), or nullopt for anything else.
std::optional<Format> FormatForPath(const std::filesystem::path& path);
// The same for a path as a string ('/'-separated), without building a
// std::filesystem::path (the walk asks it of every file name).
std::optional<Format> FormatForName(std::string_view path);

// Parses `text` as a note of `format`. `rel_path` is the note's path relative
// to the notes root ('/'-separated); it gives the folder name and the file
// name, from which the event and date may come. `folder_event` is the title
// of the folder's index note, or "" when there is none.
ParseResult ParseNoteText(std::string text, Format format, std::string rel_path,
                          std::string folder_event = "");

// Reads notes below one root. Thread-safe: Read may be called from several
// threads at once.
class NoteReader {
 public:
  NoteReader(std::filesystem::path root, ParseOptions options = {});

  // Reads and parses `file` (absolute, or relative to the working
  // directory), which should lie below the root.
  ParseResult Read(const std::filesystem::path& file);

  // Parses `text`, the content of `file` as the caller read it (so that a
  // file is read once, and what is parsed is what the caller hashed).
  ParseResult Parse(const std::filesystem::path& file, std::string text);

  // The event named by the title of `dir`'s index note (index.rst, index.md,
  // index.txt, index.html), or "" when it has none. Cached per folder.
  std::string FolderEvent(const std::filesystem::path& dir);

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
  ParseOptions options_;
  std::mutex mutex_;
  std::map<std::filesystem::path, std::string> folder_events_;
};

// The notes as a JSON array, the format of `indexer --dump`: each note with
// path, format, event, date, title and talks (title, anchor, speakers, date,
// sections with title, anchor, level, line, text, code, admonitions).
std::string NotesToJson(const std::vector<Note>& notes, int indent = 2);

}  // namespace talksearch

#endif  // TALKSEARCH_PARSE_H_
