// The media type a file name or URL path implies by its extension: the capture engine's guess
// for a resource served without a usable Content-Type, and the loopback test server's header,
// so unit and end-to-end tests see what the product guesses.
#pragma once

#include <string>
#include <string_view>

namespace linksnap::net {

// Content-Type for a file name or URL path by its extension (html, css, js, png, jpg, gif, svg,
// webp, woff, woff2, ttf, json, txt, ...), "; charset=utf-8" on text/* types,
// "application/octet-stream" when unknown. The query and fragment are ignored.
std::string content_type_for_path(std::string_view path);

}  // namespace linksnap::net
