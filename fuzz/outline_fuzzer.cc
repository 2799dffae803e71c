// libFuzzer target for one format parser: any bytes in, an outline out, no
// crash, no sanitizer report. Built once per parser with
// TALKSEARCH_FUZZ_PARSER set to ParseRstOutline, ParseMarkdownOutline,
// ParseHtmlOutline or ParseTextOutline (fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "outline.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  talksearch::Outline outline = talksearch::TALKSEARCH_FUZZ_PARSER(text);
  // Every block's line lies within the input (one past its last line at
  // most). A lone CR ends a line too (old Mac files; HTML says so).
  std::size_t lines = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    lines += text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'));
  }
  for (const talksearch::Block& block : outline.blocks) {
    if (block.line < 0 || static_cast<std::size_t>(block.line) > lines + 1) __builtin_trap();
  }
  return 0;
}
