#include "capture/snapshot_engine.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "capture/css_rewrite.h"
#include "capture/html_rewrite.h"
#include "capture/parsed_page.h"
#include "capture/srcset.h"
#include "capture/svg_sanitize.h"
#include "net/media_types.h"  // content_type_for_path: the guess for a resource without a type
#include "util/charset.h"
#include "util/sha256.h"
#include "util/url.h"

namespace linksnap::capture {
namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string media_type(std::string_view content_type) {
  std::string out;
  for (char c : content_type) {
    if (c == ';') break;
    if (c != ' ' && c != '\t') out.push_back(ascii_lower(c));
  }
  return out;
}

std::string sniff(std::string_view b) {
  auto starts = [&](std::string_view magic) { return b.substr(0, magic.size()) == magic; };
  if (starts("\x89PNG\r\n\x1a\n")) return "image/png";
  if (starts("\xFF\xD8\xFF")) return "image/jpeg";
  if (starts("GIF87a") || starts("GIF89a")) return "image/gif";
  if (starts("RIFF") && b.size() >= 12 && b.substr(8, 4) == "WEBP") return "image/webp";
  if (starts(std::string_view("\x00\x00\x01\x00", 4))) return "image/x-icon";
  if (starts("wOFF")) return "font/woff";
  if (starts("wOF2")) return "font/woff2";
  if (starts("OTTO")) return "font/otf";
  if (starts(std::string_view("\x00\x01\x00\x00", 4))) return "font/ttf";
  if (b.size() >= 12 && b.substr(4, 4) == "ftyp") return "video/mp4";
  if (starts("\x1A\x45\xDF\xA3")) return "video/webm";
  if (starts("OggS")) return "audio/ogg";
  if (starts("ID3")) return "audio/mpeg";
  if (starts("WEBVTT")) return "text/vtt";
  const std::string_view head = b.substr(0, 1024);
  if (head.find("<svg") != std::string_view::npos) return "image/svg+xml";
  return "";
}

std::string without_fragment(const std::string& u) {
  const std::size_t hash = u.find('#');
  return hash == std::string::npos ? u : u.substr(0, hash);
}
std::string fragment_of(const std::string& u) {
  const std::size_t hash = u.find('#');
  return hash == std::string::npos ? "" : u.substr(hash);
}

// "lsref" + 128 random bits + "-": drawn per capture, so no page or frame can contain it on
// purpose; the page in hand is checked anyway.
std::string new_token_prefix(std::string_view page) {
  std::random_device random;
  for (;;) {
    std::string prefix = "lsref";
    for (int i = 0; i < 4; ++i) {
      char hex[9];
      std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(random()));
      prefix += hex;
    }
    prefix += '-';
    if (page.find(prefix) == std::string_view::npos) return prefix;
  }
}

constexpr std::size_t kMaxKeptHeadBytes = 8u << 20;

bool is_html_type(const std::string& mime) {
  return mime == "text/html" || mime == "application/xhtml+xml";
}

struct Node {
  std::string url;  // absolute, without fragment
  ResourceKind kind = ResourceKind::kAsset;
  int depth = 0;  // frame depth (documents)
  int import_depth = 0;     // stylesheets: how many @imports lead here
  std::size_t frames = 0;   // documents: distinct frames it shows
  std::string referer;

  bool fetched = false;   // a FetchResult arrived (or it never needed one: the root)
  bool expanded = false;  // children discovered
  bool done = false;      // final: bytes and hash known, or failed
  bool ok = false;
  bool container = false;  // stylesheet or HTML document: rewritten after its children

  std::string final_url;
  long http_status = 0;
  std::string mime;
  std::string text;  // containers: UTF-8 source (documents: rewritten, with ref tokens)
  std::vector<HtmlReference> refs;  // documents: what each ref token stands for
  std::string bytes;                // final bytes (rewritten for containers)
  std::shared_ptr<AssetSink> sink;  // assets streaming to disk: bytes stay empty
  bool streamed = false;            // ok, and its bytes are in a blob file already
  std::string hash;
  std::string error_code, error_message;
  std::size_t fetched_size = 0;
  // For a WARC: the exchange, and a container's bytes as the server sent them (decoded).
  std::string request_head, response_head;
  std::optional<std::string> original;

