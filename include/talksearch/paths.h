// Defaults shared by indexer, search and searchd.
#ifndef TALKSEARCH_PATHS_H_
#define TALKSEARCH_PATHS_H_

#include <cstdlib>
#include <string>

namespace talksearch {

// The index folder used when no --db is given: $TALKSEARCH_DB if set, else
// ".talksearch/db" under the current folder.
inline std::string DefaultDatabasePath() {
  const char* env = std::getenv("TALKSEARCH_DB");
  return env != nullptr && *env != '\0' ? env : ".talksearch/db";
}

}  // namespace talksearch

#endif  // TALKSEARCH_PATHS_H_
