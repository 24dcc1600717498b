// Turns what a person types into an FTS5 MATCH expression, pure. Nothing typed can be FTS5
// syntax by accident: every word is quoted. Supported: words (implicit AND), "exact phrases",
// -excluded words, OR between words, and title:/url:/text:/tags: to search one field.
// An unquoted word ending in a Latin letter or digit matches as a prefix ("chron" finds
// "chronyc"), as search-as-you-type expects; CJK words match as substrings via the tokenizer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace linksnap::store {

// Returns "" when the query has no searchable word (e.g. only punctuation); bad_request
// when every word is excluded ("-foo" alone cannot be answered by FTS5).
Result<std::string> build_match_expression(std::string_view query);

// The tokens ("t<N>" in the index's `tags` column) of the tags whose names match one quoted
// FTS5 term such as "dev"* or "密钥"; none is an empty list.
using TagTokenLookup = std::function<Result<std::vector<std::int64_t>>(const std::string& term)>;

// As above, for an index whose `tags` column holds tag tokens: a word searches the title, URL
// and text, or the tokens of the tags whose names match it; `tags:` searches only the latter.
Result<std::string> build_match_expression(std::string_view query, const TagTokenLookup& tag_tokens);

// The indexed terms that begin with an ASCII prefix (lowercase letters and digits), or nothing
// when there are too many to list (then the word stays an FTS5 prefix query).
using PrefixTermLookup =
    std::function<Result<std::optional<std::vector<std::string>>>(const std::string& prefix)>;

// As above, and a Latin word typed as a prefix ("chr") searches the text as the exact terms it
// begins (("chrony" OR "chronyc")): an FTS5 prefix query merges the whole doclist of every
// such term before it returns a row.
Result<std::string> build_match_expression(std::string_view query, const TagTokenLookup& tag_tokens,
                                           const PrefixTermLookup& prefix_terms);

// Turns a snippet with \x02...\x03 around matches into HTML: text escaped, matches in <mark>.
std::string snippet_to_html(std::string_view marked);

}  // namespace linksnap::store