  std::set<std::size_t> children;  // not done yet
  std::vector<std::size_t> parents;
};

class Engine {
 public:
  Engine(net::Fetcher& fetcher, const net::FetchLimits& limits, const EngineOptions& options,
         const ParsedHook* on_root_parsed = nullptr)
      : session_(fetcher.start(limits)),
        options_(options),
        on_root_parsed_(on_root_parsed),
        max_outstanding_(static_cast<std::size_t>(std::max(1, limits.max_concurrent))) {}

  CapturedDocument run(std::string html, std::string_view page_url) {
    token_prefix_ = new_token_prefix(html);
    Node root;
    root.url = std::string(page_url);
    root.final_url = root.url;
    root.kind = ResourceKind::kDocument;
    root.container = true;
    root.fetched = true;
    root.text = std::move(html);
    root.mime = "text/html";
    nodes_.push_back(std::move(root));
    expand(0);
    try_finish(0);

    while (session_ != nullptr) {
      pump();
      if (outstanding_ == 0) break;
      std::optional<net::FetchResult> r = session_->next();
      if (!r) break;
      --outstanding_;
      on_result(std::move(*r));
    }
    // Whatever is still waiting sits on an @import or frame cycle (or on a request the session
    // dropped): finish the newest first, its unfinished children counting as missing — so the
    // import that closes a cycle is the one dropped, as a browser drops it.
    for (std::size_t i = nodes_.size(); i-- > 0;) {
      if (!nodes_[i].done && nodes_[i].expanded) finalize(i, /*forced=*/true);
    }
    for (std::size_t i = nodes_.size(); i-- > 0;) {
      if (!nodes_[i].done) fail(i, errc::kFetchFailed, "the resource was never fetched");
    }
    std::unordered_set<std::string> fetched_urls;
    for (std::size_t i = 1; i < nodes_.size(); ++i) fetched_urls.insert(nodes_[i].url);

    CapturedDocument out;
    out.html = std::move(nodes_[0].bytes);
    for (std::size_t i = 1; i < nodes_.size(); ++i) {
      Node& n = nodes_[i];
      store::ResourceInput in;
      in.record.url = n.url;
      if (!n.final_url.empty()) in.record.final_url = n.final_url;
      in.record.mime = n.mime;
      if (n.http_status > 0) in.record.http_status = n.http_status;
      std::optional<std::string> original;
      if (n.ok && n.streamed) {
        in.record.size = static_cast<std::int64_t>(n.fetched_size);
        in.record.blob = n.hash;
      } else if (n.ok) {
        in.record.size = static_cast<std::int64_t>(n.bytes.size());
        if (n.original && *n.original != n.bytes) original = std::move(n.original);
        in.bytes = std::move(n.bytes);
      } else {
        in.record.size = static_cast<std::int64_t>(n.fetched_size);
        in.record.error_code = n.error_code;
        in.record.error_message = n.error_message;
      }
      if (!n.request_head.empty() || !n.response_head.empty() || original) {
        in.exchange = std::make_shared<store::HttpExchange>(
            store::HttpExchange{std::move(n.request_head), std::move(n.response_head), std::move(original)});
      }
      out.resources.push_back(std::move(in));
    }
    for (Skipped& skipped : skipped_) {
      if (fetched_urls.count(skipped.url) != 0) continue;  // fetched where it was within limits
      store::ResourceInput in;
      in.record.url = std::move(skipped.url);
      in.record.error_code = skipped.reason;
      in.record.error_message = skipped_message(skipped.reason);
      out.resources.push_back(std::move(in));
    }
    return out;
  }

