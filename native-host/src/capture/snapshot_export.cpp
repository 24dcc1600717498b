#include "capture/snapshot_export.h"

#include <map>
#include <set>
#include <vector>

#include "capture/html_rewrite.h"
#include "capture/snapshot_engine.h"
#include "util/sha256.h"

#include "util/percent.h"

namespace linksnap::capture {
namespace {

constexpr std::size_t kHashLength = 64;
// A transparent 1x1 GIF: the src of an <img> whose picture comes from `content:`.
constexpr std::string_view kPixel =
    "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string base64(std::string_view in) {
  static constexpr char kTable[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) | static_cast<unsigned char>(in[i + 2]);
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += kTable[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += i + 1 < in.size() ? kTable[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Percent-encodes everything that could end a quoted CSS string or HTML attribute, start a
// CSS escape or an HTML character reference, or is not printable ASCII.
std::string percent_encode(std::string_view in) {
  return linksnap::percent_encode(in, "-._~!$()*+,;=:@/?{}|^[]`");
}

std::string clean_mime(std::string_view mime) {
  std::string out;
  for (char c : mime) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '+' || c == '-' || c == '.') out.push_back(c);
  }
  return out.find('/') == std::string::npos ? "application/octet-stream" : out;
}

// A use that can read a shared image from a variable: url("P") in CSS, url(&quot;P&quot;) in
// a style attribute, or <img ... src="P"> in a document.
enum class Use { kInline, kCssUrl, kStyleAttrUrl, kImgSrc };

Use use_at(std::string_view before, std::string_view after, bool in_html) {
  if (ends_with(before, "url(\"") && starts_with(after, "\")")) return Use::kCssUrl;
  if (ends_with(before, "url(&quot;") && starts_with(after, "&quot;)")) return Use::kStyleAttrUrl;
  if (in_html && ends_with(before, " src=\"") && starts_with(after, "\"")) {
    const std::size_t lt = before.rfind('<');
    if (lt != std::string_view::npos && before.size() - lt > 4 &&
        (before.substr(lt, 5) == "<img " || before.substr(lt, 5) == "<IMG ")) {
      return Use::kImgSrc;
    }
  }
  return Use::kInline;
}

bool is_hex_hash(std::string_view s) {
  if (s.size() < kHashLength) return false;
  return is_sha256_hex(s.substr(0, kHashLength));
}

class Exporter {
 public:
  Exporter(const BlobLookup& lookup, const ExportOptions& options) : lookup_(lookup), options_(options) {}

  std::string document(std::string_view html, int nesting) {
    Scope scope;
    scope.nesting = nesting;
    count(html, scope, nesting, true);
    for (const auto& [hash, n] : scope.counts) {
      if (n < 2) continue;
      const StoredBlob* b = blob(hash);
      if (b != nullptr && starts_with(b->mime, "image/") && b->bytes.size() >= options_.share_threshold) {
        scope.shared.insert(hash);
      }
    }
    std::string body = replace(html, scope, /*in_html=*/true);
    if (scope.shared.empty()) return body;

    std::string style = "<style>:root{";
    for (const std::string& hash : scope.shared) {
      style += "--linksnap-" + hash + ":url(\"" + data_uri(hash, scope) + "\");";
    }
    style += "}";
    for (const std::string& hash : scope.img_shared) {
      style += "img[data-linksnap-img=\"" + hash + "\"]{content:var(--linksnap-" + hash + ")}";
    }
    style += "</style>";
    const std::string csp_meta =
        std::string("<meta http-equiv=\"Content-Security-Policy\" content=\"") + kSnapshotCsp + "\">";
    std::size_t at = body.find(csp_meta);
    at = at == std::string::npos ? 0 : at + csp_meta.size();
    body.insert(at, style);
    return body;
  }

 private:
  struct Scope {
    int nesting = 0;
    std::map<std::string, int> counts;
    std::set<std::string> counted_sheets;
    std::set<std::string> shared;
    std::set<std::string> img_shared;  // shared images used by an <img src>
    std::map<std::string, std::string> sheet_uris;
  };

  const StoredBlob* blob(const std::string& hash) {
    auto it = blobs_.find(hash);
    if (it == blobs_.end()) {
      std::optional<StoredBlob> b = lookup_(hash);
      it = blobs_.emplace(hash, std::move(b)).first;
    }
    return it->second ? &*it->second : nullptr;
  }

