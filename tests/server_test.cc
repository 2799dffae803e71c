// The HTTP server in-process on a free port over a small index: every
// endpoint, every bad request, escaping, CORS, metrics, logging, timeouts
// and a live index that changes while it is queried.
#include "server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

#include "server_test_util.h"
#include "shard_test_util.h"
#include "talksearch/errors.h"

namespace talksearch {
namespace {

using nlohmann::json;
using testing::Eventually;

// A server on port 0 over a fresh copy of the sample index; with
// `remote_shards`, over that many shards of it, each served by xapian-tcpsrv.
class RunningServer {
 public:
  explicit RunningServer(ServerOptions options = {}, unsigned remote_shards = 0) {
    options.db = {sample_.db().string()};
    if (remote_shards > 0) {
      options.db.clear();
      for (const std::string& shard :
           testing::BuildShards(sample_.notes(), sample_.dir() / "shards", remote_shards)) {
        shards_.push_back(std::make_unique<testing::TcpServer>(shard));
        if (!shards_.back()->ok()) throw std::runtime_error(shards_.back()->error());
        options.db.push_back(shards_.back()->address());
      }
    }
    options.port = 0;
    options.threads = 4;
    options.log = [this](const std::string& line) {
      std::lock_guard lock(log_mutex_);
      log_ += line + "\n";
    };
    server_ = std::make_unique<Server>(options);
    server_->Start();
  }
  ~RunningServer() { server_->Stop(); }

  const testing::SampleIndex& sample() const { return sample_; }
  testing::TcpServer& shard(std::size_t i) { return *shards_.at(i); }
  Server& server() { return *server_; }
  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(std::chrono::seconds(5));
    return client;
  }
  // The log so far (a request is logged just after its answer is sent).
  std::string Log() const {
    std::lock_guard lock(log_mutex_);
    return log_;
  }

 private:
  testing::SampleIndex sample_;
  std::vector<std::unique_ptr<testing::TcpServer>> shards_;
  mutable std::mutex log_mutex_;
  std::string log_;
  std::unique_ptr<Server> server_;
};

struct Case {
  std::string target;
  int status;
  std::vector<std::string> keys;  // in the JSON body
};

std::string Repeat(char c, std::size_t n) { return std::string(n, c); }

const std::string kMetaTalk = "socalpiggies/2011-06-06-dreamhost.rst%231";

std::vector<Case> Cases() {
  const std::vector<std::string> error = {"error"};
  return {
      {"/search?q=metaclass", 200, {"query", "corrected", "total", "hits", "facets"}},
      {"/search?q=", 200, {"hits"}},
      {"/search?q=metaclass&page=2&limit=1&sort=newest", 200, {"hits"}},
      {"/search?q=class&event=Socal%20Python%20meetup%20at%20Dreamhost&event=talks&year=2011",
       200,
       {"hits"}},
      {"/search?q=celery&speaker=Ask%20Example&from=2012&to=2012-12-31", 200, {"hits"}},
      {"/search?q=%22unbalanced", 200, {"hits"}},
      {"/search?q=a%00b", 200, {"hits"}},
      {"/search?q=metaclas", 200, {"corrected"}},
      {"/search", 400, error},
      {"/search?q=" + Repeat('a', 1001), 400, error},
      {"/search?q=" + Repeat('a', 20000), 414, error},
      {"/search?q=a&limit=101", 400, error},
      {"/search?q=a&limit=0", 400, error},
      {"/search?q=a&limit=ten", 400, error},
      {"/search?q=a&limit=", 400, error},
      {"/search?q=a&page=-1", 400, error},
      {"/search?q=a&page=0", 400, error},
      {"/search?q=a&page=two", 400, error},
      {"/search?q=a&page=99999999999999999999", 400, error},
      {"/search?q=a&page=101&limit=100", 400, error},
      {"/search?q=a&sort=sideways", 400, error},
      {"/search?q=a&from=yesterday", 400, error},
      {"/search?q=%FF", 400, error},
      {"/search?q=a&event=%C3%28", 400, error},
      {"/search?q=a&%ED%A0%80=1", 400, error},
      {"/suggest?q=meta", 200, {"query", "suggestions"}},
      {"/suggest", 400, error},
      {"/suggest?q=a&limit=51", 400, error},
      {"/similar?id=" + kMetaTalk, 200, {"hits"}},
      {"/similar?id=nope", 404, error},
      {"/similar?id=nope%230", 404, error},
      {"/similar?id=socalpiggies/2011-06-06-dreamhost.rst%23x", 404, error},
      {"/talk?id=socalpiggies/2011-06-06-dreamhost.rst%23", 404, error},
      {"/similar?id=" + kMetaTalk + "&limit=1000", 400, error},
      {"/similar", 400, error},
      {"/talk?id=" + kMetaTalk, 200, {"id", "talk", "speakers", "sections"}},
      {"/talk?id=socalpiggies/2011-06-06-dreamhost.rst%2399", 404, error},
      {"/talk?id=" + Repeat('x', 1001), 400, error},
      {"/health", 200, {"status", "revision", "talks"}},
      {"/stats", 200, {"talks", "events", "years", "speakers"}},
      {"/nope", 404, error},
      {"/%FF", 400, error},
      {"/search/", 404, error},
  };
}

void ExpectEachCaseAnswered(RunningServer& s) {
  httplib::Client client = s.Client();
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.target.substr(0, 80));
    httplib::Result res = client.Get(c.target.c_str());
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, c.status) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    json body = json::parse(res->body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << res->body;
    for (const std::string& key : c.keys)
      EXPECT_TRUE(body.contains(key)) << key << ": " << res->body;
    if (c.status >= 400) {
      EXPECT_FALSE(body["error"].get<std::string>().empty());
    }
  }
}

