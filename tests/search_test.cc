// The query engine over a small index built from data/ (the seed meetup)
// and tests/data/search/ and tests/data/notes/.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>

#include "talksearch/errors.h"
#include "talksearch/index.h"
#include "talksearch/search.h"
#include "test_util.h"

namespace talksearch {
namespace {

namespace fs = std::filesystem;

class SearchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    fs::path notes = dir_->path() / "notes";
    fs::create_directories(notes);
    fs::copy(fs::path(TALKSEARCH_SOURCE_DIR) / "data" / "socalpiggies", notes / "socalpiggies",
             fs::copy_options::recursive);
    fs::remove(notes / "socalpiggies" / "2011-06-06-dreamhost.txt");
    fs::copy(testing::TestData() / "search", notes / "talks", fs::copy_options::recursive);
    fs::copy(testing::TestData() / "notes", notes / "more", fs::copy_options::recursive);
    IndexOptions options;
    options.db = dir_->path() / "db";
    options.roots = {notes};
    Sync(options);
  }
  static void TearDownTestSuite() { delete dir_; }

  Searcher Open(const std::string& base_url = "") {
    SearchOptions o;
    o.databases = {(dir_->path() / "db").string()};
    o.base_url = base_url;
    return Searcher(o);
  }

  SearchResponse Find(const std::string& q, SearchRequest r = {}) {
    r.query = q;
    return Open().Search(r);
  }

  static std::string Top(const SearchResponse& r) { return r.hits.empty() ? "" : r.hits[0].talk; }

  static testing::TempDir* dir_;
};

testing::TempDir* SearchTest::dir_ = nullptr;

TEST_F(SearchTest, FindsTalksForWhatPeopleRemember) {
  const std::pair<const char*, const char*> cases[] = {
      {"metaclasses are dangerous", "Metaclasses: Look behind the curtain"},
      {"monkey.patch_all", "Asynchronous programming techniques in Python"},
      {"gevent monkey patch", "Asynchronous programming techniques in Python"},
      {"David Litwin", "Approaching Technical challenges as a Startup"},
      {"speaker:virtanen", "Asynchronous programming techniques in Python"},
      {"title:startup", "Approaching Technical challenges as a Startup"},
      {"code:MyFirstMeta", "Metaclasses: Look behind the curtain"},
      {"\"video transcoding\"", "Approaching Technical challenges as a Startup"},
      {"zencoder AND ffmpeg", "Approaching Technical challenges as a Startup"},
      {"celery workers", "September 10, 2012 - Distributed tasks with Celery"},
      {"metacl*", "Metaclasses: Look behind the curtain"},
  };
  for (const auto& [query, talk] : cases) EXPECT_EQ(Top(Find(query)), talk) << query;
}

TEST_F(SearchTest, HitsCarryTalkEventDateSpeakersAndSection) {
  Searcher s = Open("https://notes.example.org/");
  SearchRequest r;
  r.query = "monkey patch";
  SearchResponse out = s.Search(r);
  ASSERT_FALSE(out.hits.empty());
  const Hit& h = out.hits[0];
  EXPECT_EQ(h.id, "socalpiggies/2011-06-06-dreamhost.rst#0");
  EXPECT_EQ(h.rank, 1);
  EXPECT_GT(h.score, 0);
  EXPECT_EQ(h.path, "socalpiggies/2011-06-06-dreamhost.rst");
  EXPECT_EQ(h.event, "Socal Python meetup at Dreamhost");
  EXPECT_EQ(h.date, "2011-06-06");
  EXPECT_EQ(h.speakers, std::vector<std::string>{"Tommi Virtanen"});
  EXPECT_EQ(h.anchor, "gevent");
  EXPECT_EQ(h.url, "https://notes.example.org/socalpiggies/2011-06-06-dreamhost.html#gevent");
  EXPECT_NE(h.snippet.find("<mark>monkey patch</mark>"), std::string::npos) << h.snippet;
  EXPECT_LE(h.snippet.size(), 400u);
}

TEST_F(SearchTest, SnippetsAreEscapedAndCleanOfMarkup) {
  SearchResponse out = Find("alert escaping");
  ASSERT_FALSE(out.hits.empty());
  const std::string& snippet = out.hits[0].snippet;
  EXPECT_EQ(snippet.find("<script"), std::string::npos) << snippet;
  EXPECT_NE(snippet.find("&lt;script&gt;"), std::string::npos) << snippet;
  for (const auto& h : Find("class metaclass instance").hits) {
    EXPECT_EQ(h.snippet.find("===="), std::string::npos) << h.snippet;
    EXPECT_EQ(h.snippet.find("::"), std::string::npos) << h.snippet;
  }
}

