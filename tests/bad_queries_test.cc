// Hostile queries — every operator alone and unbalanced, field prefixes with
// nothing, 20,000 characters, only wildcards, control characters, invalid
// UTF-8, brackets nested thousands deep, broken date ranges — through the
// real `search --batch -` (one process, one JSON line each) and through the
// Searcher API. Each is answered with results or a clear error; none crashes.
// A command timeout, not a timing assertion, bounds the batch.
#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "server.h"
#include "talksearch/errors.h"
#include "talksearch/index.h"
#include "talksearch/search.h"
#include "test_util.h"

namespace talksearch {
namespace {

namespace fs = std::filesystem;

std::string Repeat(std::string_view s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// The queries. None holds a newline: the batch reads one query a line.
std::vector<std::string> HostileQueries() {
  std::vector<std::string> q = {
      // Every operator alone, doubled, and with one side missing.
      "AND",
      "OR",
      "NOT",
      "XOR",
      "NEAR",
      "ADJ",
      "+",
      "-",
      "\"",
      "(",
      ")",
      "*",
      "AND AND",
      "OR OR OR",
      "NOT NOT",
      "XOR XOR",
      "NEAR NEAR",
      "ADJ ADJ",
      "++",
      "--",
      "+-+-",
      "gevent AND",
      "AND gevent",
      "gevent OR",
      "OR gevent",
      "NOT gevent",
      "gevent NOT",
      "gevent XOR",
      "XOR gevent",
      "gevent NEAR",
      "NEAR gevent",
      "gevent ADJ",
      "ADJ gevent",
      "gevent NEAR/0 monkey",
      "gevent NEAR/99999999999 monkey",
      "gevent ADJ/-1 monkey",
      "gevent NEAR/x monkey",
      // An operator before NEAR/n or ADJ/n: a syntax error on which Xapian
      // 1.4's parser loses memory (LeakSanitizer fails the sanitized run
      // if one reaches it).
      "gevent AND NEAR/2 monkey",
      "gevent OR ADJ/2",
      "NOT NEAR/3",
      "gevent XOR  NEAR/2 monkey",
      "gevent AND\tADJ/12 monkey",
      "gevent NOT -NEAR/2 monkey",
      "a NEAR b NEAR c NEAR d NEAR e NEAR f NEAR g NEAR h",
      "+gevent -gevent",
      "-gevent",
      "--gevent",
      "+",
      "+ -",
      "- +",
      // Quotes and brackets unbalanced.
      "\"\"",
      "\"unbalanced phrase",
      "phrase unbalanced\"",
      "\"a\" \"b\" \"",
      "((",
      "))",
      ")(",
      "(gevent",
      "gevent)",
      "(gevent OR monkey",
      "gevent OR monkey)",
      "(()",
      "())",
      "()",
      "(\")",
      "\"(\"",
      "(AND)",
      "(NOT)",
      // Wildcards only.
      "* ** a*",
      "**",
      "***",
      "a*",
      "*a",
      "a**",
      "-*",
      "+*",
      "a* b* c* d* e* f* g* h* i* j*",
      "title:* speaker:*",
      "\"*\"",
      "*:*",
      // Field prefixes with nothing, or with nothing usable.
      "title:",
      "speaker:",
      "speaker:\"\"",
      "by:",
      "event:",
      "section:",
      "code:",
      "year:",
      "date:",
      "title:title:",
      "title:(",
      "title:)",
      "speaker:\"unbalanced",
      "code:\"",
      "unknownfield:gevent",
      ":",
      "::",
      "title: AND speaker:",
      "year:abcd",
      "year:99999999999",
      "code:.extra()",
      "code:__",
      "section:\"\"",
      // Ranges.
      "..",
      "2011..",
      "..2011",
      "date:..",
      "date:2011..",
      "date:..2011-12",
      "year:..",
      "2011..2010",
      "99999999999999999999..",
      "date:2011-13-45..2011-99-99",
      "date:0000-00-00..9999-99-99",
      "....",
      "a..b",
      "date:..date:..",
      // Control characters, invalid UTF-8 and odd Unicode.
      "\x01\x02\x03",
      "gevent\x1b[31mred",
      "\x7f",
      "tab\there",
      "cr\rhere",
      "\f\v",
      std::string("nul\0inside", 10),
      "\xff\xfe",
      "\xc3",
      "caf\xe9",
      "\xc0\xaf",
      "\xed\xa0\x80",
      "\xef\xbb\xbfgevent",
      "\xf4\x90\x80\x80",
      "e\xcc\x81\xcc\x81\xcc\x81",
      "\xf0\x9f\x94\x8d",
      "\xe2\x80\x8b",
      "\\",
      "'",
      "%s%n%x",
      "&lt;mark&gt;",
      "<mark>gevent</mark>",
      "<script>alert(1)</script>",
      // Empty and blank.
      "",
      " ",
      "   \t  ",
  };
  q.push_back(Repeat("a", 20000));                                // 20,000 characters
  q.push_back(Repeat("gevent ", 2857));                           // 20,000 in words
  q.push_back(Repeat("(", 5000));                                 // nested 5000 deep, unbalanced
  q.push_back(Repeat("(", 5000) + "gevent" + Repeat(")", 5000));  // nested 5000 deep
  q.push_back(Repeat("(", 450) + "gevent" + Repeat(")", 450));    // deep, within the limit
  q.push_back(Repeat("(", 999));                                  // at the limit
  q.push_back(Repeat("\"", 999));
  q.push_back(Repeat("NOT ", 249));
  q.push_back(Repeat("a* ", 333));
  q.push_back(Repeat("x", 999));  // one word longer than a Xapian term may be
  q.push_back(Repeat("\xff", 999));
  q.push_back(Repeat("title:", 166));
  q.push_back(Repeat("a NEAR ", 142) + "a");
  return q;
}

std::string Printable(const std::string& query) {
  std::string out;
  for (unsigned char c : query.substr(0, 60)) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return query.size() > 60 ? out + "... (" + std::to_string(query.size()) + " bytes)" : out;
}

// A snippet is escaped text with <mark> and </mark> added, nothing else.
void ExpectEscapedSnippet(std::string snippet) {
  for (std::string_view mark : {"<mark>", "</mark>"}) {
    for (std::size_t at; (at = snippet.find(mark)) != std::string::npos;)
      snippet.erase(at, mark.size());
  }
  EXPECT_EQ(snippet.find_first_of("<>"), std::string::npos) << snippet;
}

class BadQueriesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    fs::path notes = dir_->path() / "notes";
    fs::create_directories(notes);
    fs::copy(testing::TestData() / "search", notes / "talks", fs::copy_options::recursive);
    fs::copy(testing::TestData() / "notes", notes / "more", fs::copy_options::recursive);
    fs::copy(testing::TestData() / "index", notes / "index", fs::copy_options::recursive);
    IndexOptions options;
    options.db = db();
    options.roots = {notes};
    options.threads = 2;
    Sync(options);
  }
  static void TearDownTestSuite() { delete dir_; }
  static fs::path db() { return dir_->path() / "db"; }