TEST(ServerTest, AnswersEachRequestWithItsStatusAndJsonKeys) {
  RunningServer s;
  ExpectEachCaseAnswered(s);
}

void ExpectTheMetaclassTalkFound(RunningServer& s) {
  auto res = s.Client().Get("/search?q=metaclass");
  ASSERT_TRUE(res);
  json body = json::parse(res->body);
  ASSERT_GE(body["hits"].size(), 1u);
  EXPECT_EQ(body["hits"][0]["talk"], "Metaclasses: Look behind the curtain");
  EXPECT_NE(body["hits"][0]["snippet"].get<std::string>().find("<mark>"), std::string::npos);
  EXPECT_EQ(body["facets"]["event"][0]["value"], testing::kSeedEvent);
  EXPECT_EQ(body["partial"], false);
}

TEST(ServerTest, SearchFindsTheTalkWithSnippetAndFacets) {
  RunningServer s;
  ExpectTheMetaclassTalkFound(s);
}

void ExpectRepeatedFilterMeansOr(RunningServer& s) {
  auto one = json::parse(s.Client().Get("/search?q=&event=talks")->body);
  auto both =
      json::parse(s.Client()
                      .Get("/search?q=&event=talks&event=Socal%20Python%20meetup%20at%20Dreamhost")
                      ->body);
  EXPECT_EQ(one["total"], 3);
  EXPECT_EQ(both["total"], testing::kSampleTalks);
}

TEST(ServerTest, RepeatedFilterMeansOr) {
  RunningServer s;
  ExpectRepeatedFilterMeansOr(s);
}

// The same endpoints over three shards of the sample, each served by
// xapian-tcpsrv on loopback.
TEST(ServerTest, OverRemoteShardsAnswersEachRequestAsOverOneIndex) {
  RunningServer s({}, 3);
  ExpectEachCaseAnswered(s);
  ExpectTheMetaclassTalkFound(s);
  ExpectRepeatedFilterMeansOr(s);
  json health = json::parse(s.Client().Get("/health")->body);
  EXPECT_EQ(health["status"], "ok");
  EXPECT_EQ(health["talks"], testing::kSampleTalks);
  ASSERT_EQ(health["shards"].size(), 3u);
  for (const json& shard : health["shards"]) EXPECT_EQ(shard["state"], "up") << shard;
  json search = json::parse(s.Client().Get("/search?q=metaclass")->body);
  EXPECT_EQ(search["degraded"], json({"facets", "snippets", "spelling"}));
}

