// searchd: serves a talksearch index over HTTP (JSON API and web page).
// A thin main: options in (flags, environment, config file), the server
// started, stopped on SIGINT or SIGTERM, an exit code out.
#include <signal.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "server.h"
#include "talksearch/errors.h"
#include "talksearch/index.h"
#include "talksearch/paths.h"

namespace {

void AddOptions(CLI::App& app, talksearch::ServerOptions& o, std::string& notes) {
  app.set_config("--config", "", "Read settings from a TOML or INI file (e.g. port = 8080)");
  app.add_option("--db", o.db,
                 "The index folder, or tcp://HOST:PORT (xapian-tcpsrv); repeat to search "
                 "several shards as one")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->envname("TALKSEARCH_DB")
      ->capture_default_str();
  app.add_option("--shard-timeout", o.shard_timeout_ms,
                 "Milliseconds a remote shard may take to connect or answer before it is left "
                 "out of the answer (partial results)")
      ->envname("TALKSEARCH_SHARD_TIMEOUT")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  app.add_option("--listen", o.listen, "Address to listen on")
      ->envname("TALKSEARCH_LISTEN")
      ->capture_default_str();
  app.add_option("--port", o.port, "Port to listen on; 0 picks a free one")
      ->envname("TALKSEARCH_PORT")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--threads", o.threads, "Worker threads (default: 2 per core, at least 8)")
      ->envname("TALKSEARCH_THREADS")
      ->check(CLI::Range(1, 1024));
  app.add_option("--base-url", o.base_url, "Link hits to BASE/<path>.html#<anchor>")
      ->envname("TALKSEARCH_BASE_URL");
  app.add_option("--language", o.language, "Stemming language of the index")
      ->envname("TALKSEARCH_LANGUAGE")
      ->capture_default_str();
  app.add_option("--cors-origin", o.cors_origin, "Allow this origin to call the API (CORS)")
      ->envname("TALKSEARCH_CORS_ORIGIN");
  app.add_option("--cache", o.cache_entries,
                 "Answers to /search kept for requests that come again (0: none)")
      ->envname("TALKSEARCH_CACHE")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  app.add_flag("--quiet", o.quiet, "Do not log each request")->envname("TALKSEARCH_QUIET");
  app.add_option("--admin-token", o.admin_token,
                 "Enable POST /reindex for clients sending this bearer token (off by default)")
      ->envname("TALKSEARCH_ADMIN_TOKEN");
  app.add_option("--notes", notes, "With --admin-token: the notes folder POST /reindex syncs")
      ->envname("TALKSEARCH_NOTES")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  app.footer(
      "Every option can also be set in the environment (TALKSEARCH_PORT, ...) or in the\n"
      "--config file. Exit codes: 0 stopped by SIGINT/SIGTERM, 1 the index or the address\n"
      "cannot be used, 2 a bad setting.");
}

// POST /reindex: a sync of the notes folder into the index, as `indexer`
// does; the running server sees the new revision like any other.
std::function<std::string()> Reindexer(const talksearch::ServerOptions& o,
                                       const std::string& notes) {
  return [db = o.db.front(), language = o.language, notes] {
    talksearch::IndexOptions index;
    index.db = db;
    index.roots = {notes};
    index.language = language;
    talksearch::SyncStats s = talksearch::Sync(index);
    return nlohmann::json{{"added", s.added},     {"updated", s.updated},
                          {"removed", s.removed}, {"unchanged", s.unchanged},
                          {"skipped", s.skipped}, {"talks", s.talks},
                          {"seconds", s.seconds}}
        .dump();
  };
}

std::string HostForUrl(const std::string& listen) {
  return listen.find(':') != std::string::npos ? "[" + listen + "]" : listen;
}

// Waits for SIGINT or SIGTERM (blocked in every thread, so only this wait
// sees them): true. False when the server stopped by itself.
bool WaitForSignal(const sigset_t& signals, talksearch::Server& server) {
  const timespec tick{0, 200'000'000};
  while (server.running()) {
    if (sigtimedwait(&signals, nullptr, &tick) > 0) return true;
  }
  return false;
}

// Up to 1000 connections (ServerLimits::max_connections) and the index's
// files: raise the soft limit of open files (often 1024) to the hard one.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 65536);
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"searchd: a search server for a talksearch index"};
  talksearch::ServerOptions options;
  options.db = {talksearch::DefaultDatabasePath()};
  std::string notes = "data";
  AddOptions(app, options, notes);
  CLI11_PARSE(app, argc, argv);
  if (!options.admin_token.empty()) {
    if (options.db.size() != 1 || options.db[0].starts_with("tcp://")) {
      std::cerr << "searchd: --admin-token needs exactly one local --db (POST /reindex writes "
                   "it); rebuild shards with indexer --shards N --shard I\n";
      return 2;
    }
    options.reindex = Reindexer(options, notes);
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
  ::signal(SIGPIPE, SIG_IGN);
  RaiseOpenFileLimit();
  try {
    talksearch::Server server(options);
    server.Start();
    std::cout << "talksearch serving http://" << HostForUrl(options.listen) << ":" << server.port()
              << std::endl;
    bool signalled = WaitForSignal(signals, server);
    server.Stop();  // lets requests in flight finish
    if (!signalled) {
      std::cerr << "searchd: the server stopped unexpectedly\n";
      return 1;
    }
  } catch (const talksearch::InvalidArgument& e) {
    std::cerr << "searchd: " << e.what() << "\n";
    return 2;
  } catch (const talksearch::IndexError& e) {
    std::cerr << "searchd: --db: " << e.what() << "\n";
    return 1;
  } catch (const talksearch::Error& e) {
    std::cerr << "searchd: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
