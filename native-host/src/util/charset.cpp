#include "util/charset.h"

#include "util/utf8.h"
#include "util/ascii.h"

#include <errno.h>
#include <iconv.h>
#include <uchardet/uchardet.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linksnap::charset {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8
constexpr std::size_t kPrescanBytes = 1024;                // HTML spec's prescan window
constexpr std::size_t kMaxLabelLength = 64;                // longest real label is ~25
// The detector reads this much from the first non-ASCII byte on: enough text for its
// statistics, and a 32 MiB page costs no more than a small one.
constexpr std::size_t kDetectorSampleBytes = 256 * 1024;
// Below this many non-ASCII bytes (eight CJK characters) uchardet's guesses are noise: two
// GBK characters come back as a Thai code page.
constexpr std::size_t kDetectorMinHighBytes = 16;

struct Label {
  std::string_view label;
  std::string_view name;
};

// The WHATWG Encoding Standard's label table (https://encoding.spec.whatwg.org/#names-and-labels).
constexpr Label kLabels[] = {
    {"unicode-1-1-utf-8", "utf-8"},
    {"unicode11utf8", "utf-8"},
    {"unicode20utf8", "utf-8"},
    {"utf-8", "utf-8"},
    {"utf8", "utf-8"},
    {"x-unicode20utf8", "utf-8"},
    {"866", "ibm866"},
    {"cp866", "ibm866"},
    {"csibm866", "ibm866"},
    {"ibm866", "ibm866"},
    {"csisolatin2", "iso-8859-2"},
    {"iso-8859-2", "iso-8859-2"},
    {"iso-ir-101", "iso-8859-2"},
    {"iso8859-2", "iso-8859-2"},
    {"iso88592", "iso-8859-2"},
    {"iso_8859-2", "iso-8859-2"},
    {"iso_8859-2:1987", "iso-8859-2"},
    {"l2", "iso-8859-2"},
    {"latin2", "iso-8859-2"},
    {"csisolatin3", "iso-8859-3"},
    {"iso-8859-3", "iso-8859-3"},
    {"iso-ir-109", "iso-8859-3"},
    {"iso8859-3", "iso-8859-3"},
    {"iso88593", "iso-8859-3"},
    {"iso_8859-3", "iso-8859-3"},
    {"iso_8859-3:1988", "iso-8859-3"},
    {"l3", "iso-8859-3"},
    {"latin3", "iso-8859-3"},
    {"csisolatin4", "iso-8859-4"},
    {"iso-8859-4", "iso-8859-4"},
    {"iso-ir-110", "iso-8859-4"},
    {"iso8859-4", "iso-8859-4"},
    {"iso88594", "iso-8859-4"},
    {"iso_8859-4", "iso-8859-4"},
    {"iso_8859-4:1988", "iso-8859-4"},
    {"l4", "iso-8859-4"},
    {"latin4", "iso-8859-4"},
    {"csisolatincyrillic", "iso-8859-5"},
    {"cyrillic", "iso-8859-5"},
    {"iso-8859-5", "iso-8859-5"},
    {"iso-ir-144", "iso-8859-5"},
    {"iso8859-5", "iso-8859-5"},
    {"iso88595", "iso-8859-5"},
    {"iso_8859-5", "iso-8859-5"},
    {"iso_8859-5:1988", "iso-8859-5"},
    {"arabic", "iso-8859-6"},
    {"asmo-708", "iso-8859-6"},
    {"csiso88596e", "iso-8859-6"},
    {"csiso88596i", "iso-8859-6"},
    {"csisolatinarabic", "iso-8859-6"},
    {"ecma-114", "iso-8859-6"},
    {"iso-8859-6", "iso-8859-6"},
    {"iso-8859-6-e", "iso-8859-6"},
    {"iso-8859-6-i", "iso-8859-6"},
    {"iso-ir-127", "iso-8859-6"},
    {"iso8859-6", "iso-8859-6"},
    {"iso88596", "iso-8859-6"},
    {"iso_8859-6", "iso-8859-6"},
    {"iso_8859-6:1987", "iso-8859-6"},
    {"csisolatingreek", "iso-8859-7"},
    {"ecma-118", "iso-8859-7"},
    {"elot_928", "iso-8859-7"},
    {"greek", "iso-8859-7"},
    {"greek8", "iso-8859-7"},
    {"iso-8859-7", "iso-8859-7"},
    {"iso-ir-126", "iso-8859-7"},
    {"iso8859-7", "iso-8859-7"},
    {"iso88597", "iso-8859-7"},
    {"iso_8859-7", "iso-8859-7"},
    {"iso_8859-7:1987", "iso-8859-7"},
    {"sun_eu_greek", "iso-8859-7"},
    {"csiso88598e", "iso-8859-8"},
    {"csisolatinhebrew", "iso-8859-8"},
    {"hebrew", "iso-8859-8"},
    {"iso-8859-8", "iso-8859-8"},
    {"iso-8859-8-e", "iso-8859-8"},
    {"iso-ir-138", "iso-8859-8"},
    {"iso8859-8", "iso-8859-8"},
    {"iso88598", "iso-8859-8"},
    {"iso_8859-8", "iso-8859-8"},
    {"iso_8859-8:1988", "iso-8859-8"},
    {"visual", "iso-8859-8"},
    {"csiso88598i", "iso-8859-8-i"},
    {"iso-8859-8-i", "iso-8859-8-i"},
    {"logical", "iso-8859-8-i"},
    {"csisolatin6", "iso-8859-10"},
    {"iso-8859-10", "iso-8859-10"},
    {"iso-ir-157", "iso-8859-10"},
    {"iso8859-10", "iso-8859-10"},
    {"iso885910", "iso-8859-10"},
    {"l6", "iso-8859-10"},
    {"latin6", "iso-8859-10"},
    {"iso-8859-13", "iso-8859-13"},
    {"iso8859-13", "iso-8859-13"},
    {"iso885913", "iso-8859-13"},
    {"iso-8859-14", "iso-8859-14"},
    {"iso8859-14", "iso-8859-14"},
    {"iso885914", "iso-8859-14"},
    {"csisolatin9", "iso-8859-15"},
    {"iso-8859-15", "iso-8859-15"},
    {"iso8859-15", "iso-8859-15"},
    {"iso885915", "iso-8859-15"},
    {"iso_8859-15", "iso-8859-15"},
    {"l9", "iso-8859-15"},
    {"iso-8859-16", "iso-8859-16"},
    {"cskoi8r", "koi8-r"},
    {"koi", "koi8-r"},
    {"koi8", "koi8-r"},
    {"koi8-r", "koi8-r"},
    {"koi8_r", "koi8-r"},
    {"koi8-ru", "koi8-u"},
    {"koi8-u", "koi8-u"},
    {"csmacintosh", "macintosh"},
    {"mac", "macintosh"},
    {"macintosh", "macintosh"},
    {"x-mac-roman", "macintosh"},
    {"dos-874", "windows-874"},
    {"iso-8859-11", "windows-874"},
    {"iso8859-11", "windows-874"},
    {"iso885911", "windows-874"},
    {"tis-620", "windows-874"},
    {"windows-874", "windows-874"},
    {"cp1250", "windows-1250"},
    {"windows-1250", "windows-1250"},
    {"x-cp1250", "windows-1250"},
    {"cp1251", "windows-1251"},
    {"windows-1251", "windows-1251"},
    {"x-cp1251", "windows-1251"},
    {"ansi_x3.4-1968", "windows-1252"},
    {"ascii", "windows-1252"},
    {"cp1252", "windows-1252"},
    {"cp819", "windows-1252"},
    {"csisolatin1", "windows-1252"},
    {"ibm819", "windows-1252"},
    {"iso-8859-1", "windows-1252"},
    {"iso-ir-100", "windows-1252"},
    {"iso8859-1", "windows-1252"},
    {"iso88591", "windows-1252"},
    {"iso_8859-1", "windows-1252"},
    {"iso_8859-1:1987", "windows-1252"},
    {"l1", "windows-1252"},
    {"latin1", "windows-1252"},
    {"us-ascii", "windows-1252"},
    {"windows-1252", "windows-1252"},
    {"x-cp1252", "windows-1252"},
    {"cp1253", "windows-1253"},
    {"windows-1253", "windows-1253"},
    {"x-cp1253", "windows-1253"},
    {"cp1254", "windows-1254"},
    {"csisolatin5", "windows-1254"},
    {"iso-8859-9", "windows-1254"},
    {"iso-ir-148", "windows-1254"},
    {"iso8859-9", "windows-1254"},
    {"iso88599", "windows-1254"},
    {"iso_8859-9", "windows-1254"},
    {"iso_8859-9:1989", "windows-1254"},
    {"l5", "windows-1254"},
    {"latin5", "windows-1254"},
    {"windows-1254", "windows-1254"},
    {"x-cp1254", "windows-1254"},
    {"cp1255", "windows-1255"},
    {"windows-1255", "windows-1255"},
    {"x-cp1255", "windows-1255"},
    {"cp1256", "windows-1256"},
    {"windows-1256", "windows-1256"},
    {"x-cp1256", "windows-1256"},
    {"cp1257", "windows-1257"},
    {"windows-1257", "windows-1257"},
    {"x-cp1257", "windows-1257"},
    {"cp1258", "windows-1258"},
    {"windows-1258", "windows-1258"},
    {"x-cp1258", "windows-1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic"},
    {"x-mac-ukrainian", "x-mac-cyrillic"},
    {"chinese", "gbk"},
    {"csgb2312", "gbk"},
    {"csiso58gb231280", "gbk"},
    {"gb2312", "gbk"},
    {"gb_2312", "gbk"},
    {"gb_2312-80", "gbk"},
    {"gbk", "gbk"},
    {"iso-ir-58", "gbk"},
    {"x-gbk", "gbk"},
    {"gb18030", "gb18030"},
    {"big5", "big5"},
    {"big5-hkscs", "big5"},
    {"cn-big5", "big5"},
    {"csbig5", "big5"},
    {"x-x-big5", "big5"},
    {"cseucpkdfmtjapanese", "euc-jp"},
    {"euc-jp", "euc-jp"},
    {"x-euc-jp", "euc-jp"},
    {"csiso2022jp", "iso-2022-jp"},
    {"iso-2022-jp", "iso-2022-jp"},
    {"csshiftjis", "shift_jis"},
    {"ms932", "shift_jis"},
    {"ms_kanji", "shift_jis"},
    {"shift-jis", "shift_jis"},
    {"shift_jis", "shift_jis"},
    {"sjis", "shift_jis"},
    {"windows-31j", "shift_jis"},
    {"x-sjis", "shift_jis"},
    {"cseuckr", "euc-kr"},
    {"csksc56011987", "euc-kr"},
    {"euc-kr", "euc-kr"},
    {"iso-ir-149", "euc-kr"},
    {"korean", "euc-kr"},
    {"ks_c_5601-1987", "euc-kr"},
    {"ks_c_5601-1989", "euc-kr"},
    {"ksc5601", "euc-kr"},
    {"ksc_5601", "euc-kr"},
    {"windows-949", "euc-kr"},
    {"csiso2022kr", "replacement"},
    {"hz-gb-2312", "replacement"},
    {"iso-2022-cn", "replacement"},
    {"iso-2022-cn-ext", "replacement"},
    {"iso-2022-kr", "replacement"},
    {"unicodefffe", "utf-16be"},
    {"utf-16be", "utf-16be"},
    {"csunicode", "utf-16le"},
    {"iso-10646-ucs-2", "utf-16le"},
    {"ucs-2", "utf-16le"},
    {"unicode", "utf-16le"},
    {"unicodefeff", "utf-16le"},
    {"utf-16", "utf-16le"},
    {"utf-16le", "utf-16le"},
    {"x-user-defined", "x-user-defined"},
};

