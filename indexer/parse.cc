// From a file to a Note: format by extension, size and binary checks, UTF-8
// repair, the format's outline parser, then the structure rules.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "outline.h"
#include "read_file.h"
#include "structure.h"
#include "talksearch/parse.h"
#include "text_util.h"

namespace talksearch {
namespace fs = std::filesystem;

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kRst:
      return "rst";
    case Format::kMarkdown:
      return "markdown";
    case Format::kHtml:
      return "html";
    case Format::kText:
      return "text";
  }
  return "text";
}

std::optional<Format> FormatForPath(const fs::path& path) {
  return FormatForName(path.native());
}

std::optional<Format> FormatForName(std::string_view path) {
  // As fs::path::extension(): from the file name's last point, unless the
  // name starts with it (".rst" has none) or is "..".
  std::string_view name = path.substr(path.rfind('/') + 1);
  std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || name == "..") return std::nullopt;
  std::string ext = ToLowerAscii(std::string(name.substr(dot)));
  if (ext == ".rst" || ext == ".rest") return Format::kRst;
  if (ext == ".md" || ext == ".markdown" || ext == ".mdown") return Format::kMarkdown;
  if (ext == ".html" || ext == ".htm" || ext == ".xhtml") return Format::kHtml;
  if (ext == ".txt" || ext == ".text") return Format::kText;
  return std::nullopt;
}

namespace {

// Binary data: a NUL in the first 8 KiB together with many other control
// bytes. A stray NUL in text is repaired instead.
bool LooksBinary(std::string_view text) {
  std::string_view head = text.substr(0, 8192);
  std::size_t control = std::count_if(head.begin(), head.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u < 0x20 && u != '\n' && u != '\r' && u != '\t' && u != '\f';
  });
  return control >= 4 && control * 20 > head.size() && head.find('\0') != std::string_view::npos;
}

Outline ParseOutline(std::string_view text, Format format) {
  switch (format) {
    case Format::kRst:
      return ParseRstOutline(text);
    case Format::kMarkdown:
      return ParseMarkdownOutline(text);
    case Format::kHtml:
      return ParseHtmlOutline(text);
    case Format::kText:
      return ParseTextOutline(text);
  }
  return {};
}

ParseResult Skip(const std::string& path, std::string reason) {
  ParseResult result;
  result.diagnostics.push_back({path, 0, "skipped: " + reason});
  result.skipped = std::move(reason);
  return result;
}

std::string RelativePath(const fs::path& root, const fs::path& file) {
  std::error_code ec;
  fs::path rel = fs::relative(file, root, ec);
  if (ec || rel.empty() || *rel.begin() == "..") rel = file.parent_path().filename() / file.filename();
  return rel.generic_string();
}

}  // namespace

ParseResult ParseNoteText(std::string text, Format format, std::string rel_path,
                          std::string folder_event) {
  if (LooksBinary(text)) return Skip(rel_path, "binary data, not a note");
  ParseResult result;
  for (int line : RepairUtf8(text)) {
    result.diagnostics.push_back({rel_path, line, "invalid UTF-8 repaired"});
  }
  Outline outline = ParseOutline(text, format);
  for (Diagnostic& d : outline.diagnostics) {
    d.path = rel_path;
    result.diagnostics.push_back(std::move(d));
  }
  NoteContext context{std::move(rel_path), format, std::move(folder_event)};
  result.note = BuildNote(outline, context);
  return result;
}

NoteReader::NoteReader(fs::path root, ParseOptions options)
    : root_(fs::absolute(std::move(root)).lexically_normal()), options_(options) {}

ParseResult NoteReader::Read(const fs::path& file) {
  fs::path absolute = fs::absolute(file).lexically_normal();
  std::string text;
  if (FormatForPath(absolute)) {
    std::string error = ReadRegularFile(absolute, options_.max_file_bytes, text);
    if (!error.empty()) return Skip(RelativePath(root_, absolute), error);
  }
  return Parse(absolute, std::move(text));
}

ParseResult NoteReader::Parse(const fs::path& file, std::string text) {
  fs::path absolute = fs::absolute(file).lexically_normal();
  std::string rel = RelativePath(root_, absolute);
  std::optional<Format> format = FormatForPath(absolute);
  if (!format) return Skip(rel, "unknown extension '" + absolute.extension().string() + "'");
  std::string event = absolute.stem() == "index" ? "" : FolderEvent(absolute.parent_path());
  ParseResult result = ParseNoteText(std::move(text), *format, rel, event);
  if (result.note && absolute.stem() == "index" && !result.note->title.empty()) {
    result.note->event = result.note->title;
  }
  return result;
}

std::string NoteReader::FolderEvent(const fs::path& dir) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = folder_events_.find(dir); it != folder_events_.end()) return it->second;
  }
  std::string event;
  for (std::string_view name : {"index.rst", "index.md", "index.txt", "index.html"}) {
    fs::path index = dir / name;
    std::string text;
    if (!ReadRegularFile(index, options_.max_file_bytes, text).empty()) continue;
    RepairUtf8(text);
    Outline outline = ParseOutline(text, *FormatForPath(index));
    auto heading = std::find_if(outline.blocks.begin(), outline.blocks.end(),
                                [](const Block& b) { return b.kind == BlockKind::kHeading; });
    if (heading != outline.blocks.end()) event = heading->text;
    break;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  folder_events_.emplace(dir, event);
  return event;
}

namespace {

nlohmann::json SectionJson(const Section& s) {
  nlohmann::json code = nlohmann::json::array();
  for (const CodeBlock& c : s.code) {
    code.push_back({{"language", c.language}, {"text", c.text}, {"line", c.line}});
  }
  nlohmann::json admonitions = nlohmann::json::array();
  for (const Admonition& a : s.admonitions) {
    admonitions.push_back({{"kind", a.kind}, {"text", a.text}});
  }
  return {{"title", s.title},   {"anchor", s.anchor}, {"level", s.level},
          {"line", s.line},     {"text", s.text},     {"code", code},
          {"literals", s.literals}, {"admonitions", admonitions}};
}

}  // namespace

std::string NotesToJson(const std::vector<Note>& notes, int indent) {
  nlohmann::json out = nlohmann::json::array();
  for (const Note& note : notes) {
    nlohmann::json talks = nlohmann::json::array();
    for (const Talk& talk : note.talks) {
      nlohmann::json sections = nlohmann::json::array();
      for (const Section& s : talk.sections) sections.push_back(SectionJson(s));
      talks.push_back({{"title", talk.title},
                       {"anchor", talk.anchor},
                       {"speakers", talk.speakers},
                       {"date", talk.date},
                       {"sections", sections}});
    }
    out.push_back({{"path", note.path},
                   {"format", FormatName(note.format)},
                   {"event", note.event},
                   {"date", note.date},
                   {"title", note.title},
                   {"talks", talks}});
  }
  return out.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace talksearch
