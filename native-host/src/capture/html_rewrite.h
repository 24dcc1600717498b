// Finding and rewriting the resources of an HTML document (pure; libgumbo with source offsets,
// so only the bytes that change are touched: a start tag with a changed attribute is written
// again from gumbo's attribute list, everything else is copied byte for byte).
//
// What a snapshot keeps and drops:
//  - removed: <script> (HTML and SVG), on* event-handler attributes, javascript: URLs,
//    <meta http-equiv=refresh|content-security-policy|set-cookie>, <base> (every URL is
//    resolved against it first), <link> network hints and script preloads (preconnect,
//    dns-prefetch, prefetch, prerender, modulepreload, preload as=script, manifest),
//    integrity / nonce / crossorigin attributes (the bytes are rewritten, hashes would fail);
//  - kept: <noscript> content, unwrapped (a snapshot runs no script, so it is what a reader
//    should see); links (<a href>, <form action>) made absolute so they lead to the live web;
//  - resources mapped: <img src/srcset>, <picture><source srcset>, <link rel=stylesheet|icon|
//    apple-touch-icon|mask-icon|preload> (imagesrcset too), <style> and style="" (url(),
//    @import, image-set() via css_rewrite.h), <video src/poster>, <audio src>, <source src>,
//    <track src>, <input type=image src>, <object data>, <embed src>, <iframe|frame src>,
//    background="" on body/table/td/th, SVG <image|use|feImage href/xlink:href>, and
//    <iframe srcdoc> (rewritten recursively);
//  - inserted right after <head> (else where a <head> would be): <meta charset="utf-8"> and a
//    Content-Security-Policy <meta> that allows nothing but data: URLs and inline styles, so a
//    snapshot can neither run script nor reach the network even if something was missed.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linksnap::capture {

enum class ResourceKind {
  kAsset,       // bytes used as they are: image, font, media, icon, ...
  kStylesheet,  // CSS whose own references are resolved against its URL
  kDocument,    // an HTML document shown in a frame
  // A srcset candidate past kMaxSrcsetCandidates (srcset.h): left out of the snapshot, shown
  // to the mapper only so that it can be listed as missing; the mapper's answer is ignored.
  kSrcsetOverflow,
};

struct HtmlReference {
  std::string url;  // absolute (resolved against the document's base), fragment kept
  ResourceKind kind = ResourceKind::kAsset;
};

// Returns what to write instead of a resource reference (any text; it is escaped for its
// context), or nullopt to leave that reference as written. Called with absolute URLs of any
// scheme except data: (data: URLs are already self-contained and are kept).
using HtmlUrlMapper =
    std::function<std::optional<std::string>(const std::string& absolute_url, ResourceKind kind)>;

// The CSP the snapshot carries (also used by the exporter).
extern const char* const kSnapshotCsp;

// The document's base URL: the first <base href> resolved against page_url, else page_url.
std::string document_base_url(std::string_view html, std::string_view page_url);

// Every resource reference, in document order (duplicates kept). `html` is UTF-8.
std::vector<HtmlReference> find_html_references(std::string_view html, std::string_view page_url);

// The document rewritten as described above, each resource reference replaced by `map`'s
// answer. A document past the parse budget (gumbo_guard.h: nested past 512 elements, or past
// gumbo's memory or CPU-time budget) is cut before a tag where gumbo stopped, and says so in
// a <meta name="linksnap-note"> (parse_cut_note). Never fails; the output is valid UTF-8 if
// the input is.
std::string rewrite_html(std::string_view html, std::string_view page_url, const HtmlUrlMapper& map);

// `text` escaped for a double-quoted HTML attribute value (&, ", < and >).
std::string html_escape_attribute(std::string_view text);

}  // namespace linksnap::capture
