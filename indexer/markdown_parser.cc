// Markdown to outline, with md4c.
//
// md4c calls back for each block and span it enters and leaves and for each
// piece of text. Text pieces point into the input buffer (except a few
// constants such as the "\n" ending each code line), so a block's line is
// found from the offset of its first piece. Every block-level element that
// is entered or left ends the block being built; text that arrives with no
// block open starts one, whose kind comes from the innermost text-holding
// block (heading, code, raw HTML, paragraph, list item, table row).
#include <md4c.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "outline.h"
#include "outline_util.h"

namespace talksearch {
namespace {

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one entity as md4c reports it ("&amp;", "&#39;", "&#x2014;"). The
// common named entities are known; any other stays as written.
std::string DecodeEntity(std::string_view entity) {
  struct Named {
    std::string_view name;
    std::uint32_t cp;
  };
  static constexpr Named kNamed[] = {
      {"&amp;", '&'},       {"&lt;", '<'},       {"&gt;", '>'},       {"&quot;", '"'},
      {"&apos;", '\''},     {"&nbsp;", 0xA0},    {"&ndash;", 0x2013}, {"&mdash;", 0x2014},
      {"&hellip;", 0x2026}, {"&lsquo;", 0x2018}, {"&rsquo;", 0x2019}, {"&ldquo;", 0x201C},
      {"&rdquo;", 0x201D},  {"&copy;", 0xA9},    {"&reg;", 0xAE},     {"&trade;", 0x2122},
      {"&larr;", 0x2190},   {"&rarr;", 0x2192},  {"&times;", 0xD7},   {"&bull;", 0x2022},
  };
  std::string out;
  if (entity.size() >= 4 && entity[1] == '#') {
    bool hex = entity[2] == 'x' || entity[2] == 'X';
    std::uint32_t cp = 0;
    for (std::size_t i = hex ? 3 : 2; i + 1 < entity.size() && cp <= 0x10FFFF; ++i) {
      char c = entity[i];
      int digit = (c >= '0' && c <= '9')          ? c - '0'
                  : (hex && c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (hex && c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                  : -1;
      if (digit < 0) return std::string(entity);
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
    }
    AppendUtf8(out, cp);
    return out;
  }
  for (const Named& named : kNamed) {
    if (named.name == entity) {
      AppendUtf8(out, named.cp);
      return out;
    }
  }
  return std::string(entity);
}

// The length of YAML front matter opening `text` (a "---" line, then lines
// up to a closing "---" or "..." line), or 0 when there is none.
std::size_t FrontMatterLength(std::string_view text) {
  auto line_at = [&](std::size_t pos, std::size_t* next) {
    std::size_t end = text.find('\n', pos);
    *next = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view line =
        text.substr(pos, (end == std::string_view::npos ? text.size() : end) - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };
  std::size_t pos = 0;
  if (line_at(0, &pos) != "---") return 0;
  while (pos < text.size()) {
    std::size_t next = 0;
    std::string_view line = line_at(pos, &next);
    if (line == "---" || line == "...") return next;
    pos = next;
  }
  return 0;
}

bool HoldsText(MD_BLOCKTYPE type) {
  switch (type) {
    case MD_BLOCK_H:
    case MD_BLOCK_CODE:
    case MD_BLOCK_HTML:
    case MD_BLOCK_P:
    case MD_BLOCK_LI:
    case MD_BLOCK_TR:
      return true;
    default:
      return false;
  }
}

class MarkdownOutliner {
 public:
  // md4c 0.4.8 (Debian 12) reads past the end of its input in some unfinished
  // constructs (a link destination cut off by the end of the file) and reports
  // text from beyond it; it parses a private copy followed by NULs, and every
  // piece it reports is clipped to the note.
  explicit MarkdownOutliner(std::string_view text)
      : buffer_(MakePadded(text)), text_(buffer_.data(), text.size()), lines_(text_) {}

  Outline Run();

 private:
  static int OnEnterBlock(MD_BLOCKTYPE type, void* detail, void* self);
  static int OnLeaveBlock(MD_BLOCKTYPE type, void* detail, void* self);
  static int OnEnterSpan(MD_SPANTYPE type, void* detail, void* self);
  static int OnLeaveSpan(MD_SPANTYPE type, void* detail, void* self);
  static int OnText(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* self);

  void EnterBlock(MD_BLOCKTYPE type, const void* detail);
  void LeaveBlock(MD_BLOCKTYPE type);
  void Text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size);
  bool Open(const MD_CHAR* text);  // starts a block if none; false: drop
  void Flush();

  static std::string MakePadded(std::string_view text) {
    std::string padded;
    padded.reserve(text.size() + kPadding);
    padded.append(text);
    padded.append(kPadding, '\0');
    return padded;
  }
  static constexpr std::size_t kPadding = 64;

  std::string buffer_;
  std::string_view text_;
  LineTable lines_;
  std::vector<MD_BLOCKTYPE> stack_;
  Outline outline_;
  Block current_;
  bool open_ = false;
  int heading_level_ = 1;
  std::string code_language_;
  bool code_fenced_ = false;
  int image_depth_ = 0;
  bool in_code_span_ = false;
  std::string literal_;
};

Outline MarkdownOutliner::Run() {
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS |
                 MD_FLAG_PERMISSIVEURLAUTOLINKS | MD_FLAG_PERMISSIVEWWWAUTOLINKS;
  parser.enter_block = &OnEnterBlock;
  parser.leave_block = &OnLeaveBlock;
  parser.enter_span = &OnEnterSpan;
  parser.leave_span = &OnLeaveSpan;
  parser.text = &OnText;
  // The pieces md4c passes still point into text_, so lines stay right.
  std::string_view input = text_.substr(FrontMatterLength(text_));
  if (input.size() > std::numeric_limits<MD_SIZE>::max()) {
    input = input.substr(0, std::numeric_limits<MD_SIZE>::max());
  }
  int status = md_parse(input.data(), static_cast<MD_SIZE>(input.size()), &parser, this);
  Flush();
  if (status != 0) {
    outline_.diagnostics.push_back({"", 0, "the Markdown parser stopped early (out of memory?)"});
  }
  RenumberHeadingsByFirstUse(outline_.blocks);
  return std::move(outline_);
}

int MarkdownOutliner::OnEnterBlock(MD_BLOCKTYPE type, void* detail, void* self) {
  static_cast<MarkdownOutliner*>(self)->EnterBlock(type, detail);
  return 0;
}

int MarkdownOutliner::OnLeaveBlock(MD_BLOCKTYPE type, void*, void* self) {
  static_cast<MarkdownOutliner*>(self)->LeaveBlock(type);
  return 0;
}

int MarkdownOutliner::OnEnterSpan(MD_SPANTYPE type, void*, void* self) {
  auto* outliner = static_cast<MarkdownOutliner*>(self);
  if (type == MD_SPAN_IMG) ++outliner->image_depth_;
  if (type == MD_SPAN_CODE) {
    outliner->in_code_span_ = true;
    outliner->literal_.clear();
  }
  return 0;
}

int MarkdownOutliner::OnLeaveSpan(MD_SPANTYPE type, void*, void* self) {
  auto* outliner = static_cast<MarkdownOutliner*>(self);
  if (type == MD_SPAN_IMG && outliner->image_depth_ > 0) --outliner->image_depth_;
  if (type == MD_SPAN_CODE && outliner->in_code_span_) {
    outliner->in_code_span_ = false;
    std::string literal = CollapseWhitespace(outliner->literal_);
    if (outliner->open_ && !literal.empty()) outliner->current_.literals.push_back(literal);
  }
  return 0;
}

int MarkdownOutliner::OnText(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* self) {
  static_cast<MarkdownOutliner*>(self)->Text(type, text, size);
  return 0;
}

void MarkdownOutliner::EnterBlock(MD_BLOCKTYPE type, const void* detail) {
  if (type == MD_BLOCK_TD || type == MD_BLOCK_TH) {
    // Cells of a row are one block: a space keeps them apart.
    if (open_) AppendCollapsed(current_.text, " ");
    stack_.push_back(type);
    return;
  }
  Flush();
  if (type == MD_BLOCK_H && detail != nullptr) {
    heading_level_ = static_cast<int>(static_cast<const MD_BLOCK_H_DETAIL*>(detail)->level);
  }
  if (type == MD_BLOCK_CODE && detail != nullptr) {
    const auto* code = static_cast<const MD_BLOCK_CODE_DETAIL*>(detail);
    code_language_.assign(code->lang.text != nullptr ? code->lang.text : "", code->lang.size);
    code_fenced_ = code->fence_char != 0;
  }
  stack_.push_back(type);
}

void MarkdownOutliner::LeaveBlock(MD_BLOCKTYPE type) {
  if (type != MD_BLOCK_TD && type != MD_BLOCK_TH) Flush();
  if (!stack_.empty()) stack_.pop_back();
}

bool MarkdownOutliner::Open(const MD_CHAR* text) {
  if (!open_) {
    MD_BLOCKTYPE holder = MD_BLOCK_P;  // text directly in the document: a paragraph
    bool found = false;
    bool in_list = false;
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if (!found && HoldsText(*it)) {
        holder = *it;
        found = true;
      }
      if (*it == MD_BLOCK_LI) in_list = true;
    }
    if (holder == MD_BLOCK_HTML) return false;
    current_ = Block{};
    if (holder == MD_BLOCK_H) {
      current_.kind = BlockKind::kHeading;
      current_.level = heading_level_;
    } else if (holder == MD_BLOCK_CODE) {
      current_.kind = BlockKind::kCode;
      current_.language = code_language_;
    } else {
      current_.bullet = in_list;
    }
    open_ = true;
  }
  if (current_.line == 0 && text >= text_.data() && text < text_.data() + text_.size()) {
    current_.line = lines_.LineOf(static_cast<std::size_t>(text - text_.data()));
    if (current_.kind == BlockKind::kCode && code_fenced_ && current_.line > 1) --current_.line;
  }
  return true;
}

void MarkdownOutliner::Text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size) {
  if (image_depth_ > 0 || type == MD_TEXT_HTML || text == nullptr) return;
  const char* begin = buffer_.data();
  const char* end = text_.data() + text_.size();
  if (text >= begin && text < begin + buffer_.size()) {
    if (text >= end) return;
    size = static_cast<MD_SIZE>(std::min<std::size_t>(size, static_cast<std::size_t>(end - text)));
  }
  std::string piece;
  switch (type) {
    case MD_TEXT_ENTITY:
      piece = DecodeEntity(std::string_view(text, size));
      break;
    case MD_TEXT_NULLCHAR:
      piece = "\xEF\xBF\xBD";
      break;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
      piece = "\n";
      break;
    default:
      piece.assign(text, size);
  }
  if (!Open(text)) return;
  if (current_.kind == BlockKind::kCode) {
    current_.text += piece;
    return;
  }
  AppendCollapsed(current_.text, piece);
  if (in_code_span_) literal_ += piece;
}

void MarkdownOutliner::Flush() {
  if (!open_) return;
  open_ = false;
  if (current_.kind == BlockKind::kCode) {
    while (!current_.text.empty() && current_.text.back() == '\n') current_.text.pop_back();
    if (CollapseWhitespace(current_.text).empty()) return;
  } else {
    TrimInPlace(current_.text);
    if (current_.text.empty()) return;
  }
  outline_.blocks.push_back(std::move(current_));
  current_ = Block{};
}

}  // namespace

Outline ParseMarkdownOutline(std::string_view text) { return MarkdownOutliner(text).Run(); }

}  // namespace talksearch
