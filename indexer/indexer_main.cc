// indexer: builds and updates a talksearch index from a folder of notes.
// A thin main: options in, library call, output and exit code out.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "talksearch/errors.h"
#include "talksearch/index.h"
#include "talksearch/parse.h"

namespace {

using talksearch::FileEvent;
using talksearch::SyncStats;

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitLocked = 3;

struct Output {
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  bool progress = false;  // a progress line on stderr (a terminal only)
};

int Dump(const std::vector<std::string>& files, const std::string& root,
         const talksearch::ParseOptions& options) {
  talksearch::NoteReader reader(root, options);
  std::vector<talksearch::Note> notes;
  for (const std::string& file : files) {
    talksearch::ParseResult result = reader.Read(file);
    for (const talksearch::Diagnostic& d : result.diagnostics) {
      std::cerr << d.path << ':' << d.line << ": " << d.message << '\n';
    }
    if (result.note) notes.push_back(std::move(*result.note));
  }
  std::cout << talksearch::NotesToJson(notes) << '\n';
  return 0;
}

std::string Clock() {
  std::time_t now = std::time(nullptr);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", std::localtime(&now));
  return text;
}

void PrintProgress(const talksearch::SyncProgress& p) {
  if (p.done >= p.total) {
    std::fputs("\r\033[K", stderr);  // done: clear the line
    return;
  }
  double rate = p.seconds > 0 ? static_cast<double>(p.done) / p.seconds : 0;
  double eta = rate > 0 ? static_cast<double>(p.total - p.done) / rate : 0;
  std::fprintf(stderr, "\r\033[K%zu/%zu files, %.0f files/s, ETA %.0f s", p.done, p.total, rate,
               eta);
}

// Skipped files and repaired problems, as path:line: message.
void PrintProblems(const SyncStats& stats) {
  for (const talksearch::SkippedFile& file : stats.skipped_files) {
    std::cerr << file.path << ": skipped: " << file.reason << '\n';
  }
  for (const talksearch::Diagnostic& d : stats.diagnostics) {
    if (d.message.starts_with("skipped: ")) continue;  // said above
    std::cerr << d.path << ':' << d.line << ": " << d.message << '\n';
  }
}

void PrintSummary(const SyncStats& s, const Output& out) {
  if (out.json) {
    nlohmann::json j = {{"added", s.added},         {"updated", s.updated},
                        {"removed", s.removed},     {"unchanged", s.unchanged},
                        {"skipped", s.skipped},     {"talks", s.talks},
                        {"seconds", s.seconds},     {"committed", s.committed},
                        {"rebuilt", s.rebuilt}};
    std::cout << j.dump() << std::endl;
  } else if (!out.quiet) {
    std::printf("%zu added, %zu updated, %zu removed, %zu unchanged, %zu skipped in %.2f s\n",
                s.added, s.updated, s.removed, s.unchanged, s.skipped, s.seconds);
    std::fflush(stdout);
  }
}

int PrintParseOnly(const talksearch::IndexOptions& options, const Output& out) {
  talksearch::ParseOnlyStats s = talksearch::ParseOnly(options);
  if (out.json) {
    nlohmann::json j = {{"files", s.files},     {"notes", s.notes}, {"talks", s.talks},
                        {"skipped", s.skipped}, {"bytes", s.bytes}, {"seconds", s.seconds}};
    std::cout << j.dump() << std::endl;
  } else if (!out.quiet) {
    std::printf("%zu files parsed (%zu notes, %zu talks, %zu skipped) in %.2f s\n", s.files,
                s.notes, s.talks, s.skipped, s.seconds);
  }
  return 0;
}

int PrintStats(const std::filesystem::path& db, const Output& out) {
  talksearch::IndexStats s = talksearch::ReadIndexStats(db);
  if (out.json) {
    nlohmann::json j = {{"db", s.db.string()},    {"talks", s.talks},     {"files", s.files},
                        {"speakers", s.speakers}, {"events", s.events},   {"terms", s.terms},
                        {"bytes", s.bytes},       {"version", s.version}, {"language", s.language},
                        {"revision", s.revision}, {"shard", s.shard}};
    std::cout << j.dump(2) << '\n';
    return 0;
  }
  std::cout << "index:    " << s.db.string() << "\ntalks:    " << s.talks
            << "\nfiles:    " << s.files << "\nspeakers: " << s.speakers
            << "\nevents:   " << s.events << "\nterms:    " << s.terms
            << "\nsize:     " << s.bytes / 1024 << " KiB\nlanguage: " << s.language
            << "\nschema:   " << s.version << "\nrevision: " << s.revision << '\n';
  if (!s.shard.empty()) std::cout << "shard:    " << s.shard << '\n';
  return 0;
}

// `watching`: false during the first sync of --watch, whose files are not
// listed one by one unless --verbose.
void SetCallbacks(talksearch::IndexOptions& options, const Output& out, bool watch,
                  const bool& watching) {
  if (out.progress) options.on_progress = PrintProgress;
  if (watch && !out.quiet) {
    options.on_file = [&out, &watching](const FileEvent& e) {
      if (!watching && !out.verbose) return;
      std::cout << Clock() << ' ' << talksearch::FileEventName(e.kind) << ' ' << e.path;
      if (e.kind == FileEvent::Kind::kAdded || e.kind == FileEvent::Kind::kUpdated) {
        std::cout << " (" << e.talks << (e.talks == 1 ? " talk)" : " talks)");
      }
      if (!e.reason.empty()) std::cout << ": " << e.reason;
      std::cout << std::endl;
    };
  } else if (out.verbose) {
    options.on_file = [](const FileEvent& e) {
      std::cerr << talksearch::FileEventName(e.kind) << ' ' << e.path << '\n';
    };
  }
}

int Run(talksearch::IndexOptions& options, const Output& out, bool watch) {
  bool watching = false;
  SetCallbacks(options, out, watch, watching);
  if (!watch) {
    SyncStats stats = talksearch::Sync(options);
    if (!out.quiet) PrintProblems(stats);
    PrintSummary(stats, out);
    return 0;
  }
  talksearch::WatchStopper stopper;
  stopper.StopOnSignals();
  talksearch::WatchOptions watch_options;
  bool first = true;
  watch_options.on_sync = [&](const SyncStats& stats) {
    if (!out.quiet) PrintProblems(stats);
    if (first) PrintSummary(stats, out);
    if (first && !out.quiet && !out.json) std::cout << "watching for changes" << std::endl;
    first = false;
    watching = true;
  };
  talksearch::Watch(options, watch_options, stopper);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"indexer: index folders of talk notes for talksearch, and keep the index in step"};
  talksearch::IndexOptions options;
  std::vector<std::string> dirs = {"data"};
  std::vector<std::string> dump;
  std::string root = ".";
  std::string db = options.db.string();
  Output out;
  bool watch = false, stats = false, parse_only = false;
  app.add_option("DIR", dirs, "Notes folders to index")->capture_default_str();
  app.add_option("--db", db, "The index folder (default: $TALKSEARCH_DB, else .talksearch/db)")
      ->capture_default_str();
  app.add_option("--language", options.language, "Stemming language, or none")
      ->capture_default_str();
  app.add_flag("--json", out.json, "Print the summary (or --stats) as JSON");
  auto* quiet = app.add_flag("-q,--quiet", out.quiet, "Print errors only");
  app.add_flag("-v,--verbose", out.verbose, "Print every file added, updated, removed, skipped")
      ->excludes(quiet);
  app.add_flag("--watch", watch, "After indexing, keep the index in step until SIGINT/SIGTERM");
  app.add_flag("--stats", stats, "Print what the index holds, and index nothing");
  app.add_option("--max-file-size", options.parse.max_file_bytes,
                 "Skip notes larger than this many bytes")
      ->capture_default_str();
  app.add_option("--threads", options.threads, "Parsing threads (0: one per core)")
      ->capture_default_str();
  app.add_option("--batch-files", options.batch_files, "Commit after this many changed files")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--writers", options.writers,
                 "Writers of a first build of 1000 notes or more, merged at the end (0: one per "
                 "core; 1: one, straight into the index)")
      ->check(CLI::Range(0u, 64u))
      ->capture_default_str();
  auto* shards = app.add_option("--shards", options.shards,
                                "Build one shard of N: only the notes whose path hashes to --shard")
                     ->check(CLI::Range(1u, 4096u));
  auto* shard = app.add_option("--shard", options.shard, "Which shard to build, 0 to N-1")
                    ->check(CLI::NonNegativeNumber);
  shards->needs(shard);
  shard->needs(shards);
  app.add_flag("--parse-only", parse_only,
               "Read and parse every note of DIR... as a sync would, and index nothing (the "
               "floor of a full index, for benchmarks)");
  app.add_option("--dump", dump, "Print the parsed notes of FILE... as JSON, and index nothing")
      ->check(CLI::ExistingPath);
  app.add_option("--root", root, "With --dump: the notes root that paths are relative to")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  app.footer(
      "Exit status: 0 done, 1 error (the message is on stderr), 2 bad usage, 3 the index is "
      "locked by another indexer.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (options.shards > 0 && options.shard >= options.shards) {
    return app.exit(CLI::ValidationError(
               "--shard", std::to_string(options.shard) + " is not below --shards " +
                              std::to_string(options.shards) + " (shards are 0 to N-1)")) == 0
               ? 0
               : kExitUsage;
  }
  if (!dump.empty()) return Dump(dump, root, options.parse);
  options.db = db;
  options.roots.assign(dirs.begin(), dirs.end());
  out.progress = !out.quiet && !watch && isatty(STDERR_FILENO) != 0;
  try {
    if (stats) return PrintStats(options.db, out);
    if (parse_only) return PrintParseOnly(options, out);
    return Run(options, out, watch);
  } catch (const talksearch::IndexLockedError& e) {
    std::cerr << "indexer: " << e.what() << '\n';
    return kExitLocked;
  } catch (const talksearch::Error& e) {
    std::cerr << "indexer: " << e.what() << '\n';
    return kExitError;
  }
}