// glibc iconv names for the encodings not decoded by hand below. The WHATWG encodings are
// the Windows supersets of their namesakes, hence CP932, CP949 and BIG5-HKSCS.
struct IconvName {
  std::string_view name;
  const char* iconv;
};
constexpr IconvName kIconvNames[] = {
    {"ibm866", "IBM866"},
    {"iso-8859-2", "ISO-8859-2"},
    {"iso-8859-3", "ISO-8859-3"},
    {"iso-8859-4", "ISO-8859-4"},
    {"iso-8859-5", "ISO-8859-5"},
    {"iso-8859-6", "ISO-8859-6"},
    {"iso-8859-7", "ISO-8859-7"},
    {"iso-8859-8", "ISO-8859-8"},
    {"iso-8859-8-i", "ISO-8859-8"},
    {"iso-8859-10", "ISO-8859-10"},
    {"iso-8859-13", "ISO-8859-13"},
    {"iso-8859-14", "ISO-8859-14"},
    {"iso-8859-15", "ISO-8859-15"},
    {"iso-8859-16", "ISO-8859-16"},
    {"koi8-r", "KOI8-R"},
    {"koi8-u", "KOI8-U"},
    {"macintosh", "MACINTOSH"},
    {"windows-874", "WINDOWS-874"},
    {"windows-1250", "CP1250"},
    {"windows-1251", "CP1251"},
    {"windows-1253", "CP1253"},
    {"windows-1254", "CP1254"},
    {"windows-1255", "CP1255"},
    {"windows-1256", "CP1256"},
    {"windows-1257", "CP1257"},
    {"windows-1258", "CP1258"},
    {"x-mac-cyrillic", "MAC-CYRILLIC"},
    {"gbk", "GB18030"},
    {"gb18030", "GB18030"},
    {"big5", "BIG5-HKSCS"},
    {"euc-jp", "EUC-JP"},
    {"iso-2022-jp", "ISO-2022-JP"},
    {"shift_jis", "CP932"},
    {"euc-kr", "CP949"},
    {"utf-16le", "UTF-16LE"},
    {"utf-16be", "UTF-16BE"},
};

