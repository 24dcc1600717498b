#include "capture/html_rewrite.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <tuple>

#include "capture/css_rewrite.h"
#include "capture/gumbo_guard.h"
#include "capture/parsed_page.h"
#include "capture/srcset.h"
#include "util/charset.h"
#include "util/url.h"
#include "util/ascii.h"

namespace linksnap::capture {

const char* const kSnapshotCsp =
    "default-src 'none'; img-src data:; media-src data:; font-src data:; "
    "style-src data: 'unsafe-inline'; frame-src data:; child-src data:; object-src data:; "
    "script-src 'none'; form-action 'none'; base-uri 'none'";

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr int kMaxSrcdocDepth = 3;

bool is_html_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
std::string_view trim(std::string_view s) {
  while (!s.empty() && is_html_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_html_ws(s.back())) s.remove_suffix(1);
  return s;
}
std::vector<std::string> tokens(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_html_ws(s[i])) ++i;
    const std::size_t b = i;
    while (i < s.size() && !is_html_ws(s[i])) ++i;
    if (i > b) out.push_back(ascii_lower(s.substr(b, i - b)));
  }
  return out;
}
bool contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

const char* attr(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a == nullptr ? nullptr : a->value;
}

// The element's lowercase tag name (gumbo reports SVG's feImage & co. as GUMBO_TAG_UNKNOWN).
std::string tag_name(const GumboElement& e) {
  if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
  GumboStringPiece piece = e.original_tag;
  if (piece.length == 0) return "";
  gumbo_tag_from_original_text(&piece);
  return ascii_lower(std::string_view(piece.data, piece.length));
}

// Depth-first walk with an explicit stack (a deep tree must not overflow the C++ stack).
template <class Enter>
void walk(const GumboNode* root, Enter enter) {
  struct Frame {
    const GumboNode* node;
    unsigned next;
  };
  std::vector<Frame> stack;
  if (enter(root)) stack.push_back({root, 0});
  while (!stack.empty()) {
    Frame& top = stack.back();
    const GumboVector* children = children_of(top.node);
    if (children != nullptr && top.next < children->length) {
      const auto* child = static_cast<const GumboNode*>(children->data[top.next++]);
      if (enter(child)) stack.push_back({child, 0});
    } else {
      stack.pop_back();
    }
  }
}

struct Edit {
  std::size_t offset;
  std::size_t length;
  std::string text;
};

std::string apply_edits(std::string_view html, std::vector<Edit>& edits) {
  std::stable_sort(edits.begin(), edits.end(),
                   [](const Edit& a, const Edit& b) { return a.offset < b.offset; });
  std::string out;
  out.reserve(html.size() + 512);
  std::size_t pos = 0;
  for (const Edit& edit : edits) {
    if (edit.offset < pos || edit.offset > html.size()) continue;  // overlapping: keep the first
    out.append(html.substr(pos, edit.offset - pos));
    out.append(edit.text);
    pos = std::min(html.size(), edit.offset + edit.length);
  }
  out.append(html.substr(pos));
  return out;
}

enum class Role { kNone, kResource, kSrcset, kLink, kStyle, kSrcdoc };

struct AttrRole {
  Role role = Role::kNone;
  ResourceKind kind = ResourceKind::kAsset;
};

// "on" + an event name; a bare "on" is no handler.
bool is_handler_name(std::string_view lowered) {
  return lowered.size() > 2 && lowered[0] == 'o' && lowered[1] == 'n';
}

// Case-insensitive occurrences of `needle` (lower case) in `s`.
std::size_t count_ci(std::string_view s, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t i = 0; i + needle.size() <= s.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && ascii_lower(s[i + k]) == needle[k]) ++k;
    if (k == needle.size()) ++count;
  }
  return count;
}

bool is_script_url(std::string_view value) {
  const std::string scheme = url::scheme_of(trim(value));
  return scheme == "javascript" || scheme == "vbscript";
}