 private:
  // The node for a reference, created (and its fetch queued) the first time; nullopt when the
  // reference is not fetched at all (over the resource limit, a frame too deep, about:).
  std::optional<std::size_t> node_for(const std::string& absolute, ResourceKind kind,
                                      std::size_t parent) {
    const std::string scheme = url::scheme_of(absolute);
    if (scheme.empty() || scheme == "about" || scheme == "data") return std::nullopt;
    std::string key_url = without_fragment(absolute);
    const int depth = nodes_[parent].depth + (kind == ResourceKind::kDocument ? 1 : 0);
    if (kind == ResourceKind::kDocument && depth > options_.max_frame_depth) {
      skip(std::move(key_url), missing::kFrameDepth);
      return std::nullopt;
    }
    const auto key = std::make_pair(static_cast<int>(kind), key_url);
    if (auto it = index_.find(key); it != index_.end()) return it->second;
    const bool import = kind == ResourceKind::kStylesheet &&
                        nodes_[parent].kind == ResourceKind::kStylesheet;
    const int import_depth = import ? nodes_[parent].import_depth + 1 : 0;
    if (import_depth > options_.max_import_depth) {
      skip(std::move(key_url), missing::kImportDepth);
      return std::nullopt;
    }
    if (kind == ResourceKind::kDocument &&
        nodes_[parent].frames >= options_.max_frames_per_document) {
      skip(std::move(key_url), missing::kFrameFanout);
      return std::nullopt;
    }
    if (nodes_.size() > options_.max_resources) {
      skip(std::move(key_url), missing::kTooManyResources);
      return std::nullopt;
    }
    if (kind == ResourceKind::kDocument) ++nodes_[parent].frames;
    Node n;
    n.url = key_url;
    n.kind = kind;
    n.depth = depth;
    n.import_depth = import_depth;
    n.referer = nodes_[parent].final_url;
    const std::size_t id = nodes_.size();
    nodes_.push_back(std::move(n));
    index_.emplace(key, id);
    if (session_ != nullptr) {
      (kind == ResourceKind::kAsset ? assets_ : containers_).push_back(id);
    } else {
      fail(id, errc::kInternal, "no fetch session");
    }
    return id;
  }

  // A reference not fetched because of a limit: listed once, as missing with that reason.
  void skip(std::string key_url, const char* reason) {
    if (skipped_urls_.insert(key_url).second) skipped_.push_back({std::move(key_url), reason});
  }

  std::string skipped_message(std::string_view reason) const {
    if (reason == missing::kFrameDepth) {
      return "not fetched: frames nest more than " + std::to_string(options_.max_frame_depth) +
             " deep";
    }
    if (reason == missing::kFrameFanout) {
      return "not fetched: a document shows more than " +
             std::to_string(options_.max_frames_per_document) + " frames";
    }
    if (reason == missing::kImportDepth) {
      return "not fetched: @import nests more than " + std::to_string(options_.max_import_depth) +
             " deep";
    }
    if (reason == missing::kSrcsetLimit) {
      return "not fetched: a srcset lists more than " + std::to_string(kMaxSrcsetCandidates) +
             " candidates";
    }
    return "not fetched: the page names more than " + std::to_string(options_.max_resources) +
           " resources";
  }

  // Hands requests to the session, keeping only about as many outstanding as it runs at once:
  // a stylesheet or frame found later (an @import, a frame's CSS) then starts next instead of
  // waiting behind every image queued before it — each one unlocks another round trip.
  void pump() {
    while (outstanding_ < max_outstanding_ && (!containers_.empty() || !assets_.empty())) {
      std::deque<std::size_t>& from = containers_.empty() ? assets_ : containers_;
      const std::size_t id = from.front();
      from.pop_front();
      net::FetchRequest request{nodes_[id].url, nodes_[id].referer, id};
      if (nodes_[id].kind == ResourceKind::kAsset && options_.new_asset_sink) {
        nodes_[id].sink = options_.new_asset_sink();
        request.sink = nodes_[id].sink;
      }
      session_->add(std::move(request));
      ++outstanding_;
    }
  }

  // url::resolve, remembered: a big stylesheet repeats the same few URLs thousands of times.
  const std::optional<std::string>& resolve(const std::string& base, std::string_view raw) {
    constexpr std::size_t kMaxCached = 20000;
    std::string key = base;
    key += '\n';
    key += raw;
    if (auto it = resolved_.find(key); it != resolved_.end()) return it->second;
    auto r = url::resolve(base, raw);
    std::optional<std::string> value =
        r.ok() ? std::optional<std::string>(std::move(*r)) : std::nullopt;
    if (resolved_.size() >= kMaxCached) resolved_.clear();
    return resolved_.emplace(std::move(key), std::move(value)).first->second;
  }

