#include "util/url.h"

#include <locale.h>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modules/curl_api.h"
#include "util/charset.h"
#include "util/ascii.h"

namespace linksnap::url {
namespace {

// The parser is libcurl's (linksnap-curl.so), loaded by the first URL parsed.
using modules::curl;

// Query parameters that only identify a click or campaign, never the content. Deliberately
// conservative: ambiguous short names some sites use for real (ref, source, si, spm, ...)
// stay. Names are matched exactly, as the trackers emit them (lowercase).
constexpr std::string_view kTrackingPrefix = "utm_";  // Google Analytics campaign tags
constexpr std::array<std::string_view, 18> kTrackingParameters = {
    "fbclid",                                          // Facebook
    "gclid",   "gclsrc", "dclid", "gbraid", "wbraid",  // Google Ads / DoubleClick
    "_ga",     "_gl",                                  // Google Analytics cross-domain linker
    "msclkid",                                         // Microsoft Ads
    "mc_cid",  "mc_eid",                               // Mailchimp
    "igshid",                                          // Instagram share
    "yclid",                                           // Yandex
    "twclid",                                          // Twitter/X Ads
    "ttclid",                                          // TikTok Ads
    "mkt_tok",                                         // Marketo email
    "_hsenc",  "_hsmi",                                // HubSpot email
};

constexpr std::size_t kMaxUrlInMessage = 256;

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}


// Keeps error messages readable when someone pastes a megabyte of junk.
std::string shorten(std::string_view s) {
  if (s.size() <= kMaxUrlInMessage) return std::string(s);
  std::size_t cut = kMaxUrlInMessage;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "...";
}

Error invalid_url(std::string_view url) {
  return make_error(errc::kInvalidUrl, "not a valid URL: " + shorten(url));
}

// HTML's rule for URLs in attributes plus the URL parser's own: strip leading/trailing C0
// controls and spaces, drop every tab and newline.
std::string clean(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= 0x20) ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= 0x20) --e;
  std::string out;
  out.reserve(e - b);
  for (std::size_t i = b; i < e; ++i) {
    if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r') out.push_back(s[i]);
  }
  return out;
}

// Length of a leading "scheme:" (WHATWG: ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")), without
// the colon; 0 if there is none.
std::size_t scheme_length(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ':') return i;
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

// WHATWG "special" schemes: hierarchical, '\' is a path separator.
bool is_special(std::string_view scheme) {
  return scheme == "http" || scheme == "https" || scheme == "file" || scheme == "ftp" ||
         scheme == "ws" || scheme == "wss";
}

bool is_slash(char c, bool special) { return c == '/' || (special && c == '\\'); }

enum class Component { kPath, kQuery, kFragment };

// The WHATWG percent-encode sets for path, (special) query and fragment.
bool needs_escape(unsigned char c, Component part, bool special) {
  if (c <= 0x20 || c >= 0x7F) return true;
  switch (part) {
    case Component::kPath:
      return c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}';
    case Component::kQuery:
      return c == '"' || c == '<' || c == '>' || (special && c == '\'');
    case Component::kFragment:
      return c == '"' || c == '<' || c == '>' || c == '`';
  }
  return false;
}

void append_escaped(std::string& out, std::string_view in, Component part, bool special) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (part == Component::kPath && special && ch == '\\') {
      out.push_back('/');
    } else if (needs_escape(c, part, special)) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
}

// Percent-encodes the path and query of a reference that has no fragment; scheme and
// authority are left to libcurl (which rejects spaces in host names, as browsers do).
std::string encode_reference(std::string_view ref, bool special) {
  std::string out;
  out.reserve(ref.size() + 16);
  std::size_t pos = scheme_length(ref);
  if (pos > 0) ++pos;  // keep "scheme:"
  out.append(ref.substr(0, pos));
  if (pos + 1 < ref.size() && is_slash(ref[pos], special) && is_slash(ref[pos + 1], special)) {
    std::size_t end = pos + 2;
    while (end < ref.size() && ref[end] != '?' && !is_slash(ref[end], special)) ++end;
    out.append("//");
    out.append(ref.substr(pos + 2, end - pos - 2));
    pos = end;
  }
  const std::size_t q = ref.find('?', pos);
  append_escaped(out, ref.substr(pos, q == std::string_view::npos ? q : q - pos), Component::kPath,
                 special);
  if (q != std::string_view::npos) {
    out.push_back('?');
    append_escaped(out, ref.substr(q + 1), Component::kQuery, special);
  }
  return out;
}

