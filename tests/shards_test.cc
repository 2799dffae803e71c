// Shards: `indexer --shards N --shard I` splits a notes folder by a stable
// hash of each note's path, and a Searcher over the shards (local folders,
// or databases served by xapian-tcpsrv on loopback) answers as one database
// holding everything; a shard that is killed or frozen leaves a partial
// answer that says so. Over the real corpus (TALKSEARCH_CORPUS), every
// judged query of bench/relevance/judgments.json gets the same top 10 and
// total from two shards, local and remote, as from one database.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "file_state.h"
#include "server_test_util.h"
#include "shard_test_util.h"
#include "talksearch/errors.h"
#include "talksearch/search.h"

namespace talksearch {
namespace {

namespace fs = std::filesystem;
using testing::BuildShards;
using testing::TcpServer;

// The notes of tests/data (several folders, formats and events) in a
// temporary folder, indexed whole at dir/all.
class ShardsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(notes());
    fs::copy(testing::TestData() / "search", notes() / "talks", fs::copy_options::recursive);
    fs::copy(testing::TestData() / "notes", notes() / "more", fs::copy_options::recursive);
    fs::copy(testing::TestData() / "index", notes() / "index", fs::copy_options::recursive);
    fs::copy(testing::TestData() / "formats", notes() / "formats", fs::copy_options::recursive);
    IndexOptions options;
    options.db = all();
    options.roots = {notes()};
    options.threads = 2;
    Sync(options);
  }

  fs::path notes() const { return dir_.path() / "notes"; }
  std::string all() const { return (dir_.path() / "all").string(); }
  fs::path dir() const { return dir_.path(); }

  testing::TempDir dir_;
};

Searcher Open(std::vector<std::string> databases, int timeout_ms = 5000, int retry_ms = 5000) {
  SearchOptions options;
  options.databases = std::move(databases);
  options.shard_timeout_ms = timeout_ms;
  options.shard_retry_ms = retry_ms;
  return Searcher(options);
}

std::vector<std::string> Ids(const std::vector<Hit>& hits) {
  std::vector<std::string> ids;
  for (const Hit& hit : hits) ids.push_back(hit.id);
  return ids;
}

std::vector<std::string> AllIds(Searcher& searcher) {
  SearchRequest request;
  request.limit = 100;
  request.snippets = false;
  return Ids(searcher.Search(request).hits);
}

// Queries over the sample: words, phrases, fields, filters, sorting, a
// misspelling, a wildcard, a pure NOT and paging.
std::vector<SearchRequest> SampleRequests() {
  std::vector<SearchRequest> requests;
  for (const char* q :
       {"metaclass", "celery task queue", "\"look behind\"", "speaker:hettinger", "python", "class",
        "", "metaclas", "NOT python", "year:2011", "django OR flask", "code:import"}) {
    SearchRequest r;
    r.query = q;
    requests.push_back(r);
  }
  SearchRequest paged;
  paged.query = "talk python";
  paged.limit = 2;
  paged.page = 2;
  requests.push_back(paged);
  SearchRequest newest;
  newest.query = "python";
  newest.sort = SortOrder::kNewest;
  requests.push_back(newest);
  SearchRequest filtered;
  filtered.query = "python";
  filtered.years = {"2011"};
  requests.push_back(filtered);
  return requests;
}

