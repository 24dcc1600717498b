#include "store/tag_name.h"

#include <locale.h>
#include <wctype.h>

#include <vector>

namespace linksnap::store {

namespace {

// Decodes strict UTF-8 into code points; false on any invalid sequence.
bool decode(std::string_view s, std::u32string& out) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = b0 < 0x80 ? 1 : b0 >= 0xF0 && b0 < 0xF5 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 ? 2 : 0;
    if (len == 0 || (b0 >= 0xF5) || i + len > s.size()) return false;
    char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    out.push_back(cp);
    i += len;
  }
  return true;
}

void encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool is_space(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A);
}

locale_t utf8_locale() {
  // Built once; C.UTF-8 ships with glibc. Falls back to the C locale (ASCII folding only).
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    return l ? l : newlocale(LC_CTYPE_MASK, "C", static_cast<locale_t>(0));
  }();
  return loc;
}

}  // namespace

Result<std::string> normalize_tag_name(std::string_view raw) {
  std::u32string cps;
  if (!decode(raw, cps)) return make_error(errc::kBadRequest, "a tag name must be valid UTF-8 text");
  std::vector<std::u32string> segments(1);
  bool pending_space = false;
  for (char32_t cp : cps) {
    if (is_space(cp)) {
      pending_space = true;
      continue;
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
      return make_error(errc::kBadRequest, "a tag name cannot contain control characters");
    }
    if (cp == '/') {
      segments.emplace_back();
      pending_space = false;
      continue;
    }
    if (pending_space && !segments.back().empty()) segments.back().push_back(' ');
    pending_space = false;
    segments.back().push_back(cp);
  }
  std::string out;
  for (const auto& seg : segments) {
    if (seg.empty()) continue;
    if (!out.empty()) out.push_back('/');
    for (char32_t cp : seg) encode(cp, out);
  }
  if (out.empty()) return make_error(errc::kBadRequest, "a tag name cannot be empty");
  if (out.size() > kMaxTagBytes) {
    return make_error(errc::kBadRequest, "a tag name can be at most 200 bytes long");
  }
  return out;
}

std::string fold_tag_name(std::string_view normalized) {
  std::u32string cps;
  if (!decode(normalized, cps)) return std::string(normalized);
  std::string out;
  out.reserve(normalized.size());
  const locale_t loc = utf8_locale();
  for (char32_t cp : cps) encode(static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), loc)), out);
  return out;
}

bool tag_is_within(std::string_view tag, std::string_view ancestor) {
  if (tag.size() < ancestor.size() || tag.substr(0, ancestor.size()) != ancestor) return false;
  return tag.size() == ancestor.size() || tag[ancestor.size()] == '/';
}

}  // namespace linksnap::store