// windows-1252 bytes 0x80..0x9F (WHATWG index; the five unassigned bytes map to C1 controls,
// which glibc's CP1252 would reject).
constexpr std::uint16_t kWindows1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

bool is_ascii_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string_view trim_ascii_ws(std::string_view s) {
  while (!s.empty() && is_ascii_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_ws(s.back())) s.remove_suffix(1);
  return s;
}

bool starts_with_ci(std::string_view s, std::size_t pos, std::string_view prefix) {
  if (pos > s.size() || s.size() - pos < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (ascii_lower(s[pos + i]) != prefix[i]) return false;
  }
  return true;
}


// The WHATWG UTF-8 decoder, reporting each error and each well-formed sequence. Replacing
// every error with U+FFFD yields the Unicode "maximal subpart" substitution.
// on_valid(begin, end) receives a well-formed sequence; on_error(at_end) an ill-formed one,
// with at_end set if it is a sequence cut off by the end of input.
template <class OnValid, class OnError>
void decode_utf8(std::string_view s, OnValid on_valid, OnError on_error) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      std::size_t j = i + 1;  // ASCII run: the common case, hand it over in one piece
      while (j < n && static_cast<unsigned char>(s[j]) < 0x80) ++j;
      if (!on_valid(i, j)) return;
      i = j;
      continue;
    }
    std::size_t needed = 0;
    unsigned char lower = 0x80, upper = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      needed = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      needed = 2;
      if (b == 0xE0) lower = 0xA0;  // overlong
      if (b == 0xED) upper = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      needed = 3;
      if (b == 0xF0) lower = 0x90;  // overlong
      if (b == 0xF4) upper = 0x8F;  // > U+10FFFF
    } else {
      if (!on_error(false)) return;  // C0, C1, F5..FF, stray continuation byte
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    bool ok = true;
    for (std::size_t k = 0; k < needed; ++k, ++j) {
      if (j >= n) {
        on_error(true);  // a sequence cut off by the end of input: one U+FFFD
        return;
      }
      const auto c = static_cast<unsigned char>(s[j]);
      if (c < lower || c > upper) {
        ok = false;
        break;
      }
      lower = 0x80;
      upper = 0xBF;
    }
    if (!ok) {
      if (!on_error(false)) return;
      i = j;  // the offending byte starts the next sequence
      continue;
    }
    if (!on_valid(i, j)) return;
    i = j;
  }
}