// Everything but the time taken; for `exact` also facets, snippets and
// spelling (what remote shards degrade).
void ExpectSameAnswer(const SearchResponse& one, const SearchResponse& sharded, bool exact) {
  EXPECT_EQ(sharded.total, one.total);
  EXPECT_EQ(sharded.total_min, one.total_min);
  EXPECT_EQ(sharded.total_max, one.total_max);
  EXPECT_EQ(sharded.relaxed, one.relaxed);
  ASSERT_EQ(Ids(sharded.hits), Ids(one.hits));
  for (std::size_t i = 0; i < one.hits.size(); ++i) {
    EXPECT_NEAR(sharded.hits[i].score, one.hits[i].score, 1e-9);
    EXPECT_EQ(sharded.hits[i].rank, one.hits[i].rank);
    EXPECT_EQ(sharded.hits[i].anchor, one.hits[i].anchor);
    if (exact) {
      EXPECT_EQ(sharded.hits[i].snippet, one.hits[i].snippet);
    }
    EXPECT_EQ(sharded.hits[i].snippet.empty(), one.hits[i].snippet.empty());
  }
  EXPECT_TRUE(sharded.shards_failed.empty());
  if (!exact) return;
  EXPECT_EQ(sharded.corrected, one.corrected);
  for (const auto& [name, values] : one.facets) {
    ASSERT_EQ(sharded.facets.at(name).size(), values.size()) << name;
    for (std::size_t i = 0; i < values.size(); ++i) {
      EXPECT_EQ(sharded.facets.at(name)[i].value, values[i].value) << name;
      EXPECT_EQ(sharded.facets.at(name)[i].count, values[i].count) << name;
    }
  }
  EXPECT_TRUE(sharded.degraded.empty());
}

TEST_F(ShardsTest, IndexerPutsEachNoteInExactlyOneShardByItsPathHash) {
  std::vector<std::string> shards = BuildShards(notes(), dir(), 3);
  Searcher searcher = Open({all()});
  std::vector<std::string> whole = AllIds(searcher);
  std::multiset<std::string> union_ids;
  for (unsigned i = 0; i < shards.size(); ++i) {
    Searcher one = Open({shards[i]});
    for (const std::string& id : AllIds(one)) {
      union_ids.insert(id);
      EXPECT_EQ(ShardOf(id.substr(0, id.rfind('#')), 3), i) << id;
    }
  }
  EXPECT_EQ(union_ids, std::multiset<std::string>(whole.begin(), whole.end()));
  EXPECT_GE(whole.size(), 8u);
  // Stable: FNV-1a of the stored path, whatever the machine.
  EXPECT_EQ(ShardOf("a", 1000), 996u);  // 0xaf63dc4c8601ec8c % 1000
}

TEST_F(ShardsTest, IndexerSyncsEachShardIncrementallyAndRefusesOtherShardOptions) {
  std::vector<std::string> shards = BuildShards(notes(), dir(), 2);
  IndexOptions options;
  options.roots = {notes()};
  options.threads = 1;
  options.shards = 2;
  std::size_t talks = 0;
  for (unsigned i = 0; i < 2; ++i) {
    options.db = shards[i];
    options.shard = i;
    SyncStats again = Sync(options);
    EXPECT_FALSE(again.committed) << "nothing changed: nothing written";
    EXPECT_EQ(again.added + again.updated + again.removed, 0u);
    talks += again.talks;
  }
  Searcher whole = Open({all()});
  EXPECT_EQ(talks, AllIds(whole).size());

  // A new note lands in its shard only.
  const std::string rel = "more/zeppelin.rst";
  testing::WriteFile(notes() / rel, "Airships\n========\n\nby Hugo Eckener\n\n* zeppelin\n");
  unsigned owner = ShardOf(rel, 2);
  for (unsigned i = 0; i < 2; ++i) {
    options.db = shards[i];
    options.shard = i;
    SyncStats stats = Sync(options);
    EXPECT_EQ(stats.added, i == owner ? 1u : 0u) << "shard " << i;
  }
  SearchRequest request;
  request.query = "zeppelin";
  EXPECT_EQ(Open({shards[owner]}).Search(request).total, 1u);
  EXPECT_EQ(Open({shards[1 - owner]}).Search(request).total, 0u);

  // Another split, or none, of the same database is refused.
  options.db = shards[0];
  options.shards = 3;
  options.shard = 0;
  EXPECT_THROW(Sync(options), InvalidArgument);
  options.shards = 0;
  EXPECT_THROW(Sync(options), InvalidArgument);
  options.db = all();
  options.shards = 2;
  EXPECT_THROW(Sync(options), InvalidArgument);
  options.db = dir() / "new";
  options.shard = 2;
  EXPECT_THROW(Sync(options), InvalidArgument);
}

