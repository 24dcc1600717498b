// Character encodings of fetched pages: WHATWG-style detection and conversion to UTF-8
// (pure; conversion uses glibc iconv). Encoding names are the WHATWG Encoding Standard's
// canonical names in lowercase: "utf-8", "gbk", "gb18030", "big5", "shift_jis", "euc-jp",
// "iso-2022-jp", "euc-kr", "windows-1252", "iso-8859-2", "utf-16le", "utf-16be", ...
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace linksnap::charset {

// Encoding of an HTML response, in the HTML spec's order: BOM > Content-Type charset >
// <meta> prescan of the first 1024 bytes > "utf-8" if the body is valid UTF-8 (a sequence
// cut off at the very end is tolerated) > uchardet's guess from the first 256 KiB after the
// first non-ASCII byte, as a WHATWG name ("gb18030", "big5", "shift_jis", "euc-kr",
// "windows-1251", ...; none for fewer than 16 non-ASCII bytes; dropped if it is UTF-16/32, a
// "replacement" encoding, or a multi-byte encoding the bytes do not fit) > "windows-1252".
// Unknown labels are skipped.
std::string detect_html(std::string_view content_type_header, std::string_view body);

// Encoding of a stylesheet, in CSS Syntax's order: BOM > Content-Type charset > an exact
// `@charset "label";` at the very start (UTF-16 labels mean "utf-8") > "utf-8" if the bytes
// are valid UTF-8 > the same uchardet guess as detect_html > `fallback` (CSS: the referring
// document's encoding; "utf-8" when unknown).
std::string detect_css(std::string_view content_type_header, std::string_view body,
                       std::string_view fallback = "utf-8");

// The canonical encoding named by a Content-Type header's charset parameter; "" if none/unknown.
std::string charset_from_content_type(std::string_view content_type_header);

// The canonical name for an encoding label (WHATWG label table, ASCII case-insensitive,
// surrounding whitespace ignored), e.g. "GB2312" -> "gbk", "latin1" -> "windows-1252";
// "" if unknown.
std::string canonical_label(std::string_view label);

// Decodes `bytes` to UTF-8. As in WHATWG "decode", a UTF-8 or UTF-16 BOM overrides `charset`
// and is stripped. Invalid or truncated sequences become U+FFFD, never an error; gbk is
// decoded as its superset GB18030. errc::kBadRequest "unknown character encoding: <label>".
Result<std::string> to_utf8(std::string_view bytes, std::string_view charset);

// True if `s` is well-formed UTF-8 (no overlongs, surrogates, code points > U+10FFFF or
// truncated sequences).
bool is_valid_utf8(std::string_view s);

// `s` with each maximal ill-formed subsequence replaced by U+FFFD (WHATWG UTF-8 decoder).
std::string sanitize_utf8(std::string_view s);

}  // namespace linksnap::charset