enum class Utf8State { kValid, kTruncatedAtEnd, kInvalid };

Utf8State check_utf8(std::string_view s) {
  Utf8State state = Utf8State::kValid;
  decode_utf8(
      s, [](std::size_t, std::size_t) { return true; },
      [&](bool at_end) {
        state = at_end ? Utf8State::kTruncatedAtEnd : Utf8State::kInvalid;
        return false;
      });
  return state;
}

std::string decode_windows_1252(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 4);
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      out.push_back(ch);
    } else if (b < 0xA0) {
      utf8::append(out, kWindows1252High[b - 0x80]);
    } else {
      utf8::append(out, b);  // 0xA0..0xFF are Latin-1
    }
  }
  return out;
}

std::string decode_x_user_defined(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      out.push_back(ch);
    } else {
      utf8::append(out, 0xF780u + (b - 0x80u));
    }
  }
  return out;
}

struct IconvHandle {
  iconv_t cd;
  explicit IconvHandle(const char* from) : cd(iconv_open("UTF-8", from)) {}
  IconvHandle(const IconvHandle&) = delete;
  IconvHandle& operator=(const IconvHandle&) = delete;
  ~IconvHandle() {
    if (ok()) iconv_close(cd);
  }
  bool ok() const { return cd != reinterpret_cast<iconv_t>(-1); }
};

