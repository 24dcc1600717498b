#include "capture/mime_sniff.h"

#include <array>
#include <cstdint>

namespace linksnap::capture {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_http_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// An HTTP token code point (RFC 9110), what a type and a subtype are made of.
bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_whitespace_byte(unsigned char b) {
  return b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D || b == 0x20;
}

// "binary data byte" of the standard: a control byte that text does not contain.
bool is_binary_data_byte(unsigned char b) {
  return b <= 0x08 || b == 0x0B || (b >= 0x0E && b <= 0x1A) || (b >= 0x1C && b <= 0x1F);
}

// Pattern matching (§4.2): mask 0xFF everywhere but where `mask` says otherwise.
bool matches(std::string_view input, std::string_view pattern, std::string_view mask = {}) {
  if (input.size() < pattern.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto m = mask.empty() ? 0xFFu : static_cast<unsigned char>(mask[i]);
    if ((static_cast<unsigned char>(input[i]) & m) != static_cast<unsigned char>(pattern[i])) {
      return false;
    }
  }
  return true;
}

bool starts_with_ci(std::string_view input, std::string_view prefix) {
  if (input.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(input[i]) != lower(prefix[i])) return false;
  }
  return true;
}

std::string_view skip_whitespace(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_whitespace_byte(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// §7.2 image type pattern matching; "" if none.
std::string image_type(std::string_view h) {
  using namespace std::string_view_literals;
  if (matches(h, "\x00\x00\x01\x00"sv)) return "image/x-icon";
  if (matches(h, "\x00\x00\x02\x00"sv)) return "image/x-icon";
  if (matches(h, "BM")) return "image/bmp";
  if (matches(h, "GIF87a") || matches(h, "GIF89a")) return "image/gif";
  if (matches(h, "RIFF\x00\x00\x00\x00WEBPVP"sv, "\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF\xFF\xFF"sv)) {
    return "image/webp";
  }
  if (matches(h, "\x89PNG\r\n\x1A\n"sv)) return "image/png";
  if (matches(h, "\xFF\xD8\xFF"sv)) return "image/jpeg";
  return "";
}

std::uint32_t big_endian32(std::string_view s, std::size_t at) {
  return (std::uint32_t{static_cast<unsigned char>(s[at])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(s[at + 1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(s[at + 2])} << 8) |
         std::uint32_t{static_cast<unsigned char>(s[at + 3])};
}

// §7.3 "matches the signature for MP4", returning the brand class: "avif" for an AVIF image
// (an ISO-BMFF file whose brands include avif/avis, which browsers also sniff), "mp4",
// or "" when it is not such a file.
std::string iso_bmff_type(std::string_view h) {
  if (h.size() < 12) return "";
  const std::uint32_t box_size = big_endian32(h, 0);
  if (box_size < 12 || box_size > h.size() || box_size % 4 != 0) return "";
  if (h.substr(4, 4) != "ftyp") return "";
  bool mp4 = false;
  for (std::size_t at = 8; at + 4 <= box_size; at += 4) {
    if (at == 12) continue;  // the minor version, not a brand
    const std::string_view brand = h.substr(at, 4);
    if (brand == "avif" || brand == "avis") return "avif";
    if (brand.substr(0, 3) == "mp4") mp4 = true;
  }
  return mp4 ? "mp4" : "";
}

// §7.3 audio or video type pattern matching (WebM by its EBML magic only); "" if none.
std::string audio_video_type(std::string_view h) {
  using namespace std::string_view_literals;
  if (matches(h, "FORM\x00\x00\x00\x00\x41IFF"sv, "\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF"sv)) {
    return "audio/aiff";
  }
  if (matches(h, "ID3")) return "audio/mpeg";
  if (matches(h, "OggS\x00"sv)) return "application/ogg";
  if (matches(h, "MThd\x00\x00\x00\x06"sv)) return "audio/midi";
  if (matches(h, "RIFF\x00\x00\x00\x00\x41VI "sv, "\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF"sv)) {
    return "video/avi";
  }
  if (matches(h, "RIFF\x00\x00\x00\x00WAVE"sv, "\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF"sv)) {
    return "audio/wave";
  }
  if (iso_bmff_type(h) == "mp4") return "video/mp4";
  if (matches(h, "\x1A\x45\xDF\xA3"sv)) return "video/webm";
  return "";
}

// §7.4 archive type pattern matching; "" if none.
std::string archive_type(std::string_view h) {
  using namespace std::string_view_literals;
  if (matches(h, "\x1F\x8B\x08"sv)) return "application/x-gzip";
  if (matches(h, "PK\x03\x04"sv)) return "application/zip";
  if (matches(h, "Rar!\x1A\x07\x00"sv)) return "application/x-rar-compressed";
  return "";
}

// §7.1 "identifying a resource with an unknown MIME type". `scriptable`: also recognise
// HTML, XML and PDF (the sniff-scriptable flag).
std::string unknown_type(std::string_view h, bool scriptable) {
  using namespace std::string_view_literals;
  if (scriptable) {
    static constexpr std::array<std::string_view, 17> kHtmlTags = {
        "<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT", "<TABLE",
        "<A", "<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--"};
    const std::string_view s = skip_whitespace(h);
    for (std::string_view tag : kHtmlTags) {
      // Followed by a tag-terminating byte (space or ">"); "<!--" needs none.
      if (!starts_with_ci(s, tag)) continue;
      if (tag == "<!--") return "text/html";
      if (s.size() > tag.size() && (s[tag.size()] == ' ' || s[tag.size()] == '>')) return "text/html";
    }
    if (matches(s, "<?xml")) return "text/xml";
  }
  // PDF is recognised even without the flag: LinkSnap never runs a PDF, it extracts its text.
  if (matches(h, "%PDF-")) return "application/pdf";
  if (matches(h, "%!PS-Adobe-")) return "application/postscript";
  if (matches(h, "\xFE\xFF"sv) || matches(h, "\xFF\xFE"sv) || matches(h, "\xEF\xBB\xBF"sv)) {
    return "text/plain";
  }
  if (std::string t = image_type(h); !t.empty()) return t;
  if (iso_bmff_type(h) == "avif") return "image/avif";
  if (std::string t = audio_video_type(h); !t.empty()) return t;
  if (std::string t = archive_type(h); !t.empty()) return t;
  for (char c : h) {
    if (is_binary_data_byte(static_cast<unsigned char>(c))) return "application/octet-stream";
  }
  return "text/plain";
}

bool is_xml_type(std::string_view essence) {
  return essence == "text/xml" || essence == "application/xml" ||
         (essence.size() > 4 && essence.substr(essence.size() - 4) == "+xml");
}

// Whether an XML document's root element is <svg> (after the prolog: declaration,
// processing instructions, comments, doctype). A prefix check, not a parse: the SVG is
// parsed for real when it is sanitized.
bool root_is_svg(std::string_view h) {
  std::string_view s = h;
  if (matches(s, "\xEF\xBB\xBF")) s.remove_prefix(3);
  for (int guard = 0; guard < 64; ++guard) {
    s = skip_whitespace(s);
    if (s.substr(0, 4) == "<!--") {
      const auto end = s.find("-->", 4);
      if (end == std::string_view::npos) return false;
      s.remove_prefix(end + 3);
    } else if (s.substr(0, 2) == "<?" || s.substr(0, 2) == "<!") {
      // A doctype's internal subset may hold '>' inside brackets.
      const auto bracket = s.find('[');
      const auto close = s.find('>');
      if (close == std::string_view::npos) return false;
      std::size_t end = close;
      if (bracket != std::string_view::npos && bracket < close) {
        end = s.find("]>", bracket);
        if (end == std::string_view::npos) return false;
        ++end;
      }
      s.remove_prefix(end + 1);
    } else {
      if (!matches(s, "<svg") || s.size() < 5) return false;
      const char after = s[4];
      return after == '>' || after == '/' || is_whitespace_byte(static_cast<unsigned char>(after));
    }
  }
  return false;
}

bool is_supported_image(std::string_view essence) {
  return essence == "image/png" || essence == "image/jpeg" || essence == "image/gif" ||
         essence == "image/webp" || essence == "image/avif" || essence == "image/x-icon" ||
         essence == "image/vnd.microsoft.icon" || essence == "image/bmp";
}

}  // namespace

std::string media_type_essence(std::string_view content_type) {
  std::size_t i = 0;
  while (i < content_type.size() && is_http_whitespace(content_type[i])) ++i;
  std::string out;
  bool slash = false;
  for (; i < content_type.size(); ++i) {
    const char c = content_type[i];
    if (c == ';' || is_http_whitespace(c)) break;
    if (c == '/') {
      if (slash || out.empty()) return "";
      slash = true;
    } else if (!is_token_char(c)) {
      return "";
    }
    out.push_back(lower(c));
  }
  if (!slash || out.back() == '/') return "";
  return out;
}

std::string sniff_media_type(std::string_view content_type, std::string_view body) {
  const std::string_view h = body.substr(0, kResourceHeaderBytes);
  const std::string supplied = media_type_essence(content_type);
  std::string computed;
  if (supplied.empty() || supplied == "unknown/unknown" || supplied == "application/unknown" ||
      supplied == "*/*" || supplied == "application/octet-stream") {
    computed = unknown_type(h, true);
  } else if (supplied == "text/plain") {
    // §7.1 step 5 (text or binary): binary bytes under text/plain are not text.
    bool binary = false;
    for (char c : h) binary = binary || is_binary_data_byte(static_cast<unsigned char>(c));
    const bool bom = matches(h, "\xFE\xFF") || matches(h, "\xFF\xFE") || matches(h, "\xEF\xBB\xBF");
    computed = (binary && !bom) ? unknown_type(h, false) : supplied;
  } else if (supplied.starts_with("image/") && supplied != "image/svg+xml") {
    // §7.1 step 9: an image is what its signature says it is.
    std::string matched = image_type(h);
    if (matched.empty() && iso_bmff_type(h) == "avif") matched = "image/avif";
    computed = matched.empty() ? supplied : matched;
  } else {
    computed = supplied;
  }
  if (computed != "image/svg+xml" && is_xml_type(computed) && root_is_svg(h)) {
    return "image/svg+xml";
  }
  return computed;
}

FileKind kind_of(std::string_view t) {
  if (t == "text/html" || t == "application/xhtml+xml") return FileKind::kHtml;
  if (t == "application/pdf") return FileKind::kPdf;
  if (t == "image/svg+xml") return FileKind::kSvg;
  if (is_supported_image(t)) return FileKind::kImage;
  if (t.starts_with("text/") || t == "application/json" || t == "application/xml" ||
      (t.size() > 5 && (t.ends_with("+json") || t.ends_with("+xml")))) {
    return FileKind::kText;
  }
  return FileKind::kOther;
}

}  // namespace linksnap::capture
