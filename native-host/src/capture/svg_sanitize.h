// An SVG image made safe to keep and show, by the rules the HTML rewriter applies to pages
// (html_rewrite.h): no script, no event handlers, no javascript: URLs, nothing loaded from
// the network. Parsed with libxml2 as XML (no network, no external entities, internal
// entities expanded with libxml2's amplification limits) and written back as UTF-8 XML.
//
// Removed: <script>, <foreignObject> (HTML inside an SVG), <iframe>/<embed>/<object>,
// <handler>/<listener>, animations that target an href or an event attribute; on*
// attributes; attributes whose value is a javascript:/vbscript: URL; href / xlink:href / src
// that are not a #fragment or a data:image URL (an <a>'s http(s) link is kept: following
// it is the reader's choice, not a load); url(...) references in style="", presentation
// attributes and <style> that are not #fragments or data: (they become about:invalid,
// @import included); processing instructions (<?xml-stylesheet?>) and the DOCTYPE.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.h"

namespace linksnap::capture {

struct SanitizedSvg {
  std::string svg;    // the sanitized document, UTF-8 XML
  std::string title;  // the root's <title> text ("" if none), whitespace collapsed
  std::string text;   // the visible text (<text>, <title>, <desc>), for the search index
  int removed = 0;    // elements, attributes and other nodes removed or neutralized
};

inline constexpr std::size_t kMaxSvgBytes = 32u << 20;

// bad_request "not a well-formed SVG image (line N: <libxml2's message>)" for XML that does
// not parse, "not an SVG image (its root element is <x>)" when the root is not <svg>;
// too_large beyond kMaxSvgBytes.
Result<SanitizedSvg> sanitize_svg(std::string_view svg);

}  // namespace linksnap::capture
