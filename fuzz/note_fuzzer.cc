// libFuzzer target for the whole path of a note to its Xapian documents:
// ParseNoteText (binary check, UTF-8 repair, the format's parser) then
// BuildNote (talks, speakers, event, date, anchors), then the documents the
// index writer would add. The first byte picks the format and the file name
// (the date and event may come from it); the rest is the note.
#include <cstddef>
#include <cstdint>
#include <string>

#include "talk_document.h"
#include "talksearch/parse.h"

namespace {

const char* const kPaths[] = {"Pycon2011/index", "socalpiggies/2011-06-06-dreamhost",
                              "notes/20110616-adly", "talk"};
const char* const kExtensions[] = {".rst", ".md", ".html", ".txt"};
const talksearch::Format kFormats[] = {talksearch::Format::kRst, talksearch::Format::kMarkdown,
                                       talksearch::Format::kHtml, talksearch::Format::kText};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  unsigned choice = data[0];
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string path = std::string(kPaths[(choice >> 2) % 4]) + kExtensions[choice % 4];
  std::string event = choice & 0x10 ? "Pycon 2011" : "";
  talksearch::ParseResult result =
      talksearch::ParseNoteText(std::move(text), kFormats[choice % 4], path, event);
  if (!result.note) return 0;
  static talksearch::DocumentBuilder builder("english");
  for (std::size_t i = 0; i < result.note->talks.size(); ++i) {
    talksearch::TalkDocument doc = builder.Build(*result.note, static_cast<int>(i));
    (void)doc.document.serialise();
  }
  (void)talksearch::NotesToJson({*result.note});
  return 0;
}
