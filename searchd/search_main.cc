// search: asks a talksearch index from the shell.
// A thin main: options in, library call, output and exit code out.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "talksearch/errors.h"
#include "talksearch/paths.h"
#include "talksearch/search.h"

namespace {

using talksearch::SearchRequest;

// The snippet's HTML for a terminal: marks in bold (or *stars* when not a
// terminal), entities decoded.
std::string ForTerminal(std::string html, bool tty) {
  const std::pair<std::string, std::string> swaps[] = {
      {"<mark>", tty ? "\033[1m" : "*"}, {"</mark>", tty ? "\033[0m" : "*"},
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : swaps) {
    for (std::size_t at = 0; (at = html.find(from, at)) != std::string::npos; at += to.size()) {
      html.replace(at, from.size(), to);
    }
  }
  return html;
}

void PrintText(const talksearch::SearchResponse& r) {
  bool tty = ::isatty(STDOUT_FILENO) != 0;
  if (r.showing_corrected) {
    std::cout << "Showing results for \"" << r.corrected << "\" (no talk has every word of \""
              << r.query << "\")\n";
  }
  std::cout << r.total << (r.total == 1 ? " talk" : " talks") << "\n\n";
  for (const talksearch::Hit& h : r.hits) {
    std::cout << h.rank << ". " << h.talk;
    for (std::size_t i = 0; i < h.speakers.size(); ++i) std::cout << (i ? ", " : " — ") << h.speakers[i];
    std::cout << "\n   " << h.event << (h.date.empty() ? "" : " · " + h.date) << " · "
              << (h.url.empty() ? h.path + "#" + h.anchor : h.url) << "\n";
    if (!h.snippet.empty()) std::cout << "   " << ForTerminal(h.snippet, tty) << "\n";
    std::cout << "\n";
  }
}

// One query a line from `file` ("-": standard input), one JSON line each; a
// bad query gets {"error": ...} on its line and the others go on.
int Batch(talksearch::Searcher& searcher, SearchRequest request, const std::string& file) {
  std::ifstream in_file;
  if (file != "-") {
    in_file.open(file);
    if (!in_file) {
      std::cerr << "search: cannot read " << file << "\n";
      return 2;
    }
  }
  std::istream& in = file == "-" ? std::cin : in_file;
  for (std::string line; std::getline(in, line);) {
    request.query = line;
    try {
      std::cout << talksearch::ToJson(searcher.Search(request)) << "\n";
    } catch (const talksearch::InvalidArgument& e) {
      std::cout << nlohmann::json{{"query", line}, {"error", e.what()}}.dump(
                       -1, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
    }
  }
  std::cout.flush();
  return 0;
}

talksearch::SortOrder ParseSort(const std::string& s) {
  if (s == "newest") return talksearch::SortOrder::kNewest;
  if (s == "oldest") return talksearch::SortOrder::kOldest;
  return talksearch::SortOrder::kRelevance;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"search: find talks in a talksearch index"};
  talksearch::SearchOptions options;
  options.databases = {talksearch::DefaultDatabasePath()};
  SearchRequest request;
  std::vector<std::string> words;
  std::string sort = "relevance", similar, suggest, batch;
  bool json = false;
  app.add_option("query", words, "The query: words, \"phrases\", AND/OR/NOT, field:value");
  app.add_option("--db", options.databases,
                 "The index folder (env TALKSEARCH_DB), or tcp://HOST:PORT (xapian-tcpsrv); "
                 "repeat to search several shards as one")
      ->expected(1)  // one a time: the query's words after it are not databases
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->capture_default_str();
  app.add_option("--shard-timeout", options.shard_timeout_ms,
                 "Milliseconds a remote shard may take to connect or answer before it is left "
                 "out (partial results)")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  app.add_option("--language", options.language, "Stemming language of the index")
      ->capture_default_str();
  app.add_option("--base-url", options.base_url, "Make hit urls as BASE/<path>.html#<anchor>");
  app.add_option("--limit", request.limit, "Hits per page")
      ->check(CLI::Range(1, talksearch::kMaxLimit))->capture_default_str();
  app.add_option("--page", request.page, "Page of hits, from 1")
      ->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--sort", sort, "relevance, newest or oldest")
      ->check(CLI::IsMember({"relevance", "newest", "oldest"}))->capture_default_str();
  app.add_option("--event", request.events, "Only talks of this event (repeat for OR)");
  app.add_option("--speaker", request.speakers, "Only talks by this speaker (repeat for OR)");
  app.add_option("--year", request.years, "Only talks of this year (repeat for OR)");
  app.add_option("--from", request.from, "Only talks on or after this date (YYYY[-MM[-DD]])");
  app.add_option("--to", request.to, "Only talks on or before this date");
  app.add_option("--similar", similar, "Talks like the talk with this id");
  app.add_option("--suggest", suggest, "Completions for what is typed so far");
  app.add_flag("--json", json, "Print JSON");
  app.add_option("--batch", batch,
                 "Answer one query a line from FILE (- for standard input), one JSON line each");
  app.footer("Exit codes: 0 with hits, 1 with none, 2 on an error (message on standard error).");
  CLI11_PARSE(app, argc, argv);
  request.sort = ParseSort(sort);
  for (const std::string& w : words) request.query += (request.query.empty() ? "" : " ") + w;
  try {
    talksearch::Searcher searcher(options);
    if (!similar.empty()) {
      auto hits = searcher.Similar(similar, request.limit);
      std::cout << talksearch::ToJson(hits, 2) << "\n";
      return hits.empty() ? 1 : 0;
    }
    if (!suggest.empty()) {
      auto completions = searcher.Suggest(suggest, request.limit);
      for (const std::string& s : completions) std::cout << s << "\n";
      return completions.empty() ? 1 : 0;
    }
    if (!batch.empty()) return Batch(searcher, request, batch);
    talksearch::SearchResponse response = searcher.Search(request);
    for (const std::string& shard : response.shards_failed) {
      std::cerr << "search: warning: " << shard
                << " could not be searched; the results are from the other shards\n";
    }
    if (json) {
      std::cout << talksearch::ToJson(response, 2) << "\n";
    } else {
      PrintText(response);
    }
    return response.hits.empty() ? 1 : 0;
  } catch (const talksearch::Error& e) {
    std::cerr << "search: " << e.what() << "\n";
    return 2;
  }
}