  static testing::TempDir* dir_;
};

testing::TempDir* BadQueriesTest::dir_ = nullptr;

TEST_F(BadQueriesTest, SearcherAnswersEachWithResultsOrAClearError) {
  SearchOptions options;
  options.databases = {db().string()};
  Searcher searcher(options);
  int answered = 0, refused = 0;
  for (const std::string& query : HostileQueries()) {
    SCOPED_TRACE(Printable(query));
    SearchRequest request;
    request.query = query;
    try {
      SearchResponse response = searcher.Search(request);
      EXPECT_EQ(response.query, query);
      EXPECT_LE(response.hits.size(), 10u);
      EXPECT_NO_THROW(nlohmann::json::parse(ToJson(response)));
      for (const Hit& hit : response.hits) ExpectEscapedSnippet(hit.snippet);
      ++answered;
    } catch (const InvalidArgument& e) {
      EXPECT_GT(std::string(e.what()).size(), 10u) << "an error says what was wrong";
      ++refused;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a clear error: " << e.what();
    } catch (...) {
      ADD_FAILURE() << "not a clear error: an exception of another kind";
    }
  }
  std::cout << answered << " answered, " << refused << " refused as bad requests\n";
  // The engine still answers a good query afterwards.
  SearchRequest good;
  good.query = "gevent";
  EXPECT_FALSE(searcher.Search(good).hits.empty());
}

TEST_F(BadQueriesTest, SearchBatchAnswersEachWithOneJsonLine) {
  std::vector<std::string> queries = HostileQueries();
  queries.push_back("gevent");
  std::string input;
  for (const std::string& query : queries) input += query + "\n";
  fs::path in = dir_->path() / "queries.txt";
  testing::WriteFile(in, input);
  const std::string search = std::string(TALKSEARCH_BINARY_DIR) + "/searchd/search";
  testing::CommandOutput out =
      testing::RunCommand("timeout -k 5 120 " + search + " --db " + db().string() +
                          " --batch - < " + in.string() + " 2>&1");
  ASSERT_EQ(out.status, 0) << "(124 << 8: timed out)\n" << out.text.substr(0, 2000);
  std::istringstream lines(out.text);
  std::size_t i = 0;
  for (std::string line; std::getline(lines, line); ++i) {
    ASSERT_LT(i, queries.size()) << "more lines than queries: " << line;
    SCOPED_TRACE(Printable(queries[i]));
    nlohmann::json answer = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(answer.is_object()) << line;
    if (answer.contains("error")) {
      EXPECT_TRUE(answer["error"].is_string());
      EXPECT_GT(answer["error"].get<std::string>().size(), 10u);
    } else {
      EXPECT_TRUE(answer["hits"].is_array()) << line;
    }
  }
  EXPECT_EQ(i, queries.size()) << "one line per query";
  nlohmann::json last =
      nlohmann::json::parse(out.text.substr(out.text.rfind('\n', out.text.size() - 2) + 1));
  EXPECT_FALSE(last["hits"].empty()) << "the good query after them is answered";
}

// Every byte as %XX: what a client sends for any query.
std::string PercentEncoded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%%%02X", c);
    out += hex;
  }
  return out;
}