TEST_F(SearchTest, CorrectsSpelling) {
  SearchResponse out = Find("celary");
  EXPECT_EQ(out.corrected, "celery");
  EXPECT_TRUE(out.showing_corrected);
  EXPECT_EQ(Top(out), "September 10, 2012 - Distributed tasks with Celery");
  SearchResponse deco = Find("decoraters");
  EXPECT_EQ(deco.corrected, "decorators");
}

TEST_F(SearchTest, CountsFacetsOverTheWholeMatchSetAndFilters) {
  SearchRequest r;
  r.limit = 1;
  SearchResponse all = Find("", r);
  EXPECT_GE(all.total, 6u);
  auto count = [&](const std::string& facet, const std::string& value) {
    for (const FacetValue& v : all.facets[facet]) {
      if (v.value == value) return v.count;
    }
    return 0u;
  };
  EXPECT_EQ(count("event", "Socal Python meetup at Dreamhost"), 3u);
  EXPECT_EQ(count("year", "2011"), 3u);
  EXPECT_EQ(count("speaker", "John LaCourt"), 1u);
  SearchRequest by_event;
  by_event.events = {"Socal Python meetup at Dreamhost"};
  EXPECT_EQ(Find("", by_event).total, 3u);
  SearchRequest two_speakers;
  two_speakers.speakers = {"John LaCourt", "David Litwin"};
  EXPECT_EQ(Find("", two_speakers).total, 2u);
  two_speakers.years = {"2012"};
  EXPECT_EQ(Find("", two_speakers).total, 0u);
}

// Facets are counted two ways: from each match's codes in the index (the
// first query at a revision) and from a table of the revision's facets held
// in memory (later ones). Both give the same counts, in the same order.
TEST_F(SearchTest, FacetsFromTheIndexAndFromTheTableAgree) {
  SearchOptions from_index, from_table;
  from_index.databases = from_table.databases = {(dir_->path() / "db").string()};
  from_index.facet_table_after = 0;
  from_table.facet_table_after = 1;
  Searcher reads(from_index), table(from_table);
  std::vector<SearchRequest> requests;
  for (const char* q : {"", "python", "talk", "metaclass OR django", "speaker:litwin", "zzzz"}) {
    SearchRequest r;
    r.query = q;
    requests.push_back(r);
    r.years = {"2011"};
    requests.push_back(r);
    r.years.clear();
    r.events = {"Socal Python meetup at Dreamhost"};
    r.page = 2;
    r.limit = 1;
    requests.push_back(r);
  }
  for (const SearchRequest& r : requests) {
    SearchResponse a = reads.Search(r), b = table.Search(r);
    EXPECT_EQ(a.total, b.total) << r.query;
    for (const char* facet : {"event", "year", "speaker"}) {
      ASSERT_EQ(a.facets[facet].size(), b.facets[facet].size()) << r.query << " " << facet;
      for (std::size_t i = 0; i < a.facets[facet].size(); ++i) {
        EXPECT_EQ(a.facets[facet][i].value, b.facets[facet][i].value) << r.query;
        EXPECT_EQ(a.facets[facet][i].count, b.facets[facet][i].count) << r.query;
      }
    }
  }
  EXPECT_GT(table.Search(SearchRequest{}).facets["speaker"].size(), 3u);
}

TEST_F(SearchTest, FiltersAndSortsByDate) {
  EXPECT_EQ(Find("2012..2012").total, Find("year:2012").total);
  SearchRequest range;
  range.from = "2011-06";
  range.to = "2011-06-30";
  EXPECT_EQ(Find("", range).total, 3u);
  EXPECT_EQ(Find("date:2011-06..2011-06").total, 3u);
  SearchRequest newest;
  newest.sort = SortOrder::kNewest;
  SearchResponse n = Find("", newest);
  ASSERT_GE(n.hits.size(), 2u);
  EXPECT_GE(n.hits[0].date, n.hits[1].date);
  newest.sort = SortOrder::kOldest;
  SearchResponse o = Find("", newest);
  EXPECT_LE(o.hits[0].date.substr(0, 4), o.hits[1].date.substr(0, 4));
}

TEST_F(SearchTest, PagesThroughResults) {
  SearchRequest r;
  r.limit = 2;
  SearchResponse p1 = Find("", r);
  r.page = 2;
  SearchResponse p2 = Find("", r);
  ASSERT_EQ(p1.hits.size(), 2u);
  ASSERT_FALSE(p2.hits.empty());
  EXPECT_EQ(p2.hits[0].rank, 3);
  EXPECT_NE(p1.hits[0].id, p2.hits[0].id);
  EXPECT_LE(p1.total_min, p1.total);
  EXPECT_GE(p1.total_max, p1.total);
}