  void link(std::size_t parent, std::optional<std::size_t> child) {
    if (!child || *child == parent) return;
    if (nodes_[*child].done) return;
    if (nodes_[parent].children.insert(*child).second) nodes_[*child].parents.push_back(parent);
  }

  // Discovers a container's references and queues them.
  void expand(std::size_t id) {
    Node& n = nodes_[id];
    n.expanded = true;
    if (n.kind == ResourceKind::kStylesheet) {
      const std::string base = n.final_url;
      for (const CssReference& ref : find_css_references(n.text)) {
        const std::optional<std::string>& resolved = resolve(base, ref.url);
        if (!resolved) continue;
        link(id, node_for(*resolved,
                          ref.kind == CssRefKind::kImport ? ResourceKind::kStylesheet
                                                          : ResourceKind::kAsset,
                          id));
      }
    } else {
      // One gumbo pass (the costly part of a save) both finds the references and rewrites the
      // document: each reference becomes a token that finalize() fills in.
      std::vector<HtmlReference> refs;
      const HtmlUrlMapper map = [&](const std::string& u, ResourceKind k) {
        if (url::scheme_of(u) == "about") return std::optional<std::string>();
        if (k == ResourceKind::kSrcsetOverflow) {
          if (url::scheme_of(u) != "data") skip(without_fragment(u), missing::kSrcsetLimit);
          return std::optional<std::string>();
        }
        refs.push_back({u, k});
        return std::optional<std::string>(ref_token(refs.size() - 1));
      };
      std::string tokenized = id == 0 && on_root_parsed_ != nullptr
                                  ? rewrite_html_with(n.text, n.final_url, map, *on_root_parsed_)
                                  : rewrite_html(n.text, n.final_url, map);
      n.text = std::move(tokenized);  // `n` is not used below: node_for may move nodes_
      // Stylesheets and frames first: each unlocks more requests (its own references), so
      // starting them before the images shortens the chain of round trips.
      for (const bool containers : {true, false}) {
        for (const HtmlReference& ref : refs) {
          if ((ref.kind != ResourceKind::kAsset) == containers)
            link(id, node_for(ref.url, ref.kind, id));
        }
      }
      nodes_[id].refs = std::move(refs);
    }
  }

  // A placeholder no page contains: a random prefix (checked against the page) and a number.
  std::string ref_token(std::size_t index) const {
    return token_prefix_ + std::to_string(index) + "_";
  }

  std::string with_refs_filled_in(const Node& n) const {
    std::string out;
    out.reserve(n.text.size() + n.refs.size() * 64);
    std::size_t pos = 0;
    for (std::size_t at; (at = n.text.find(token_prefix_, pos)) != std::string::npos;) {
      out.append(n.text, pos, at - pos);
      std::size_t p = at + token_prefix_.size();
      std::size_t index = 0;
      while (p < n.text.size() && n.text[p] >= '0' && n.text[p] <= '9' && index < n.refs.size()) {
        index = index * 10 + static_cast<std::size_t>(n.text[p++] - '0');
      }
      if (p < n.text.size() && n.text[p] == '_' && index < n.refs.size()) {
        out += replacement(n.refs[index].url, n.refs[index].kind);
        pos = p + 1;
      } else {  // not one of ours (cannot happen: the prefix is not in the page)
        out.append(token_prefix_);
        pos = at + token_prefix_.size();
      }
    }
    out.append(n.text, pos);
    return out;
  }

  std::string replacement(const std::string& absolute, ResourceKind kind) const {
    const auto it = index_.find(std::make_pair(static_cast<int>(kind), without_fragment(absolute)));
    if (it == index_.end()) {
      return kind == ResourceKind::kDocument ? "about:blank" : std::string(kMissingResource);
    }
    const Node& n = nodes_[it->second];
    if (!n.done || !n.ok) return std::string(kMissingResource);
    return std::string(kBlobPlaceholder) + n.hash + fragment_of(absolute);
  }

