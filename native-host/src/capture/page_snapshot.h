// From a page (a DOM the extension captured, or HTML the host fetched) to what the store
// saves: the document made self-describing as UTF-8, its title, its visible text and every
// resource it needs (snapshot_engine.h), for both paths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/snapshot_engine.h"
#include "net/fetcher.h"
#include "store/store.h"
#include "util/result.h"

namespace linksnap::capture {

struct Page {
  std::string url;            // the document's URL (base for relative references)
  std::string requested_url;  // what the person asked for ("" = url)
  std::string html;           // UTF-8
  std::string title;          // "" = take <title>
  std::string source;         // "dom" | "fetch" | "render"
  std::vector<std::string> tags;
  // For a WARC: the page's HTTP exchange (a fetched page) and the document as received or
  // captured, before any conversion ("" = html itself).
  std::string request_head;
  std::string response_head;
  std::string original;
};

// The largest page HTML a snapshot is made of (a captured DOM with inlined canvases and form
// state can be bigger than the 32 MiB a fetched page may be): beyond it, too_large.
constexpr std::size_t kMaxPageHtmlBytes = 64u << 20;
// "the page's HTML is 70.0 MiB; LinkSnap saves pages of up to 64 MiB"
std::string page_too_large_message(std::uintmax_t bytes);

// invalid_url or unsupported_scheme unless url is an absolute http(s) URL.
Status check_fetchable(std::string_view url);

// Fetches an http(s) page with the fetcher: only HTML is accepted, the charset (header, BOM,
// <meta>) is converted to UTF-8. Errors: unsupported_scheme, invalid_url, fetch_failed,
// timeout, too_large, too_many_redirects, http_error (4xx/5xx), bad_request (not HTML).
Result<Page> fetch_page(std::string_view url, net::Fetcher& fetcher,
                        const net::FetchLimits& limits);

// The page of an HTML response fetched for `url` (charset converted to UTF-8, source "fetch");
// file_snapshot.h's fetch_link uses it once it knows the response is HTML.
// The response is taken over: its body becomes the page's original.
Result<Page> page_from_response(net::FetchResult response, std::string_view url);

// Writes the page as received (or captured) to its blob at once and answers the blob's name,
// so build_snapshot need not hold those bytes until the store saves them.
using OriginalWriter = std::function<Result<std::string>(std::string_view bytes)>;

// Turns a page into a snapshot ready for Store::save_snapshot: the snapshot engine
// (snapshot_engine.h) fetches every resource the page needs through `fetcher` and rewrites
// the document to reference them by content hash. Resources that cannot be fetched are
// recorded as missing; the snapshot is still made. too_large when the HTML exceeds
// kMaxPageHtmlBytes.
// `on_resource_ready` (optional) sees each resource's final bytes as soon as they are known;
// `new_asset_sink` (optional) streams assets to disk instead (EngineOptions);
// `write_original` (optional) stores the page as received first (SnapshotInput's
// original_blob), else it is kept in original_bytes. The page is taken over: each copy of
// its bytes is freed as soon as it is no longer needed.
Result<store::SnapshotInput> build_snapshot(
    Page page, net::Fetcher& fetcher, const net::FetchLimits& limits,
    const std::function<void(const std::string&)>& on_resource_ready = {},
    const std::function<std::shared_ptr<AssetSink>()>& new_asset_sink = {},
    const OriginalWriter& write_original = {});
// The same for a page whose HTML the caller holds (a request's): `html` is read in place, not
// copied, and must outlive the call; page.html is not used.
Result<store::SnapshotInput> build_snapshot_of(
    Page page, std::string_view html, net::Fetcher& fetcher, const net::FetchLimits& limits,
    const std::function<void(const std::string&)>& on_resource_ready = {},
    const std::function<std::shared_ptr<AssetSink>()>& new_asset_sink = {},
    const OriginalWriter& write_original = {});

}  // namespace linksnap::capture
