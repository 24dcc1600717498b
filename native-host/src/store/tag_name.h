// Tag rules, pure: what a tag name may be and when two names are the same tag.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace linksnap::store {

inline constexpr std::size_t kMaxTagBytes = 200;

// Trims, collapses inner whitespace to one space, trims around '/' and drops empty path
// segments ("  Dev / C++ " → "Dev/C++", "a//b/" → "a/b"). Errors (bad_request) for an empty
// name, control characters, invalid UTF-8 or more than kMaxTagBytes bytes.
Result<std::string> normalize_tag_name(std::string_view raw);

// Case-folded key: tags are unique by this ("Dev/CPP" and "dev/cpp" are one tag). Folds with
// the C.UTF-8 locale's towlower, so Latin, Greek, Cyrillic... letters fold; CJK is unchanged.
std::string fold_tag_name(std::string_view normalized);

// True if `tag` is `ancestor` or lies below it ("dev/cpp" is under "dev"); both folded.
bool tag_is_within(std::string_view tag, std::string_view ancestor);

}  // namespace linksnap::store
