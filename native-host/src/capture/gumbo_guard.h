// Shared by every capture module that parses HTML with gumbo: the depth guard (gumbo 0.10.1
// is quadratic in nesting depth) and an owning wrapper for its parse tree.
#pragma once

#include <gumbo.h>

#include <cstddef>
#include <string_view>

namespace linksnap::capture {

// Byte offset up to which gumbo may parse `html` in reasonable time: the start of the first
// tag that would push the estimated nesting depth past 512 (Blink's own DOM depth cap), or
// that carries more than 1024 attributes (also counted over all <html> and <body> tags,
// which merge into one element; gumbo is quadratic in both), else html.size(). Linear in
// the input. Callers give gumbo only html.substr(0, that).
std::size_t gumbo_safe_length(std::string_view html);

// A gumbo parse of a buffer that must outlive it (the tree points into it for offsets).
class GumboDocument {
 public:
  explicit GumboDocument(std::string_view html) : options_(kGumboDefaultOptions) {
    options_.max_errors = 0;  // error records cost memory per bad token; we never read them
    output_ = gumbo_parse_with_options(&options_, html.empty() ? "" : html.data(), html.size());
  }
  GumboDocument(const GumboDocument&) = delete;
  GumboDocument& operator=(const GumboDocument&) = delete;
  ~GumboDocument() {
    if (output_ != nullptr) gumbo_destroy_output(&options_, output_);
  }
  const GumboOutput* output() const { return output_; }

 private:
  GumboOptions options_;
  GumboOutput* output_ = nullptr;
};

// A node's children for an iterative walk (documents, elements, templates); nullptr otherwise.
inline const GumboVector* children_of(const GumboNode* node) {
  switch (node->type) {
    case GUMBO_NODE_DOCUMENT:
      return &node->v.document.children;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
      return &node->v.element.children;
    default:
      return nullptr;
  }
}

}  // namespace linksnap::capture