Result<std::string> decode_with_iconv(std::string_view bytes, const char* iconv_name,
                                      std::size_t unit) {
  IconvHandle h(iconv_name);
  if (!h.ok()) {
    return make_error(errc::kInternal,
                      std::string("this system's iconv cannot decode ") + iconv_name);
  }
  std::string out;
  out.resize(std::max<std::size_t>(64, bytes.size() * 2));
  std::size_t used = 0;
  auto ensure = [&](std::size_t extra) {
    if (out.size() - used < extra) out.resize(std::max(out.size() * 2, used + extra));
  };
  // iconv's API takes char** for input although it never writes through it.
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  bool flushing = false;
  while (true) {
    ensure(16);
    char* out_ptr = out.data() + used;
    std::size_t out_left = out.size() - used;
    const std::size_t r = flushing ? iconv(h.cd, nullptr, nullptr, &out_ptr, &out_left)
                                   : iconv(h.cd, &in, &in_left, &out_ptr, &out_left);
    used = static_cast<std::size_t>(out_ptr - out.data());
    if (r != static_cast<std::size_t>(-1)) {
      if (flushing) break;
      flushing = true;  // emit what a stateful decoder still holds
      continue;
    }
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
    } else if (errno == EILSEQ && !flushing) {
      ensure(kReplacement.size());
      out.replace(used, kReplacement.size(), kReplacement);
      used += kReplacement.size();
      const std::size_t skip = std::min(unit, in_left);
      in += skip;
      in_left -= skip;
    } else if (errno == EINVAL && !flushing) {
      ensure(kReplacement.size());  // truncated sequence at the end of input
      out.replace(used, kReplacement.size(), kReplacement);
      used += kReplacement.size();
      in_left = 0;
    } else {
      break;  // no other errno is documented; keep what was decoded
    }
  }
  out.resize(used);
  if (!is_valid_utf8(out)) out = sanitize_utf8(out);  // belt and braces for the FTS index
  return out;
}

// HTML "get an attribute" (prescan variant): names and values are ASCII-lowercased.
struct Attribute {
  std::string name, value;
};

std::optional<Attribute> get_attribute(std::string_view s, std::size_t& pos) {
  const std::size_t n = s.size();
  while (pos < n && (is_ascii_ws(s[pos]) || s[pos] == '/')) ++pos;
  if (pos >= n || s[pos] == '>') return std::nullopt;
  Attribute a;
  while (true) {  // attribute name
    if (pos >= n) return std::nullopt;
    const char c = s[pos];
    if (c == '=' && !a.name.empty()) {
      ++pos;
      break;
    }
    if (is_ascii_ws(c)) {
      while (pos < n && is_ascii_ws(s[pos])) ++pos;
      if (pos >= n) return std::nullopt;
      if (s[pos] != '=') return a;
      ++pos;
      break;
    }
    if (c == '/' || c == '>') return a;
    a.name.push_back(ascii_lower(c));
    ++pos;
  }
  while (pos < n && is_ascii_ws(s[pos])) ++pos;  // attribute value
  if (pos >= n) return std::nullopt;
  const char first = s[pos];
  if (first == '"' || first == '\'') {
    ++pos;
    while (true) {
      if (pos >= n) return std::nullopt;
      if (s[pos] == first) {
        ++pos;
        return a;
      }
      a.value.push_back(ascii_lower(s[pos++]));
    }
  }
  if (first == '>') return a;
  while (pos < n && !is_ascii_ws(s[pos]) && s[pos] != '>') a.value.push_back(ascii_lower(s[pos++]));
  if (pos >= n) return std::nullopt;
  return a;
}

