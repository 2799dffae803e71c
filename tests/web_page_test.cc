// The web page in headless Chromium (Debian's `chromium`), against the
// server running in-process over the sample index: the page loaded with a
// query in its address, and a user typing, clicking a facet and going Back.
// The browser is driven over --remote-debugging-pipe (the DevTools protocol
// as NUL-separated JSON on fds 3 and 4), so nothing beyond chromium is needed.
// Skipped, saying so, when /usr/bin/chromium is missing.
#include <nlohmann/json.hpp>

#include "server.h"
#include "server_test_util.h"
#include "subprocess.h"

namespace talksearch {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::Subprocess;

constexpr char kChromium[] = "/usr/bin/chromium";

#define REQUIRE_CHROMIUM()                                                 \
  do {                                                                     \
    if (!std::filesystem::exists(kChromium))                               \
      GTEST_SKIP() << kChromium                                            \
                   << " is missing: install Debian's chromium package to " \
                      "test the web page in a browser";                    \
  } while (0)

std::vector<std::string> ChromiumFlags(const std::filesystem::path& profile) {
  return {kChromium,
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-extensions",
          "--log-level=3",
          "--user-data-dir=" + profile.string()};
}

// A page in headless Chromium, driven by DevTools protocol calls.
class Browser {
 public:
  explicit Browser(const std::filesystem::path& profile) : process_(Flags(profile), Options()) {}
  ~Browser() {
    Call("Browser.close", json::object(), "", true);
    process_.Wait(5s);
  }
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  // Opens `url` in a new tab and attaches to it.
  void Open(const std::string& url) {
    json target = Call("Target.createTarget", {{"url", url}});
    json attached =
        Call("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}});
    session_ = attached["sessionId"];
  }

  // The value of a JavaScript expression in the page (promises awaited).
  // With `quiet`, an error (as while a page is replaced) gives null.
  json Eval(const std::string& expression, bool quiet = false) {
    json r = Call("Runtime.evaluate",
                  {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}},
                  session_, quiet);
    if (r.contains("exceptionDetails") && !quiet) ADD_FAILURE() << expression << ": " << r.dump();
    return r.contains("result") ? r["result"].value("value", json()) : json();
  }

  // Polls `expression` until it is true; false after `timeout`.
  bool WaitFor(const std::string& expression, std::chrono::milliseconds timeout = 10s) {
    return testing::Eventually([&] { return Eval(expression, true) == json(true); }, timeout);
  }

  void Navigate(const std::string& url) { Call("Page.navigate", {{"url", url}}, session_); }

  // Types as a keyboard would: input events on the focused element.
  void Type(const std::string& text) { Call("Input.insertText", {{"text", text}}, session_); }

  // A real mouse click at the middle of the first element matching `selector`.
  void Click(const std::string& selector) {
    json box =
        Eval("(() => { const r = document.querySelector(" + json(selector).dump() +
             ").getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()");
    for (const char* type : {"mousePressed", "mouseReleased"}) {
      Call("Input.dispatchMouseEvent",
           {{"type", type}, {"x", box[0]}, {"y", box[1]}, {"button", "left"}, {"clickCount", 1}},
           session_);
    }
  }

  void SetWidth(int width) {
    Call("Emulation.setDeviceMetricsOverride",
         {{"width", width}, {"height", 800}, {"deviceScaleFactor", 1}, {"mobile", true}}, session_);
  }

  // Sends one command and returns its result, skipping events.
  json Call(const std::string& method, const json& params, const std::string& session = "",
            bool quiet = false) {
    json message{{"id", ++last_id_}, {"method", method}, {"params", params}};
    if (!session.empty()) message["sessionId"] = session;
    std::string text = message.dump() + '\0';
    if (::write(process_.command_fd(), text.data(), text.size()) !=
        static_cast<ssize_t>(text.size())) {
      ADD_FAILURE() << "cannot write to chromium";
      return json();
    }
    auto deadline = std::chrono::steady_clock::now() + 15s;
    for (;;) {
      std::size_t end = buffer_.find('\0');
      if (end != std::string::npos) {
        json reply = json::parse(buffer_.substr(0, end), nullptr, false);
        buffer_.erase(0, end + 1);
        if (reply.is_object() && reply.value("id", 0) == last_id_) {
          if (reply.contains("error") && !quiet) {
            ADD_FAILURE() << method << ": " << reply["error"].dump();
          }
          return reply.value("result", json::object());
        }
      } else if (!Subprocess::ReadSome(process_.event_fd(), &buffer_, deadline)) {
        ADD_FAILURE() << "chromium did not answer " << method;
        return json::object();
      }
    }
  }

 private:
  static std::vector<std::string> Flags(const std::filesystem::path& profile) {
    std::vector<std::string> flags = ChromiumFlags(profile);
    flags.push_back("--remote-debugging-pipe");
    flags.push_back("about:blank");
    return flags;
  }
  static Subprocess::Options Options() {
    Subprocess::Options options;
    options.debugging_pipe = true;
    options.discard_output = true;  // chromium's own chatter (D-Bus, GPU)
    return options;
  }

  Subprocess process_;
  std::string buffer_;
  std::string session_;
  int last_id_ = 0;
};

class WebPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.db = {sample_.db().string()};
    options.port = 0;
    options.quiet = true;
    server_ = std::make_unique<Server>(options);
    server_->Start();
  }
  void TearDown() override { server_->Stop(); }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  std::filesystem::path profile() const { return sample_.dir() / "chromium"; }

 private:
  testing::SampleIndex sample_;
  std::unique_ptr<Server> server_;
};

