// HTML to outline, with gumbo.
//
// The walk goes down block-level elements (recursively, to a bounded depth)
// and gathers everything inline (iteratively) into the current text run;
// every block-level element boundary ends the run. Headings, <pre> and
// admonitions are gathered as a whole. Navigation and page chrome (Sphinx's
// sidebar, related bar, footer, permalinks, toctree) are dropped.
//
// gumbo is quadratic in nesting depth (each tag walks the stack of open
// elements), so pages whose estimated cost is too high are refused with a
// diagnostic instead of parsed.
#include <gumbo.h>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "outline.h"
#include "outline_util.h"

namespace talksearch {
namespace {

// About 7 ns per unit on a small machine: 5e7 is a third of a second.
constexpr double kMaxNestingCost = 5e7;
// Below this depth the walk recurses; deeper content is gathered inline.
constexpr int kMaxWalkDepth = 200;

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Tags that never stay open around what follows them: void elements, and
// those the parser closes by itself when the next one starts.
bool LeavesNoDepth(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "area",  "base",   "br",    "col",   "embed", "hr",       "img",      "input", "link", "meta",
      "param", "source", "track", "wbr",   "p",     "li",       "dt",       "dd",    "tr",   "td",
      "th",    "option", "thead", "tbody", "tfoot", "colgroup", "optgroup", "rt",    "rp"};
  for (std::string_view known : kNames) {
    if (known == name) return true;
  }
  return false;
}

// Estimates the work gumbo does for `html`: the sum over start and end tags
// of the number of elements open at that point.
double EstimateNestingCost(std::string_view html) {
  double cost = 0;
  long depth = 0;
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    ++pos;
    if (html.substr(pos, 3) == "!--") {
      pos = html.find("-->", pos);
      if (pos == std::string_view::npos) break;
      continue;
    }
    bool closing = pos < html.size() && html[pos] == '/';
    if (closing) ++pos;
    if (pos >= html.size() || !IsAsciiAlpha(html[pos])) continue;
    std::string name;
    while (pos < html.size() &&
           (IsAsciiAlpha(html[pos]) || (html[pos] >= '0' && html[pos] <= '9'))) {
      if (name.size() < 16) name.push_back(Lower(html[pos]));
      ++pos;
    }
    std::size_t end = html.find('>', pos);
    bool self_closing = end != std::string_view::npos && end > 0 && html[end - 1] == '/';
    if (closing) {
      if (!LeavesNoDepth(name) && depth > 0) --depth;
    } else if (!LeavesNoDepth(name) && !self_closing) {
      ++depth;
    }
    cost += static_cast<double>(depth);
  }
  return cost;
}

const GumboVector* Children(const GumboNode* node) {
  if (node->type == GUMBO_NODE_DOCUMENT) return &node->v.document.children;
  if (node->type == GUMBO_NODE_ELEMENT) return &node->v.element.children;
  return nullptr;
}

std::string_view Attribute(const GumboNode* node, const char* name) {
  if (node->type != GUMBO_NODE_ELEMENT) return {};
  const GumboAttribute* attr = gumbo_get_attribute(&node->v.element.attributes, name);
  return attr != nullptr && attr->value != nullptr ? std::string_view(attr->value)
                                                   : std::string_view();
}

std::vector<std::string_view> Classes(const GumboNode* node) {
  std::vector<std::string_view> classes;
  std::string_view value = Attribute(node, "class");
  std::size_t pos = 0;
  while (pos < value.size()) {
    std::size_t end = value.find_first_of(" \t\n\r\f", pos);
    if (end == std::string_view::npos) end = value.size();
    if (end > pos) classes.push_back(value.substr(pos, end - pos));
    pos = end + 1;
  }
  return classes;
}

bool HasClass(const GumboNode* node, std::string_view name) {
  for (std::string_view cls : Classes(node)) {
    if (cls == name) return true;
  }
  return false;
}

