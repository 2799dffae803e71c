// indexer: builds and updates a talksearch index from a folder of notes.
// A thin main: options in, library call, output and exit code out.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>

#include "talksearch/parse.h"

namespace {

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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"indexer: index a folder of talk notes for talksearch"};
  std::vector<std::string> dump;
  std::string root = ".";
  talksearch::ParseOptions parse;
  app.add_option("--dump", dump, "Print the parsed notes of FILE... as JSON, and index nothing")
      ->check(CLI::ExistingPath);
  app.add_option("--root", root, "The notes root that paths are relative to")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  app.add_option("--max-file-size", parse.max_file_bytes,
                 "Skip notes larger than this many bytes")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!dump.empty()) return Dump(dump, root, parse);
  std::cerr << "indexer: nothing to do (indexing comes with the index)\n";
  return 2;
}
