#include "code_terms.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <string>
#include <vector>

#include "index_test_util.h"

namespace talksearch {
namespace {

using Words = std::vector<std::string>;

TEST(CodeTermsTest, SplitsIdentifiersIntoWords) {
  const struct {
    const char* identifier;
    Words words;
  } cases[] = {
      {"patch_all", {"patch", "all"}},
      {"__metaclass__", {"metaclass"}},
      {"_fields", {"fields"}},
      {"__init__", {"init"}},
      {"MyFirstMeta", {"my", "first", "meta"}},
      {"myFirstMeta", {"my", "first", "meta"}},
      {"HTTPServer", {"http", "server"}},
      {"getHTTPResponse", {"get", "http", "response"}},
      {"uses_my_metaclass", {"uses", "my", "metaclass"}},
      {"EnforcerMeta", {"enforcer", "meta"}},
      {"utf8_decode", {"utf8", "decode"}},
      {"SHOUTING_CASE", {"shouting", "case"}},
      {"metaclass", {}},
      {"TODO", {}},
      {"x", {}},
      {"Person", {}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(SplitIdentifier(c.identifier), c.words) << c.identifier;
  }
}

TEST(CodeTermsTest, FindsIdentifiersInCode) {
  const struct {
    const char* code;
    std::vector<std::string_view> identifiers;
  } cases[] = {
      {"monkey.patch_all()", {"monkey", "patch_all"}},
      {".extra()", {"extra"}},
      {"__metaclass__ = MyFirstMeta", {"__metaclass__", "MyFirstMeta"}},
      {"x = 42 + 3.14", {"x"}},
      {"fab rollback --to=previous", {"fab", "rollback", "to", "previous"}},
      {"", {}},
  };
  for (const auto& c : cases) EXPECT_EQ(FindIdentifiers(c.code), c.identifiers) << c.code;
}

// The queries of issue 3, parsed as the reading side parses them, each with
// the talk of the seed note it must find.
TEST(CodeTermsTest, CodeQueriesFindTheSeedNote) {
  testing::IndexFixture index;
  std::filesystem::copy(testing::TestData() / "index" / "socalpiggies",
                        index.notes() / "socalpiggies",
                        std::filesystem::copy_options::recursive);
  index.Sync();
  Xapian::Database db = index.Open();
  Xapian::QueryParser parser;
  parser.set_database(db);
  parser.set_stemmer(Xapian::Stem("english"));
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.add_prefix("code", std::string(schema::kCode));
  const struct {
    const char* query;
    int talk;
  } cases[] = {
      {"patch_all", 0},         {"patch all", 0},          {"\"patch all\"", 0},
      {"monkey.patch_all", 0},  {"monkey.patch_all()", 0}, {"code:patch_all", 0},
      {"code:monkey", 0},       {"__metaclass__", 1},      {"metaclass", 1},
      {"MyFirstMeta", 1},       {"my first meta", 1},      {"\"my first meta\"", 1},
      {"code:MyFirstMeta", 1},  {"code:metaclass", 1},     {"uses_my_metaclass", 1},
      {".extra()", 2},          {"extra", 2},              {"code:extra", 2},
  };
  for (const auto& c : cases) {
    Xapian::Enquire enquire(db);
    enquire.set_query(parser.parse_query(c.query, Xapian::QueryParser::FLAG_DEFAULT |
                                                      Xapian::QueryParser::FLAG_PHRASE));
    Xapian::MSet mset = enquire.get_mset(0, 10);
    std::string id = schema::IdTerm("socalpiggies/2011-06-06-dreamhost.rst", c.talk);
    ASSERT_TRUE(db.term_exists(id)) << id;
    Xapian::docid want = *db.postlist_begin(id);
    bool found = false;
    for (auto it = mset.begin(); it != mset.end(); ++it) found = found || *it == want;
    EXPECT_TRUE(found) << c.query << " -> " << enquire.get_query().get_description();
  }
}

}  // namespace
}  // namespace talksearch