bool HasClassPrefix(const GumboNode* node, std::string_view prefix, std::string_view* rest) {
  for (std::string_view cls : Classes(node)) {
    if (cls.size() > prefix.size() && cls.substr(0, prefix.size()) == prefix) {
      *rest = cls.substr(prefix.size());
      return true;
    }
  }
  return false;
}

GumboTag Tag(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT ? node->v.element.tag : GUMBO_TAG_UNKNOWN;
}

bool IsOneOf(GumboTag tag, std::initializer_list<GumboTag> tags) {
  for (GumboTag candidate : tags) {
    if (candidate == tag) return true;
  }
  return false;
}

int HeadingLevel(GumboTag tag) {
  static constexpr GumboTag kHeadings[] = {GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3,
                                           GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6};
  for (int level = 1; level <= 6; ++level) {
    if (kHeadings[level - 1] == tag) return level;
  }
  return 0;
}

// Whether `node` lies inside an <article>, <main> or <section>, where a
// <header> or <footer> belongs to the content (an article's title) rather
// than to the page around it.
bool InContentElement(const GumboNode* node) {
  for (const GumboNode* up = node->parent; up != nullptr; up = up->parent) {
    GumboTag tag = up->type == GUMBO_NODE_ELEMENT ? up->v.element.tag : GUMBO_TAG_UNKNOWN;
    if (tag == GUMBO_TAG_ARTICLE || tag == GUMBO_TAG_MAIN || tag == GUMBO_TAG_SECTION) return true;
  }
  return false;
}

// Elements that are no part of a note's content.
bool IsDropped(const GumboNode* node) {
  if (node->type == GUMBO_NODE_TEMPLATE || node->type == GUMBO_NODE_COMMENT) return true;
  GumboTag tag = Tag(node);
  if (IsOneOf(tag,
              {GUMBO_TAG_HEAD, GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE, GUMBO_TAG_NAV, GUMBO_TAG_NOSCRIPT,
               GUMBO_TAG_TEMPLATE, GUMBO_TAG_IMG, GUMBO_TAG_SVG, GUMBO_TAG_IFRAME})) {
    return true;
  }
  if (tag == GUMBO_TAG_HEADER || tag == GUMBO_TAG_FOOTER) return !InContentElement(node);
  if (tag == GUMBO_TAG_A) return HasClass(node, "headerlink");
  if (tag == GUMBO_TAG_SPAN || tag == GUMBO_TAG_TD) return HasClass(node, "linenos");
  if (tag != GUMBO_TAG_DIV) return false;
  for (std::string_view chrome :
       {"sphinxsidebar", "related", "footer", "toctree-wrapper", "linenodiv"}) {
    if (HasClass(node, chrome)) return true;
  }
  return false;
}

bool IsLiteralTag(GumboTag tag) {
  return tag == GUMBO_TAG_CODE || tag == GUMBO_TAG_TT || tag == GUMBO_TAG_KBD ||
         tag == GUMBO_TAG_SAMP;
}

bool IsBlockTag(GumboTag tag) {
  return HeadingLevel(tag) > 0 ||
         IsOneOf(
             tag,
             {GUMBO_TAG_HTML,       GUMBO_TAG_BODY,       GUMBO_TAG_DIV,     GUMBO_TAG_SECTION,
              GUMBO_TAG_ARTICLE,    GUMBO_TAG_MAIN,       GUMBO_TAG_ASIDE,   GUMBO_TAG_HEADER,
              GUMBO_TAG_FOOTER,     GUMBO_TAG_HGROUP,     GUMBO_TAG_P,       GUMBO_TAG_UL,
              GUMBO_TAG_OL,         GUMBO_TAG_LI,         GUMBO_TAG_DL,      GUMBO_TAG_DT,
              GUMBO_TAG_DD,         GUMBO_TAG_TABLE,      GUMBO_TAG_THEAD,   GUMBO_TAG_TBODY,
              GUMBO_TAG_TFOOT,      GUMBO_TAG_TR,         GUMBO_TAG_TD,      GUMBO_TAG_TH,
              GUMBO_TAG_CAPTION,    GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_PRE,     GUMBO_TAG_FIGURE,
              GUMBO_TAG_FIGCAPTION, GUMBO_TAG_HR,         GUMBO_TAG_ADDRESS, GUMBO_TAG_DETAILS,
              GUMBO_TAG_SUMMARY,    GUMBO_TAG_CENTER,     GUMBO_TAG_FORM,    GUMBO_TAG_FIELDSET});
}