  void finalize(std::size_t id, bool forced) {
    Node& n = nodes_[id];
    if (n.done || (!forced && !n.children.empty())) return;
    n.children.clear();
    if (n.kind == ResourceKind::kStylesheet) {
      const std::string base = n.final_url;
      n.bytes = rewrite_css(
          n.text, [&](std::string_view raw, CssRefKind k) -> std::optional<std::string> {
            const std::optional<std::string>& resolved = resolve(base, raw);
            if (!resolved || url::scheme_of(*resolved) == "data") return std::nullopt;
            return replacement(*resolved, k == CssRefKind::kImport ? ResourceKind::kStylesheet
                                                                   : ResourceKind::kAsset);
          });
    } else {
      n.bytes = with_refs_filled_in(n);
      n.refs.clear();
    }
    n.text.clear();
    n.text.shrink_to_fit();
    if (id != 0) n.hash = sha256_hex(n.bytes);  // the page itself is hashed by the store
    n.ok = true;
    n.done = true;
    if (id != 0 && options_.on_resource_ready) options_.on_resource_ready(n.bytes);
    propagate(id);
  }

  void fail(std::size_t id, std::string code, std::string message) {
    Node& n = nodes_[id];
    n.ok = false;
    n.done = true;
    n.error_code = std::move(code);
    n.error_message = std::move(message);
    n.bytes.clear();
    n.text.clear();
    n.original.reset();
    n.sink.reset();  // the last owner of a sink removes its unfinished blob file
    propagate(id);
  }

  void complete_asset(std::size_t id) {
    Node& n = nodes_[id];
    n.hash = sha256_hex(n.bytes);
    n.ok = true;
    n.done = true;
    if (options_.on_resource_ready) options_.on_resource_ready(n.bytes);
    propagate(id);
  }

  // A node became final: parents waiting only on it can be rewritten now.
  void propagate(std::size_t id) {
    std::vector<std::size_t> work{id};
    while (!work.empty()) {
      const std::size_t done = work.back();
      work.pop_back();
      for (std::size_t p : nodes_[done].parents) {
        Node& parent = nodes_[p];
        parent.children.erase(done);
        if (!parent.done && parent.expanded && parent.children.empty())
          finalize_later_.push_back(p);
      }
    }
    while (!finalize_later_.empty()) {
      const std::size_t p = finalize_later_.back();
      finalize_later_.pop_back();
      finalize(p, false);
    }
  }

  void try_finish(std::size_t id) {
    if (nodes_[id].children.empty()) finalize(id, false);
  }

  void on_result(net::FetchResult r) {
    if (r.tag >= nodes_.size() || nodes_[r.tag].fetched) return;
    const std::size_t id = r.tag;
    Node& n = nodes_[id];
    n.fetched = true;
    n.final_url = r.final_url.empty() ? r.url : r.final_url;
    n.http_status = r.http_status;
    n.fetched_size = r.body_size;
    // The heads a WARC export replays, within a budget per capture: 1,000 images that each
    // set 200 KiB of cookies would otherwise hold 200 MB. Past it a resource keeps none and
    // the export synthesizes its headers (as for snapshots made before heads were kept).
    if (heads_kept_ + r.request_head.size() + r.response_head.size() <= kMaxKeptHeadBytes) {
      heads_kept_ += r.request_head.size() + r.response_head.size();
      n.request_head = std::move(r.request_head);
      n.response_head = std::move(r.response_head);
    }
    if (!r.transport_ok()) {
      fail(id, r.error_code, r.error_message);
      return;
    }
    if (!r.http_ok()) {
      n.mime = media_type(r.content_type);
      fail(id, errc::kHttpError, "the server answered HTTP " + std::to_string(r.http_status));
      return;
    }
    n.mime = resource_mime(r.content_type, r.body, n.final_url);
    if (n.kind == ResourceKind::kStylesheet) {
      n.container = true;
      n.mime = "text/css";
      n.text = stylesheet_to_utf8(r.content_type, r.body);
      n.original = std::move(r.body);
    } else if (n.kind == ResourceKind::kDocument && is_html_type(n.mime)) {
      n.container = true;
      n.mime = "text/html";
      auto utf8 = charset::to_utf8(r.body, charset::detect_html(r.content_type, r.body));
      n.text = utf8.ok() ? std::move(*utf8) : charset::sanitize_utf8(r.body);
      n.original = std::move(r.body);
    } else if (n.kind == ResourceKind::kDocument && n.mime == "image/svg+xml") {
      // An SVG shown as a document (a frame, <object>, <embed>) would run its scripts there:
      // it is kept sanitized by the rules a saved SVG link gets (svg_sanitize.h).
      auto svg = sanitize_svg(r.body);
      if (!svg.ok()) {
        fail(id, svg.error().code, svg.error().message);
        return;
      }
      n.bytes = std::move(svg->svg);
      complete_asset(id);
      return;
    } else if (n.sink) {  // an asset that streamed to its blob file
      Result<std::string> hash = n.sink->finish();
      n.sink.reset();
      if (!hash.ok()) {
        fail(id, hash.error().code, hash.error().message);
        return;
      }
      n.hash = std::move(*hash);
      n.streamed = true;
      n.ok = true;
      n.done = true;
      propagate(id);
      return;
    } else {
      n.bytes = std::move(r.body);  // an asset (a frame showing an image or a PDF is one too)
      complete_asset(id);
      return;
    }
    expand(id);
    try_finish(id);
  }