// The document's base URL: the first <base href> in tree order, if it resolves to http(s).
std::string base_url_of(const GumboOutput* parsed, std::string_view page_url) {
  std::string base(page_url);
  if (parsed == nullptr) return base;
  bool found = false;
  walk(parsed->document, [&](const GumboNode* node) {
    if (found) return false;
    if (node->type == GUMBO_NODE_DOCUMENT) return true;
    if (node->type != GUMBO_NODE_ELEMENT) return false;
    const GumboElement& e = node->v.element;
    if (e.tag == GUMBO_TAG_BASE && e.tag_namespace == GUMBO_NAMESPACE_HTML) {
      if (const char* href = attr(e, "href")) {
        found = true;
        auto resolved = url::resolve(page_url, trim(href));
        if (resolved.ok() && url::is_http_or_https(*resolved)) base = *resolved;
      }
      return false;
    }
    return true;
  });
  return base;
}

// Is a piece of gumbo's source text inside `buffer` (not empty, not a synthesized string)?
bool piece_in(std::string_view buffer, const GumboStringPiece& piece) {
  return piece.length > 0 && piece.data >= buffer.data() &&
         piece.data + piece.length <= buffer.data() + buffer.size();
}

// The source span of one attribute in `buffer`, name to the end of its value.
std::pair<std::size_t, std::size_t> attribute_span_in(std::string_view buffer,
                                                      const GumboAttribute& a) {
  const auto offset = [&](const char* p) { return static_cast<std::size_t>(p - buffer.data()); };
  const std::size_t begin = offset(a.original_name.data);
  std::size_t end = begin + a.original_name.length;
  if (piece_in(buffer, a.original_value) && a.original_value.data != a.original_name.data) {
    end = std::max(end, offset(a.original_value.data + a.original_value.length));
  }
  return {begin, end};
}

class Rewriter {
 public:
  // `page_url` is the document's URL (for a srcdoc document, its parent's base URL); its own
  // <base href>, found in the same parse, takes precedence.
  Rewriter(std::string_view html, std::string page_url, const HtmlUrlMapper& map, int depth,
           const ParsedHook* on_parsed = nullptr)
      : html_(html), base_(std::move(page_url)), map_(map), depth_(depth), on_parsed_(on_parsed) {}

