#include "http_util.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "talksearch/errors.h"

namespace talksearch {
namespace {

// A client's value cut short for an error message; the JSON dump repairs a
// character cut in half.
std::string Clip(const std::string& value) {
  constexpr std::size_t kMax = 40;
  return value.size() <= kMax ? value : value.substr(0, kMax) + "…";
}

// The length of the UTF-8 sequence starting at `s[i]`, or 0 when invalid.
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xC2 && c <= 0xDF   ? 2
                  : c >= 0xE0 && c <= 0xEF ? 3
                  : c >= 0xF0 && c <= 0xF4 ? 4
                                           : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  unsigned char c1 = byte(i + 1);
  if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
  if (c == 0xED && c1 > 0x9F) return 0;  // surrogate
  if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
  if (c == 0xF4 && c1 > 0x8F) return 0;  // past U+10FFFF
  return n;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::optional<std::string> Param(const httplib::Request& req, const std::string& name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

std::string RequiredParam(const httplib::Request& req, const std::string& name) {
  std::optional<std::string> value = Param(req, name);
  if (!value) throw InvalidArgument("the parameter '" + name + "' is missing");
  return *value;
}

std::vector<std::string> Params(const httplib::Request& req, const std::string& name) {
  std::vector<std::string> values;
  auto [begin, end] = req.params.equal_range(name);
  for (auto it = begin; it != end; ++it) values.push_back(it->second);
  return values;
}

int IntParam(const httplib::Request& req, const std::string& name, int fallback) {
  std::optional<std::string> text = Param(req, name);
  if (!text) return fallback;
  int value = 0;
  const char* end = text->data() + text->size();
  auto [stop, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || ec != std::errc() || stop != end) {
    throw InvalidArgument(name + " must be a whole number, not '" + Clip(*text) + "'");
  }
  return value;
}

void CheckUtf8(const httplib::Request& req) {
  if (!IsValidUtf8(req.path)) throw InvalidArgument("the path is not valid UTF-8");
  for (const auto& [name, value] : req.params) {
    if (!IsValidUtf8(name)) throw InvalidArgument("a parameter name is not valid UTF-8");
    if (!IsValidUtf8(value)) {
      throw InvalidArgument("the parameter '" + name + "' is not valid UTF-8");
    }
  }
}

void SetError(httplib::Response& res, int status, std::string_view message) {
  nlohmann::json body{{"error", message}};
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

int SetErrorFor(std::exception_ptr error, httplib::Response& res, bool* internal) {
  *internal = false;
  try {
    std::rethrow_exception(error);
  } catch (const InvalidArgument& e) {
    SetError(res, 400, e.what());
  } catch (const NotFound& e) {
    SetError(res, 404, e.what());
  } catch (const IndexError& e) {
    SetError(res, 503, e.what());
  } catch (...) {
    *internal = true;
    SetError(res, 500, "internal error: the request could not be answered (see the server log)");
  }
  return res.status;
}

std::string DefaultErrorMessage(int status, const httplib::Request& req) {
  switch (status) {
    case 404:
      return "no such page: " + req.path;
    case 405:
      return "method not allowed";
    case 413:
      return "the request is too large";
    case 414:
      return "the request's address is too long";
    case 400:
      return "the request is not valid HTTP";
    default:
      return "the request failed with status " + std::to_string(status);
  }
}

std::string ForLog(std::string_view text, std::size_t max_bytes) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && out.size() < max_bytes; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7F || c == '\\') {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (out.size() >= max_bytes) out += "…";
  return out;
}

}  // namespace talksearch