TEST_F(BadQueriesTest, GetSearchAnswersEachWithJsonAndNoServerError) {
  ServerOptions options;
  options.db = {db().string()};
  options.port = 0;
  options.threads = 2;
  std::mutex log_mutex;
  std::string log;
  options.log = [&](const std::string& line) {
    std::lock_guard lock(log_mutex);
    log += line + "\n";
  };
  Server server(options);
  server.Start();
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(std::chrono::seconds(30));
  std::map<int, int> statuses;
  for (const std::string& query : HostileQueries()) {
    SCOPED_TRACE(Printable(query));
    httplib::Result res = client.Get("/search?q=" + PercentEncoded(query));
    ASSERT_TRUE(res) << "no answer: " << httplib::to_string(res.error());
    ++statuses[res->status];
    EXPECT_TRUE(res->status == 200 || (res->status >= 400 && res->status < 500)) << res->status;
    nlohmann::json body = nlohmann::json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << res->body.substr(0, 200);
    if (res->status == 200) {
      EXPECT_TRUE(body["hits"].is_array());
    } else {
      EXPECT_GT(body.value("error", "").size(), 10u) << res->body;
    }
  }
  httplib::Result good = client.Get("/search?q=gevent");
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);
  server.Stop();
  for (const auto& [status, count] : statuses) std::cout << status << ": " << count << " queries\n";
  std::lock_guard lock(log_mutex);
  EXPECT_EQ(log.find("error:"), std::string::npos) << "the server logged a bug:\n" << log;
}

}  // namespace
}  // namespace talksearch