  std::string run() {
    // The tree is dropped before the output is built: both are as big as the page or more.
    auto tree = std::make_unique<GumboDocument>(html_, budget_for_page(html_.size()));
    const GumboDocument& doc = *tree;
    const std::string_view parsed = html_.substr(0, doc.parsed_length());
    base_ = base_url_of(doc.output(), base_);
    const GumboNode* head = nullptr;
    const GumboNode* root = nullptr;
    walk(doc.output()->document, [&](const GumboNode* node) {
      if (node->type == GUMBO_NODE_ELEMENT &&
          node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML) {
        if (node->v.element.tag == GUMBO_TAG_HTML && root == nullptr) root = node;
        if (node->v.element.tag == GUMBO_TAG_HEAD && head == nullptr) head = node;
      }
      return enter(node);
    });
    edits_.push_back(
        {injection_point(parsed, doc.output(), head, root), 0,
         std::string(
             "<meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"") +
             kSnapshotCsp + "\">" + parse_cut_meta(parse_cut_note(doc, html_.size()))});
    if (on_parsed_ != nullptr && *on_parsed_) {
      for (TextEdit& e : (*on_parsed_)(doc, html_)) {
        edits_.push_back({e.offset, e.length, std::move(e.text)});
      }
    }
    tree.reset();
    std::string out = apply_edits(parsed, edits_);
    // A handler dropped from <body> can be replaced on the next parse by the same attribute
    // of a later, ignored <body> tag that gumbo never showed us (fuzz finding). Only then is
    // the output parsed again.
    const bool shadowed = dropped_from_html_or_body_ &&
                          (count_ci(parsed, "<body") > 1 || count_ci(parsed, "<html") > 1);
    if (stray_html_or_body_ || shadowed) out = without_surviving_handlers(std::move(out));
    return out;
  }

 private:
  std::size_t offset_of(const char* p) const { return static_cast<std::size_t>(p - html_.data()); }
  bool in_buffer(const GumboStringPiece& piece) const { return piece_in(html_, piece); }

  std::size_t injection_point(std::string_view parsed, const GumboOutput* out,
                              const GumboNode* head, const GumboNode* root) const {
    for (const GumboNode* n : {head, root}) {
      if (n != nullptr && in_buffer(n->v.element.original_tag)) {
        const GumboStringPiece& tag = n->v.element.original_tag;
        return offset_of(tag.data + tag.length);
      }
    }
    if (out->document->v.document.has_doctype) {
      for (std::size_t i = 0; i + 9 <= parsed.size(); ++i) {
        if (ascii_lower(parsed.substr(i, 9)) == "<!doctype") {
          const std::size_t close = parsed.find('>', i);
          if (close != std::string_view::npos) return close + 1;
          break;
        }
      }
    }
    return 0;
  }

  std::optional<std::string> map_url(std::string_view raw, ResourceKind kind) {
    const std::string_view ref = trim(raw);
    if (ref.empty() || ref.front() == '#') return std::nullopt;  // the document itself
    auto resolved = url::resolve(base_, ref);
    if (!resolved.ok()) return std::nullopt;
    if (url::scheme_of(*resolved) == "data") return std::nullopt;
    return map_(*resolved, kind);
  }

  std::string absolute(std::string_view raw) const {
    auto resolved = url::resolve(base_, trim(raw));
    return resolved.ok() ? *resolved : std::string(raw);
  }

  std::string rewrite_style(std::string_view css) {
    return rewrite_css(css, [&](std::string_view u, CssRefKind k) {
      return map_url(u,
                     k == CssRefKind::kImport ? ResourceKind::kStylesheet : ResourceKind::kAsset);
    });
  }

  // Removes an element with everything inside it.
  void remove_element(const GumboElement& e) {
    if (!in_buffer(e.original_tag)) return;
    const std::size_t begin = offset_of(e.original_tag.data);
    std::size_t end = begin + e.original_tag.length;
    if (in_buffer(e.original_end_tag)) {
      end = offset_of(e.original_end_tag.data + e.original_end_tag.length);
    } else {
      for (unsigned i = 0; i < e.children.length; ++i) {
        const auto* c = static_cast<const GumboNode*>(e.children.data[i]);
        if ((c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE ||
             c->type == GUMBO_NODE_CDATA || c->type == GUMBO_NODE_COMMENT) &&
            in_buffer(c->v.text.original_text)) {
          end = std::max(end,
                         offset_of(c->v.text.original_text.data + c->v.text.original_text.length));
        }
      }
    }
    if (end > begin) edits_.push_back({begin, end - begin, ""});
  }

  // <object data> and <embed src> show a document (HTML or SVG) the way a frame does, unless
  // their type says they show something else: such a document is followed like an iframe, to
  // the same depth and fan-out, so one nested three deep is kept and a cycle ends.
  static ResourceKind embedded_kind(const GumboElement& e) {
    const char* type = attr(e, "type");
    if (type == nullptr) return ResourceKind::kDocument;
    const std::string t = ascii_lower(trim(type));
    if (t.empty() || t == "text/html" || t == "application/xhtml+xml" || t == "image/svg+xml") {
      return ResourceKind::kDocument;
    }
    return ResourceKind::kAsset;
  }

  AttrRole role_of(const GumboElement& e, const std::string& tag, const std::string& name,
                   const std::optional<ResourceKind>& link_kind) const {
    if (name == "style") return {Role::kStyle};
    if (e.tag_namespace == GUMBO_NAMESPACE_SVG) {
      if (name == "href" || name == "xlink:href") {
        if (tag == "image" || tag == "feimage" || tag == "use") return {Role::kResource};
        if (tag == "a") return {Role::kLink};
      }
      return {};
    }
    if (e.tag_namespace != GUMBO_NAMESPACE_HTML) return {};
    switch (e.tag) {
      case GUMBO_TAG_IMG:
      case GUMBO_TAG_SOURCE:
        if (name == "src") return {Role::kResource};
        if (name == "srcset") return {Role::kSrcset};
        return {};
      case GUMBO_TAG_LINK:
        if (name == "href")
          return link_kind ? AttrRole{Role::kResource, *link_kind} : AttrRole{Role::kLink};
        if (name == "imagesrcset" && link_kind) return {Role::kSrcset};
        return {};
      case GUMBO_TAG_VIDEO:
        if (name == "src" || name == "poster") return {Role::kResource};
        return {};
      case GUMBO_TAG_AUDIO:
      case GUMBO_TAG_TRACK:
        if (name == "src") return {Role::kResource};
        return {};
      case GUMBO_TAG_EMBED:
        if (name == "src") return {Role::kResource, embedded_kind(e)};
        return {};
      case GUMBO_TAG_INPUT: {
        const char* type = attr(e, "type");
        if (name == "src" && type != nullptr && ascii_lower(trim(type)) == "image")
          return {Role::kResource};
        if (name == "formaction") return {Role::kLink};
        return {};
      }
      case GUMBO_TAG_OBJECT:
        if (name == "data") return {Role::kResource, embedded_kind(e)};
        return {};
      case GUMBO_TAG_IFRAME:
        if (name == "src") return {Role::kResource, ResourceKind::kDocument};
        if (name == "srcdoc") return {Role::kSrcdoc};
        return {};
      case GUMBO_TAG_FRAME:
        if (name == "src") return {Role::kResource, ResourceKind::kDocument};
        return {};
      case GUMBO_TAG_BODY:
      case GUMBO_TAG_TABLE:
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH:
        if (name == "background") return {Role::kResource};
        return {};
      case GUMBO_TAG_A:
      case GUMBO_TAG_AREA:
        if (name == "href") return {Role::kLink};
        return {};
      case GUMBO_TAG_FORM:
        if (name == "action") return {Role::kLink};
        return {};
      case GUMBO_TAG_BUTTON:
        if (name == "formaction") return {Role::kLink};
        return {};
      case GUMBO_TAG_BLOCKQUOTE:
      case GUMBO_TAG_Q:
      case GUMBO_TAG_DEL:
      case GUMBO_TAG_INS:
        if (name == "cite") return {Role::kLink};
        return {};
      default:
        return {};
    }
  }

  // What becomes of one attribute: dropped (nullopt), kept as it is (the input value) or
  // given a new value. Sets `changed` unless kept as it is.
  std::optional<std::string> rewrite_attribute(const GumboElement& e, const std::string& tag,
                                               const std::optional<ResourceKind>& link_kind,
                                               const GumboAttribute& a, bool& changed,
                                               const std::string* lazy_value = nullptr) {
    const std::string name = ascii_lower(a.name);
    const std::string value = lazy_value != nullptr ? *lazy_value : std::string(a.value);
    if (lazy_value != nullptr) changed = true;
    if (is_handler_name(name) || name == "integrity" || name == "nonce" || name == "crossorigin") {
      changed = true;
      return std::nullopt;
    }
    if ((name == "href" || name == "src" || name == "action" || name == "formaction" ||
         name == "data" || name == "xlink:href" || name == "poster" || name == "background") &&
        is_script_url(value)) {
      changed = true;
      return std::nullopt;
    }
    const AttrRole role = role_of(e, tag, name, link_kind);
    std::optional<std::string> next;
    switch (role.role) {
      case Role::kNone:
        break;
      case Role::kResource:
        next = map_url(value, role.kind);
        break;
      case Role::kSrcset: {
        auto candidates = parse_srcset(value);
        bool any = false;
        for (auto& c : candidates) {
          if (auto m = map_url(c.url, ResourceKind::kAsset)) {
            c.url = *m;
            any = true;
          }
        }
        if (any) next = serialize_srcset(candidates);
        for (const std::string& u : srcset_urls_past(value)) {
          (void)map_url(u, ResourceKind::kSrcsetOverflow);
        }
        break;
      }
      case Role::kLink: {
        const std::string_view v = trim(value);
        if (!v.empty() && v.front() != '#') {
          std::string abs = absolute(v);
          if (abs != value) next = std::move(abs);
        }
        break;
      }
      case Role::kStyle: {
        std::string css = rewrite_style(value);
        if (css != value) next = std::move(css);
        break;
      }
      case Role::kSrcdoc:
        next = depth_ < kMaxSrcdocDepth ? Rewriter(value, base_, map_, depth_ + 1).run()
                                        : std::string();
        break;
    }
    if (next) changed = true;
    // A lazy address that maps to nothing keeps the attribute as it was.
    if (!next && lazy_value != nullptr) return std::string(a.value);
    return next ? std::move(next) : std::optional<std::string>(value);
  }

  // `name="value"` (or a bare name) as written back. A NUL in an attribute name is U+FFFD to
  // every HTML parser; written back raw it made gumbo re-tokenize the tag differently (fuzz
  // finding: "on all" read as "onall").
  static std::string attribute_text(std::string_view raw_name,
                                    const std::optional<std::string>& value) {
    std::string text;
    for (char c : raw_name) {
      if (c == '\0') {
        text += "\xEF\xBF\xBD";
      } else {
        text += c;
      }
    }
    if (value) text += "=\"" + html_escape_attribute(*value) + "\"";
    return text;
  }

  // Lazy-loading images as a page without script shows them: the real address waits in
  // data-src / data-srcset (lazysizes, WordPress and most lazy-load scripts) while src is
  // missing, empty or a data: placeholder. The snapshot runs no script, so it takes the real
  // one. (An image the browser already loaded keeps what the capture chose.)
  struct LazyImage {
    std::optional<std::string> src;
    std::optional<std::string> srcset;
    bool src_written = false;
    bool srcset_written = false;
  };
  static LazyImage lazy_image(const GumboElement& e) {
    LazyImage lazy;
    if (e.tag_namespace != GUMBO_NAMESPACE_HTML ||
        (e.tag != GUMBO_TAG_IMG && e.tag != GUMBO_TAG_SOURCE)) {
      return lazy;
    }
    const auto first_of =
        [&](std::initializer_list<const char*> names) -> std::optional<std::string> {
      for (const char* n : names) {
        const char* v = attr(e, n);
        if (v != nullptr && !trim(v).empty()) return std::string(trim(v));
      }
      return std::nullopt;
    };
    if (e.tag == GUMBO_TAG_IMG) {
      const char* src = attr(e, "src");
      const std::string_view current = src == nullptr ? "" : trim(src);
      if (current.empty() || ascii_lower(current.substr(0, 5)) == "data:") {
        lazy.src = first_of({"data-src", "data-lazy-src", "data-original"});
      }
    }
    const char* srcset = attr(e, "srcset");
    if (srcset == nullptr || trim(srcset).empty())
      lazy.srcset = first_of({"data-srcset", "data-lazy-srcset"});
    return lazy;
  }

  // Rewrites the attributes of one element; writes its start tag again if anything changed.
  // A later <html> or <body> start tag adds its attributes to the element (the HTML spec's
  // "in body" rules); those stay in that tag, rewritten in place, so a re-parse merges them
  // the same way.
  void rewrite_attributes(const GumboElement& e, const std::string& tag,
                          const std::optional<ResourceKind>& link_kind) {
    struct Out {
      std::string name;
      std::optional<std::string> value;
    };
    const bool own_tag = in_buffer(e.original_tag);
    const char* tag_begin = own_tag ? e.original_tag.data : nullptr;
    const char* tag_end = own_tag ? e.original_tag.data + e.original_tag.length : nullptr;
    std::vector<Out> kept;
    bool changed = false;
    LazyImage lazy = lazy_image(e);
    for (unsigned i = 0; i < e.attributes.length; ++i) {
      const auto& a = *static_cast<const GumboAttribute*>(e.attributes.data[i]);
      const bool in_source = in_buffer(a.original_name);
      const bool merged = in_source && (!own_tag || a.original_name.data < tag_begin ||
                                        a.original_name.data >= tag_end);
      const std::string name = ascii_lower(a.name);
      const std::string* lazy_value = name == "src" && lazy.src         ? &*lazy.src
                                      : name == "srcset" && lazy.srcset ? &*lazy.srcset
                                                                        : nullptr;
      if (name == "src") lazy.src_written = true;
      if (name == "srcset") lazy.srcset_written = true;
      bool attribute_changed = false;
      std::optional<std::string> value =
          rewrite_attribute(e, tag, link_kind, a, attribute_changed, lazy_value);
      const bool has_value =
          a.original_value.length > 0 && a.original_value.data != a.original_name.data;
      if (merged) {
        if (is_html_or_body(e)) stray_html_or_body_ = true;
        if (!attribute_changed) continue;
        const auto [begin, end] = attribute_span_in(html_, a);
        edits_.push_back(
            {begin, end - begin,
             value ? attribute_text(std::string_view(a.original_name.data, a.original_name.length),
                                    value)
                   : std::string()});
        continue;
      }
      if (attribute_changed) {
        changed = true;
        if (!value) {
          if (is_html_or_body(e)) dropped_from_html_or_body_ = true;
          continue;
        }
      } else if (!has_value) {
        value = std::nullopt;  // a bare attribute stays bare
      }
      kept.push_back({in_source ? std::string(a.original_name.data, a.original_name.length)
                                : std::string(a.name),
                      std::move(value)});
    }
    // A lazy image without a src (or srcset) attribute at all gets one.
    for (const auto& [name, value, written] :
         {std::tuple{"src", &lazy.src, lazy.src_written},
          std::tuple{"srcset", &lazy.srcset, lazy.srcset_written}}) {
      if (written || !*value) continue;
      GumboAttribute added{};
      added.name = name;
      added.value = "";
      bool attribute_changed = false;
      auto v = rewrite_attribute(e, tag, link_kind, added, attribute_changed, &**value);
      if (v && !v->empty()) {
        changed = true;
        kept.push_back({name, std::move(v)});
      }
    }
    if (!changed || !own_tag) return;
    const std::string_view original(e.original_tag.data, e.original_tag.length);
    std::size_t name_end = 1;
    while (name_end < original.size() && !is_html_ws(original[name_end]) &&
           original[name_end] != '/' && original[name_end] != '>') {
      ++name_end;
    }
    std::string text(original.substr(0, name_end));
    for (const Out& o : kept) text += ' ' + attribute_text(o.name, o.value);
    text += original.size() >= 2 && original.substr(original.size() - 2) == "/>" ? "/>" : ">";
    edits_.push_back({offset_of(original.data()), original.size(), std::move(text)});
  }

  // Deletes, in place, every event-handler attribute a parse of `html` still finds, until
  // none is left; a handful of passes peels the stacked later <html>/<body> tags of real
  // pages. Past that (a page built to defeat it), every other <html and <body becomes
  // "&lt;", which reads back the same inside attribute values and is text elsewhere.
  static std::string without_surviving_handlers(std::string html) {
    constexpr int kMaxPasses = 8;
    for (int pass = 0;; ++pass) {
      const GumboDocument doc(html, budget_for_page(html.size()));
      const std::string_view parsed = std::string_view(html).substr(0, doc.parsed_length());
      std::vector<Edit> edits;
      std::vector<std::size_t> own_tags;
      walk(doc.output()->document, [&](const GumboNode* node) {
        if (node->type == GUMBO_NODE_DOCUMENT) return true;
        if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return false;
        const GumboElement& e = node->v.element;
        if (is_html_or_body(e) && piece_in(parsed, e.original_tag)) {
          own_tags.push_back(static_cast<std::size_t>(e.original_tag.data - parsed.data()));
        }
        for (unsigned i = 0; i < e.attributes.length; ++i) {
          const auto& a = *static_cast<const GumboAttribute*>(e.attributes.data[i]);
          if (!is_handler_name(ascii_lower(a.name)) || !piece_in(parsed, a.original_name)) continue;
          const auto [begin, end] = attribute_span_in(parsed, a);
          edits.push_back({begin, end - begin, ""});
        }
        return true;
      });
      // What this parse did not reach (past its budget) is not kept unchecked.
      html.resize(parsed.size());
      if (edits.empty()) return html;
      if (pass == kMaxPasses) escape_stray_html_and_body(html, own_tags, edits);
      html = apply_edits(html, edits);
      if (pass == kMaxPasses) return html;
    }
  }

  static void escape_stray_html_and_body(std::string_view html,
                                         const std::vector<std::size_t>& own_tags,
                                         std::vector<Edit>& edits) {
    for (std::size_t i = 0; i + 5 <= html.size(); ++i) {
      if (html[i] != '<' || std::find(own_tags.begin(), own_tags.end(), i) != own_tags.end())
        continue;
      const std::string name = ascii_lower(html.substr(i + 1, 4));
      if (name == "html" || name == "body") edits.push_back({i, 1, "&lt;"});
    }
  }

  static bool is_html_or_body(const GumboElement& e) {
    return e.tag_namespace == GUMBO_NAMESPACE_HTML &&
           (e.tag == GUMBO_TAG_HTML || e.tag == GUMBO_TAG_BODY);
  }

  // Handles an element on the way down; true to visit its children.
  bool enter(const GumboNode* node) {
    if (node->type == GUMBO_NODE_DOCUMENT) return true;
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) return false;
    const GumboElement& e = node->v.element;
    const bool html = e.tag_namespace == GUMBO_NAMESPACE_HTML;
    if (e.tag == GUMBO_TAG_SCRIPT) {
      remove_element(e);
      // Without an end tag only the start tag and the text are removed. An SVG <script> is
      // not raw text: what follows is parsed as its children, maybe another <script>, which
      // is then visited too (fuzz finding: a nested SVG script survived).
      return !in_buffer(e.original_end_tag);
    }
    const std::string tag = tag_name(e);
    std::optional<ResourceKind> link_kind;
    if (html) {
      switch (e.tag) {
        case GUMBO_TAG_BASE:
          remove_element(e);
          return false;
        case GUMBO_TAG_META: {
          const char* equiv = attr(e, "http-equiv");
          const std::string v = equiv == nullptr ? "" : ascii_lower(trim(equiv));
          if (v == "refresh" || v == "content-security-policy" ||
              v == "content-security-policy-report-only" || v == "set-cookie") {
            remove_element(e);
            return false;
          }
          break;
        }
        case GUMBO_TAG_LINK: {
          const char* rel_attr = attr(e, "rel");
          const auto rel = tokens(rel_attr == nullptr ? "" : rel_attr);
          const char* as_attr = attr(e, "as");
          const std::string as = as_attr == nullptr ? "" : ascii_lower(trim(as_attr));
          for (const char* hint : {"preconnect", "dns-prefetch", "prefetch", "prerender",
                                   "modulepreload", "manifest", "import", "serviceworker"}) {
            if (contains(rel, hint)) {
              remove_element(e);
              return false;
            }
          }
          if (contains(rel, "stylesheet")) {
            link_kind = ResourceKind::kStylesheet;
          } else if (contains(rel, "icon") || contains(rel, "apple-touch-icon") ||
                     contains(rel, "apple-touch-icon-precomposed") || contains(rel, "mask-icon")) {
            link_kind = ResourceKind::kAsset;
          } else if (contains(rel, "preload")) {
            if (as == "style") {
              link_kind = ResourceKind::kStylesheet;
            } else if (as == "font" || as == "image" || as == "audio" || as == "video" ||
                       as == "track") {
              link_kind = ResourceKind::kAsset;
            } else {
              remove_element(e);  // script, fetch, worker, document: nothing to keep
              return false;
            }
          }
          break;
        }
        case GUMBO_TAG_NOSCRIPT:
          // Unwrapped: its content is what a page without script shows.
          if (in_buffer(e.original_tag))
            edits_.push_back({offset_of(e.original_tag.data), e.original_tag.length, ""});
          if (in_buffer(e.original_end_tag)) {
            edits_.push_back({offset_of(e.original_end_tag.data), e.original_end_tag.length, ""});
          }
          rewrite_attributes(e, tag, link_kind);
          return true;
        default:
          break;
      }
    }
    if (e.tag == GUMBO_TAG_STYLE) {
      for (unsigned i = 0; i < e.children.length; ++i) {
        const auto* c = static_cast<const GumboNode*>(e.children.data[i]);
        if ((c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE) &&
            in_buffer(c->v.text.original_text)) {
          const std::string_view raw(c->v.text.original_text.data, c->v.text.original_text.length);
          std::string css = rewrite_style(raw);
          if (css != raw) edits_.push_back({offset_of(raw.data()), raw.size(), std::move(css)});
        }
      }
    }
    rewrite_attributes(e, tag, link_kind);
    return true;
  }