// "https:example.com", "https:/x" and "https:\\\\x" all mean "https://..." to a browser when
// there is no base of the same scheme; libcurl only accepts exactly two slashes.
std::string fix_authority_slashes(std::string_view url, std::size_t scheme_len) {
  std::size_t p = scheme_len + 1;
  while (p < url.size() && (url[p] == '/' || url[p] == '\\')) ++p;
  std::string out(url.substr(0, scheme_len + 1));
  out.append("//");
  out.append(url.substr(p));
  return out;
}

struct Split {
  std::string_view body;
  std::optional<std::string_view> fragment;
};

Split split_fragment(std::string_view s) {
  const std::size_t h = s.find('#');
  if (h == std::string_view::npos) return {s, std::nullopt};
  return {s.substr(0, h), s.substr(h + 1)};
}

// Made only after curl_api() succeeded.
struct CurlUrl {
  CURLU* h = curl().url();
  CurlUrl() = default;
  CurlUrl(const CurlUrl&) = delete;
  CurlUrl& operator=(const CurlUrl&) = delete;
  ~CurlUrl() { curl().url_cleanup(h); }
};

std::optional<std::string> get_part(CURLU* h, CURLUPart part, unsigned flags) {
  char* value = nullptr;
  const CURLUcode rc = curl().url_get(h, part, &value, flags);
  // libcurl 7.88 can hand back a string together with an error (a failed IDN conversion):
  // free it either way (found by fuzz_url as a leak).
  std::optional<std::string> out;
  if (rc == CURLUE_OK && value != nullptr) out = std::string(value);
  curl().free(value);
  return out;
}

// libcurl 7.88 converts IDN hosts with libidn2's locale-dependent entry point, which fails
// in the "C" locale the host and CLI run in. A thread-local C.UTF-8 locale makes the
// conversion work and gives the same answer whatever the process locale is.
class Utf8LocaleScope {
 public:
  Utf8LocaleScope() {
    static const locale_t utf8 = [] {
      locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
      if (l == nullptr) l = newlocale(LC_CTYPE_MASK, "C.utf8", nullptr);
      return l;
    }();
    if (utf8 != nullptr) previous_ = uselocale(utf8);
  }
  Utf8LocaleScope(const Utf8LocaleScope&) = delete;
  Utf8LocaleScope& operator=(const Utf8LocaleScope&) = delete;
  ~Utf8LocaleScope() {
    if (previous_ != nullptr) uselocale(previous_);
  }

 private:
  locale_t previous_ = nullptr;
};

