#include "store/tag_name.h"

#include "util/utf8.h"

#include <locale.h>
#include <wctype.h>

#include <vector>

namespace linksnap::store {

namespace {

// Decodes into code points; false on any ill-formed sequence (tag names must be valid text).
bool decode(std::string_view s, std::u32string& out) {
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t len = utf8::decode(s, i, cp);
    if (cp == utf8::kReplacement && s.substr(i, 3) != "\xEF\xBF\xBD") return false;
    out.push_back(cp);
    i += len;
  }
  return true;
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
    for (char32_t cp : seg) utf8::append(out, cp);
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
  for (char32_t cp : cps) utf8::append(out, static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), loc)));
  return out;
}

bool tag_is_within(std::string_view tag, std::string_view ancestor) {
  if (tag.size() < ancestor.size() || tag.substr(0, ancestor.size()) != ancestor) return false;
  return tag.size() == ancestor.size() || tag[ancestor.size()] == '/';
}

}  // namespace linksnap::store
