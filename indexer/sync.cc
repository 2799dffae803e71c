// Sync(), and the small public helpers of index.h.
#include <cstdlib>

#include "index_writer.h"
#include "sync_engine.h"
#include "talksearch/index.h"

namespace talksearch {

std::filesystem::path DefaultDatabasePath() {
  const char* env = std::getenv("TALKSEARCH_DB");
  if (env != nullptr && *env != '\0') return env;
  return std::filesystem::path(".talksearch") / "db";
}

std::string_view FileEventName(FileEvent::Kind kind) {
  switch (kind) {
    case FileEvent::Kind::kAdded:
      return "added";
    case FileEvent::Kind::kUpdated:
      return "updated";
    case FileEvent::Kind::kRemoved:
      return "removed";
    case FileEvent::Kind::kSkipped:
      return "skipped";
  }
  return "?";
}

SyncStats Sync(const IndexOptions& options) {
  SyncStats stats;
  TranslateXapianErrors(options.db, [&] {
    IndexWriter writer(options.db, options.language);
    SyncEngine engine(options, writer);
    stats = engine.SyncAll();
  });
  return stats;
}

}  // namespace talksearch
