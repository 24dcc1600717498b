// Reader-visible text of an HTML page and UTF-8 charset declaration (pure; libgumbo).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace linksnap::capture {

struct PageText {
  std::string title;  // first HTML <title>, whitespace collapsed and trimmed (<= 2 KiB)
  std::string text;   // what a reader sees, blocks separated by '\n' (<= max_text_bytes)
};

// Extracts the title and the visible text of a UTF-8 HTML document (invalid bytes become
// U+FFFD). Left out: script, style, template, head, iframe/noembed/noframes fallback, ruby
// annotations (rt/rp), svg title/desc, datalist, elements with the `hidden` attribute or an
// inline display:none, hidden/password input values. Kept: noscript content (snapshots run
// no script), img alt, values of text inputs and buttons. Whitespace collapses as rendered;
// block elements and <br> separate text with '\n'; <pre>/<textarea>/<listing> keep their
// whitespace. The text is cut at a code point boundary after max_text_bytes. Never fails.
// Markup past the parse budget (gumbo_guard.h: nesting past 512 elements, too many elements
// for gumbo's memory budget, or past its CPU time) is parsed by gumbo only up to a cut; the
// rest is read by a simple tag stripper.
PageText extract_text(std::string_view html, std::size_t max_text_bytes = 4u << 20);

// Makes a UTF-8 document declare itself UTF-8 without re-serializing it: the value of every
// <meta charset> and the charset in every <meta http-equiv=content-type content=...> are
// replaced in place (located with gumbo's source offsets); if there is none,
// <meta charset="utf-8"> is inserted right after the <head> start tag, else after the
// <html> start tag, else after the doctype, else at the start (after a BOM). Invalid UTF-8
// in the input is replaced by U+FFFD first, so the output is always valid UTF-8. A document
// past the parse budget (gumbo_guard.h) is cut where gumbo stopped, before a tag, and says
// why in a <meta name="linksnap-note"> inserted with (or where) the charset <meta>.
std::string declare_utf8(std::string_view html);

// Both of the above from one parse (a save's costliest step is gumbo): html is
// declare_utf8(html), text is extract_text(html), and note says why the html was cut if it
// was (parse_cut_note in gumbo_guard.h), else "".
struct PreparedPage {
  std::string html;
  PageText text;
  std::string note;
};
PreparedPage prepare_page(std::string_view html, std::size_t max_text_bytes = 4u << 20);

}  // namespace linksnap::capture