  template <class Visit>
  static void for_each_placeholder(std::string_view text, Visit visit) {
    std::size_t pos = 0;
    while ((pos = text.find(kBlobPlaceholder, pos)) != std::string_view::npos) {
      const std::size_t h = pos + kBlobPlaceholder.size();
      if (is_hex_hash(text.substr(h))) {
        visit(pos, std::string(text.substr(h, kHashLength)));
        pos = h + kHashLength;
      } else {
        pos = h;
      }
    }
  }

  // How many times each blob would be inlined into this document (its stylesheets included).
  void count(std::string_view text, Scope& scope, int depth, bool in_html) {
    if (depth > options_.max_nesting) return;
    for_each_placeholder(text, [&](std::size_t pos, const std::string& hash) {
      const std::size_t end = pos + kBlobPlaceholder.size() + kHashLength;
      if (use_at(text.substr(0, pos), text.substr(end), in_html) != Use::kInline) ++scope.counts[hash];
      const StoredBlob* b = blob(hash);
      if (b != nullptr && b->mime == "text/css" && scope.counted_sheets.insert(hash).second) {
        count(b->bytes, scope, depth + 1, false);
      }
    });
  }

  std::string data_uri(const std::string& hash, Scope& scope) {
    const StoredBlob* b = blob(hash);
    if (b == nullptr) return std::string(kMissingResource);
    if (b->mime == "text/css") {
      auto it = scope.sheet_uris.find(hash);
      if (it != scope.sheet_uris.end()) return it->second;
      std::string uri = "about:invalid";
      if (scope.nesting < options_.max_nesting) {
        ++scope.nesting;
        uri = "data:text/css;charset=utf-8," + percent_encode(replace(b->bytes, scope, false));
        --scope.nesting;
      }
      scope.sheet_uris.emplace(hash, uri);
      return uri;
    }
    if (b->mime == "text/html") {
      if (scope.nesting >= options_.max_nesting) return "about:blank";
      const std::string doc = document(b->bytes, scope.nesting + 1);
      std::string encoded = percent_encode(doc);
      if (encoded.size() > doc.size() * 4 / 3 + 4) return "data:text/html;charset=utf-8;base64," + base64(doc);
      return "data:text/html;charset=utf-8," + encoded;
    }
    return "data:" + clean_mime(b->mime) + ";base64," + base64(b->bytes);
  }

  std::string replace(std::string_view text, Scope& scope, bool in_html) {
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0;
    for_each_placeholder(text, [&](std::size_t pos, const std::string& hash) {
      if (pos < copied) return;
      const std::size_t end = pos + kBlobPlaceholder.size() + kHashLength;
      const std::string_view before = text.substr(0, pos);
      const std::string_view after = text.substr(end);
      if (scope.shared.count(hash) != 0) {
        switch (use_at(before, after, in_html)) {
          case Use::kCssUrl:
          case Use::kStyleAttrUrl: {
            const bool attr = use_at(before, after, in_html) == Use::kStyleAttrUrl;
            const std::size_t open = attr ? std::string_view("url(&quot;").size() : std::string_view("url(\"").size();
            const std::size_t close = attr ? std::string_view("&quot;)").size() : std::string_view("\")").size();
            out.append(text.substr(copied, pos - open - copied));
            out += "var(--linksnap-" + hash + ")";
            copied = end + close;
            return;
          }
          case Use::kImgSrc:
            out.append(text.substr(copied, pos - copied));
            out += std::string(kPixel) + "\" data-linksnap-img=\"" + hash;
            scope.img_shared.insert(hash);
            copied = end;
            return;
          case Use::kInline:
            break;
        }
      }
      out.append(text.substr(copied, pos - copied));
      out += data_uri(hash, scope);
      copied = end;
    });
    out.append(text.substr(copied));
    return out;
  }

  const BlobLookup& lookup_;
  ExportOptions options_;
  std::map<std::string, std::optional<StoredBlob>> blobs_;
};

}  // namespace

std::string export_snapshot(std::string_view root_html, const BlobLookup& lookup, const ExportOptions& options) {
  Exporter exporter(lookup, options);
  return exporter.document(root_html, 0);
}

}  // namespace linksnap::capture
