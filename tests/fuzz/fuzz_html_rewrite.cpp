// Untrusted HTML through the snapshot rewriter. Invariants: the output is valid UTF-8 when
// the input is, it carries no <script> element and no on* handler that gumbo would see.
#include <gumbo.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "capture/html_rewrite.h"
#include "util/charset.h"

namespace {
bool has_script(const GumboNode* node) {
  // Iterative walk: fuzzed documents nest deeply.
  std::vector<const GumboNode*> stack{node};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT) continue;
    if (n->type == GUMBO_NODE_ELEMENT) {
      if (n->v.element.tag == GUMBO_TAG_SCRIPT) return true;
      const GumboVector& attrs = n->v.element.attributes;
      for (unsigned i = 0; i < attrs.length; ++i) {
        const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
        // "on" + an event name; a bare "on" attribute is no handler.
        const std::string_view name(a->name);
        if (name.size() > 2 && (name[0] == 'o' || name[0] == 'O') && (name[1] == 'n' || name[1] == 'N')) return true;
      }
    }
    const GumboVector& kids = n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) stack.push_back(static_cast<const GumboNode*>(kids.data[i]));
  }
  return false;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string html = linksnap::charset::sanitize_utf8(std::string(reinterpret_cast<const char*>(data), size));
  (void)linksnap::capture::find_html_references(html, "https://example.com/dir/page.html");
  const std::string out = linksnap::capture::rewrite_html(
      html, "https://example.com/dir/page.html",
      [](const std::string&, linksnap::capture::ResourceKind) { return std::optional<std::string>("linksnap-blob:x"); });
  if (!linksnap::charset::is_valid_utf8(out)) __builtin_trap();
  if (size < 4096) {  // re-parsing big documents would slow the search down for little gain
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0;
    GumboOutput* parsed = gumbo_parse_with_options(&options, out.data(), out.size());
    const bool script = has_script(parsed->root);
    gumbo_destroy_output(&options, parsed);
    if (script) __builtin_trap();
  }
  return 0;
}
