// Over the real notes collection named by TALKSEARCH_CORPUS (330 .rst notes
// of pydanny-event-notes in CI). Skipped, saying why, when it is unset.
#include <gtest/gtest.h>

#include <set>

#include "structure.h"
#include "talksearch/parse.h"
#include "test_util.h"

namespace talksearch {
namespace {

namespace fs = std::filesystem;

TEST(CorpusTest, ParsesEveryRstNoteIntoTalksWithSpeakers) {
  TALKSEARCH_REQUIRE_CORPUS(corpus);
  NoteReader reader(corpus);
  int files = 0, talks = 0, with_speakers = 0;
  std::set<std::string> speakers;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    if (entry.path().extension() != ".rst") continue;
    ++files;
    ParseResult r = reader.Read(entry.path());
    ASSERT_TRUE(r.note.has_value()) << entry.path() << ": " << r.skipped;
    for (const Talk& talk : r.note->talks) {
      ++talks;
      if (!talk.speakers.empty()) ++with_speakers;
      speakers.insert(talk.speakers.begin(), talk.speakers.end());
      EXPECT_FALSE(talk.title.empty()) << entry.path();
      EXPECT_FALSE(talk.anchor.empty()) << entry.path();
    }
  }
  std::cout << files << " notes, " << talks << " talks, " << with_speakers
            << " with speakers, " << speakers.size() << " distinct speakers\n";
  EXPECT_GE(files, 300);
  EXPECT_GE(talks, 300);
  EXPECT_GE(with_speakers, 170);
  // No sentence taken for a speaker: names are short and start capitalized.
  for (const std::string& s : speakers) {
    EXPECT_LE(s.size(), 40u) << s;
    EXPECT_LE(std::count(s.begin(), s.end(), ' '), 4) << s;
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(s[0])) || s[0] == '@' ||
                static_cast<unsigned char>(s[0]) >= 0x80)
        << s;
    EXPECT_EQ(s.find(','), std::string::npos) << s;
  }
  for (const char* known : {"Raymond Hettinger", "Jacob Kaplan-Moss", "James Bennett",
                            "Audrey Roy", "Daniel Greenfeld", "Tommi Virtanen"}) {
    EXPECT_EQ(speakers.count(known), 1u) << known;
  }
}

TEST(CorpusTest, FindsTheMeetupInTheCorpus) {
  TALKSEARCH_REQUIRE_CORPUS(corpus);
  NoteReader reader(corpus);
  ParseResult r = reader.Read(corpus / "socalpiggies" / "20111110-dreamhost.rst");
  ASSERT_TRUE(r.note.has_value());
  ASSERT_EQ(r.note->talks.size(), 3u);
  EXPECT_EQ(r.note->event, "Southern California Python Users Group");
  EXPECT_EQ(r.note->talks[1].speakers, std::vector<std::string>{"John LaCourt"});
}

}  // namespace
}  // namespace talksearch
