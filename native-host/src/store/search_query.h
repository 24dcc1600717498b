// Turns what a person types into an FTS5 MATCH expression, pure. Nothing typed can be FTS5
// syntax by accident: every word is quoted. Supported: words (implicit AND), "exact phrases",
// -excluded words, OR between words, and title:/url:/text:/tags: to search one field.
// An unquoted word ending in a Latin letter or digit matches as a prefix ("chron" finds
// "chronyc"), as search-as-you-type expects; CJK words match as substrings via the tokenizer.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace linksnap::store {

// Returns "" when the query has no searchable word (e.g. only punctuation); bad_request
// when every word is excluded ("-foo" alone cannot be answered by FTS5).
Result<std::string> build_match_expression(std::string_view query);

// Turns a snippet with \x02...\x03 around matches into HTML: text escaped, matches in <mark>.
std::string snippet_to_html(std::string_view marked);

}  // namespace linksnap::store
