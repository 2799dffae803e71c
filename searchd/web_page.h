// The web page searchd serves at "/": one HTML document with its CSS and
// JavaScript inline, compiled into the binary (no files, no CDN).
#ifndef TALKSEARCH_SEARCHD_WEB_PAGE_H_
#define TALKSEARCH_SEARCHD_WEB_PAGE_H_

#include <string>
#include <string_view>

namespace talksearch {

// The page, with `nonce` on its <script> and <style> elements so that a
// Content-Security-Policy naming the same nonce lets them (and only them)
// run. `nonce` must be base64 text.
std::string WebPage(std::string_view nonce);

}  // namespace talksearch

#endif  // TALKSEARCH_SEARCHD_WEB_PAGE_H_
