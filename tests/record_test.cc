// The stored talk record: what the indexer writes, the searcher reads back
// exactly, in the binary format and in the JSON of indexes written before it.
#include "talksearch/record.h"

#include <gtest/gtest.h>

#include <string>

namespace talksearch {
namespace {

TalkRecord Sample() {
  TalkRecord r;
  r.path = "PyCon2011/data_structures.rst";
  r.talk_index = 3;
  r.format = "rst";
  r.title = "Data Structures — \"tips\" & <tricks>";
  r.anchor = "data-structures";
  r.event = "PyCon 2011";
  r.date = "2011-03-12";
  r.speakers = {"Raymond Hettinger", "Ünïcode Speaker"};
  r.sections.push_back({"Intro", "intro", "Lists, dicts\nand sets.", ""});
  r.sections.push_back({"Code", "code", std::string(300, 'x'), "import this\n\nx = {}"});
  r.sections.push_back({"", "", "", ""});
  return r;
}

void ExpectSame(const TalkRecord& a, const TalkRecord& b) {
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.talk_index, b.talk_index);
  EXPECT_EQ(a.format, b.format);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.anchor, b.anchor);
  EXPECT_EQ(a.event, b.event);
  EXPECT_EQ(a.date, b.date);
  EXPECT_EQ(a.speakers, b.speakers);
  ASSERT_EQ(a.sections.size(), b.sections.size());
  for (std::size_t i = 0; i < a.sections.size(); ++i) {
    EXPECT_EQ(a.sections[i].title, b.sections[i].title) << i;
    EXPECT_EQ(a.sections[i].anchor, b.sections[i].anchor) << i;
    EXPECT_EQ(a.sections[i].text, b.sections[i].text) << i;
    EXPECT_EQ(a.sections[i].code, b.sections[i].code) << i;
  }
}

TEST(RecordTest, BinaryRecordsReadBackExactly) {
  TalkRecord r = Sample();
  std::string data = EncodeTalkRecord(r);
  EXPECT_EQ(data[0], record_format::kBinary);
  ExpectSame(DecodeTalkRecord(data), r);
  ExpectSame(DecodeTalkRecord(EncodeTalkRecord(TalkRecord{})), TalkRecord{});
}

TEST(RecordTest, JsonRecordsOfOlderIndexesStillRead) {
  TalkRecord r = Sample();
  ExpectSame(DecodeTalkRecord(nlohmann::json(r).dump()), r);
}

TEST(RecordTest, DataThatIsNoRecordThrowsRecordError) {
  std::string data = EncodeTalkRecord(Sample());
  // Every truncation, and bytes after the end.
  for (std::size_t n = 0; n < data.size(); ++n) {
    EXPECT_THROW(DecodeTalkRecord(data.substr(0, n)), RecordError) << n;
  }
  EXPECT_THROW(DecodeTalkRecord(data + "x"), RecordError);
  // A huge length, a length that never ends, a count larger than the data.
  EXPECT_THROW(DecodeTalkRecord(std::string("\x01\xff\xff\xff\xff\x0f", 6)), RecordError);
  EXPECT_THROW(DecodeTalkRecord(std::string("\x01") + std::string(20, '\x80')), RecordError);
  EXPECT_THROW(DecodeTalkRecord("{\"path\": 3"), RecordError);
  EXPECT_THROW(DecodeTalkRecord("plain text someone stored"), RecordError);
}

}  // namespace
}  // namespace talksearch