// HTML "extracting a character encoding from a meta element" (content="...; charset=x").
std::string charset_from_meta_content(std::string_view s) {
  std::size_t pos = 0;
  while (true) {
    const std::size_t found = s.find("charset", pos);  // value is already lowercase
    if (found == std::string_view::npos) return "";
    pos = found + 7;
    while (pos < s.size() && is_ascii_ws(s[pos])) ++pos;
    if (pos >= s.size() || s[pos] != '=') continue;
    ++pos;
    while (pos < s.size() && is_ascii_ws(s[pos])) ++pos;
    if (pos >= s.size()) return "";
    if (s[pos] == '"' || s[pos] == '\'') {
      const std::size_t close = s.find(s[pos], pos + 1);
      if (close == std::string_view::npos) return "";
      return std::string(s.substr(pos + 1, close - pos - 1));
    }
    std::size_t end = pos;
    while (end < s.size() && !is_ascii_ws(s[end]) && s[end] != ';') ++end;
    return std::string(s.substr(pos, end - pos));
  }
}

// The HTML spec's "prescan a byte stream to determine its encoding", on the first 1024 bytes.
std::string prescan(std::string_view body) {
  const std::string_view s = body.substr(0, std::min(body.size(), kPrescanBytes));
  const std::size_t n = s.size();
  std::size_t pos = 0;
  while (pos < n) {
    if (s.compare(pos, 4, "<!--") == 0) {
      const std::size_t end = s.find("-->", pos + 2);  // "<!-->" is a complete comment
      if (end == std::string_view::npos) return "";
      pos = end + 3;
      continue;
    }
    if (starts_with_ci(s, pos, "<meta") && pos + 5 < n &&
        (is_ascii_ws(s[pos + 5]) || s[pos + 5] == '/')) {
      pos += 6;
      std::vector<std::string> seen;
      bool got_pragma = false;
      std::optional<bool> need_pragma;
      std::string charset;
      while (auto attr = get_attribute(s, pos)) {
        if (std::find(seen.begin(), seen.end(), attr->name) != seen.end()) continue;
        seen.push_back(attr->name);
        if (attr->name == "http-equiv") {
          if (attr->value == "content-type") got_pragma = true;
        } else if (attr->name == "content") {
          if (charset.empty() && !need_pragma.has_value()) {
            std::string found = canonical_label(charset_from_meta_content(attr->value));
            if (!found.empty()) {
              charset = std::move(found);
              need_pragma = true;
            }
          }
        } else if (attr->name == "charset") {
          charset = canonical_label(attr->value);
          need_pragma = false;
        }
      }
      if (!need_pragma.has_value() || (*need_pragma && !got_pragma) || charset.empty()) continue;
      if (charset == "utf-16le" || charset == "utf-16be") return "utf-8";  // spec: can't be
      if (charset == "x-user-defined") return "windows-1252";
      return charset;
    }
    if (s[pos] == '<' && pos + 1 < n &&
        (is_ascii_alpha(s[pos + 1]) ||
         (s[pos + 1] == '/' && pos + 2 < n && is_ascii_alpha(s[pos + 2])))) {
      pos += s[pos + 1] == '/' ? 2 : 1;
      while (pos < n && !is_ascii_ws(s[pos]) && s[pos] != '>') ++pos;  // tag name
      while (get_attribute(s, pos)) {
      }
      continue;
    }
    if (s.compare(pos, 2, "<!") == 0 || s.compare(pos, 2, "</") == 0 ||
        s.compare(pos, 2, "<?") == 0) {
      const std::size_t end = s.find('>', pos + 2);
      if (end == std::string_view::npos) return "";
      pos = end + 1;
      continue;
    }
    ++pos;
  }
  return "";
}

std::string_view bom_encoding(std::string_view bytes, std::size_t* bom_length) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    *bom_length = 3;
    return "utf-8";
  }
  if (bytes.substr(0, 2) == "\xFE\xFF") {
    *bom_length = 2;
    return "utf-16be";
  }
  if (bytes.substr(0, 2) == "\xFF\xFE") {
    *bom_length = 2;
    return "utf-16le";
  }
  *bom_length = 0;
  return "";
}

std::string shorten_label(std::string_view s) {
  if (s.size() <= kMaxLabelLength) return std::string(s);
  return std::string(s.substr(0, kMaxLabelLength)) + "...";
}

// uchardet's names that are not WHATWG labels.
struct DetectorName {
  std::string_view detector;
  std::string_view name;
};
constexpr DetectorName kDetectorNames[] = {
    {"UHC", "euc-kr"},  // Unified Hangul Code is windows-949, which euc-kr means on the web
    {"MAC-CYRILLIC", "x-mac-cyrillic"},
};