// A shard killed under a running server: answers come from the others,
// marked partial and naming it, /health says which is down, and once it
// serves again it is searched again. Never a 5xx.
TEST(ServerTest, OverRemoteShardsAKilledShardGivesPartialAnswers) {
  ServerOptions options;
  options.shard_timeout_ms = 2000;
  options.shard_retry_ms = 50;
  RunningServer s(options, 2);
  json before = json::parse(s.Client().Get("/search?q=&limit=10")->body);
  ASSERT_EQ(before["total"], testing::kSampleTalks);
  const std::string down = s.shard(1).address();
  s.shard(1).Kill();
  json after = json::parse(s.Client().Get("/search?q=&limit=10")->body);
  EXPECT_EQ(after["partial"], true);
  EXPECT_EQ(after["shards_failed"], json({down}));
  EXPECT_LT(after["total"].get<int>(), testing::kSampleTalks);
  EXPECT_EQ(after["hits"].size(), after["total"].get<std::size_t>());
  json health = json::parse(s.Client().Get("/health")->body);
  EXPECT_EQ(health["status"], "partial");
  EXPECT_EQ(health["shards"][1]["db"], down);
  EXPECT_EQ(health["shards"][1]["state"], "down");
  EXPECT_FALSE(health["shards"][1]["error"].get<std::string>().empty());
  EXPECT_EQ(health["shards"][0]["state"], "up");
  for (const char* target : {"/stats", "/suggest?q=me", "/metrics", "/similar?id="}) {
    auto res = s.Client().Get(target);
    ASSERT_TRUE(res);
    EXPECT_LT(res->status, 500) << target << ": " << res->body;
  }
  s.shard(1).Restart();
  ASSERT_TRUE(s.shard(1).ok()) << s.shard(1).error();
  EXPECT_TRUE(Eventually([&] {
    json again = json::parse(s.Client().Get("/search?q=&limit=10")->body);
    return again["partial"] == false && again["total"] == testing::kSampleTalks;
  })) << "the restarted shard is searched again";
}

TEST(ServerTest, ScriptInANoteReachesNoSnippetUnescaped) {
  RunningServer s;
  auto res = s.Client().Get("/search?q=alert");
  ASSERT_TRUE(res);
  json body = json::parse(res->body);
  ASSERT_EQ(body["hits"].size(), 1u);
  std::string snippet = body["hits"][0]["snippet"];
  EXPECT_EQ(snippet.find("<script"), std::string::npos) << snippet;
  EXPECT_NE(snippet.find("&lt;script&gt;"), std::string::npos) << snippet;
}

TEST(ServerTest, OtherMethodsGet405AndNeverA500) {
  RunningServer s;
  auto res = s.Client().Post("/search?q=a", "x", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_TRUE(json::parse(res->body).contains("error"));
}

TEST(ServerTest, ArbitraryBytesInParametersNeverGiveA500) {
  RunningServer s;
  httplib::Client client = s.Client();
  std::mt19937 random(7);
  for (int i = 0; i < 300; ++i) {
    std::string target = "/search?q=";
    for (int k = 0, n = static_cast<int>(random() % 12); k < n; ++k) {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned>(random() % 256));
      target += random() % 3 == 0 ? std::string(1, "*\"()-+:"[random() % 7]) : std::string(hex);
    }
    target += i % 2 ? "&page=" + std::to_string(random() % 200) : "&sort=oldest";
    auto res = client.Get(target.c_str());
    ASSERT_TRUE(res) << target;
    EXPECT_LT(res->status, 500) << target << " " << res->body;
  }
}

TEST(ServerTest, HealthReportsRevisionAndTalks) {
  RunningServer s;
  json body = json::parse(s.Client().Get("/health")->body);
  EXPECT_EQ(body["talks"], testing::kSampleTalks);
  EXPECT_GE(body["revision"], 1);
}

// A request is counted once its answer is sent, so the counts are polled.
TEST(ServerTest, MetricsAreInPrometheusText) {
  RunningServer s;
  httplib::Client client = s.Client();
  client.Get("/search?q=metaclass");
  client.Get("/nope");
  const std::string search_ok =
      "talksearch_http_requests_total{endpoint=\"/search\",code=\"200\"} 1\n";
  const std::string other_404 =
      "talksearch_http_requests_total{endpoint=\"other\",code=\"404\"} 1\n";
  std::string text, type;
  EXPECT_TRUE(Eventually([&] {
    auto res = client.Get("/metrics");
    if (!res || res->status != 200) return false;
    text = res->body;
    type = res->get_header_value("Content-Type");
    return text.find(search_ok) != std::string::npos && text.find(other_404) != std::string::npos;
  })) << text;
  EXPECT_EQ(type.rfind("text/plain", 0), 0u) << type;
  EXPECT_NE(text.find("talksearch_http_request_duration_seconds_bucket{endpoint=\"/search\","
                      "le=\"+Inf\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE talksearch_http_request_duration_seconds histogram"),
            std::string::npos);
  EXPECT_NE(text.find("talksearch_index_revision "), std::string::npos);
}

