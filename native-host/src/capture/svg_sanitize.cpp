#include "capture/svg_sanitize.h"

#include <memory>
#include <mutex>
#include <vector>

#include "capture/css_rewrite.h"
#include "modules/xml_api.h"
#include "util/url.h"

namespace linksnap::capture {

namespace {

// libxml2, from linksnap-xml.so: every call below runs after sanitize_svg loaded it.
using modules::xml;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view name_of(const xmlChar* name) {
  return name == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(name));
}

std::string trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// The scheme a URL-ish attribute value would be followed with: browsers strip ASCII
// whitespace and control characters anywhere in it ("java\tscript:").
std::string effective_scheme(std::string_view value) {
  std::string compact;
  for (char c : value) {
    if (static_cast<unsigned char>(c) > 0x20) compact.push_back(c);
  }
  return lower(url::scheme_of(compact));
}

bool is_script_url(std::string_view value) {
  const std::string scheme = effective_scheme(value);
  return scheme == "javascript" || scheme == "vbscript";
}

// What an element may reference without loading anything from outside the image.
bool is_inert_reference(std::string_view value) {
  const std::string v = trim(value);
  if (v.empty() || v[0] == '#') return true;
  return lower(v.substr(0, 11)) == "data:image/";
}

bool is_handler_attribute(std::string_view lowered) {
  return lowered.size() > 2 && lowered[0] == 'o' && lowered[1] == 'n';
}

std::string attribute_value(xmlNode* element, xmlAttr* attr) {
  xmlChar* v = xml().xmlNodeListGetString(element->doc, attr->children, 1);
  std::string out = v == nullptr ? "" : reinterpret_cast<const char*>(v);
  xml().xmlFree(v);
  return out;
}

// CSS with every url() / @import that would load something replaced by about:invalid.
std::string neutralize_css(std::string_view css) {
  return rewrite_css(css, [](std::string_view ref, CssRefKind kind) -> std::optional<std::string> {
    const std::string r = trim(ref);
    if (kind == CssRefKind::kAsset && (r.empty() || r[0] == '#' || lower(r.substr(0, 5)) == "data:")) {
      return std::nullopt;
    }
    return std::string("about:invalid");
  });
}

bool contains_url_function(std::string_view value) { return lower(value).find("url(") != std::string::npos; }

bool is_removed_element(std::string_view lowered) {
  return lowered == "script" || lowered == "foreignobject" || lowered == "iframe" ||
         lowered == "embed" || lowered == "object" || lowered == "handler" || lowered == "listener";
}

// <animate attributeName="href" to="javascript:..."> and friends change an attribute after
// the sanitizer has looked at it.
bool is_dangerous_animation(xmlNode* element, std::string_view lowered) {
  if (lowered != "animate" && lowered != "set" && lowered != "animatemotion" &&
      lowered != "animatetransform" && lowered != "animatecolor") {
    return false;
  }
  for (xmlAttr* a = element->properties; a != nullptr; a = a->next) {
    if (lower(name_of(a->name)) != "attributename") continue;
    std::string target = lower(trim(attribute_value(element, a)));
    if (const auto colon = target.find(':'); colon != std::string::npos) target = target.substr(colon + 1);
    if (target == "href" || target == "src" || is_handler_attribute(target)) return true;
  }
  return false;
}

void sanitize_attributes(xmlNode* element, std::string_view element_name, int& removed) {
  std::vector<xmlAttr*> doomed;
  for (xmlAttr* a = element->properties; a != nullptr; a = a->next) {
    const std::string name = lower(name_of(a->name));  // the local name: xlink:href -> href
    const std::string value = attribute_value(element, a);
    if (is_handler_attribute(name) || is_script_url(value)) {
      doomed.push_back(a);
    } else if (name == "href" || name == "src") {
      const std::string scheme = effective_scheme(value);
      const bool link = element_name == "a" && (scheme == "http" || scheme == "https");
      if (!link && !is_inert_reference(value)) doomed.push_back(a);
    } else if (name == "style" || contains_url_function(value)) {
      const std::string safe = neutralize_css(value);
      if (safe != value) {
        xml().xmlSetNsProp(element, a->ns, a->name, reinterpret_cast<const xmlChar*>(safe.c_str()));
        ++removed;
      }
    }
  }
  for (xmlAttr* a : doomed) xml().xmlRemoveProp(a);
  removed += static_cast<int>(doomed.size());
}

void collect_text(xmlNode* node, std::string& out) {
  for (xmlNode* n = node; n != nullptr; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      out += name_of(n->content);
      out += ' ';
    } else if (n->type == XML_ELEMENT_NODE && lower(name_of(n->name)) != "style") {
      collect_text(n->children, out);
    }
  }
}

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