TEST_F(WebPageTest, PageLoadedWithAQueryShowsHighlightedHits) {
  REQUIRE_CHROMIUM();
  std::vector<std::string> args = ChromiumFlags(profile());
  for (const char* flag : {"--virtual-time-budget=3000", "--dump-dom"}) args.push_back(flag);
  args.push_back(Url("/?q=metaclass"));
  Subprocess::Options options;
  Subprocess chromium(args, options);
  std::string dom = chromium.ReadAll(60s);
  chromium.Wait(10s);
  EXPECT_NE(dom.find("Metaclasses: Look behind the curtain"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<mark>Metaclass</mark>"), std::string::npos) << dom;
  EXPECT_NE(dom.find(testing::kSeedEvent), std::string::npos);
}

// Without --base-url a hit links to the talk's notes on the page itself,
// which shows every section and marks and scrolls to the one that matched;
// Back returns to the results.
TEST_F(WebPageTest, AHitLinksToTheTalksNotesAtTheSectionThatMatched) {
  REQUIRE_CHROMIUM();
  Browser browser(profile());
  browser.Open(Url("/?q=metaclass+type"));
  ASSERT_TRUE(browser.WaitFor("document.querySelectorAll('#results .hit h2 a').length > 0"));
  std::string href = browser.Eval("document.querySelector('#results .hit h2 a').href");
  EXPECT_NE(href.find("?talk=socalpiggies%2F2011-06-06-dreamhost.rst%231&q=metaclass+type#"),
            std::string::npos)
      << href;
  browser.Click("#results .hit h2 a");
  ASSERT_TRUE(browser.WaitFor("document.querySelectorAll('.talk section').length === 7"))
      << browser.Eval("document.body.innerText").dump();
  EXPECT_EQ(browser.Eval("document.querySelector('.talk h2').textContent"),
            "Metaclasses: Look behind the curtain");
  // The section the hit's anchor names is marked and has the focus.
  std::string anchor = href.substr(href.find('#') + 1);
  EXPECT_EQ(browser.Eval("document.querySelector('.talk section.target').dataset.anchor"), anchor);
  EXPECT_EQ(browser.Eval("document.activeElement.dataset.anchor"), anchor);
  EXPECT_EQ(browser.Eval("document.querySelectorAll('.talk section.target').length"), 1);
  browser.Eval("history.back()");
  EXPECT_TRUE(browser.WaitFor("location.search === '?q=metaclass+type' && "
                              "document.querySelectorAll('#results .hit').length > 0"));
  // An unknown talk says so.
  browser.Navigate(Url("/?talk=nope%230"));
  EXPECT_TRUE(browser.WaitFor(
      "(document.querySelector('#status .error') || {}).textContent === \"no talk has the id "
      "'nope#0'\""))
      << browser.Eval("document.getElementById('status').textContent").dump();
}

TEST_F(WebPageTest, TypingSearchesAndAFacetFiltersAndBackUndoes) {
  REQUIRE_CHROMIUM();
  Browser browser(profile());
  browser.Open(Url("/"));
  ASSERT_TRUE(
      browser.WaitFor("document.readyState === 'complete' && !!document.getElementById('q')"));
  browser.Eval("document.getElementById('q').focus()");
  browser.Type("metaclass gevent celery");
  ASSERT_TRUE(browser.WaitFor("document.querySelectorAll('#results .hit').length === 3"))
      << browser.Eval("document.body.innerText").dump();
  EXPECT_TRUE(browser.WaitFor("document.querySelectorAll('#results mark').length > 0"));
  EXPECT_EQ(browser.Eval("location.search"), "?q=metaclass+gevent+celery");
  EXPECT_TRUE(browser.WaitFor("document.getElementById('suggestions').options.length > 0"));

  browser.Click("button.facet[data-facet=event]");  // the biggest event: the seed meetup
  ASSERT_TRUE(browser.WaitFor("document.querySelectorAll('#results .hit').length === 2"));
  EXPECT_EQ(browser.Eval("location.search"),
            "?q=metaclass+gevent+celery&event=Socal+Python+meetup+at+Dreamhost");
  EXPECT_EQ(browser.Eval("document.querySelector('button.facet[data-facet=event]')"
                         ".getAttribute('aria-pressed')"),
            "true");

  browser.Eval("history.back()");
  EXPECT_TRUE(
      browser.WaitFor("location.search === '?q=metaclass+gevent+celery' && "
                      "document.querySelectorAll('#results .hit').length === 3"));
}

TEST_F(WebPageTest, FitsAPhoneAndEscapesHostileNotes) {
  REQUIRE_CHROMIUM();
  Browser browser(profile());
  browser.Open("about:blank");
  browser.SetWidth(375);
  browser.Navigate(Url("/?q=alert+script"));
  ASSERT_TRUE(browser.WaitFor("!!document.querySelector('#results .snippet')"));
  EXPECT_EQ(browser.Eval("document.querySelectorAll('#results script, #results img').length"), 0);
  EXPECT_NE(browser.Eval("document.querySelector('#results .snippet').textContent")
                .get<std::string>()
                .find("<script>"),
            std::string::npos);
  EXPECT_EQ(browser.Eval("document.documentElement.scrollWidth <= 375"), true);
}

}  // namespace
}  // namespace talksearch