int NodeLine(const GumboNode* node) {
  switch (node->type) {
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
      return static_cast<int>(node->v.element.start_pos.line);
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_CDATA:
    case GUMBO_NODE_WHITESPACE: {
      // The line of the first visible character, past leading line breaks.
      int line = static_cast<int>(node->v.text.start_pos.line);
      const GumboStringPiece& original = node->v.text.original_text;
      for (std::size_t i = 0; original.data != nullptr && i < original.length; ++i) {
        char c = original.data[i];
        if (c == '\n') {
          ++line;
        } else if (c != ' ' && c != '\t' && c != '\r') {
          break;
        }
      }
      return line;
    }
    default:
      return 0;
  }
}

// Whether the first element inside `node` is a <p class="admonition-title">.
bool StartsWithAdmonitionTitle(const GumboNode* node) {
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (child->type == GUMBO_NODE_ELEMENT) return HasClass(child, "admonition-title");
  }
  return false;
}

// The kind of a Sphinx/docutils admonition ("note", "warning", "seealso",
// "todo"), "admonition" for a custom one, or "" when `node` is none. Sphinx
// marks them class="admonition note"; plain docutils only class="note",
// with an admonition title inside.
std::string AdmonitionKind(const GumboNode* node) {
  GumboTag tag = Tag(node);
  if (tag != GUMBO_TAG_DIV && tag != GUMBO_TAG_ASIDE) return "";
  bool marked = HasClass(node, "admonition");
  static constexpr std::string_view kKinds[] = {"attention", "caution",   "danger", "error",
                                                "hint",      "important", "note",   "seealso",
                                                "tip",       "todo",      "warning"};
  for (std::string_view cls : Classes(node)) {
    if (cls.substr(0, 11) == "admonition-") cls = cls.substr(11);
    for (std::string_view kind : kKinds) {
      if (cls == kind && (marked || StartsWithAdmonitionTitle(node))) return std::string(kind);
    }
  }
  return marked ? "admonition" : "";
}

struct GatherOptions {
  bool raw = false;                    // keep white space as is (code)
  bool skip_admonition_title = false;  // leave out <p class="admonition-title">
};