TEST(ServerTest, CorsHeadersOnlyWhenAnOriginIsSet) {
  RunningServer plain;
  auto res = plain.Client().Get("/health");
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
  ServerOptions options;
  options.cors_origin = "https://talks.example.org";
  RunningServer cors(options);
  res = cors.Client().Get("/health");
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "https://talks.example.org");
  res = cors.Client().Options("/search");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_NE(res->get_header_value("Access-Control-Allow-Methods").find("GET"), std::string::npos);
}

TEST(ServerTest, ReindexIsOffByDefaultAndNeedsTheToken) {
  RunningServer plain;
  auto res = plain.Client().Post("/reindex", "", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);

  std::atomic<int> runs = 0;
  ServerOptions options;
  options.admin_token = "s3cret-token";
  options.reindex = [&runs] {
    ++runs;
    return std::string(R"({"added":1})");
  };
  RunningServer admin(options);
  struct Case {
    const char* authorization;
    int status;
  };
  const Case cases[] = {
      {nullptr, 401},
      {"Bearer wrong", 401},
      {"Bearer s3cret-token-and-more", 401},
      {"Bearer s3cret-toke", 401},
      {"Basic s3cret-token", 401},
      {"Bearer s3cret-token", 200},
  };
  for (const Case& c : cases) {
    httplib::Headers headers;
    if (c.authorization != nullptr) headers.emplace("Authorization", c.authorization);
    res = admin.Client().Post("/reindex", headers, "", "text/plain");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, c.status) << (c.authorization ? c.authorization : "(none)");
    EXPECT_TRUE(json::parse(res->body).is_object());
  }
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(admin.Client().Get("/reindex")->status, 404);
}

TEST(ServerTest, PageIsServedWithANoncedContentSecurityPolicy) {
  RunningServer s;
  auto first = s.Client().Get("/");
  auto second = s.Client().Get("/");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->get_header_value("Content-Type"), "text/html; charset=utf-8");
  std::string csp = first->get_header_value("Content-Security-Policy");
  std::size_t at = csp.find("'nonce-");
  ASSERT_NE(at, std::string::npos) << csp;
  std::string nonce = csp.substr(at + 7, csp.find('\'', at + 7) - at - 7);
  EXPECT_NE(first->body.find("<script nonce=\"" + nonce + "\">"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_NE(second->get_header_value("Content-Security-Policy"), csp);
}

TEST(ServerTest, LogsOneLinePerRequestUnlessQuiet) {
  RunningServer s;
  s.Client().Get("/health");
  s.Client().Get("/search?q=%FF");
  EXPECT_TRUE(Eventually([&] { return s.Log().find("GET /search 400 ") != std::string::npos; }))
      << s.Log();
  EXPECT_TRUE(Eventually([&] { return s.Log().find("GET /health 200 ") != std::string::npos; }));
  EXPECT_NE(s.Log().find("ms\n"), std::string::npos);
  ServerOptions options;
  options.quiet = true;
  RunningServer quiet(options);
  quiet.Client().Get("/health");
  quiet.server().Stop();
  EXPECT_EQ(quiet.Log(), "");
}

TEST(ServerTest, BadSettingsAreNamed) {
  struct Bad {
    std::function<void(ServerOptions&)> change;
    std::string names;
  };
  const Bad bad[] = {
      {[](ServerOptions& o) { o.port = -1; }, "--port"},
      {[](ServerOptions& o) { o.port = 65536; }, "--port"},
      {[](ServerOptions& o) { o.threads = -2; }, "--threads"},
      {[](ServerOptions& o) { o.threads = 5000; }, "--threads"},
      {[](ServerOptions& o) { o.listen = "example.org"; }, "--listen"},
      {[](ServerOptions& o) { o.base_url = "ftp://notes"; }, "--base-url"},
      {[](ServerOptions& o) { o.cors_origin = "https://a\r\nSet-Cookie: x"; }, "--cors-origin"},
      {[](ServerOptions& o) { o.db = {}; }, "--db"},
      {[](ServerOptions& o) { o.db = {""}; }, "--db"},
      {[](ServerOptions& o) { o.shard_timeout_ms = 0; }, "--shard-timeout"},
  };
  for (const Bad& b : bad) {
    ServerOptions options;
    options.db = {"db"};
    b.change(options);
    try {
      ValidateServerOptions(options);
      ADD_FAILURE() << "accepted a bad " << b.names;
    } catch (const InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(b.names), std::string::npos) << e.what();
    }
  }
}

