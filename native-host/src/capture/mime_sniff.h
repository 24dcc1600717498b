// What a fetched link is, from its Content-Type and its first bytes: the WHATWG MIME Sniffing
// standard's rules for a navigation (https://mimesniff.spec.whatwg.org/), so a PDF served as
// application/octet-stream or an image served as text/plain is still recognised. Pure.
#pragma once

#include <string>
#include <string_view>

namespace linksnap::capture {

// The essence ("type/subtype", lower case, no parameters) of a Content-Type header value;
// "" when it is missing or not of that shape.
std::string media_type_essence(std::string_view content_type);

// The computed media type of a resource (an essence). The body is sniffed when the supplied
// type is missing, unknown, "*/*" or application/octet-stream, or text/plain over binary
// bytes; an image type is checked against the image signatures; XML whose root element is
// <svg> is image/svg+xml. Only the first kResourceHeaderBytes of the body are looked at.
std::string sniff_media_type(std::string_view content_type, std::string_view body);

inline constexpr std::size_t kResourceHeaderBytes = 1445;

// How LinkSnap keeps each kind of resource.
enum class FileKind {
  kHtml,   // text/html, application/xhtml+xml: the page snapshot path
  kPdf,    // stored as is, its text extracted
  kImage,  // PNG, JPEG, GIF, WebP, AVIF, ICO, BMP: stored as is
  kSvg,    // sanitized, then stored
  kText,   // text/*, JSON, XML: stored as UTF-8 text and indexed
  kOther,  // stored as a download
};
FileKind kind_of(std::string_view media_type);

}  // namespace linksnap::capture