bool is_ascii(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// A URL as a browser's URL object holds it, components already encoded.
struct Parsed {
  std::string scheme, user, password, host, path;
  std::optional<std::string> query;
  int port = -1;
};

Result<Parsed> read_parts(CURLU* h, std::string_view shown) {
  Parsed p;
  auto scheme = get_part(h, CURLUPART_SCHEME, 0);
  if (!scheme) return invalid_url(shown);
  p.scheme = ascii_lower(*scheme);
  p.user = get_part(h, CURLUPART_USER, 0).value_or("");
  p.password = get_part(h, CURLUPART_PASSWORD, 0).value_or("");
  p.path = get_part(h, CURLUPART_PATH, 0).value_or("");
  p.query = get_part(h, CURLUPART_QUERY, 0);
  if (auto port = get_part(h, CURLUPART_PORT, CURLU_NO_DEFAULT_PORT)) {
    int value = 0;
    for (const char c : *port) value = value * 10 + (c - '0');  // curl checked: 0..65535
    p.port = value;
  }

  std::string host = get_part(h, CURLUPART_HOST, 0).value_or("");  // file URLs have none
  if (!is_ascii(host)) {
    // A host percent-decoded by curl into invalid UTF-8 can never be a real name.
    if (!charset::is_valid_utf8(host)) return invalid_url(shown);
#ifdef CURLU_PUNYCODE  // libcurl >= 7.88
    Utf8LocaleScope utf8;
    if (auto puny = get_part(h, CURLUPART_HOST, CURLU_PUNYCODE)) host = std::move(*puny);
#endif
    // else: no IDN support or a name IDNA rejects: keep the UTF-8 form (fetching reports it).
  }
  host = ascii_lower(host);
  if (auto zone = get_part(h, CURLUPART_ZONEID, 0); zone && !host.empty() && host.back() == ']') {
    host.insert(host.size() - 1, "%25" + *zone);
  }
  p.host = std::move(host);
  return p;
}

std::string serialize(const Parsed& p) {
  std::string out = p.scheme + "://";
  if (!p.user.empty() || !p.password.empty()) {
    out += p.user;
    if (!p.password.empty()) out += ":" + p.password;
    out += "@";
  }
  out += p.host;
  if (p.port >= 0) out += ":" + std::to_string(p.port);
  out += p.path;
  if (p.query) out += "?" + *p.query;
  return out;
}

// Parses a cleaned absolute URL without fragment. `shown` is what error messages quote.
Result<Parsed> parse_absolute(std::string_view body, std::string_view shown) {
  const std::size_t scheme_len = scheme_length(body);
  if (scheme_len == 0) return invalid_url(shown);
  const std::string scheme = ascii_lower(body.substr(0, scheme_len));
  const bool special = is_special(scheme);
  std::string fixed =
      (special && scheme != "file") ? fix_authority_slashes(body, scheme_len) : std::string(body);
  const std::string prepared = encode_reference(fixed, special);
  if (prepared.find('\0') != std::string::npos) return invalid_url(shown);
  if (auto api = modules::curl_api(); !api.ok()) return api.error();
  CurlUrl u;
  if (u.h == nullptr) return make_error(errc::kInternal, "out of memory while parsing a URL");
  if (curl().url_set(u.h, CURLUPART_URL, prepared.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    return invalid_url(shown);
  }
  return read_parts(u.h, shown);
}

void append_fragment(std::string& out, std::optional<std::string_view> fragment, bool special) {
  if (!fragment) return;
  out.push_back('#');
  append_escaped(out, *fragment, Component::kFragment, special);
}

bool is_unreserved(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// RFC 3986 6.2.2.2: %7e and %7E both become "~", other escapes get uppercase hex.
std::string normalize_escapes(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      const int v = hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]);
      const char c = static_cast<char>(v);
      if (is_unreserved(c)) {
        out.push_back(c);
      } else {
        out.push_back('%');
        out.push_back(kHex[v >> 4]);
        out.push_back(kHex[v & 0xF]);
      }
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// RFC 3986 5.2.4, segment by segment (so "%2E%2E" decoded above also counts).
std::string remove_dot_segments(std::string_view path) {
  const bool absolute = !path.empty() && path[0] == '/';
  if (absolute) path.remove_prefix(1);
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const bool last = slash == std::string_view::npos;
    const std::string_view seg = path.substr(start, last ? slash : slash - start);
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      if (last) out.emplace_back();  // "/a/.." -> "/"
    } else if (seg == ".") {
      if (last) out.emplace_back();  // "/a/." -> "/a/"
    } else {
      out.push_back(seg);
    }
    if (last) break;
    start = slash + 1;
  }
  std::string result = absolute ? "/" : "";
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i > 0) result.push_back('/');
    result.append(out[i]);
  }
  return result;
}

bool is_tracking_parameter(std::string_view name) {
  if (name.substr(0, kTrackingPrefix.size()) == kTrackingPrefix) return true;
  for (const std::string_view t : kTrackingParameters) {
    if (name == t) return true;
  }
  return false;
}

std::optional<std::string> filter_query(std::string_view query) {
  std::string out;
  bool any = false;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    const std::string_view param = query.substr(start, amp - start);
    const std::string_view name = param.substr(0, param.find('='));
    if (!is_tracking_parameter(name)) {
      if (any) out.push_back('&');
      out.append(param);
      any = true;
    }
    start = amp + 1;
  }
  if (out.empty()) return std::nullopt;  // "?" alone, or only tracking parameters
  return out;
}

}  // namespace

std::string scheme_of(std::string_view url) {
  const std::string cleaned = clean(url);
  return ascii_lower(std::string_view(cleaned).substr(0, scheme_length(cleaned)));
}

bool is_http_or_https(std::string_view url) {
  const std::string scheme = scheme_of(url);
  return scheme == "http" || scheme == "https";
}

Result<Parts> parse(std::string_view absolute_url) {
  const std::string cleaned = clean(absolute_url);
  const Split split = split_fragment(cleaned);
  auto parsed = parse_absolute(split.body, absolute_url);
  if (!parsed.ok()) return parsed.error();
  Parts parts;
  parts.scheme = std::move(parsed->scheme);
  parts.host = std::move(parsed->host);
  parts.port = parsed->port;
  parts.path = std::move(parsed->path);
  parts.query = parsed->query.value_or("");
  if (split.fragment) {
    append_escaped(parts.fragment, *split.fragment, Component::kFragment, is_special(parts.scheme));
  }
  return parts;
}

