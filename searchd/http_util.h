// Small pieces of HTTP handling shared by the server's routes: reading
// parameters strictly, turning errors into statuses and JSON bodies, and
// making client text safe for a log line. Internal to the searchd library.
#ifndef TALKSEARCH_SEARCHD_HTTP_UTIL_H_
#define TALKSEARCH_SEARCHD_HTTP_UTIL_H_

#include <httplib.h>

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing past U+10FFFF).
bool IsValidUtf8(std::string_view text);

// The first value of parameter `name`, or nullopt when absent.
std::optional<std::string> Param(const httplib::Request& req, const std::string& name);

// The first value of `name`; throws InvalidArgument when it is absent.
std::string RequiredParam(const httplib::Request& req, const std::string& name);

// Every value of `name` in order (a repeated parameter means OR).
std::vector<std::string> Params(const httplib::Request& req, const std::string& name);

// `name` as a whole number, or `fallback` when absent. Throws
// InvalidArgument for anything but an optional '-' and digits that fit an int.
int IntParam(const httplib::Request& req, const std::string& name, int fallback);

// Throws InvalidArgument naming the first parameter (or the path) that is
// not valid UTF-8.
void CheckUtf8(const httplib::Request& req);

// An error answer: `status` with the body {"error": message}.
void SetError(httplib::Response& res, int status, std::string_view message);

// The one place errors become HTTP: InvalidArgument 400, NotFound 404,
// IndexError 503, anything else 500 (a bug: `*internal` is set so the caller
// logs it). Sets the response and returns the status.
int SetErrorFor(std::exception_ptr error, httplib::Response& res, bool* internal);

// The default message for an error status that no handler explained
// (404 for an unknown path, 413, 414, 400 from the HTTP parser).
std::string DefaultErrorMessage(int status, const httplib::Request& req);

// `text` cut to `max_bytes` with control characters and non-ASCII bytes
// shown as \xNN, for one log line that a client cannot break or forge.
std::string ForLog(std::string_view text, std::size_t max_bytes = 200);

}  // namespace talksearch

#endif  // TALKSEARCH_SEARCHD_HTTP_UTIL_H_