TEST(ServerTest, MissingIndexFailsBeforeListening) {
  testing::TempDir dir;
  ServerOptions options;
  options.db = {(dir.path() / "no-such-db").string()};
  options.port = 0;
  EXPECT_THROW(Server server(options), IndexError);
}

// A TCP connection to the server that sends only what the test writes; -1
// when it cannot connect.
int ConnectRaw(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// True when the server has closed `fd` (end of file or a reset) within
// `timeout`; anything it sends first is skipped.
bool ClosedByServer(int fd, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return true;
  }
  return false;
}

// Options whose read and keep-alive timeouts are both `timeout`.
ServerOptions WithTimeouts(std::chrono::seconds timeout) {
  ServerOptions options;
  options.limits.read_timeout = timeout;
  options.limits.keep_alive_timeout = timeout;
  return options;
}

TEST(ServerTest, IdleConnectionsAreClosed) {
  RunningServer s(WithTimeouts(std::chrono::seconds(1)));
  int fd = ConnectRaw(s.server().port());
  ASSERT_GE(fd, 0);
  // Sends nothing: the server hangs up long before this deadline.
  EXPECT_TRUE(ClosedByServer(fd, std::chrono::seconds(10)));
  ::close(fd);
}

// 200 connections that send nothing and 200 that trickle a request line
// never finished hold no worker: a real request is still answered, well
// before any of them is timed out. (Before, each held one of the workers
// for its whole keep-alive and read timeouts, so 4 workers served the
// request only after the 400 had been timed out a few at a time.)
TEST(ServerTest, HundredsOfIdleConnectionsDoNotStarveARequest) {
  RunningServer s(WithTimeouts(std::chrono::seconds(30)));
  std::vector<int> idle, partial;
  for (int i = 0; i < 400; ++i) {
    int fd = ConnectRaw(s.server().port());
    ASSERT_GE(fd, 0);
    if (i < 200) {
      idle.push_back(fd);
    } else {
      ASSERT_EQ(::send(fd, "GET /sea", 8, MSG_NOSIGNAL), 8);
      partial.push_back(fd);
    }
  }
  std::atomic<bool> done = false;
  std::thread trickle([&] {  // a byte more of each request line now and then
    while (!done) {
      for (int fd : partial) ::send(fd, "r", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      for (int i = 0; i < 10 && !done; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  httplib::Client client("127.0.0.1", s.server().port());
  client.set_connection_timeout(std::chrono::seconds(20));
  client.set_read_timeout(std::chrono::seconds(20));  // shorter than the server's timeouts
  auto res = client.Get("/search?q=metaclass");
  done = true;
  trickle.join();
  for (int fd : idle) ::close(fd);
  for (int fd : partial) ::close(fd);
  ASSERT_TRUE(res) << "no answer while 400 idle connections were open: "
                   << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
}

// Slowloris: a client that sends its request a byte a second, each byte
// well within the read timeout, is cut off once the read timeout has
// passed since its first byte, and the server answers others meanwhile.
TEST(ServerTest, ASlowClientIsCutOffAfterTheReadTimeout) {
  RunningServer s(WithTimeouts(std::chrono::seconds(2)));
  int fd = ConnectRaw(s.server().port());
  ASSERT_GE(fd, 0);
  const std::string request =
      "GET /search?q=metaclass HTTP/1.1\r\nHost: x\r\n" + std::string(200, 'X') + "\r\n\r\n";
  bool closed = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (std::size_t i = 0; i < request.size() && std::chrono::steady_clock::now() < deadline; ++i) {
    if (::send(fd, &request[i], 1, MSG_NOSIGNAL) != 1 ||
        ClosedByServer(fd, std::chrono::seconds(1))) {
      closed = true;
      break;
    }
  }
  ::close(fd);
  EXPECT_TRUE(closed) << "a client sending a byte a second kept its connection for 60 s";
  auto res = s.Client().Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

// A running server follows the index: a talk committed while it serves is
// found within a second, and no request fails while the index changes.
TEST(ServerTest, ARepeatedSearchIsAnsweredFromTheCacheWithTheSameAnswer) {
  RunningServer s;
  httplib::Client client = s.Client();
  const char* target = "/search?q=metaclass&limit=2";
  json first = json::parse(client.Get(target)->body);
  json again = json::parse(client.Get(target)->body);
  EXPECT_FALSE(first["cached"]);
  EXPECT_TRUE(again["cached"]);
  // Every field the same but the time (kept as the JSON sent, with the
  // time of each request filled in).
  ASSERT_TRUE(again["took_ms"].is_number());
  EXPECT_GE(again["took_ms"].get<double>(), 0.0);
  json same = again;
  same["cached"] = false;
  same["took_ms"] = first["took_ms"];
  EXPECT_EQ(same, first);
  // A query holding the field's own text does not confuse it.
  const char* tricky = "/search?q=%22took_ms%22%3A0%2C%20metaclass";
  json tricky_first = json::parse(client.Get(tricky)->body);
  json tricky_again = json::parse(client.Get(tricky)->body);
  EXPECT_EQ(tricky_again["query"], "\"took_ms\":0, metaclass");
  EXPECT_TRUE(tricky_again["cached"]);
  EXPECT_EQ(tricky_again["hits"], tricky_first["hits"]);
  // Another page, filter or sort is another answer.
  EXPECT_FALSE(json::parse(client.Get("/search?q=metaclass&limit=2&page=2")->body)["cached"]);
  EXPECT_FALSE(json::parse(client.Get("/search?q=metaclass&limit=2&sort=newest")->body)["cached"]);
  // A commit makes what was kept unreachable: the next answer is computed
  // from the new revision.
  const testing::SampleIndex& sample = s.sample();
  sample.WriteNote("new/metaclass.rst", "More metaclass magic", "metaclass");
  ASSERT_EQ(sample.RunIndexer().status, 0);
  int before = first["total"].get<int>();
  EXPECT_TRUE(Eventually([&] {
    json now = json::parse(client.Get(target)->body);
    return now["total"].get<int>() == before + 1 && !now["cached"].get<bool>();
  }));
}

// Every worker answering an empty query at once: each must build its own
// match-everything query (a shared Xapian::Query::MatchAll's reference count
// is not atomic, and this crashed searchd in the soak).
TEST(ServerTest, ConcurrentEmptyQueriesAllAnswer) {
  ServerOptions options;
  options.cache_entries = 0;
  RunningServer s(options);
  std::atomic<int> ok = 0;
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      httplib::Client c = s.Client();
      for (int i = 0; i < 100; ++i) {
        auto res = c.Get(i % 2 == 0 ? "/search?q=" : "/stats");
        if (res && res->status == 200) ++ok;
      }
    });
  }
  for (std::thread& c : clients) c.join();
  EXPECT_EQ(ok, 400);
}

TEST(ServerTest, NoCacheWhenItIsSetToZero) {
  ServerOptions options;
  options.cache_entries = 0;
  RunningServer s(options);
  httplib::Client client = s.Client();
  client.Get("/search?q=metaclass");
  EXPECT_FALSE(json::parse(client.Get("/search?q=metaclass")->body)["cached"]);
}

TEST(ServerTest, AnswersFromTheLatestCommitWithoutRestart) {
  RunningServer s;
  auto count = [&](httplib::Client& client, const char* target) {
    auto res = client.Get(target);
    if (!res || res->status != 200) return -1;
    return json::parse(res->body)["total"].get<int>();
  };
  httplib::Client client = s.Client();
  ASSERT_EQ(count(client, "/search?q=zeppelin"), 0);

  std::atomic<bool> done = false;
  std::atomic<int> answered = 0, failed = 0;
  std::thread reader([&] {
    httplib::Client c = s.Client();
    while (!done) (count(c, "/search?q=metaclass") > 0 ? answered : failed)++;
  });
  const testing::SampleIndex& sample = s.sample();
  for (int i = 0; i < 4; ++i) {  // several commits, so old revisions go away
    sample.WriteNote("talks/churn.rst", "Churn " + std::to_string(i), "churn" + std::to_string(i));
    testing::CommandOutput out = sample.RunIndexer();
    EXPECT_EQ(out.status, 0) << out.text;  // no ASSERT: the reader must be joined
  }
  sample.WriteNote("new/zeppelin.rst", "Zeppelin airships in Python", "zeppelin");
  testing::CommandOutput out = sample.RunIndexer();
  EXPECT_EQ(out.status, 0) << out.text;
  // Polled with a deadline; how fast it shows up is measured in bench/.
  EXPECT_TRUE(Eventually([&] { return count(client, "/search?q=zeppelin") == 1; }));
  done = true;
  reader.join();
  EXPECT_GT(answered, 0);
  EXPECT_EQ(failed, 0);
}

}  // namespace
}  // namespace talksearch