  std::string_view html_;
  std::string base_;
  const HtmlUrlMapper& map_;
  int depth_;
  const ParsedHook* on_parsed_;
  std::vector<Edit> edits_;
  bool stray_html_or_body_ = false;         // a later <html>/<body> tag gave attributes
  bool dropped_from_html_or_body_ = false;  // a handler or a script URL left <html>/<body>
};

// The document as valid UTF-8 without a BOM: a view of `html` itself when it is that already
// (a snapshot's page is, and a 10 MB copy here was one of a save's peak), else a fixed copy.
struct Utf8WithoutBom {
  std::string fixed;
  std::string_view text;
  explicit Utf8WithoutBom(std::string_view html) : text(html) {
    if (!charset::is_valid_utf8(html)) {
      fixed = charset::sanitize_utf8(html);
      text = fixed;
    }
    if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  }
};

}  // namespace

std::string html_escape_attribute(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '"') {
      out += "&quot;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string document_base_url(std::string_view html, std::string_view page_url) {
  const Utf8WithoutBom in(html);
  const GumboDocument doc(in.text, budget_for_page(in.text.size()));
  return base_url_of(doc.output(), page_url);
}

std::vector<HtmlReference> find_html_references(std::string_view html, std::string_view page_url) {
  std::vector<HtmlReference> refs;
  const HtmlUrlMapper record = [&](const std::string& u,
                                   ResourceKind kind) -> std::optional<std::string> {
    refs.push_back({u, kind});
    return std::nullopt;
  };
  const Utf8WithoutBom in(html);
  Rewriter(in.text, std::string(page_url), record, 0).run();
  return refs;
}

std::string rewrite_html(std::string_view html, std::string_view page_url,
                         const HtmlUrlMapper& map) {
  const Utf8WithoutBom in(html);
  return Rewriter(in.text, std::string(page_url), map, 0).run();
}

std::string rewrite_html_with(std::string_view html, std::string_view page_url,
                              const HtmlUrlMapper& map, const ParsedHook& on_parsed) {
  const Utf8WithoutBom in(html);
  return Rewriter(in.text, std::string(page_url), map, 0, &on_parsed).run();
}

}  // namespace linksnap::capture
