// The snapshot engine: from a document and its URL to a self-contained set of blobs. It finds
// every resource (html_rewrite.h, css_rewrite.h, srcset.h), fetches them through ONE
// FetchSession (stylesheets' @imports and url()s, and frames' resources, are queued as soon as
// their parent arrives), and rewrites every reference to the content hash of what was stored:
// "linksnap-blob:<sha256>". A stylesheet or frame is rewritten after its children, so the
// placeholders depend only on content and identical rewritten CSS dedupes across snapshots.
// @import cycles are cut (the import that closes the cycle is dropped, as browsers do).
// A resource that cannot be saved is recorded with its error and referenced as "about:invalid".
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "net/fetcher.h"
#include "store/store.h"

namespace linksnap::capture {

inline constexpr std::string_view kBlobPlaceholder = "linksnap-blob:";
inline constexpr std::string_view kMissingResource = "about:invalid";

struct EngineOptions {
  std::size_t max_resources = 2000;  // distinct resources per snapshot; more are "missing"
  int max_frame_depth = 3;           // iframes inside iframes inside iframes
  // Called with a resource's final bytes as soon as they are known (before the capture ends),
  // so a caller can write blobs to disk while the rest is still being fetched. Optional.
  std::function<void(const std::string& bytes)> on_resource_ready;
};

struct CapturedDocument {
  std::string html;  // the rewritten document (references are placeholders)
  std::vector<store::ResourceInput> resources;  // one per distinct resource, fetched or not
};

// Pure with respect to the disk; the network is `fetcher`'s. Bounded by `limits` (time and
// bytes per resource and per snapshot) and `options`. Never fails: what cannot be fetched is
// recorded as missing. `html` is UTF-8, `page_url` its absolute URL.
CapturedDocument capture_document(std::string_view html, std::string_view page_url,
                                  net::Fetcher& fetcher, const net::FetchLimits& limits,
                                  const EngineOptions& options = {});

// The media type of a resource: the Content-Type's, or sniffed from the bytes when the server
// sent none or a generic one, or guessed from the URL's extension. Lowercase, no parameters.
std::string resource_mime(std::string_view content_type, std::string_view body, std::string_view url);

// A stylesheet's bytes as UTF-8 (BOM > Content-Type charset > @charset > UTF-8), with a
// leading @charset rule removed (the result is always UTF-8).
std::string stylesheet_to_utf8(std::string_view content_type, std::string_view body);

}  // namespace linksnap::capture