// A folder's index note names the event of the notes beside it; when it is
// in another shard and changes, their shard still parses them again.
TEST_F(ShardsTest, AnIndexNoteInAnotherShardStillNamesItsNeighboursEvent) {
  const fs::path root = dir() / "events";
  auto write_index = [&](const std::string& title) {
    testing::WriteFile(root / "ev/index.rst",
                       title + "\n" + std::string(title.size(), '=') + "\n\nThe talks.\n");
  };
  write_index("Spring Meetup");
  std::string neighbour;
  for (int i = 0; i < 8; ++i) {
    std::string rel = "ev/talk" + std::to_string(i) + ".rst";
    testing::WriteFile(root / rel, "Zeppelins " + std::to_string(i) +
                                       "\n===========\n\nby Hugo Eckener\n\n* airships\n");
    if (ShardOf(rel, 2) != ShardOf("ev/index.rst", 2)) neighbour = rel;
  }
  ASSERT_FALSE(neighbour.empty()) << "no note of the folder in the other shard";
  std::vector<std::string> shards = BuildShards(root, dir() / "ev-shards", 2);
  const std::string& other = shards[ShardOf(neighbour, 2)];
  auto event_of_neighbour = [&] {
    Searcher searcher = Open({other});
    return searcher.Talk(neighbour + "#0").talk.event;
  };
  EXPECT_EQ(event_of_neighbour(), "Spring Meetup");
  write_index("Autumn Meetup of the year");
  BuildShards(root, dir() / "ev-shards", 2);  // an incremental sync of each
  EXPECT_EQ(event_of_neighbour(), "Autumn Meetup of the year");
  fs::remove(root / "ev/index.rst");
  BuildShards(root, dir() / "ev-shards", 2);
  EXPECT_NE(event_of_neighbour(), "Autumn Meetup of the year");
}

TEST_F(ShardsTest, TwoLocalShardsAnswerAsOneDatabase) {
  Searcher one = Open({all()});
  Searcher sharded = Open(BuildShards(notes(), dir(), 2));
  for (const SearchRequest& request : SampleRequests()) {
    SCOPED_TRACE("query: " + request.query);
    ExpectSameAnswer(one.Search(request), sharded.Search(request), true);
  }
  for (const std::string& id : AllIds(one)) {
    SCOPED_TRACE("id: " + id);
    EXPECT_EQ(Ids(sharded.Similar(id, 5)), Ids(one.Similar(id, 5)));
    EXPECT_EQ(sharded.Talk(id).sections.size(), one.Talk(id).sections.size());
  }
  EXPECT_EQ(sharded.Suggest("py"), one.Suggest("py"));
  EXPECT_EQ(sharded.Info().talks, one.Info().talks);
  EXPECT_THROW(sharded.Talk("nope#0"), NotFound);
}

