// References in CSS and their rewriting (pure). A tokenizer after CSS Syntax Level 3 — enough
// of it to find every URL a browser would load — walks the sheet once: url(...) tokens,
// url("...") functions, @import "..." / @import url(...), and the strings inside image-set() /
// -webkit-image-set(). @font-face src: url(...) is found like any url(). Comments, strings
// and escapes are honoured, so "url(" inside a comment or a string is not a reference.
// Everything that is not a reference is copied byte for byte.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linksnap::capture {

enum class CssRefKind {
  kImport,  // a stylesheet (@import)
  kAsset,   // an image, font, cursor, ...
};

struct CssReference {
  std::string url;  // as written, escapes decoded, surrounding whitespace trimmed (not resolved)
  CssRefKind kind = CssRefKind::kAsset;
};

// Returns the URL to write instead of `url` (any text: it is escaped and quoted), or nullopt to
// keep the reference exactly as written.
using CssUrlMapper = std::function<std::optional<std::string>(std::string_view url, CssRefKind kind)>;

// Every reference in source order (empty url("") references are skipped). Linear; never fails.
std::vector<CssReference> find_css_references(std::string_view css);

// The sheet with each reference replaced by what `map` returns: a url token or url() function
// becomes url("<new>"), a string (in @import or image-set()) becomes "<new>". Linear; never
// fails; invalid UTF-8 passes through untouched.
std::string rewrite_css(std::string_view css, const CssUrlMapper& map);

// `text` as the body of a double-quoted CSS string (", \ and control characters escaped).
std::string css_escape_string(std::string_view text);

}  // namespace linksnap::capture
