// The snapshot engine: from a document and its URL to a self-contained set of blobs. It finds
// every resource (html_rewrite.h, css_rewrite.h, srcset.h), fetches them through ONE
// FetchSession (stylesheets' @imports and url()s, and frames' resources, are queued as soon as
// their parent arrives), and rewrites every reference to the content hash of what was stored:
// "linksnap-blob:<sha256>". A stylesheet or frame is rewritten after its children, so the
// placeholders depend only on content and identical rewritten CSS dedupes across snapshots.
// @import cycles are cut (the import that closes the cycle is dropped, as browsers do).
// A resource that cannot be saved is recorded with its error and referenced as "about:invalid".
// Every reference is accounted for: past a limit it is not fetched but still recorded as
// missing, with the limit as its error code (missing:: below), so `show` can count it.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/fetcher.h"
#include "store/store.h"

namespace linksnap::capture {

inline constexpr std::string_view kBlobPlaceholder = "linksnap-blob:";
inline constexpr std::string_view kMissingResource = "about:invalid";

// Error codes of references not fetched because of a limit (besides errc::kDeadline).
namespace missing {
inline constexpr const char* kTooManyResources = "too_many_resources";
inline constexpr const char* kSrcsetLimit = "srcset_limit";
inline constexpr const char* kFrameDepth = "frame_depth";
inline constexpr const char* kFrameFanout = "frame_fanout";
inline constexpr const char* kImportDepth = "import_depth";
}  // namespace missing

// Where one asset streams while it is fetched (a blob file being written and hashed).
class AssetSink : public net::BodySink {
 public:
  // The asset arrived whole: the name (SHA-256) of its blob. Nothing is written after.
  virtual Result<std::string> finish() = 0;
};

struct EngineOptions {
  std::size_t max_resources = 2000;  // distinct resources per snapshot; more are "missing"
  int max_frame_depth = 3;           // iframes inside iframes inside iframes
  std::size_t max_frames_per_document = 100;  // distinct frames one document may show
  int max_import_depth = 16;                  // @import inside @import inside ...
  // Called with a resource's final bytes as soon as they are known (before the capture ends),
  // so a caller can write blobs to disk while the rest is still being fetched. Optional.
  std::function<void(const std::string& bytes)> on_resource_ready;
  // Optional: a new sink for each asset (image, font, media), so assets stream to disk and are
  // never held in memory; such a resource comes back with record.blob set and no bytes.
  // Stylesheets and frames are rewritten, so they stay in memory (bounded by the fetch limits).
  // A null sink: that asset is kept in memory.
  std::function<std::shared_ptr<AssetSink>()> new_asset_sink;
};

struct CapturedDocument {
  std::string html;  // the rewritten document (references are placeholders)
  // One per distinct reference: fetched (bytes, or record.blob when streamed) or missing with
  // its reason.
  std::vector<store::ResourceInput> resources;
};

// Pure with respect to the disk; the network is `fetcher`'s. Bounded by `limits` (time and
// bytes per resource and per snapshot) and `options`. Never fails: what cannot be fetched is
// recorded as missing. `html` is UTF-8, `page_url` its absolute URL.
CapturedDocument capture_document(std::string_view html, std::string_view page_url,
                                  net::Fetcher& fetcher, const net::FetchLimits& limits,
                                  const EngineOptions& options = {});
// The same, taking the document over: a page of many MiB is not copied on the way (the
// engine rewrites it from this copy and frees it as soon as it is tokenized).
CapturedDocument capture_owned_document(std::string html, std::string_view page_url,
                                        net::Fetcher& fetcher, const net::FetchLimits& limits,
                                        const EngineOptions& options = {});

// The media type of a resource: the Content-Type's, or sniffed from the bytes when the server
// sent none or a generic one, or guessed from the URL's extension. Lowercase, no parameters.
std::string resource_mime(std::string_view content_type, std::string_view body, std::string_view url);

// A stylesheet's bytes as UTF-8 (BOM > Content-Type charset > @charset > UTF-8), with a
// leading @charset rule removed (the result is always UTF-8).
std::string stylesheet_to_utf8(std::string_view content_type, std::string_view body);

}  // namespace linksnap::capture