  std::unique_ptr<net::FetchSession> session_;
  EngineOptions options_;
  const ParsedHook* on_root_parsed_;  // null: none
  std::size_t heads_kept_ = 0;  // bytes of request and response heads kept for the WARC
  std::size_t max_outstanding_;
  std::size_t outstanding_ = 0;
  std::deque<std::size_t> containers_, assets_;  // not yet handed to the session
  std::vector<Node> nodes_;
  std::map<std::pair<int, std::string>, std::size_t> index_;
  std::vector<std::size_t> finalize_later_;
  std::unordered_map<std::string, std::optional<std::string>> resolved_;
  struct Skipped {
    std::string url;
    const char* reason;
  };
  std::vector<Skipped> skipped_;  // references past a limit, in the order they were found
  std::unordered_set<std::string> skipped_urls_;
  std::string token_prefix_;
};

}  // namespace

std::string resource_mime(std::string_view content_type, std::string_view body,
                          std::string_view u) {
  std::string type = media_type(content_type);
  // Browsers decide an image by its bytes: an <img> whose server says text/html still shows.
  if (type == "text/html") {
    std::string sniffed = sniff(body);
    if (sniffed.rfind("image/", 0) == 0 && sniffed != "image/svg+xml") return sniffed;
  }
  if (type.empty() || type == "application/octet-stream" || type == "text/plain" ||
      type == "binary/octet-stream" || type.find('/') == std::string::npos) {
    std::string sniffed = sniff(body);
    if (!sniffed.empty()) return sniffed;
    if (type.empty() || type.find('/') == std::string::npos) {
      std::string path(u.substr(0, u.find_first_of("?#")));
      std::string guess = media_type(net::content_type_for_path(path));
      if (guess != "application/octet-stream") return guess;
      return "application/octet-stream";
    }
  }
  return type;
}

std::string stylesheet_to_utf8(std::string_view content_type, std::string_view body) {
  auto utf8 = charset::to_utf8(body, charset::detect_css(content_type, body));
  std::string out = utf8.ok() ? std::move(*utf8) : charset::sanitize_utf8(body);
  if (std::string_view(out).substr(0, 10) == "@charset \"") {
    const std::size_t close = out.find("\";", 10);
    if (close != std::string::npos && close < 60) out.erase(0, close + 2);
  }
  return out;
}

CapturedDocument capture_document(std::string_view html, std::string_view page_url,
                                  net::Fetcher& fetcher, const net::FetchLimits& limits,
                                  const EngineOptions& options) {
  return capture_owned_document(std::string(html), page_url, fetcher, limits, options);
}

CapturedDocument capture_owned_document(std::string html, std::string_view page_url,
                                        net::Fetcher& fetcher, const net::FetchLimits& limits,
                                        const EngineOptions& options) {
  Engine engine(fetcher, limits, options);
  return engine.run(std::move(html), page_url);
}

CapturedDocument capture_owned_document_with(std::string html, std::string_view page_url,
                                             net::Fetcher& fetcher, const net::FetchLimits& limits,
                                             const EngineOptions& options,
                                             const ParsedHook& on_root_parsed) {
  Engine engine(fetcher, limits, options, &on_root_parsed);
  return engine.run(std::move(html), page_url);
}

}  // namespace linksnap::capture
