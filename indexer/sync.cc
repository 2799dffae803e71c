// Sync(), and the small public helpers of index.h.
#include "index_writer.h"
#include "sync_engine.h"
#include "talksearch/index.h"

namespace talksearch {

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
