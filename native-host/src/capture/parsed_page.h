// One gumbo parse of a page for all a save needs of it: the rewriter's tree is also where
// the page's text and title are read and its charset declarations found (a save's costliest
// step is gumbo; it used to parse the page twice, once for the text and once to rewrite it).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/gumbo_guard.h"
#include "capture/html_rewrite.h"
#include "capture/html_text.h"
#include "capture/snapshot_engine.h"

namespace linksnap::capture {

// `length` bytes at `offset` of the parsed document replaced by `text`.
struct TextEdit {
  std::size_t offset;
  std::size_t length;
  std::string text;
};

// Called with the tree of the document being rewritten (`html`: what was parsed, valid UTF-8
// without a BOM) while it exists; the edits it answers are applied with the rewriter's own.
using ParsedHook = std::function<std::vector<TextEdit>(const GumboDocument& doc, std::string_view html)>;

// rewrite_html, calling `on_parsed` with its tree.
std::string rewrite_html_with(std::string_view html, std::string_view page_url,
                              const HtmlUrlMapper& map, const ParsedHook& on_parsed);

// capture_owned_document, calling `on_root_parsed` with the page's own tree.
CapturedDocument capture_owned_document_with(std::string html, std::string_view page_url,
                                             net::Fetcher& fetcher, const net::FetchLimits& limits,
                                             const EngineOptions& options,
                                             const ParsedHook& on_root_parsed);

// extract_text of a parsed document (`html` is what `doc` parsed, without a BOM): past the
// parse's cut the text is read by the tag stripper.
PageText text_of_parsed(const GumboDocument& doc, std::string_view html,
                        std::size_t max_text_bytes = 4u << 20);

// The edits declare_utf8 makes to the charset of existing <meta charset> and <meta
// http-equiv=content-type> tags, in place; nothing is inserted (the rewriter puts its own
// <meta charset="utf-8"> first in <head>).
std::vector<TextEdit> charset_declaration_edits(const GumboDocument& doc, std::string_view html);

}  // namespace linksnap::capture
