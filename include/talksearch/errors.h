// The errors talksearch throws at its boundary: one class tree, like
// Xapian's. Each message says what happened and what the user can do.
// Programs map them to exit codes; searchd maps them to HTTP statuses.
#ifndef TALKSEARCH_ERRORS_H_
#define TALKSEARCH_ERRORS_H_

#include <stdexcept>
#include <string>

namespace talksearch {

// The root of every error talksearch throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The index is missing, unreadable, of another version, or corrupt.
class IndexError : public Error {
 public:
  using Error::Error;
};

// Another indexer holds the index's write lock.
class IndexLockedError : public IndexError {
 public:
  using IndexError::IndexError;
};

// A query, option or request is not valid; the message says why.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

// A talk id or other name that is not in the index.
class NotFound : public Error {
 public:
  using Error::Error;
};

}  // namespace talksearch

#endif  // TALKSEARCH_ERRORS_H_