TEST_F(SearchTest, RelaxesBrokenSyntaxAndRejectsWhatItCannotAnswer) {
  for (const char* q : {"\"unbalanced quote", "(open bracket", "AND", "OR OR", "NOT", "-", "+",
                        "title:", "a NEAR", "((((((((x", "\x01\x02"}) {
    EXPECT_NO_THROW(Find(q)) << q;
  }
  EXPECT_TRUE(Find("\"metaclass (curtain").relaxed || !Find("\"metaclass (curtain").hits.empty());
  EXPECT_THROW(Find(std::string(1001, 'a')), InvalidArgument);
  EXPECT_THROW(Find("zzword*"), InvalidArgument);
  SearchRequest r;
  r.limit = 101;
  EXPECT_THROW(Find("x", r), InvalidArgument);
  r.limit = 100;
  r.page = 101;
  EXPECT_THROW(Find("x", r), InvalidArgument);
  r.page = 0;
  EXPECT_THROW(Find("x", r), InvalidArgument);
  SearchRequest bad_date;
  bad_date.from = "yesterday";
  EXPECT_THROW(Find("x", bad_date), InvalidArgument);
}

// Regression (found by bad_queries_test): a range the date processors
// refuse threw Xapian::QueryParserError out of Search — the plain-words retry
// parses ranges too — and `search` died of it.
TEST_F(SearchTest, RangesTheParserRefusesAreSearchedAsWords) {
  for (const char* q : {"....", "a..b", "99999999999999999999..", "date:..date:..",
                        "gevent..monkey"}) {
    SearchResponse r;
    ASSERT_NO_THROW(r = Find(q)) << q;
    EXPECT_TRUE(r.relaxed) << q;
  }
  EXPECT_EQ(Top(Find("gevent..monkey")), "Asynchronous programming techniques in Python");
}

// Regression (found by fuzz/search_fuzzer): an operator before NEAR/n or
// ADJ/n is a syntax error on which Xapian's parser leaks; it is searched as
// plain words without reaching the parser's operators. An operator the
// NEAR follows inside brackets or a phrase is left to the parser.
TEST_F(SearchTest, AnOperatorBeforeNearIsSearchedAsWords) {
  for (const char* q : {"gevent AND NEAR/2 monkey", "gevent OR ADJ/2 monkey", "gevent XOR  NEAR/2",
                        "NOT NEAR/3 gevent"}) {
    SearchResponse r;
    ASSERT_NO_THROW(r = Find(q)) << q;
    EXPECT_TRUE(r.relaxed) << q;
    EXPECT_FALSE(r.hits.empty()) << q;
  }
  EXPECT_EQ(Top(Find("gevent AND NEAR/2 monkey")),
            "Asynchronous programming techniques in Python");
  EXPECT_FALSE(Find("gevent NEAR/2 monkey").relaxed);
  EXPECT_FALSE(Find("monkey AND (NEAR/2 gevent)").hits.empty());
}

TEST_F(SearchTest, FindsSimilarTalksAndTalkSections) {
  Searcher s = Open();
  std::vector<Hit> similar = s.Similar("socalpiggies/2011-06-06-dreamhost.rst#1", 5);
  ASSERT_FALSE(similar.empty());
  for (const Hit& h : similar) EXPECT_NE(h.id, "socalpiggies/2011-06-06-dreamhost.rst#1");
  EXPECT_THROW(s.Similar("nope#0"), NotFound);
  TalkSections talk = s.Talk("socalpiggies/2011-06-06-dreamhost.rst#1");
  EXPECT_EQ(talk.talk.talk, "Metaclasses: Look behind the curtain");
  ASSERT_GE(talk.sections.size(), 5u);
  EXPECT_EQ(talk.sections[1].anchor, "what-does-a-class-do");
  EXPECT_THROW(s.Talk("missing.rst#0"), NotFound);
  EXPECT_THROW(s.Talk("no hash"), NotFound);
}

TEST_F(SearchTest, SuggestsCompletions) {
  Searcher s = Open();
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  std::vector<std::string> words = s.Suggest("metac");
  EXPECT_TRUE(has(words, "metaclass") || has(words, "metaclasses")) << words.size();
  EXPECT_TRUE(has(s.Suggest("tommi"), "Tommi Virtanen"));
  std::vector<std::string> more = s.Suggest("gevent mon");
  EXPECT_TRUE(has(more, "gevent monkey"));
  EXPECT_TRUE(s.Suggest("").empty());
}

TEST(SearchOpenTest, AMissingIndexSaysHowToBuildIt) {
  testing::TempDir dir;
  SearchOptions o;
  o.databases = {(dir.path() / "none").string()};
  try {
    Searcher s(o);
    FAIL() << "opened a missing index";
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("indexer"), std::string::npos) << e.what();
  }
}

