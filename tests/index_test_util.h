// Helpers for the index tests: a notes folder and a database in a TempDir,
// and questions to ask the database.
#ifndef TALKSEARCH_TESTS_INDEX_TEST_UTIL_H_
#define TALKSEARCH_TESTS_INDEX_TEST_UTIL_H_

#include <xapian.h>

#include <filesystem>
#include <string>

#include "talksearch/index.h"
#include "talksearch/schema.h"
#include "test_util.h"

namespace talksearch::testing {

// A notes folder and an index, both in a fresh temporary folder.
class IndexFixture {
 public:
  IndexFixture() { std::filesystem::create_directories(notes()); }

  std::filesystem::path notes() const { return dir_.path() / "notes"; }
  std::filesystem::path db() const { return dir_.path() / "db"; }
  const std::filesystem::path& base() const { return dir_.path(); }

  IndexOptions Options() const {
    IndexOptions options;
    options.db = db();
    options.roots = {notes()};
    options.threads = 2;
    return options;
  }
  SyncStats Sync() const { return talksearch::Sync(Options()); }

  void Write(const std::string& rel, std::string_view text) const {
    WriteFile(notes() / rel, text);
  }

  Xapian::Database Open() const { return Xapian::Database(db().string()); }
  Xapian::rev Revision() const { return Open().get_revision(); }
  Xapian::doccount Talks() const { return Open().get_doccount(); }
  bool HasTerm(const std::string& term) const { return Open().term_exists(term); }
  bool HasTalk(const std::string& path, int talk = 0) const {
    return HasTerm(schema::IdTerm(path, talk));
  }

 private:
  TempDir dir_;
};

// A small one-talk note whose title and body carry `word`.
inline std::string TalkNote(const std::string& title, const std::string& word) {
  std::string underline(title.size(), '=');
  return underline + "\n" + title + "\n" + underline + "\n\nby Ada Lovelace\n\n* We talked about " +
         word + " today.\n";
}

}  // namespace talksearch::testing

#endif  // TALKSEARCH_TESTS_INDEX_TEST_UTIL_H_
