// From a stored snapshot (a document whose references are "linksnap-blob:<sha256>"
// placeholders, see snapshot_engine.h) to ONE self-contained HTML file that a browser shows
// with zero network requests: each placeholder is replaced by a data: URL of the blob, with
// stylesheets and frames expanded recursively (percent-encoded text, not base64-in-base64).
// Streaming string replacement: the stored documents are not parsed again.
//
// The same large image is not inlined twice in one document: an image (>= share_threshold
// bytes) referenced more than once is defined once as a custom property on :root
// (--linksnap-<hash>: url("data:...")); CSS uses become var(--linksnap-<hash>) and repeated
// <img src> use `content: var(...)` through an attribute selector, with a 1x1 placeholder in
// src. Fonts, srcset candidates and other attributes are always inlined (CSS variables do not
// reach @font-face or HTML attributes). Frames are separate documents and share nothing.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace linksnap::capture {

struct StoredBlob {
  std::string bytes;
  std::string mime;  // "text/css", "image/png", ... ("" = application/octet-stream)
};

// The blob for a hash, nullopt if it is not stored (its references become about:invalid).
using BlobLookup = std::function<std::optional<StoredBlob>(std::string_view hash)>;

struct ExportOptions {
  std::size_t share_threshold = 1024;  // smaller images are cheaper inlined than shared
  int max_nesting = 16;                // stylesheets/frames expanded inside each other
};

std::string export_snapshot(std::string_view root_html, const BlobLookup& lookup,
                            const ExportOptions& options = {});

}  // namespace linksnap::capture
