// ReadIndexStats(): what an index holds, for `indexer --stats`.
#include <xapian.h>

#include <charconv>
#include <system_error>

#include "index_writer.h"
#include "talksearch/errors.h"
#include "talksearch/index.h"
#include "talksearch/schema.h"

namespace talksearch {
namespace {

std::size_t CountTerms(const Xapian::Database& db, std::string_view prefix) {
  std::size_t count = 0;
  for (auto it = db.allterms_begin(std::string(prefix)); it != db.allterms_end(std::string(prefix));
       ++it) {
    ++count;
  }
  return count;
}

std::uint64_t FolderBytes(const std::filesystem::path& dir) {
  std::uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, ec)) {
    std::error_code size_ec;
    if (entry.is_regular_file(size_ec)) bytes += entry.file_size(size_ec);
  }
  return bytes;
}

}  // namespace

IndexStats ReadIndexStats(const std::filesystem::path& db_path) {
  IndexStats stats;
  stats.db = db_path;
  if (!std::filesystem::exists(db_path)) {
    throw IndexError("there is no index at " + db_path.string() +
                     "; run indexer to build one, or name another with --db");
  }
  TranslateXapianErrors(db_path, [&] {
    Xapian::Database db(db_path.string());
    stats.talks = db.get_doccount();
    const std::string file_key(schema::kFileKey);
    for (auto it = db.metadata_keys_begin(file_key); it != db.metadata_keys_end(file_key); ++it) {
      ++stats.files;
    }
    stats.speakers = CountTerms(db, schema::kSpeakerExact);
    stats.events = CountTerms(db, schema::kEventExact);
    stats.terms = CountTerms(db, "");
    std::string version = db.get_metadata(std::string(schema::kVersionKey));
    std::from_chars(version.data(), version.data() + version.size(), stats.version);
    stats.language = db.get_metadata(std::string(schema::kLanguageKey));
    stats.roots = db.get_metadata(std::string(schema::kRootKey));
    stats.shard = db.get_metadata(std::string(schema::kShardKey));
    stats.revision = db.get_revision();
  });
  stats.bytes = FolderBytes(db_path);
  return stats;
}

}  // namespace talksearch
