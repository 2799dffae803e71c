// End to end: the real `searchd` program over a temporary index, as a user
// (or systemd) runs it: flags, environment, config file, the "serving" line,
// answers, bad settings, and a clean exit on SIGTERM and SIGINT.
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "server_test_util.h"
#include "subprocess.h"

namespace talksearch {
namespace {

using namespace std::chrono_literals;
using testing::Subprocess;

std::string Searchd() { return std::string(TALKSEARCH_BINARY_DIR) + "/searchd/searchd"; }

Subprocess::Options WithEnv(std::vector<std::string> env, bool merge_stderr) {
  Subprocess::Options options;
  options.env = std::move(env);
  options.merge_stderr = merge_stderr;
  return options;
}

class SearchdE2eTest : public ::testing::Test {
 protected:
  std::string db() const { return sample_.db().string(); }
  std::filesystem::path dir() const { return sample_.dir(); }

  // Starts searchd with `args` and returns its port, read from the line it
  // prints once it listens (0 when it printed none).
  int Start(std::unique_ptr<Subprocess>& process, std::vector<std::string> args,
            Subprocess::Options options = {}) {
    args.insert(args.begin(), Searchd());
    process = std::make_unique<Subprocess>(args, options);
    std::optional<std::string> line = process->ReadLine(10s);
    std::smatch m;
    static const std::regex kServing(R"(talksearch serving http://127\.0\.0\.1:(\d+))");
    if (!line || !std::regex_match(*line, m, kServing)) {
      ADD_FAILURE() << "no serving line, got: " << line.value_or("(nothing)");
      return 0;
    }
    return std::stoi(m[1]);
  }

  // Runs searchd expecting it to refuse to start; what it printed.
  std::string Refused(std::vector<std::string> args, std::vector<std::string> env = {}) {
    args.insert(args.begin(), Searchd());
    Subprocess process(args, WithEnv(env, true));
    std::string text = process.ReadAll(10s);
    std::optional<int> status = process.Wait(10s);
    EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) != 0) << text;
    EXPECT_EQ(text.find("talksearch serving"), std::string::npos) << text;
    return text;
  }

 private:
  testing::SampleIndex sample_;
};

TEST_F(SearchdE2eTest, ServesSearchesAndStopsCleanlyOnSigterm) {
  std::unique_ptr<Subprocess> searchd;
  int port = Start(searchd, {"--db", db(), "--port", "0", "--quiet"});
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  auto res = client.Get("/search?q=metaclass");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  auto body = nlohmann::json::parse(res->body);
  ASSERT_FALSE(body["hits"].empty());
  EXPECT_EQ(body["hits"][0]["talk"], "Metaclasses: Look behind the curtain");
  for (const char* target : {"/", "/health", "/stats", "/metrics", "/suggest?q=meta"}) {
    auto r = client.Get(target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 200) << target;
  }
  searchd->Signal(SIGTERM);
  std::optional<int> status = searchd->Wait(10s);
  ASSERT_TRUE(status) << "searchd did not stop on SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
}

TEST_F(SearchdE2eTest, StopsCleanlyOnSigintAndLogsRequests) {
  std::unique_ptr<Subprocess> searchd;
  int port = Start(searchd, {"--db", db(), "--port", "0"}, WithEnv({}, true));
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  ASSERT_TRUE(client.Get("/health"));
  std::optional<std::string> line = searchd->ReadLine(5s);
  EXPECT_TRUE(line && line->rfind("GET /health 200 ", 0) == 0) << line.value_or("(nothing)");
  searchd->Signal(SIGINT);
  std::optional<int> status = searchd->Wait(10s);
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
}

TEST_F(SearchdE2eTest, TakesSettingsFromTheEnvironmentAndAConfigFile) {
  testing::WriteFile(dir() / "searchd.toml", "port = 0\nquiet = true\n");
  std::unique_ptr<Subprocess> searchd;
  int port =
      Start(searchd, {"--config", (dir() / "searchd.toml").string()},
            WithEnv({"TALKSEARCH_DB=" + db(), "TALKSEARCH_CORS_ORIGIN=https://x.example"}, false));
  ASSERT_GT(port, 0);
  auto res = httplib::Client("127.0.0.1", port).Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "https://x.example");
}

TEST_F(SearchdE2eTest, BadSettingsExitNonZeroNamingTheSetting) {
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string names;
  };
  testing::WriteFile(dir() / "bad.toml", "port = 70000\n");
  const Case cases[] = {
      {{"--db", db(), "--port", "99999"}, {}, "--port"},
      {{"--db", db(), "--port", "http"}, {}, "--port"},
      {{"--db", db(), "--threads", "0"}, {}, "--threads"},
      {{"--db", db(), "--threads", "many"}, {}, "--threads"},
      {{"--db", db()}, {"TALKSEARCH_PORT=-5"}, "--port"},
      {{"--db", db(), "--config", (dir() / "bad.toml").string()}, {}, "--port"},
      {{"--db", db(), "--config", (dir() / "missing.toml").string()}, {}, "missing.toml"},
      {{"--db", db(), "--listen", "nowhere.example"}, {}, "--listen"},
      {{"--db", db(), "--cors-origin", "not an origin"}, {}, "--cors-origin"},
      {{"--db", (dir() / "no-index").string(), "--port", "0"}, {}, "--db"},
  };
  for (const Case& c : cases) {
    std::string text = Refused(c.args, c.env);
    EXPECT_NE(text.find(c.names), std::string::npos) << c.names << ": " << text;
  }
}

}  // namespace
}  // namespace talksearch