// Appends the text of `root` and all below it to `block`, without
// recursion: collapsed (or raw), with inline literals recorded, and the line
// of the first text set if the block has none.
void Gather(const GumboNode* root, Block& block, const GatherOptions& options) {
  struct Frame {
    const GumboNode* node;
    unsigned next = 0;
    bool literal = false;
    std::size_t literal_start = std::string::npos;  // outermost literal only
  };
  std::vector<Frame> stack;
  int literal_depth = 0;
  auto visit = [&](const GumboNode* node) {
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
        node->type == GUMBO_NODE_CDATA) {
      const char* text = node->v.text.text != nullptr ? node->v.text.text : "";
      if (block.line == 0 && node->type != GUMBO_NODE_WHITESPACE) block.line = NodeLine(node);
      if (options.raw) {
        block.text += text;
      } else {
        AppendCollapsed(block.text, text);
      }
      return;
    }
    if (node->type != GUMBO_NODE_ELEMENT || IsDropped(node)) return;
    if (options.skip_admonition_title && HasClass(node, "admonition-title")) return;
    GumboTag tag = Tag(node);
    if (tag == GUMBO_TAG_BR) {
      block.text += options.raw ? "\n" : " ";
      return;
    }
    if (!options.raw && IsBlockTag(tag)) AppendCollapsed(block.text, " ");
    Frame frame{node};
    frame.literal = !options.raw && IsLiteralTag(tag);
    if (frame.literal && literal_depth++ == 0) frame.literal_start = block.text.size();
    stack.push_back(frame);
  };
  visit(root);
  while (!stack.empty()) {
    Frame& top = stack.back();
    const GumboVector* children = Children(top.node);
    if (children != nullptr && top.next < children->length) {
      visit(static_cast<const GumboNode*>(children->data[top.next++]));
      continue;
    }
    Frame done = top;
    stack.pop_back();
    if (done.literal) --literal_depth;
    if (done.literal_start != std::string::npos) {
      std::string literal =
          CollapseWhitespace(std::string_view(block.text).substr(done.literal_start));
      if (!literal.empty()) block.literals.push_back(std::move(literal));
    }
    if (!options.raw && IsBlockTag(Tag(done.node))) AppendCollapsed(block.text, " ");
  }
}

class HtmlOutliner {
 public:
  Outline Run(std::string_view html);

 private:
  void Walk(const GumboNode* node, int depth);
  void Element(const GumboNode* node, int depth);
  void Heading(const GumboNode* node, int level);
  void Code(const GumboNode* node);
  void Admonition(const GumboNode* node, std::string kind);
  void FlushRun();
  void AddTitle(const GumboNode* root);

  Outline outline_;
  Block run_;                  // the text run being gathered
  int list_depth_ = 0;         // open <li> elements
  std::string section_id_;     // the id of a section whose first heading is to come
  std::string code_language_;  // from an enclosing <div class="highlight-x">
  bool has_h1_ = false;
};

Outline HtmlOutliner::Run(std::string_view html) {
  if (EstimateNestingCost(html) > kMaxNestingCost) {
    outline_.diagnostics.push_back(
        {"", 0, "the HTML is nested too deeply to parse in reasonable time; it was skipped"});
    return std::move(outline_);
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // recording errors copies the open-element stack each time
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  if (output == nullptr) return std::move(outline_);
  Walk(output->document, 0);
  FlushRun();
  AddTitle(output->root);
  gumbo_destroy_output(&options, output);
  RenumberHeadingsByFirstUse(outline_.blocks);
  return std::move(outline_);
}

void HtmlOutliner::Walk(const GumboNode* node, int depth) {
  const GumboVector* children = Children(node);
  if (children == nullptr) return;
  for (unsigned i = 0; i < children->length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children->data[i]);
    if (IsDropped(child)) continue;
    if (child->type != GUMBO_NODE_ELEMENT || !IsBlockTag(Tag(child)) || depth >= kMaxWalkDepth) {
      Gather(child, run_, {});
      continue;
    }
    Element(child, depth + 1);
  }
}

void HtmlOutliner::Element(const GumboNode* node, int depth) {
  GumboTag tag = Tag(node);
  FlushRun();
  if (int level = HeadingLevel(tag); level > 0) {
    Heading(node, level);
    return;
  }
  if (tag == GUMBO_TAG_PRE) {
    Code(node);
    return;
  }
  if (std::string kind = AdmonitionKind(node); !kind.empty()) {
    Admonition(node, std::move(kind));
    return;
  }
  std::string saved_section = section_id_;
  std::string saved_language = code_language_;
  std::string_view id = Attribute(node, "id");
  bool is_section = !id.empty() && (tag == GUMBO_TAG_SECTION || HasClass(node, "section"));
  if (is_section) section_id_ = std::string(id);
  std::string_view language;
  if (tag == GUMBO_TAG_DIV && HasClassPrefix(node, "highlight-", &language)) {
    code_language_ = language == "default" ? "" : std::string(language);
  }
  if (tag == GUMBO_TAG_LI) ++list_depth_;
  Walk(node, depth);
  FlushRun();
  if (tag == GUMBO_TAG_LI) --list_depth_;
  code_language_ = std::move(saved_language);
  // A section's id left untaken (it had no heading) goes to no later heading.
  if (is_section && !section_id_.empty()) section_id_ = std::move(saved_section);
}