TEST_F(ShardsTest, TwoRemoteShardsAnswerAsOneDatabaseButWhatIsDegraded) {
  std::vector<std::string> shards = BuildShards(notes(), dir(), 2);
  TcpServer first(shards[0]), second(shards[1]);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_TRUE(second.ok()) << second.error();
  Searcher one = Open({all()});
  Searcher remote = Open({first.address(), second.address()});
  // One remote and one local shard: the local one brings spelling data.
  Searcher mixed = Open({shards[0], second.address()});
  for (const SearchRequest& request : SampleRequests()) {
    SCOPED_TRACE("query: " + request.query);
    SearchResponse expected = one.Search(request);
    if (!expected.corrected.empty()) {
      // No spelling data over xapian-tcpsrv: said, not guessed.
      SearchResponse answer = remote.Search(request);
      EXPECT_EQ(answer.degraded, (std::vector<std::string>{"facets", "snippets", "spelling"}));
      continue;
    }
    ExpectSameAnswer(expected, remote.Search(request), false);
    ExpectSameAnswer(expected, mixed.Search(request), false);
  }
  for (const std::string& id : AllIds(one)) {
    SCOPED_TRACE("id: " + id);
    EXPECT_EQ(Ids(remote.Similar(id, 5)), Ids(one.Similar(id, 5)));
    EXPECT_EQ(remote.Talk(id).talk.talk, one.Talk(id).talk.talk);
  }
  EXPECT_EQ(remote.Suggest("py"), one.Suggest("py"));
  IndexInfo info = remote.Info();
  EXPECT_EQ(info.talks, one.Info().talks);
  ASSERT_EQ(info.shards.size(), 2u);
  EXPECT_TRUE(info.shards[0].up && info.shards[0].remote);
}

TEST_F(ShardsTest, AKilledOrFrozenRemoteShardGivesPartialResults) {
  std::vector<std::string> shards = BuildShards(notes(), dir(), 2);
  TcpServer first(shards[0]), second(shards[1]);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_TRUE(second.ok()) << second.error();
  Searcher remote = Open({first.address(), second.address()}, 300, 0);
  Searcher only_first = Open({shards[0]});
  SearchRequest request;  // every talk
  request.limit = 100;
  ASSERT_TRUE(remote.Search(request).shards_failed.empty());

  // Killed in the middle of the Searcher's life: the next search fails over.
  second.Kill();
  SearchResponse partial = remote.Search(request);
  EXPECT_EQ(partial.shards_failed, std::vector<std::string>{second.address()});
  EXPECT_EQ(Ids(partial.hits), Ids(only_first.Search(request).hits));
  IndexInfo info = remote.Info();
  EXPECT_TRUE(info.shards[0].up);
  EXPECT_FALSE(info.shards[1].up);
  EXPECT_FALSE(info.shards[1].error.empty());

  // Back: Refresh tries it again.
  second.Restart();
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_TRUE(remote.Refresh());
  EXPECT_TRUE(remote.Search(request).shards_failed.empty());

  // Frozen (a slow shard): it accepts connections and answers nothing; the
  // search gives up on it after the timeout.
  first.Stop();
  SearchResponse slow = remote.Search(request);
  first.Continue();
  EXPECT_EQ(slow.shards_failed, std::vector<std::string>{first.address()});
  EXPECT_EQ(slow.hits.size(), Open({shards[1]}).Search(request).hits.size());

  // Every shard down: an IndexError (searchd: 503), not an empty answer,
  // whether a search or a Refresh meets it first.
  Searcher refreshed = Open({first.address(), second.address()}, 300, 0);
  first.Kill();
  second.Kill();
  EXPECT_THROW(remote.Search(request), IndexError);
  EXPECT_THROW(refreshed.Refresh(), IndexError);
  EXPECT_THROW(refreshed.Search(request), IndexError);
  EXPECT_THROW(Open({first.address(), second.address()}, 300), IndexError);
}

