#include "capture/html_text.h"

#include <gumbo.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "capture/gumbo_guard.h"
#include "capture/parsed_page.h"
#include "util/charset.h"
#include "util/utf8.h"
#include "util/ascii.h"

namespace linksnap::capture {
namespace {

// gumbo 0.10.1 is quadratic in nesting depth (every start tag scans the stack of open
// elements: 20,000 nested <div> take ~17 s, 200,000 would take half an hour). Real pages
// nest < 100 deep and Blink's parser caps DOM depth at 512 too, so past this estimated
// depth gumbo only sees the prefix and a linear tag stripper reads the rest. The estimate
// misses shapes (it is ~5x low on adversarial table markup, blind to <rt> outside <ruby>);
// it only spares GumboDocument a parse, whose budget is what bounds gumbo.
constexpr std::size_t kMaxGumboDepth = 512;
// gumbo checks each new attribute against the element's others, so one element with n
// attributes costs n²/2 comparisons (50,000 took 15 s of CPU); later <html> and <body> tags
// add theirs to one element too. Real pages stay far below this.
constexpr std::size_t kMaxGumboAttributes = 1024;
// How far up the estimated stack an end tag may close elements (keeps the estimate linear).
constexpr std::size_t kEndTagReach = 64;
constexpr std::size_t kMaxTitleBytes = 2048;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool is_html_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

template <std::size_t N>
bool one_of(std::string_view name, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), name) != std::end(list);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string_view trim_html_ws(std::string_view s) {
  while (!s.empty() && is_html_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_html_ws(s.back())) s.remove_suffix(1);
  return s;
}

// Largest n' <= n that does not split a UTF-8 sequence of (valid) s.
std::size_t code_point_floor(std::string_view s, std::size_t n) {
  if (n >= s.size()) return s.size();
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

// NUL, like any invalid code point, becomes U+FFFD (CSS and HTML both say so).
void append_code_point(std::string& out, std::uint32_t cp) {
  utf8::append(out, cp == 0 ? utf8::kReplacement : static_cast<char32_t>(cp));
}

// ---------------------------------------------------------------------------------------
// Text accumulation with rendering-like whitespace rules and a byte budget.

class TextBuilder {
 public:
  explicit TextBuilder(std::size_t max_bytes) : max_(max_bytes) {}

  // Text as in a normal flow (whitespace runs, NBSP included, collapse) or preformatted.
  void text(std::string_view s, bool preformatted) {
    if (full_) return;
    if (preformatted) {
      if (s.empty()) return;
      flush();
      emit(s);
      return;
    }
    std::size_t i = 0;
    while (i < s.size() && !full_) {
      if (const std::size_t ws = whitespace_at(s, i); ws > 0) {
        if (pending_ == Pending::kNone) pending_ = Pending::kSpace;
        i += ws;
        continue;
      }
      std::size_t j = i + 1;
      while (j < s.size() && whitespace_at(s, j) == 0) ++j;
      flush();
      emit(s.substr(i, j - i));
      i = j;
    }
  }
  void space() {  // a boundary between inline boxes (img alt, input values)
    if (pending_ == Pending::kNone) pending_ = Pending::kSpace;
  }
  void block() { pending_ = Pending::kNewline; }  // block start/end, <br>
  bool full() const { return full_; }

  std::string finish() && {
    while (!out_.empty() && is_html_ws(out_.back())) out_.pop_back();
    return std::move(out_);
  }

 private:
  enum class Pending { kNone, kSpace, kNewline };

  static std::size_t whitespace_at(std::string_view s, std::size_t i) {
    if (is_html_ws(s[i])) return 1;
    if (s[i] == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') return 2;  // U+00A0
    return 0;
  }
  void flush() {
    if (!out_.empty()) {
      const char last = out_.back();
      if (pending_ == Pending::kNewline && last != '\n') {
        emit("\n");
      } else if (pending_ == Pending::kSpace && last != '\n' && last != ' ') {
        emit(" ");
      }
    }
    pending_ = Pending::kNone;
  }
  void emit(std::string_view s) {
    if (full_) return;
    if (out_.size() + s.size() > out_.capacity()) {  // doubling, but never past the cap
      out_.reserve(std::min(max_, std::max(out_.capacity() * 2, out_.size() + s.size())));
    }
    if (out_.size() + s.size() <= max_) {
      out_.append(s);
      return;
    }
    out_.append(s.substr(0, code_point_floor(s, max_ - out_.size())));
    full_ = true;
  }

  std::string out_;
  std::size_t max_;
  bool full_ = false;
  Pending pending_ = Pending::kNone;
};

// ---------------------------------------------------------------------------------------
// A minimal HTML tokenizer: enough to estimate nesting depth before gumbo runs and to strip
// tags from whatever gumbo is not given. Linear in the input.

constexpr std::string_view kRawTextElements[] = {
    "script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title", "plaintext"};
constexpr std::string_view kVoidElements[] = {"area",     "base",    "br",    "col",   "embed",
                                              "hr",       "img",     "input", "link",  "meta",
                                              "param",    "source",  "track", "wbr",   "keygen",
                                              "basefont", "bgsound", "frame", "image", "isindex"};
// End tag optional: the parser closes them itself, so they never pile up.
constexpr std::string_view kImpliedEndElements[] = {
    "p",  "li", "dd",    "dt",    "option", "optgroup", "rb",       "rp",   "rt",   "rtc", "tr",
    "td", "th", "tbody", "thead", "tfoot",  "caption",  "colgroup", "html", "head", "body"};
// An end tag does not close elements across these (the parser's "scope" boundaries).
constexpr std::string_view kScopeBoundaries[] = {"table", "template", "object", "marquee",
                                                 "applet"};
constexpr std::string_view kBlockElements[] = {
    "address",    "article",   "aside",  "blockquote", "body",     "br",    "caption",  "center",
    "dd",         "details",   "dialog", "dir",        "div",      "dl",    "dt",       "fieldset",
    "figcaption", "figure",    "footer", "form",       "frameset", "h1",    "h2",       "h3",
    "h4",         "h5",        "h6",     "header",     "hgroup",   "hr",    "html",     "legend",
    "li",         "listing",   "main",   "menu",       "nav",      "ol",    "optgroup", "option",
    "p",          "plaintext", "pre",    "section",    "summary",  "table", "tbody",    "td",
    "tfoot",      "th",        "thead",  "tr",         "ul",       "xmp"};

struct Token {
  enum class Kind { kText, kRawText, kStartTag, kEndTag, kComment, kOther };
  Kind kind = Kind::kOther;
  std::size_t begin = 0, end = 0;
  std::string name;  // lowercase tag name (tags and raw text)
  bool self_closing = false;
  std::size_t attributes = 0;  // start and end tags
};

class Lexer {
 public:
  Lexer(std::string_view s, std::size_t pos) : s_(s), pos_(pos) {}

  bool next(Token& t) {
    if (pos_ >= s_.size()) return false;
    t.begin = pos_;
    t.name.clear();
    t.self_closing = false;
    if (!raw_.empty()) {  // inside script/style/textarea/...: up to the matching end tag
      t.kind = Token::Kind::kRawText;
      t.name = std::move(raw_);
      raw_.clear();
      t.end = t.name == "plaintext" ? s_.size() : find_end_tag(t.name, pos_);
      pos_ = t.end;
      return true;
    }
    const std::size_t n = s_.size();
    const auto at = [&](std::size_t i) { return i < n ? s_[i] : '\0'; };
    if (s_[pos_] == '<') {
      if (s_.compare(pos_, 4, "<!--") == 0) {
        const std::size_t e = s_.find("-->", pos_ + 2);  // "<!-->" closes itself
        t.kind = Token::Kind::kComment;
        t.end = pos_ = (e == std::string_view::npos ? n : e + 3);
        return true;
      }
      const bool end_tag = at(pos_ + 1) == '/';
      if (is_alpha(at(pos_ + (end_tag ? 2 : 1)))) {
        std::size_t p = pos_ + (end_tag ? 2 : 1);
        while (p < n && !is_html_ws(s_[p]) && s_[p] != '/' && s_[p] != '>') {
          t.name.push_back(ascii_lower(s_[p++]));
        }
        t.attributes = skip_attributes(p, &t.self_closing);
        t.kind = end_tag ? Token::Kind::kEndTag : Token::Kind::kStartTag;
        t.end = pos_ = p;
        if (!end_tag && one_of(t.name, kRawTextElements)) raw_ = t.name;
        return true;
      }
      if (end_tag || at(pos_ + 1) == '!' || at(pos_ + 1) == '?') {  // bogus comment, doctype
        const std::size_t e = s_.find('>', pos_ + 1);
        t.kind = Token::Kind::kOther;
        t.end = pos_ = (e == std::string_view::npos ? n : e + 1);
        return true;
      }
    }
    const std::size_t e = s_.find('<', pos_ + 1);  // a lone '<' is text
    t.kind = Token::Kind::kText;
    t.end = pos_ = (e == std::string_view::npos ? n : e);
    return true;
  }

 private:
  // Moves p past a tag's attributes and its '>'; returns how many attributes there were.
  std::size_t skip_attributes(std::size_t& p, bool* self_closing) const {
    const std::size_t n = s_.size();
    std::size_t count = 0;
    while (p < n) {
      const char c = s_[p];
      if (c == '>') {
        ++p;
        return count;
      }
      if (is_html_ws(c)) {
        ++p;
        continue;
      }
      if (c == '/') {
        if (p + 1 < n && s_[p + 1] == '>') {
          *self_closing = true;
          p += 2;
          return count;
        }
        ++p;
        continue;
      }
      ++count;
      ++p;  // attribute name; its first character may be '='
      while (p < n && !is_html_ws(s_[p]) && s_[p] != '/' && s_[p] != '>' && s_[p] != '=') ++p;
      while (p < n && is_html_ws(s_[p])) ++p;
      if (p < n && s_[p] == '=') {
        ++p;
        while (p < n && is_html_ws(s_[p])) ++p;
        if (p < n && (s_[p] == '"' || s_[p] == '\'')) {
          const std::size_t close = s_.find(s_[p], p + 1);
          p = close == std::string_view::npos ? n : close + 1;
        } else {
          while (p < n && !is_html_ws(s_[p]) && s_[p] != '>') ++p;
        }
      }
    }
    return count;
  }

  std::size_t find_end_tag(std::string_view name, std::size_t from) const {
    while (true) {
      const std::size_t p = s_.find("</", from);
      if (p == std::string_view::npos) return s_.size();
      const std::size_t after = p + 2 + name.size();
      if (after <= s_.size() && iequals(s_.substr(p + 2, name.size()), name) &&
          (after == s_.size() || is_html_ws(s_[after]) || s_[after] == '/' || s_[after] == '>')) {
        return p;
      }
      from = p + 2;
    }
  }

  std::string_view s_;
  std::size_t pos_;
  std::string raw_;
};

}  // namespace

// See gumbo_guard.h.
// The estimate mirrors the tree builder coarsely: void, raw-text and implied-end elements
// never stay open; an end tag closes up to its element within reach unless a scope
// boundary is in between.
std::size_t gumbo_safe_length(std::string_view html) {
  Lexer lexer(html, 0);
  Token t;
  std::vector<std::string> stack;
  std::unordered_map<std::string, std::size_t> open;
  std::size_t foreign = 0;  // open <svg>/<math>, where "/>" really self-closes
  const auto pop_to = [&](std::size_t size) {
    while (stack.size() > size) {
      --open[stack.back()];
      if (stack.back() == "svg" || stack.back() == "math") --foreign;
      stack.pop_back();
    }
  };
  std::size_t root_attributes = 0;  // on every <html> and <body> tag: they merge
  while (lexer.next(t)) {
    if (t.kind == Token::Kind::kStartTag) {
      if (t.name == "html" || t.name == "body") root_attributes += t.attributes;
      if (t.attributes > kMaxGumboAttributes || root_attributes > kMaxGumboAttributes)
        return t.begin;
      const bool foreign_root = t.name == "svg" || t.name == "math";
      if (one_of(t.name, kVoidElements) || one_of(t.name, kRawTextElements) ||
          one_of(t.name, kImpliedEndElements) ||
          (t.self_closing && (foreign > 0 || foreign_root))) {
        continue;
      }
      if (stack.size() >= kMaxGumboDepth) return t.begin;
      if (foreign_root) ++foreign;
      ++open[t.name];
      stack.push_back(t.name);
    } else if (t.kind == Token::Kind::kEndTag) {
      const auto it = open.find(t.name);
      if (it == open.end() || it->second == 0) continue;
      for (std::size_t i = stack.size(), reach = 0; i-- > 0 && reach < kEndTagReach; ++reach) {
        if (stack[i] == t.name) {
          pop_to(i);
          break;
        }
        if (one_of(stack[i], kScopeBoundaries)) break;
      }
    }
  }
  return html.size();
}

namespace {

// Character references in text read by the fallback stripper: numeric ones and the named
// ones common in running text (gumbo's full table is not part of its API).
std::string decode_entities(std::string_view s) {
  struct Named {
    std::string_view name;
    std::uint32_t cp;
  };
  static constexpr Named kNamed[] = {
      {"amp", '&'},      {"lt", '<'},        {"gt", '>'},       {"quot", '"'},
      {"apos", '\''},    {"nbsp", 0xA0},     {"copy", 0xA9},    {"reg", 0xAE},
      {"trade", 0x2122}, {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013},
      {"lsquo", 0x2018}, {"rsquo", 0x2019},  {"ldquo", 0x201C}, {"rdquo", 0x201D},
      {"laquo", 0xAB},   {"raquo", 0xBB},    {"middot", 0xB7},  {"bull", 0x2022},
      {"times", 0xD7},   {"divide", 0xF7},   {"deg", 0xB0},     {"euro", 0x20AC},
      {"pound", 0xA3},   {"yen", 0xA5},      {"cent", 0xA2},    {"sect", 0xA7},
      {"para", 0xB6},    {"shy", 0xAD},      {"ensp", 0x2002},  {"emsp", 0x2003},
      {"thinsp", 0x2009}};
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t amp = s.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    out.append(s.substr(i, amp - i));
    i = amp + 1;
    if (i < s.size() && s[i] == '#') {
      std::size_t p = i + 1;
      const bool hex = p < s.size() && (s[p] == 'x' || s[p] == 'X');
      if (hex) ++p;
      std::uint32_t value = 0;
      std::size_t digits = 0;
      for (; p < s.size(); ++p, ++digits) {
        const char c = s[p];
        int d = -1;
        if (c >= '0' && c <= '9')
          d = c - '0';
        else if (hex && c >= 'a' && c <= 'f')
          d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F')
          d = c - 'A' + 10;
        if (d < 0) break;
        if (value <= 0x10FFFF) value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
      }
      if (digits == 0) {
        out.push_back('&');
        continue;
      }
      if (p < s.size() && s[p] == ';') ++p;
      append_code_point(out, value);
      i = p;
      continue;
    }
    bool matched = false;
    for (const Named& named : kNamed) {
      if (s.compare(i, named.name.size(), named.name) == 0) {
        std::size_t p = i + named.name.size();
        if (p < s.size() && s[p] == ';') ++p;
        append_code_point(out, named.cp);
        i = p;
        matched = true;
        break;
      }
    }
    if (!matched) out.push_back('&');
  }
  return out;
}

// Reads html[from..] with the tokenizer above: text outside raw-text elements and
// <template>, block tags as line breaks.
void strip_tags(std::string_view html, std::size_t from, TextBuilder& out) {
  Lexer lexer(html, from);
  Token t;
  int preformatted = 0;
  int in_template = 0;
  while (!out.full() && lexer.next(t)) {
    const std::string_view raw = html.substr(t.begin, t.end - t.begin);
    switch (t.kind) {
      case Token::Kind::kText:
        if (in_template == 0) out.text(decode_entities(raw), preformatted > 0);
        break;
      case Token::Kind::kRawText:
        if (in_template > 0) break;
        if (t.name == "textarea") {
          out.space();
          out.text(decode_entities(raw), true);
          out.space();
        } else if (t.name == "xmp" || t.name == "plaintext") {
          out.text(raw, true);
        }
        break;
      case Token::Kind::kStartTag:
        if (t.name == "template") ++in_template;
        if (one_of(t.name, kBlockElements)) out.block();
        if (t.name == "pre" || t.name == "listing") ++preformatted;
        break;
      case Token::Kind::kEndTag:
        if (t.name == "template" && in_template > 0) --in_template;
        if (one_of(t.name, kBlockElements)) out.block();
        if ((t.name == "pre" || t.name == "listing") && preformatted > 0) --preformatted;
        break;
      case Token::Kind::kComment:
      case Token::Kind::kOther:
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------
// gumbo

const GumboNode* child_at(const GumboVector* v, unsigned i) {
  return static_cast<const GumboNode*>(v->data[i]);
}

bool is_html(const GumboElement& e) { return e.tag_namespace == GUMBO_NAMESPACE_HTML; }

const char* attribute(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a == nullptr ? nullptr : a->value;
}

bool has_inline_display_none(const GumboElement& e) {
  const char* style = attribute(e, "style");
  if (style == nullptr) return false;
  std::string compact;
  for (const char* p = style; *p != '\0'; ++p) {
    if (!is_html_ws(*p)) compact.push_back(ascii_lower(*p));
  }
  return compact.find("display:none") != std::string::npos;
}

// Subtrees a reader never sees.
bool is_invisible(const GumboElement& e) {
  switch (e.tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:  // also svg <style>
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:  // also svg <title> (a tooltip)
    case GUMBO_TAG_DESC:
    case GUMBO_TAG_IFRAME:  // its children are fallback text for ancient browsers
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_VIDEO:  // fallback content ("your browser does not support ...")
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_DATALIST:
    case GUMBO_TAG_RT:  // ruby annotations would split CJK words for search
    case GUMBO_TAG_RP:
      return true;
    default:
      break;
  }
  if (!is_html(e)) return false;
  return gumbo_get_attribute(&e.attributes, "hidden") != nullptr || has_inline_display_none(e);
}

bool is_block(const GumboElement& e) {
  if (!is_html(e)) return false;
  switch (e.tag) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_OPTGROUP:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_XMP:
      return true;
    default:
      return false;
  }
}

// Inline boxes whose content must not glue to the neighbouring words.
bool is_inline_block(const GumboElement& e) {
  if (e.tag == GUMBO_TAG_SVG) return true;  // an inline picture, in the SVG namespace
  if (!is_html(e)) return false;
  switch (e.tag) {
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_METER:
    case GUMBO_TAG_PROGRESS:
    case GUMBO_TAG_OBJECT:
      return true;
    default:
      return false;
  }
}

bool is_preformatted(const GumboElement& e) {
  return is_html(e) &&
         (e.tag == GUMBO_TAG_PRE || e.tag == GUMBO_TAG_LISTING || e.tag == GUMBO_TAG_XMP ||
          e.tag == GUMBO_TAG_PLAINTEXT || e.tag == GUMBO_TAG_TEXTAREA);
}

// Input types whose value attribute is drawn as text (submit/reset defaults are not in the DOM).
bool shows_value(const GumboElement& e) {
  const char* type = attribute(e, "type");
  std::string t = type == nullptr ? "" : std::string(trim_html_ws(type));
  for (char& c : t) c = ascii_lower(c);
  constexpr std::string_view kShown[] = {"",    "text",   "search", "email",  "url",
                                         "tel", "number", "submit", "button", "reset"};
  return one_of(t, kShown);
}

class TextWalker {
 public:
  explicit TextWalker(TextBuilder& out) : out_(out) {}

  // Handles a node on the way down; true if its children should be visited.
  bool enter(const GumboNode* node) {
    switch (node->type) {
      case GUMBO_NODE_DOCUMENT:
        return true;
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_CDATA:
      case GUMBO_NODE_WHITESPACE:
        out_.text(node->v.text.text, preformatted_ > 0);
        return false;
      case GUMBO_NODE_ELEMENT:
        break;
      default:  // comments, template contents
        return false;
    }
    const GumboElement& e = node->v.element;
    if (is_invisible(e)) return false;
    if (is_html(e)) {
      if (e.tag == GUMBO_TAG_BR) {
        out_.block();
        return false;
      }
      if (e.tag == GUMBO_TAG_IMG || e.tag == GUMBO_TAG_INPUT) {
        const char* value = e.tag == GUMBO_TAG_IMG ? attribute(e, "alt")
                            : shows_value(e)       ? attribute(e, "value")
                                                   : nullptr;
        if (value != nullptr && *value != '\0') {
          out_.space();
          out_.text(value, false);
          out_.space();
        }
        return false;
      }
    }
    if (is_block(e)) {
      out_.block();
    } else if (is_inline_block(e)) {
      out_.space();
    }
    if (is_preformatted(e)) ++preformatted_;
    return true;
  }

  // Handles an element whose children were visited.
  void leave(const GumboNode* node) {
    if (node->type != GUMBO_NODE_ELEMENT) return;
    const GumboElement& e = node->v.element;
    if (is_block(e)) {
      out_.block();
    } else if (is_inline_block(e)) {
      out_.space();
    }
    if (is_preformatted(e)) --preformatted_;
  }

 private:
  TextBuilder& out_;
  int preformatted_ = 0;
};

// Depth-first walk with an explicit stack: a deep tree must not overflow the C++ stack.
template <class Enter, class Leave>
void walk(const GumboNode* root, Enter enter, Leave leave, const TextBuilder* budget) {
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
  };
  std::vector<Frame> stack;
  if (enter(root)) stack.push_back({root, 0});
  while (!stack.empty() && (budget == nullptr || !budget->full())) {
    Frame& top = stack.back();
    const GumboVector* children = children_of(top.node);
    if (children != nullptr && top.next_child < children->length) {
      const GumboNode* child = child_at(children, top.next_child++);
      if (enter(child)) stack.push_back({child, 0});  // `top` is not used after this
    } else {
      leave(top.node);
      stack.pop_back();
    }
  }
}

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  bool space = false;
  for (const char c : s) {
    if (is_html_ws(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// document.title: the first <title> in the HTML namespace, in tree order.
std::string find_title(const GumboNode* root) {
  std::string title;
  bool found = false;
  walk(
      root,
      [&](const GumboNode* node) {
        if (found || node->type == GUMBO_NODE_TEMPLATE) return false;
        if (node->type == GUMBO_NODE_DOCUMENT) return true;
        if (node->type != GUMBO_NODE_ELEMENT) return false;
        const GumboElement& e = node->v.element;
        if (e.tag == GUMBO_TAG_TITLE && is_html(e)) {
          std::string raw;
          for (unsigned i = 0; i < e.children.length; ++i) {
            const GumboNode* c = child_at(&e.children, i);
            if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE)
              raw += c->v.text.text;
          }
          title = collapse_whitespace(raw);
          found = true;
          return false;
        }
        return true;
      },
      [](const GumboNode*) {}, nullptr);
  title.resize(code_point_floor(title, kMaxTitleBytes));
  return title;
}

bool starts_with_bom(std::string_view s) { return s.substr(0, kUtf8Bom.size()) == kUtf8Bom; }

// Whether gumbo saw a value for the attribute (for `<meta charset>` it reports the name).
bool has_value(const GumboAttribute& a) {
  return a.original_value.length > 0 && a.original_value.data != a.original_name.data;
}

struct Edit {
  std::size_t offset;
  std::size_t length;
  std::string text;
};

// In the raw text of a content attribute ("text/html; charset=gbk"), the span of the
// charset value per the HTML "extracting a character encoding from a meta element" rules.
bool find_charset_value(std::string_view s, std::size_t* begin, std::size_t* end) {
  std::size_t pos = 0;
  while (true) {
    std::size_t found = std::string_view::npos;
    for (std::size_t i = pos; i + 7 <= s.size(); ++i) {
      if (iequals(s.substr(i, 7), "charset")) {
        found = i;
        break;
      }
    }
    if (found == std::string_view::npos) return false;
    pos = found + 7;
    while (pos < s.size() && is_html_ws(s[pos])) ++pos;
    if (pos >= s.size() || s[pos] != '=') continue;
    ++pos;
    while (pos < s.size() && is_html_ws(s[pos])) ++pos;
    if (pos >= s.size()) return false;
    if (s[pos] == '"' || s[pos] == '\'') {
      const std::size_t close = s.find(s[pos], pos + 1);
      if (close == std::string_view::npos) return false;
      *begin = pos + 1;
      *end = close;
      return true;
    }
    std::size_t e = pos;
    while (e < s.size() && !is_html_ws(s[e]) && s[e] != ';') ++e;
    *begin = pos;
    *end = e;
    return true;
  }
}

}  // namespace

namespace {

// The title and text of a parsed document; `html` has no BOM and the parse covers its first
// `safe` bytes.
PageText text_of(const GumboOutput* parsed, std::string_view html, std::size_t safe,
                 std::size_t max_text_bytes) {
  PageText result;
  TextBuilder out(max_text_bytes);
  if (parsed != nullptr) {
    result.title = find_title(parsed->document);
    TextWalker walker(out);
    walk(
        parsed->document, [&](const GumboNode* n) { return walker.enter(n); },
        [&](const GumboNode* n) { walker.leave(n); }, &out);
  }
  if (safe < html.size() && !out.full()) {
    strip_tags(html, safe, out);  // the cut is at a tag, which makes its own separation
  }
  result.text = std::move(out).finish();
  return result;
}

// The edits that make `html` (valid UTF-8, with its BOM if any) declare UTF-8 and put `insert`
// (more <meta>s, or "") where a <meta charset> would go; `doc` is the parse of what follows
// the BOM. with_edits applies them (the tree may be gone by then).
std::vector<Edit> utf8_declaration_edits(std::string_view html, std::size_t bom,
                                         const GumboDocument& doc, const std::string& insert,
                                         bool may_insert = true) {
  const auto offset_of = [&](const char* p) { return static_cast<std::size_t>(p - html.data()); };
  std::vector<Edit> edits;
  bool declared = false;
  const GumboNode* head = nullptr;
  const GumboNode* root = nullptr;
  walk(
      doc.output()->document,
      [&](const GumboNode* node) {
        if (node->type == GUMBO_NODE_DOCUMENT) return true;
        if (node->type != GUMBO_NODE_ELEMENT) return false;  // template contents are inert
        const GumboElement& e = node->v.element;
        if (!is_html(e)) return true;
        if (e.tag == GUMBO_TAG_HTML && root == nullptr) root = node;
        if (e.tag == GUMBO_TAG_HEAD && head == nullptr) head = node;
        if (e.tag != GUMBO_TAG_META) return true;

        if (const GumboAttribute* cs = gumbo_get_attribute(&e.attributes, "charset")) {
          declared = true;
          if (!has_value(*cs)) {  // <meta charset>: add a value after the name
            edits.push_back(
                {offset_of(cs->original_name.data + cs->original_name.length), 0, "=\"utf-8\""});
          } else if (charset::canonical_label(cs->value) != "utf-8") {
            const GumboStringPiece& v = cs->original_value;
            const char q = v.data[0];
            const bool quoted =
                (q == '"' || q == '\'') && v.length >= 2 && v.data[v.length - 1] == q;
            edits.push_back({offset_of(v.data), v.length,
                             quoted ? std::string(1, q) + "utf-8" + q : std::string("utf-8")});
          }
        }
        const char* equiv = attribute(e, "http-equiv");
        const GumboAttribute* content = gumbo_get_attribute(&e.attributes, "content");
        if (equiv != nullptr && iequals(trim_html_ws(equiv), "content-type") &&
            content != nullptr && has_value(*content)) {
          std::string_view raw(content->original_value.data, content->original_value.length);
          std::size_t inner = 0;
          if (raw.size() >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw.back() == raw[0]) {
            raw = raw.substr(1, raw.size() - 2);
            inner = 1;
          }
          std::size_t b = 0, en = 0;
          if (find_charset_value(raw, &b, &en)) {
            declared = true;
            if (charset::canonical_label(raw.substr(b, en - b)) != "utf-8") {
              edits.push_back(
                  {offset_of(content->original_value.data) + inner + b, en - b, "utf-8"});
            }
          }
        }
        return false;
      },
      [](const GumboNode*) {}, nullptr);

  if (may_insert && (!declared || !insert.empty())) {
    std::size_t at = bom;
    if (head != nullptr && head->v.element.original_tag.length > 0) {
      const GumboStringPiece& tag = head->v.element.original_tag;
      at = offset_of(tag.data + tag.length);
    } else if (root != nullptr && root->v.element.original_tag.length > 0) {
      const GumboStringPiece& tag = root->v.element.original_tag;
      at = offset_of(tag.data + tag.length);
    } else if (doc.output()->document->v.document.has_doctype) {
      // Inserting before the doctype would drop the page into quirks mode.
      for (std::size_t i = bom; i + 9 <= html.size(); ++i) {
        if (iequals(html.substr(i, 9), "<!doctype")) {
          const std::size_t close = html.find('>', i);
          if (close != std::string_view::npos) at = close + 1;
          break;
        }
      }
    }
    edits.push_back({at, 0, (declared ? "" : "<meta charset=\"utf-8\">") + insert});
  }

  return edits;
}

std::string with_edits(std::string_view html, std::vector<Edit> edits) {
  std::sort(edits.begin(), edits.end(),
            [](const Edit& a, const Edit& b) { return a.offset < b.offset; });
  std::string out;
  out.reserve(html.size() + 32);
  std::size_t pos = 0;
  for (const Edit& edit : edits) {
    if (edit.offset < pos) continue;  // cannot happen: edits touch distinct attributes
    out.append(html.substr(pos, edit.offset - pos));
    out.append(edit.text);
    pos = edit.offset + edit.length;
  }
  out.append(html.substr(pos));
  return out;
}

// Valid UTF-8 (replacing invalid bytes) and the BOM's length.
struct Utf8Input {
  std::string sanitized;
  std::string_view html;
  std::size_t bom = 0;

  explicit Utf8Input(std::string_view in) : html(in) {
    if (!charset::is_valid_utf8(html)) {
      sanitized = charset::sanitize_utf8(html);
      html = sanitized;
    }
    bom = starts_with_bom(html) ? kUtf8Bom.size() : 0;
  }
  std::string_view body() const { return html.substr(bom); }
};

// A page cut here is parsed again by the rewriter with the full budget, which must fit it
// whole (it is a few bytes longer, and CPU time varies): so this parse gets seven eighths of
// the memory (gumbo's need is steady: recycled frees) and three quarters of the time.
ParseBudget first_parse_budget(std::size_t page_bytes) {
  ParseBudget budget = budget_for_page(page_bytes);
  budget.max_bytes = budget.max_bytes / 8 * 7;
  budget.max_cpu = budget.max_cpu / 4 * 3;
  return budget;
}

}  // namespace

PageText text_of_parsed(const GumboDocument& doc, std::string_view html,
                        std::size_t max_text_bytes) {
  return text_of(doc.output(), html, doc.parsed_length(), max_text_bytes);
}

std::vector<TextEdit> charset_declaration_edits(const GumboDocument& doc, std::string_view html) {
  std::vector<TextEdit> out;
  for (Edit& e : utf8_declaration_edits(html.substr(0, doc.parsed_length()), 0, doc, "",
                                        /*may_insert=*/false)) {
    out.push_back({e.offset, e.length, std::move(e.text)});
  }
  return out;
}

PageText extract_text(std::string_view html, std::size_t max_text_bytes) {
  const Utf8Input in(html);
  const GumboDocument doc(in.body(), first_parse_budget(in.body().size()));
  return text_of(doc.output(), in.body(), doc.parsed_length(), max_text_bytes);
}

std::string declare_utf8(std::string_view html) {
  const Utf8Input in(html);
  auto doc = std::make_unique<GumboDocument>(in.body(), first_parse_budget(in.body().size()));
  const std::string_view parsed = in.html.substr(0, in.bom + doc->parsed_length());
  std::vector<Edit> edits = utf8_declaration_edits(
      parsed, in.bom, *doc, parse_cut_meta(parse_cut_note(*doc, in.body().size())));
  doc.reset();  // before the output is built: both are as big as the page or more
  return with_edits(parsed, std::move(edits));
}

PreparedPage prepare_page(std::string_view html, std::size_t max_text_bytes) {
  const Utf8Input in(html);
  auto doc = std::make_unique<GumboDocument>(in.body(), first_parse_budget(in.body().size()));
  PreparedPage page;
  page.text = text_of(doc->output(), in.body(), doc->parsed_length(), max_text_bytes);
  page.note = parse_cut_note(*doc, in.body().size());
  const std::string_view parsed = in.html.substr(0, in.bom + doc->parsed_length());
  std::vector<Edit> edits = utf8_declaration_edits(parsed, in.bom, *doc, parse_cut_meta(page.note));
  doc.reset();  // before the output is built: both are as big as the page or more
  page.html = with_edits(parsed, std::move(edits));
  return page;
}

}  // namespace linksnap::capture
