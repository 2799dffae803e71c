#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "talksearch/parse.h"
#include "test_util.h"

namespace talksearch {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::WriteFile;

TEST(ParseTest, ChoosesFormatByExtension) {
  const std::pair<const char*, std::optional<Format>> cases[] = {
      {"a.rst", Format::kRst},      {"a.REST", Format::kRst},   {"a.md", Format::kMarkdown},
      {"a.markdown", Format::kMarkdown}, {"a.html", Format::kHtml}, {"a.htm", Format::kHtml},
      {"a.txt", Format::kText},     {"a.py", std::nullopt},     {"README", std::nullopt},
      {".rst", std::nullopt},       {"..", std::nullopt},       {"a.b.Md", Format::kMarkdown},
      {"x.rst/README", std::nullopt}, {"notes/x.rst", Format::kRst}, {"a.", std::nullopt},
      {"a.rst.bak", std::nullopt},  {"dir/.rst", std::nullopt}, {"a.tar.txt", Format::kText},
  };
  for (const auto& [name, format] : cases) {
    EXPECT_EQ(FormatForPath(name), format) << name;
    EXPECT_EQ(FormatForName(name), format) << name;
  }
}

TEST(ParseTest, RepairsInvalidUtf8AndSaysWhere) {
  TempDir dir;
  WriteFile(dir.path() / "bad.rst", "Title\n=====\n\nok line\nbad \xff\xfe byte\n");
  NoteReader reader(dir.path());
  ParseResult r = reader.Read(dir.path() / "bad.rst");
  ASSERT_TRUE(r.note.has_value());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].path, "bad.rst");
  EXPECT_EQ(r.diagnostics[0].line, 5);
  EXPECT_NE(r.diagnostics[0].message.find("UTF-8"), std::string::npos);
  EXPECT_NE(r.note->talks[0].sections[0].text.find("bad \xEF\xBF\xBD\xEF\xBF\xBD byte"),
            std::string::npos);
}

TEST(ParseTest, SkipsWhatIsNoNoteWithAReason) {
  TempDir dir;
  WriteFile(dir.path() / "big.rst", std::string(2048, 'x'));
  std::string binary;
  for (int i = 0; i < 1000; ++i) binary += static_cast<char>((i * 7919) % 256);
  WriteFile(dir.path() / "random.rst", binary);
  WriteFile(dir.path() / "script.py", "print(1)\n");
  ASSERT_EQ(::mkfifo((dir.path() / "fifo.rst").c_str(), 0600), 0);
  fs::create_directory(dir.path() / "folder.rst");
  ParseOptions options;
  options.max_file_bytes = 1024;
  NoteReader reader(dir.path(), options);
  const std::pair<const char*, const char*> cases[] = {
      {"big.rst", "size limit"},        {"random.rst", "binary"},
      {"script.py", "unknown extension"}, {"fifo.rst", "not a regular file"},
      {"folder.rst", "not a regular file"}, {"missing.rst", "No such file"},
  };
  for (const auto& [name, reason] : cases) {
    ParseResult r = reader.Read(dir.path() / name);
    EXPECT_FALSE(r.note.has_value()) << name;
    EXPECT_NE(r.skipped.find(reason), std::string::npos) << name << ": " << r.skipped;
    ASSERT_FALSE(r.diagnostics.empty()) << name;
    EXPECT_EQ(r.diagnostics[0].path, name);
  }
}

TEST(ParseTest, EmptyFileAndNulBytesStillParse) {
  TempDir dir;
  WriteFile(dir.path() / "empty.rst", "");
  WriteFile(dir.path() / "nul.rst", std::string("Title\n=====\n\nsome\0text\n", 23));
  NoteReader reader(dir.path());
  ParseResult empty = reader.Read(dir.path() / "empty.rst");
  ASSERT_TRUE(empty.note.has_value());
  EXPECT_EQ(empty.note->talks.size(), 1u);
  ParseResult nul = reader.Read(dir.path() / "nul.rst");
  ASSERT_TRUE(nul.note.has_value());
  EXPECT_NE(nul.note->talks[0].sections[0].text.find("some text"), std::string::npos);
}

TEST(ParseTest, TakesEventFromTheFolderIndex) {
  TempDir dir;
  WriteFile(dir.path() / "Pycon2011" / "index.rst", "==========\nPycon 2011\n==========\n");
  WriteFile(dir.path() / "Pycon2011" / "talk.rst", "A talk\n======\n\nby Some One\n");
  WriteFile(dir.path() / "Other" / "talk.rst", "A talk\n======\n");
  NoteReader reader(dir.path());
  ParseResult r = reader.Read(dir.path() / "Pycon2011" / "talk.rst");
  ASSERT_TRUE(r.note.has_value());
  EXPECT_EQ(r.note->path, "Pycon2011/talk.rst");
  EXPECT_EQ(r.note->event, "Pycon 2011");
  EXPECT_EQ(r.note->date, "2011");
  ParseResult index = reader.Read(dir.path() / "Pycon2011" / "index.rst");
  EXPECT_EQ(index.note->event, "Pycon 2011");
  ParseResult other = reader.Read(dir.path() / "Other" / "talk.rst");
  EXPECT_EQ(other.note->event, "Other");
}

TEST(ParseTest, DumpsNotesAsJson) {
  Note note;
  note.path = "a/b.rst";
  note.event = "E";
  note.date = "2011-06";
  Talk talk;
  talk.title = "T";
  talk.speakers = {"S"};
  Section s;
  s.title = "T";
  s.code.push_back({"python", "x = 1", 3});
  talk.sections.push_back(s);
  note.talks.push_back(talk);
  auto json = nlohmann::json::parse(NotesToJson({note}));
  ASSERT_TRUE(json.is_array());
  EXPECT_EQ(json[0]["path"], "a/b.rst");
  EXPECT_EQ(json[0]["format"], "rst");
  EXPECT_EQ(json[0]["date"], "2011-06");
  EXPECT_EQ(json[0]["talks"][0]["speakers"][0], "S");
  EXPECT_EQ(json[0]["talks"][0]["sections"][0]["code"][0]["language"], "python");
}

}  // namespace
}  // namespace talksearch
