#include "capture/page_snapshot.h"

#include <cctype>
#include <cstdio>

#include "capture/html_text.h"
#include "capture/parsed_page.h"
#include "capture/snapshot_engine.h"
#include "util/charset.h"
#include "util/url.h"

namespace linksnap::capture {

namespace {

std::string media_type(std::string_view content_type) {
  std::string out;
  for (char c : content_type) {
    if (c == ';') break;
    if (c != ' ' && c != '\t')
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool looks_like_html(std::string_view body) {
  std::size_t i = 0;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
  return i < body.size() && body[i] == '<';
}

}  // namespace

Status check_fetchable(std::string_view url) {
  const std::string scheme = url::scheme_of(url);
  if (scheme.empty()) return make_error(errc::kInvalidUrl, "not a valid URL: " + std::string(url));
  if (!url::is_http_or_https(url)) {
    return make_error(errc::kUnsupportedScheme,
                      "only http and https URLs can be added (got " + scheme + ":)");
  }
  auto parsed = url::parse(url);
  if (!parsed.ok()) return parsed.error();
  return ok_status();
}

Result<Page> fetch_page(std::string_view url, net::Fetcher& fetcher,
                        const net::FetchLimits& limits) {
  LINKSNAP_TRY(check_fetchable(url));

  net::FetchResult r = fetcher.fetch_one(net::FetchRequest{std::string(url), "", 0}, limits);
  if (!r.transport_ok()) {
    // Nothing arrived, so nothing is saved: for the caller that is a timeout like any other.
    if (r.error_code == errc::kDeadline) return make_error(errc::kTimeout, r.error_message);
    return make_error(r.error_code, r.error_message);
  }
  if (!r.http_ok()) {
    return make_error(errc::kHttpError, "the server answered HTTP " +
                                            std::to_string(r.http_status) + " for " + r.final_url);
  }
  const std::string type = media_type(r.content_type);
  const bool html_type = type == "text/html" || type == "application/xhtml+xml";
  if (!html_type && !(type.empty() && looks_like_html(r.body))) {
    return make_error(errc::kBadRequest, r.final_url + " is not a web page (" +
                                             (type.empty() ? std::string("unknown type") : type) +
                                             "); only HTML pages can be saved");
  }
  return page_from_response(std::move(r), url);
}

Result<Page> page_from_response(net::FetchResult r, std::string_view url) {
  const std::string charset = charset::detect_html(r.content_type, r.body);
  auto utf8 = charset::to_utf8(r.body, charset);
  if (!utf8.ok()) return utf8.error();

  Page page;
  page.url = r.final_url.empty() ? std::string(url) : r.final_url;
  page.requested_url = std::string(url);
  page.html = std::move(*utf8);
  page.source = "fetch";
  page.request_head = r.request_head;
  page.response_head = r.response_head;
  page.original = std::move(r.body);
  return page;
}

std::string page_too_large_message(std::uintmax_t bytes) {
  char size[32];
  std::snprintf(size, sizeof size, "%.1f", static_cast<double>(bytes) / (1 << 20));
  return std::string("the page's HTML is ") + size + " MiB; LinkSnap saves pages of up to " +
         std::to_string(kMaxPageHtmlBytes >> 20) + " MiB";
}

namespace {

void release(std::string& s) {
  s.clear();
  s.shrink_to_fit();
}

// build_snapshot of `page` whose HTML is `html`: page.html itself (owned: freed once parsed)
// or the caller's (page.html unused).
Result<store::SnapshotInput> snapshot_of(Page& page, std::string_view html, bool owned,
                                         net::Fetcher& fetcher, const net::FetchLimits& limits,
                                         const std::function<void(const std::string&)>& on_resource_ready,
                                         const std::function<std::shared_ptr<AssetSink>()>& new_asset_sink,
                                         const OriginalWriter& write_original) {
  if (html.size() > kMaxPageHtmlBytes) {
    return make_error(errc::kTooLarge, page_too_large_message(html.size()));
  }
  store::SnapshotInput input;
  input.url = page.url;
  input.requested_url = page.requested_url;
  input.source = page.source;
  input.tags = page.tags;
  input.request_head = std::move(page.request_head);
  input.response_head = std::move(page.response_head);
  // What was received (or captured) before it was made UTF-8 and rewritten, for a WARC: on
  // disk before the parse (the capture's peak of memory) where the caller can write it.
  const std::string_view original = page.original.empty() ? html : std::string_view(page.original);
  if (write_original) {
    auto hash = write_original(original);
    if (!hash.ok()) return hash.error();
    input.original_blob = std::move(*hash);
    input.original_size = static_cast<std::int64_t>(original.size());
    release(page.original);
  } else if (!page.original.empty()) {
    input.original_bytes = std::move(page.original);
  }
  if (!input.original_blob && !input.original_bytes) input.original_bytes = std::string(html);
  // The document as valid UTF-8: the page's own string when it is that and ours, else a copy.
  std::string document;
  if (!charset::is_valid_utf8(html)) {
    document = charset::sanitize_utf8(html);
  } else if (owned) {
    document = std::move(page.html);
  } else {
    document = std::string(html);
  }
  if (owned) release(page.html);
  // One parse (the costliest step of a save) rewrites the page and gives its text and title;
  // the stored bytes are UTF-8 whatever the page declared, so its declarations say so.
  PageText text;
  const ParsedHook on_root_parsed = [&](const GumboDocument& doc, std::string_view parsed) {
    text = text_of_parsed(doc, parsed);
    return charset_declaration_edits(doc, parsed);
  };
  // Every resource fetched, stored by content and referenced by hash (snapshot_engine.h).
  EngineOptions options;
  options.on_resource_ready = on_resource_ready;
  options.new_asset_sink = new_asset_sink;
  CapturedDocument captured = capture_owned_document_with(std::move(document), page.url, fetcher,
                                                          limits, options, on_root_parsed);
  input.title = page.title.empty() ? text.title : charset::sanitize_utf8(page.title);
  input.text = std::move(text.text);
  input.html = std::move(captured.html);
  input.resources = std::move(captured.resources);
  return input;
}

}  // namespace

Result<store::SnapshotInput> build_snapshot(
    Page page, net::Fetcher& fetcher, const net::FetchLimits& limits,
    const std::function<void(const std::string&)>& on_resource_ready,
    const std::function<std::shared_ptr<AssetSink>()>& new_asset_sink,
    const OriginalWriter& write_original) {
  const std::string_view html = page.html;
  return snapshot_of(page, html, /*owned=*/true, fetcher, limits, on_resource_ready,
                     new_asset_sink, write_original);
}

Result<store::SnapshotInput> build_snapshot_of(
    Page page, std::string_view html, net::Fetcher& fetcher, const net::FetchLimits& limits,
    const std::function<void(const std::string&)>& on_resource_ready,
    const std::function<std::shared_ptr<AssetSink>()>& new_asset_sink,
    const OriginalWriter& write_original) {
  return snapshot_of(page, html, /*owned=*/false, fetcher, limits, on_resource_ready,
                     new_asset_sink, write_original);
}

}  // namespace linksnap::capture