// data/ as it ships: each talk of the meetup is noted twice (the .rst note
// and its .txt twin), and a note of twelve more talks.
class TwinsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::path notes = dir_.path() / "notes";
    fs::create_directories(notes);
    fs::copy(fs::path(TALKSEARCH_SOURCE_DIR) / "data" / "socalpiggies", notes / "socalpiggies",
             fs::copy_options::recursive);
    // Twelve talks of one event, each with its own speaker (all of them
    // level in the speaker facet), in an order unlike their names'.
    std::string forum = "===========================\nMay 1, 2013 - Facet forum\n"
                        "===========================\n\n";
    for (int i = 0; i < 12; ++i) {
      std::string title = "Talk number " + std::to_string(i) + " on facets";
      forum += title + "\n" + std::string(title.size(), '=') + "\n\nby " +
               static_cast<char>('A' + (i * 7) % 12) + ". Speaker\n\n* Counting facets.\n\n";
    }
    testing::WriteFile(notes / "forum" / "2013-05-01-forum.rst", forum);
    IndexOptions options;
    options.db = dir_.path() / "db";
    options.roots = {notes};
    Sync(options);
    SearchOptions o;
    o.databases = {options.db.string()};
    searcher_.emplace(o);
  }

  SearchResponse Find(const std::string& q, int page = 1, int limit = 10) {
    SearchRequest r;
    r.query = q;
    r.page = page;
    r.limit = limit;
    return searcher_->Search(r);
  }

  testing::TempDir dir_;
  std::optional<Searcher> searcher_;
};

TEST_F(TwinsTest, ATalkNotedTwiceIsOneHitOneCountAndOnePlaceInThePages) {
  SearchResponse all = Find("python programming startup metaclass");
  ASSERT_EQ(all.hits.size(), 3u);
  EXPECT_EQ(all.total, 3u);
  std::set<std::string> talks;
  for (const Hit& hit : all.hits) talks.insert(hit.talk);
  EXPECT_EQ(talks.size(), 3u);
  ASSERT_FALSE(all.facets["event"].empty());
  EXPECT_EQ(all.facets["event"][0].value, "Socal Python meetup at Dreamhost");
  EXPECT_EQ(all.facets["event"][0].count, 3u);
  // One talk a page: the same three, in the same order, ranked 1, 2, 3.
  for (int page = 1; page <= 3; ++page) {
    SearchResponse one = Find("python programming startup metaclass", page, 1);
    ASSERT_EQ(one.hits.size(), 1u) << "page " << page;
    EXPECT_EQ(one.hits[0].talk, all.hits[static_cast<std::size_t>(page - 1)].talk);
    EXPECT_EQ(one.hits[0].rank, page);
    EXPECT_EQ(one.total, 3u);
  }
  EXPECT_TRUE(Find("python programming startup metaclass", 4, 1).hits.empty());
}

// The table of facets belongs to one revision of the index: after a commit
// the counts are the new revision's.
TEST_F(TwinsTest, FacetTableFollowsTheIndex) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Find("facets").facets["event"][0].count, 12u);
  testing::WriteFile(dir_.path() / "notes" / "forum" / "2013-05-02-more.rst",
                     "===========================\nMay 2, 2013 - Facet forum\n"
                     "===========================\n\nOne more on facets\n"
                     "==================\n\nby Z. Speaker\n\n* Counting facets.\n");
  IndexOptions options;
  options.db = dir_.path() / "db";
  options.roots = {dir_.path() / "notes"};
  Sync(options);
  searcher_->Refresh();
  for (int i = 0; i < 3; ++i) {
    SearchResponse out = Find("facets");
    EXPECT_EQ(out.total, 13u);
    ASSERT_FALSE(out.facets["speaker"].empty());
    EXPECT_EQ(out.facets["speaker"].back().value, "Z. Speaker");
  }
}

TEST_F(TwinsTest, FacetValuesLevelInCountAreInNameOrder) {
  SearchResponse out = Find("facets");
  EXPECT_EQ(out.total, 12u);
  const std::vector<FacetValue>& speakers = out.facets["speaker"];
  ASSERT_EQ(speakers.size(), 12u);
  for (std::size_t i = 0; i < speakers.size(); ++i) {
    EXPECT_EQ(speakers[i].value, std::string(1, static_cast<char>('A' + i)) + ". Speaker");
    EXPECT_EQ(speakers[i].count, 1u);
  }
  ASSERT_EQ(out.facets["event"].size(), 1u);
  EXPECT_EQ(out.facets["event"][0].value, "Facet forum");
  EXPECT_EQ(out.facets["event"][0].count, 12u);
  ASSERT_EQ(out.facets["year"].size(), 1u);
  EXPECT_EQ(out.facets["year"][0].value, "2013");
}

}  // namespace
}  // namespace talksearch