void HtmlOutliner::Heading(const GumboNode* node, int level) {
  Block block;
  block.kind = BlockKind::kHeading;
  block.level = level;
  Gather(node, block, {});
  block.text = CollapseWhitespace(block.text);
  block.line = NodeLine(node);
  if (block.text.empty()) return;
  std::string_view id = Attribute(node, "id");
  block.anchor = !id.empty() ? std::string(id) : section_id_;
  section_id_.clear();
  if (level == 1) has_h1_ = true;
  outline_.blocks.push_back(std::move(block));
}

void HtmlOutliner::Code(const GumboNode* node) {
  Block block;
  block.kind = BlockKind::kCode;
  block.language = code_language_;
  std::string_view language;
  if (HasClassPrefix(node, "language-", &language) || HasClassPrefix(node, "lang-", &language)) {
    block.language = std::string(language);
  }
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (Tag(child) == GUMBO_TAG_CODE && (HasClassPrefix(child, "language-", &language) ||
                                         HasClassPrefix(child, "lang-", &language))) {
      block.language = std::string(language);
    }
  }
  Gather(node, block, {.raw = true});
  block.line = NodeLine(node);
  while (!block.text.empty() && (block.text.back() == '\n' || block.text.back() == ' ')) {
    block.text.pop_back();
  }
  if (!block.text.empty() && block.text.front() == '\n') block.text.erase(0, 1);
  if (CollapseWhitespace(block.text).empty()) return;
  outline_.blocks.push_back(std::move(block));
}

void HtmlOutliner::Admonition(const GumboNode* node, std::string kind) {
  Block block;
  block.kind = BlockKind::kAdmonition;
  block.admonition = std::move(kind);
  Gather(node, block, {.skip_admonition_title = true});
  TrimInPlace(block.text);
  block.line = NodeLine(node);
  if (block.text.empty()) return;
  outline_.blocks.push_back(std::move(block));
}

void HtmlOutliner::FlushRun() {
  TrimInPlace(run_.text);
  if (!run_.text.empty()) {
    run_.kind = BlockKind::kText;
    run_.bullet = list_depth_ > 0;
    outline_.blocks.push_back(std::move(run_));
  }
  run_ = Block{};
}

// The page's <title> as a level-1 heading in front, when it has no <h1>.
void HtmlOutliner::AddTitle(const GumboNode* root) {
  if (has_h1_ || root == nullptr) return;
  const GumboVector* children = Children(root);
  for (unsigned i = 0; children != nullptr && i < children->length; ++i) {
    const auto* head = static_cast<const GumboNode*>(children->data[i]);
    if (Tag(head) != GUMBO_TAG_HEAD) continue;
    const GumboVector& items = head->v.element.children;
    for (unsigned j = 0; j < items.length; ++j) {
      const auto* item = static_cast<const GumboNode*>(items.data[j]);
      if (Tag(item) != GUMBO_TAG_TITLE) continue;
      Block title;
      title.kind = BlockKind::kHeading;
      title.level = 0;  // above every h1-h6 before renumbering
      Gather(item, title, {});
      title.text = CollapseWhitespace(title.text);
      title.literals.clear();
      title.line = NodeLine(item);
      if (!title.text.empty()) outline_.blocks.insert(outline_.blocks.begin(), std::move(title));
      return;
    }
  }
}

}  // namespace

Outline ParseHtmlOutline(std::string_view text) { return HtmlOutliner().Run(text); }

}  // namespace talksearch
