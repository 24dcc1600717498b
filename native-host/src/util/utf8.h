// UTF-8 code points, one at a time: the few primitives every text module needs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace linksnap::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes the code point starting at s[i] and returns its length in bytes. An ill-formed
// sequence (bad lead or continuation byte, overlong, surrogate, > U+10FFFF, truncated)
// yields kReplacement and length 1, so a scan always advances. i < s.size() is required.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp);

// Appends cp as UTF-8; a surrogate or a value past U+10FFFF is written as U+FFFD.
void append(std::string& out, char32_t cp);

}  // namespace linksnap::utf8