// The real programs: `search --db A --db B words` (each --db takes one
// value, so the words are the query) and `indexer --shards N --shard I`.
TEST_F(ShardsTest, SearchProgramTakesSeveralDbsAndTheIndexerChecksItsShard) {
  const std::string indexer = TALKSEARCH_BINARY_DIR "/indexer/indexer";
  const std::string search = TALKSEARCH_BINARY_DIR "/searchd/search";
  std::string dbs;
  for (int i = 0; i < 2; ++i) {
    std::string db = (dir() / ("cli-" + std::to_string(i))).string();
    testing::CommandOutput built =
        testing::RunCommand(indexer + " --quiet --shards 2 --shard " + std::to_string(i) +
                            " --db '" + db + "' '" + notes().string() + "' 2>&1");
    ASSERT_EQ(built.status, 0) << built.text;
    dbs += " --db '" + db + "'";
  }
  testing::CommandOutput answer = testing::RunCommand(search + dbs + " --json celery task");
  ASSERT_EQ(answer.status, 0) << answer.text;
  nlohmann::json json = nlohmann::json::parse(answer.text);
  EXPECT_EQ(json["query"], "celery task");
  EXPECT_EQ(json["partial"], false);
  SearchRequest request;
  request.query = "celery task";
  EXPECT_EQ(json["total"], Open({all()}).Search(request).total);

  testing::CommandOutput missing = testing::RunCommand(
      search + dbs + " --db '" + (dir() / "missing").string() + "' --json celery 2>&1 >/dev/null");
  EXPECT_EQ(missing.status, 0);
  EXPECT_NE(missing.text.find("warning"), std::string::npos) << missing.text;

  for (const char* bad : {" --shard 1", " --shards 2 --shard 2", " --shards 0 --shard 0"}) {
    testing::CommandOutput refused =
        testing::RunCommand(indexer + std::string(bad) + " --db '" + (dir() / "x").string() +
                            "' '" + notes().string() + "' 2>&1");
    EXPECT_EQ(refused.status, 2 << 8) << bad << ": " << refused.text;
  }
  testing::CommandOutput other =
      testing::RunCommand(indexer + " --shards 3 --shard 0 --db '" + (dir() / "cli-0").string() +
                          "' '" + notes().string() + "' 2>&1");
  EXPECT_NE(other.status, 0);
  EXPECT_NE(other.text.find("shard 0 of 2"), std::string::npos) << other.text;
}

TEST_F(ShardsTest, AMissingLocalShardIsLeftOutButOneMissingIndexIsAnError) {
  std::vector<std::string> shards = BuildShards(notes(), dir(), 2);
  Searcher partial = Open({shards[0], (dir() / "missing").string()});
  SearchRequest request;
  EXPECT_EQ(partial.Search(request).shards_failed,
            std::vector<std::string>{(dir() / "missing").string()});
  EXPECT_THROW(Open({(dir() / "missing").string()}), IndexError);
  EXPECT_THROW(Open({"tcp://127.0.0.1"}), InvalidArgument);
  EXPECT_THROW(Open({"tcp://127.0.0.1:99999"}), InvalidArgument);
}

// Over the real corpus: every judged query, top 10 and totals, one database
// against two local shards and two served by xapian-tcpsrv.
TEST(ShardsCorpus, JudgedQueriesGetTheSameTop10AndTotalsOverTwoShards) {
  TALKSEARCH_REQUIRE_CORPUS(corpus);
  testing::TempDir dir;
  IndexOptions options;
  options.db = dir.path() / "all";
  options.roots = {corpus};
  options.threads = 2;
  Sync(options);
  std::vector<std::string> shards = BuildShards(corpus, dir.path(), 2);
  TcpServer first(shards[0]), second(shards[1]);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_TRUE(second.ok()) << second.error();
  Searcher one = Open({options.db.string()});
  Searcher local = Open(shards);
  Searcher remote = Open({first.address(), second.address()});

  std::ifstream in(TALKSEARCH_SOURCE_DIR "/bench/relevance/judgments.json");
  nlohmann::json judgments = nlohmann::json::parse(in);
  ASSERT_GE(judgments.size(), 40u);
  int compared_remote = 0;
  for (const nlohmann::json& judged : judgments) {
    SearchRequest request;
    request.query = judged["query"].get<std::string>();
    SCOPED_TRACE("query: " + request.query);
    SearchResponse expected = one.Search(request);
    ExpectSameAnswer(expected, local.Search(request), true);
    if (expected.corrected.empty()) {  // no spelling over xapian-tcpsrv
      ExpectSameAnswer(expected, remote.Search(request), false);
      ++compared_remote;
    }
  }
  EXPECT_GE(compared_remote, 40);
}

}  // namespace
}  // namespace talksearch
