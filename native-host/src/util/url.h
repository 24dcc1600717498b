// URL parsing, resolution and normalization (pure; built on libcurl's URL API, no network).
//
// All three entry points first clean the input the way a browser treats a URL taken from an
// HTML attribute: leading/trailing C0 controls and spaces are stripped, tabs and newlines
// inside are removed, '\' counts as '/' in http(s)/file URLs, and spaces, controls and
// non-ASCII bytes in path, query and fragment are percent-encoded as UTF-8 (existing %XX
// escapes are kept, never double-encoded). Host names are lowercased and, for IDN hosts,
// converted to punycode when libcurl has IDN support (done under a thread-local C.UTF-8
// locale, so the result does not depend on the process locale). Default ports are dropped.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace linksnap::url {

// Components of a parsed URL, as a browser's URL object reports them. Path, query and
// fragment are percent-encoded and come without their '?' / '#'; port is -1 when absent or
// equal to the scheme's default.
struct Parts {
  std::string scheme, host, path, query, fragment;
  int port = -1;
};

// Parses an absolute hierarchical URL (any scheme). errc::kInvalidUrl "not a valid URL: <url>".
Result<Parts> parse(std::string_view absolute_url);

// Resolves a reference (relative, protocol-relative, query- or fragment-only, absolute)
// against an absolute base, as a browser does for href/src. A reference with a non-hierarchical
// scheme of its own (mailto:, data:, javascript:, ...) is returned as-is after whitespace
// cleanup. errc::kInvalidUrl if the base (when needed) or the result is not a valid URL.
Result<std::string> resolve(std::string_view base, std::string_view ref);

// The identity of a link, used as the unique key of a saved page: scheme and host lowercased
// (IDN -> punycode), default port and fragment dropped, empty path -> "/", dot segments
// removed, percent-escapes' hex uppercased and escaped unreserved characters decoded, empty
// query dropped, tracking parameters removed (see kTrackingParameters in url.cpp; others keep
// their order). Only http, https and file are accepted: another scheme gives
// errc::kUnsupportedScheme, a string that is not an absolute URL errc::kInvalidUrl.
Result<std::string> normalize(std::string_view url);

// True if the URL's scheme (ASCII case-insensitive) is http or https.
bool is_http_or_https(std::string_view url);

// The URL's scheme in lowercase ("" if it does not start with a valid scheme followed by ':').
std::string scheme_of(std::string_view url);

}  // namespace linksnap::url
