// Helpers for the format parser tests: outlines as short readable strings.
#ifndef TALKSEARCH_TESTS_OUTLINE_TEST_UTIL_H_
#define TALKSEARCH_TESTS_OUTLINE_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "outline.h"

namespace talksearch::testing {

// One block as a line: "H2 Title #anchor", "T text", "* list item",
// "C[python] code", "A[note] text".
inline std::string Describe(const Block& block) {
  switch (block.kind) {
    case BlockKind::kHeading:
      return "H" + std::to_string(block.level) + " " + block.text +
             (block.anchor.empty() ? "" : " #" + block.anchor);
    case BlockKind::kText:
      return (block.bullet ? "* " : "T ") + block.text;
    case BlockKind::kCode:
      return "C[" + block.language + "] " + block.text;
    case BlockKind::kAdmonition:
      return "A[" + block.admonition + "] " + block.text;
  }
  return "?";
}

inline std::vector<std::string> Describe(const Outline& outline) {
  std::vector<std::string> lines;
  for (const Block& block : outline.blocks) lines.push_back(Describe(block));
  return lines;
}

// The headings of `outline` at `level`, in order.
inline std::vector<std::string> HeadingsAt(const Outline& outline, int level) {
  std::vector<std::string> titles;
  for (const Block& block : outline.blocks) {
    if (block.kind == BlockKind::kHeading && block.level == level) titles.push_back(block.text);
  }
  return titles;
}

// Inputs no parser may crash on, each named for the failure message.
struct HostileInput {
  std::string name;
  std::string text;
};

inline std::string Repeat(std::string_view piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// Deterministic bytes of every value, NUL included.
inline std::string Garbage(std::size_t size) {
  std::string out(size, '\0');
  std::uint32_t state = 12345;
  for (char& c : out) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>(state >> 16);
  }
  return out;
}

inline std::vector<HostileInput> CommonHostileInputs() {
  return {
      {"empty", ""},
      {"only newlines", Repeat("\n", 1000)},
      {"lone carriage returns", Repeat("\r", 1000) + "text\r"},
      {"binary garbage", Garbage(1 << 16)},
      {"nul bytes", std::string("a\0b\0\0c", 6)},
      {"truncated utf-8", "\xE2\x80"},
      {"ten megabyte line", Repeat("word ", 2 << 20)},
  };
}

}  // namespace talksearch::testing

#endif  // TALKSEARCH_TESTS_OUTLINE_TEST_UTIL_H_