// Depth-first over the children of `parent`, removing what must go. Iterative over siblings,
// recursive over depth (libxml2 refuses documents deeper than 256 without XML_PARSE_HUGE).
void sanitize_children(xmlNode* parent, int& removed) {
  xmlNode* n = parent->children;
  while (n != nullptr) {
    xmlNode* next = n->next;
    bool remove = false;
    if (n->type == XML_ELEMENT_NODE) {
      const std::string name = lower(name_of(n->name));
      if (is_removed_element(name) || is_dangerous_animation(n, name)) {
        remove = true;
      } else {
        sanitize_attributes(n, name, removed);
        if (name == "style") {
          xmlChar* css = xml().xmlNodeGetContent(n);
          const std::string original = css == nullptr ? "" : reinterpret_cast<const char*>(css);
          xml().xmlFree(css);
          const std::string safe = neutralize_css(original);
          if (safe != original) ++removed;
          // Replaces the children with one text node (escaped on output).
          xml().xmlNodeSetContent(n, nullptr);
          xml().xmlNodeAddContent(n, reinterpret_cast<const xmlChar*>(safe.c_str()));
        } else {
          sanitize_children(n, removed);
        }
      }
    } else if (n->type == XML_PI_NODE || n->type == XML_ENTITY_REF_NODE ||
               n->type == XML_DTD_NODE || n->type == XML_XINCLUDE_START ||
               n->type == XML_XINCLUDE_END) {
      remove = true;
    }
    if (remove) {
      ++removed;
      xml().xmlUnlinkNode(n);
      xml().xmlFreeNode(n);
    }
    n = next;
  }
}

// No file or network reads, ever: a DOCTYPE's SYSTEM id or an external entity gets nothing.
xmlParserInputPtr refuse_external_entity(const char* /*url*/, const char* /*id*/, xmlParserCtxtPtr /*ctxt*/) {
  return nullptr;
}

void silence(void* /*ctx*/, const char* /*msg*/, ...) {}

// The first error of a parse (libxml2 keeps the last, usually a consequence of the first).
struct FirstError {
  bool seen = false;
  int line = 0;
  std::string message;
};

void keep_first_error(void* user_data, xmlErrorPtr error) {
  auto* ctxt = static_cast<xmlParserCtxt*>(user_data);
  auto* first = ctxt == nullptr ? nullptr : static_cast<FirstError*>(ctxt->_private);
  if (first == nullptr || first->seen || error == nullptr || error->level < XML_ERR_ERROR) return;
  first->seen = true;
  first->line = error->line;
  first->message = error->message != nullptr ? error->message : "";
}

struct DocFree {
  void operator()(xmlDoc* d) const { xml().xmlFreeDoc(d); }
};
struct CtxtFree {
  void operator()(xmlParserCtxt* c) const { xml().xmlFreeParserCtxt(c); }
};

}  // namespace

Result<SanitizedSvg> sanitize_svg(std::string_view svg) {
  if (svg.size() > kMaxSvgBytes) {
    return make_error(errc::kTooLarge, "the SVG image is larger than " +
                                           std::to_string(kMaxSvgBytes >> 20) + " MiB");
  }
  // libxml2 is loaded (linksnap-xml.so) by the first SVG, not by every command.
  if (auto api = modules::xml_api(); !api.ok()) return api.error();
  static std::once_flag init;
  std::call_once(init, [] {
    xml().xmlInitParser();
    xml().xmlSetExternalEntityLoader(refuse_external_entity);
    xml().xmlSetGenericErrorFunc(nullptr, silence);
  });
  std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(xml().xmlNewParserCtxt());
  if (!ctxt) return make_error(errc::kInternal, "out of memory parsing the SVG image");
  FirstError first;
  ctxt->_private = &first;
  ctxt->userData = ctxt.get();
  ctxt->sax->serror = keep_first_error;  // per parse: no global handler involved
  const int options = XML_PARSE_NONET | XML_PARSE_NOENT | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  std::unique_ptr<xmlDoc, DocFree> doc(xml().xmlCtxtReadMemory(
      ctxt.get(), svg.data(), static_cast<int>(svg.size()), "image.svg", nullptr, options));
  if (!doc || !ctxt->wellFormed) {
    const std::string why = first.seen ? trim(first.message) : "unreadable XML";
    return make_error(errc::kBadRequest, "not a well-formed SVG image (line " +
                                             std::to_string(first.line) + ": " + why + ")");
  }
  xmlNode* root = xml().xmlDocGetRootElement(doc.get());
  if (root == nullptr || lower(name_of(root->name)) != "svg") {
    return make_error(errc::kBadRequest, "not an SVG image (its root element is <" +
                                             std::string(root ? name_of(root->name) : "none") + ">)");
  }
  SanitizedSvg out;
  if (xmlDtd* dtd = xml().xmlGetIntSubset(doc.get()); dtd != nullptr) {
    xml().xmlUnlinkNode(reinterpret_cast<xmlNode*>(dtd));
    xml().xmlFreeDtd(dtd);
    ++out.removed;
  }
  sanitize_children(reinterpret_cast<xmlNode*>(doc.get()), out.removed);

  for (xmlNode* c = root->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && lower(name_of(c->name)) == "title") {
      std::string t;
      collect_text(c->children, t);
      out.title = collapse_whitespace(t);
      break;
    }
  }
  std::string text;
  collect_text(root, text);
  out.text = collapse_whitespace(text);
  xmlChar* bytes = nullptr;
  int size = 0;
  xml().xmlDocDumpMemoryEnc(doc.get(), &bytes, &size, "UTF-8");
  if (bytes == nullptr) return make_error(errc::kInternal, "out of memory writing the SVG image");
  out.svg.assign(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
  xml().xmlFree(bytes);
  return out;
}

}  // namespace linksnap::capture