Result<std::string> resolve(std::string_view base, std::string_view ref) {
  std::string r = clean(ref);
  const std::size_t ref_scheme_len = scheme_length(r);
  const std::string base_clean = clean(base);
  const std::string base_scheme =
      ascii_lower(std::string_view(base_clean).substr(0, scheme_length(base_clean)));

  if (ref_scheme_len > 0) {
    const std::string ref_scheme = ascii_lower(std::string_view(r).substr(0, ref_scheme_len));
    // mailto:, data:, javascript:, about:, custom schemes: absolute, kept as written.
    if (!is_special(ref_scheme)) return r;
    const std::string_view rest = std::string_view(r).substr(ref_scheme_len + 1);
    const bool has_authority =
        rest.size() >= 2 && is_slash(rest[0], true) && is_slash(rest[1], true);
    if (ref_scheme == base_scheme && !has_authority) {
      r = std::string(rest);  // "https:foo" on an https page is relative (WHATWG)
    } else {
      const Split split = split_fragment(r);
      auto parsed = parse_absolute(split.body, ref);
      if (!parsed.ok()) return parsed.error();
      std::string out = serialize(*parsed);
      append_fragment(out, split.fragment, true);
      return out;
    }
  }

  const Split base_split = split_fragment(base_clean);
  const std::size_t base_scheme_len = scheme_length(base_split.body);
  if (base_scheme_len == 0) return invalid_url(base);
  const bool special = is_special(base_scheme);
  const std::string fixed_base = (special && base_scheme != "file")
                                     ? fix_authority_slashes(base_split.body, base_scheme_len)
                                     : std::string(base_split.body);
  const std::string prepared_base = encode_reference(fixed_base, special);
  if (prepared_base.find('\0') != std::string::npos) return invalid_url(base);
  if (auto api = modules::curl_api(); !api.ok()) return api.error();
  CurlUrl u;
  if (u.h == nullptr) return make_error(errc::kInternal, "out of memory while parsing a URL");
  if (curl().url_set(u.h, CURLUPART_URL, prepared_base.c_str(), CURLU_NON_SUPPORT_SCHEME) !=
      CURLUE_OK) {
    return invalid_url(base);
  }

  // libcurl resolves "" and "#x" to the base's directory; a browser keeps the whole base.
  const Split split = split_fragment(r);
  if (!split.body.empty()) {
    const std::string prepared = encode_reference(split.body, special);
    if (prepared.find('\0') != std::string::npos) return invalid_url(ref);
    if (curl().url_set(u.h, CURLUPART_URL, prepared.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
      return invalid_url(ref);
    }
  }
  auto parsed = read_parts(u.h, split.body.empty() ? base : ref);
  if (!parsed.ok()) return parsed.error();
  std::string out = serialize(*parsed);
  append_fragment(out, split.fragment, special);
  return out;
}

namespace {

Result<std::string> normalize_once(std::string_view url) {
  const std::string cleaned = clean(url);
  const std::size_t scheme_len = scheme_length(cleaned);
  if (scheme_len == 0) return invalid_url(url);
  const std::string scheme = ascii_lower(std::string_view(cleaned).substr(0, scheme_len));
  if (scheme != "http" && scheme != "https" && scheme != "file") {
    return make_error(errc::kUnsupportedScheme,
                      "unsupported URL scheme \"" + shorten(scheme) +
                          "\": only http, https and file pages can be saved");
  }
  auto parsed = parse_absolute(split_fragment(cleaned).body, url);
  if (!parsed.ok()) return parsed.error();
  Parsed& p = *parsed;
  p.path = remove_dot_segments(normalize_escapes(p.path));
  if (p.path.empty()) p.path = "/";
  if (p.query) p.query = filter_query(normalize_escapes(*p.query));
  return serialize(p);
}

}  // namespace

Result<std::string> normalize(std::string_view url) {
  auto once = normalize_once(url);
  if (!once.ok()) return once;
  // A link's identity must be a fixed point: if normalizing the result would give another
  // URL (found by fuzzing: "file:\x1b..." turned path bytes into a host), the input was not
  // a URL we can key a link by.
  auto twice = normalize_once(*once);
  if (!twice.ok() || *twice != *once) return invalid_url(url);
  return once;
}

}  // namespace linksnap::url