// An encoding with multi-byte sequences, where bytes that do not fit show the guess is wrong.
bool is_multibyte(std::string_view name) {
  return name == "utf-8" || name == "gbk" || name == "gb18030" || name == "big5" ||
         name == "shift_jis" || name == "euc-jp" || name == "euc-kr" || name == "iso-2022-jp";
}

std::size_t count_occurrences(std::string_view s, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t pos = s.find(what); pos != std::string_view::npos;
       pos = s.find(what, pos + what.size())) {
    ++n;
  }
  return n;
}

struct Detector {
  uchardet_t handle = uchardet_new();
  Detector() = default;
  Detector(const Detector&) = delete;
  Detector& operator=(const Detector&) = delete;
  ~Detector() {
    if (handle != nullptr) uchardet_delete(handle);
  }
};

// The HTML spec's "autodetect" step for bytes that are not UTF-8 and declare nothing:
// uchardet's guess as a WHATWG encoding name, or "" when it has none we can trust. Guesses
// the spec rules out (UTF-16/32 without a BOM, the "replacement" encodings) are dropped,
// and so is a multi-byte guess that the bytes do not fit (uchardet answers UTF-8 or a
// Thai code page for a few bare GBK characters). Too short a text gets no guess at all.
std::string autodetect(std::string_view body) {
  const auto high = std::find_if(body.begin(), body.end(),
                                 [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  if (high == body.end()) return "";
  const std::string_view sample =
      body.substr(static_cast<std::size_t>(high - body.begin()), kDetectorSampleBytes);
  const auto high_bytes = static_cast<std::size_t>(std::count_if(
      sample.begin(), sample.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
  if (high_bytes < kDetectorMinHighBytes) return "";
  Detector detector;
  if (detector.handle == nullptr ||
      uchardet_handle_data(detector.handle, sample.data(), sample.size()) != 0) {
    return "";
  }
  uchardet_data_end(detector.handle);
  const char* raw = uchardet_get_charset(detector.handle);
  const std::string_view guess = raw != nullptr ? raw : "";
  std::string name = canonical_label(guess);
  for (const DetectorName& d : kDetectorNames) {
    if (d.detector == guess) name = std::string(d.name);
  }
  if (name.empty() || name == "replacement" || name == "utf-16le" || name == "utf-16be" ||
      name == "x-user-defined") {
    return "";
  }
  if (is_multibyte(name)) {
    // Misfits become U+FFFD; allow the odd one (a sample cut inside a character, a stray
    // byte) but not a guess the text does not fit.
    auto decoded = to_utf8(sample, name);
    if (!decoded.ok()) return "";
    const std::size_t misfits = count_occurrences(*decoded, kReplacement);
    if (misfits > 1 + high_bytes / 100) return "";
  }
  return name;
}

}  // namespace

std::string canonical_label(std::string_view label) {
  const std::string_view trimmed = trim_ascii_ws(label);
  if (trimmed.empty() || trimmed.size() > kMaxLabelLength) return "";
  std::string lower(trimmed);
  for (char& c : lower) c = ascii_lower(c);
  for (const Label& l : kLabels) {
    if (l.label == lower) return std::string(l.name);
  }
  return "";
}

std::string charset_from_content_type(std::string_view header) {
  std::size_t pos = header.find(';');
  while (pos != std::string_view::npos && pos < header.size()) {
    ++pos;  // past ';'
    while (pos < header.size() && is_ascii_ws(header[pos])) ++pos;
    std::size_t name_end = pos;
    while (name_end < header.size() && header[name_end] != ';' && header[name_end] != '=') {
      ++name_end;
    }
    std::string name(trim_ascii_ws(header.substr(pos, name_end - pos)));
    for (char& c : name) c = ascii_lower(c);
    if (name_end >= header.size() || header[name_end] == ';') {
      pos = name_end;  // a parameter without a value
      continue;
    }
    pos = name_end + 1;
    std::string value;
    if (pos < header.size() && header[pos] == '"') {  // quoted-string with \-escapes
      ++pos;
      while (pos < header.size() && header[pos] != '"') {
        if (header[pos] == '\\' && pos + 1 < header.size()) ++pos;
        value.push_back(header[pos++]);
      }
      pos = header.find(';', pos);
    } else {
      const std::size_t end = header.find(';', pos);
      value = std::string(trim_ascii_ws(
          header.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos)));
      pos = end;
    }
    if (name == "charset") return canonical_label(value);  // the first charset counts
  }
  return "";
}

// The encoding a BOM or the Content-Type header declares (in that order, as WHATWG's
// sniffing and CSS both rank them), else "". Shared by detect_html and detect_css.
static std::string bom_or_header_charset(std::string_view content_type_header, std::string_view body) {
  std::size_t bom = 0;
  if (std::string_view from_bom = bom_encoding(body, &bom); !from_bom.empty()) {
    return std::string(from_bom);
  }
  return charset_from_content_type(content_type_header);
}

std::string detect_html(std::string_view content_type_header, std::string_view body) {
  if (std::string declared = bom_or_header_charset(content_type_header, body); !declared.empty()) {
    return declared;
  }
  if (std::string from_meta = prescan(body); !from_meta.empty()) return from_meta;
  // A body cut at a size limit may end inside a character; that alone is no reason to
  // read a whole Chinese page as windows-1252.
  if (check_utf8(body) != Utf8State::kInvalid) return "utf-8";
  if (std::string detected = autodetect(body); !detected.empty()) return detected;
  return "windows-1252";
}

std::string detect_css(std::string_view content_type_header, std::string_view body,
                       std::string_view fallback) {
  if (std::string declared = bom_or_header_charset(content_type_header, body); !declared.empty()) {
    return declared;
  }
  constexpr std::string_view kAtCharset = "@charset \"";  // byte-exact, as CSS requires
  if (body.substr(0, kAtCharset.size()) == kAtCharset) {
    const std::size_t close = body.find("\";", kAtCharset.size());
    if (close != std::string_view::npos && close - kAtCharset.size() <= kMaxLabelLength) {
      const std::string declared =
          canonical_label(body.substr(kAtCharset.size(), close - kAtCharset.size()));
      if (declared == "utf-16le" || declared == "utf-16be") return "utf-8";
      if (!declared.empty()) return declared;
    }
  }
  if (check_utf8(body) != Utf8State::kInvalid) return "utf-8";
  if (std::string detected = autodetect(body); !detected.empty()) return detected;
  std::string from_fallback = canonical_label(fallback);
  return from_fallback.empty() ? std::string("utf-8") : from_fallback;
}

Result<std::string> to_utf8(std::string_view bytes, std::string_view charset) {
  // detect_html gives encoding names; "replacement" is the one name that is no label (fuzz
  // finding: <meta charset="hz-gb-2312"> made `add` fail with "unknown character encoding").
  std::string name = charset == "replacement" ? std::string(charset) : canonical_label(charset);
  if (name.empty()) {
    return make_error(errc::kBadRequest, "unknown character encoding: " + shorten_label(charset));
  }
  std::size_t bom = 0;
  if (std::string_view from_bom = bom_encoding(bytes, &bom); !from_bom.empty()) {
    name = std::string(from_bom);  // WHATWG "decode": the BOM wins over any label
    bytes.remove_prefix(bom);
  }
  if (name == "utf-8") return sanitize_utf8(bytes);
  if (name == "windows-1252") return decode_windows_1252(bytes);
  if (name == "x-user-defined") return decode_x_user_defined(bytes);
  if (name == "replacement") return std::string(bytes.empty() ? "" : kReplacement);
  for (const IconvName& n : kIconvNames) {
    if (n.name == name) {
      return decode_with_iconv(bytes, n.iconv, name.rfind("utf-16", 0) == 0 ? 2 : 1);
    }
  }
  return make_error(errc::kInternal, "no decoder for character encoding " + name);
}

bool is_valid_utf8(std::string_view s) { return check_utf8(s) == Utf8State::kValid; }

std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t run_begin = 0, run_end = 0;  // well-formed bytes not yet copied
  decode_utf8(
      s,
      [&](std::size_t b, std::size_t e) {
        if (b != run_end) {
          out.append(s.substr(run_begin, run_end - run_begin));
          run_begin = b;
        }
        run_end = e;
        return true;
      },
      [&](bool) {
        out.append(s.substr(run_begin, run_end - run_begin));
        run_begin = run_end = 0;
        out.append(kReplacement);
        return true;
      });
  out.append(s.substr(run_begin, run_end - run_begin));
  return out;
}

}  // namespace linksnap::charset
