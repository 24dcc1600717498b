#include "capture/css_rewrite.h"

#include <cstdint>

#include "util/utf8.h"

namespace linksnap::capture {
namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
bool is_name_start(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || u >= 0x80;
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-'; }
bool is_non_printable(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x08 || u == 0x0B || (u >= 0x0E && u <= 0x1F) || u == 0x7F;
}
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// NUL, like any invalid code point, becomes U+FFFD (CSS and HTML both say so).
void append_utf8(std::string& out, std::uint32_t cp) {
  utf8::append(out, cp == 0 ? utf8::kReplacement : static_cast<char32_t>(cp));
}

struct Token {
  enum class Kind {
    kWhitespace, kComment, kString, kBadString, kUrl, kBadUrl, kFunction, kAtKeyword, kIdent,
    kOpenParen, kCloseParen, kOpenBrace, kCloseBrace, kSemicolon, kOther
  };
  Kind kind = Kind::kOther;
  std::size_t begin = 0, end = 0;
  std::string value;  // decoded: string/url contents, lowercase names of functions/at-keywords/idents
};

// A position-based lexer (copyable, so the rewriter can look ahead and back off).
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  bool next(Token& t) {
    const std::size_t n = s_.size();
    if (pos_ >= n) return false;
    t.begin = pos_;
    t.value.clear();
    const char c = s_[pos_];
    if (c == '/' && at(pos_ + 1) == '*') {
      const std::size_t e = s_.find("*/", pos_ + 2);
      pos_ = e == std::string_view::npos ? n : e + 2;
      t.kind = Token::Kind::kComment;
    } else if (is_ws(c)) {
      while (pos_ < n && is_ws(s_[pos_])) ++pos_;
      t.kind = Token::Kind::kWhitespace;
    } else if (c == '"' || c == '\'') {
      ++pos_;
      t.kind = consume_string(c, t.value);
    } else if (c == '@' && starts_ident(pos_ + 1)) {
      ++pos_;
      consume_name(t.value);
      lowercase(t.value);
      t.kind = Token::Kind::kAtKeyword;
    } else if (starts_ident(pos_)) {
      consume_name(t.value);
      lowercase(t.value);
      if (at(pos_) == '(') {
        ++pos_;
        if (t.value == "url") {
          std::size_t p = pos_;
          while (p < n && is_ws(s_[p])) ++p;
          if (at(p) != '"' && at(p) != '\'') {
            t.value.clear();
            t.kind = consume_url(t.value);
            t.end = pos_;
            return true;
          }
        }
        t.kind = Token::Kind::kFunction;
      } else {
        t.kind = Token::Kind::kIdent;
      }
    } else if (c == '(' || c == ')' || c == '{' || c == '}' || c == ';') {
      ++pos_;
      t.kind = c == '(' ? Token::Kind::kOpenParen
               : c == ')' ? Token::Kind::kCloseParen
               : c == '{' ? Token::Kind::kOpenBrace
               : c == '}' ? Token::Kind::kCloseBrace
                          : Token::Kind::kSemicolon;
    } else {
      // A run of bytes that cannot start anything interesting (digits, punctuation, ...).
      ++pos_;
      while (pos_ < n && !starts_something(s_[pos_])) ++pos_;
      t.kind = Token::Kind::kOther;
    }
    t.end = pos_;
    return true;
  }

 private:
  char at(std::size_t i) const { return i < s_.size() ? s_[i] : '\0'; }
  static bool starts_something(char c) {
    return is_name_start(c) || is_ws(c) || c == '-' || c == '\\' || c == '"' || c == '\'' ||
           c == '/' || c == '@' || c == '(' || c == ')' || c == '{' || c == '}' || c == ';';
  }
  static void lowercase(std::string& s) {
    for (char& ch : s) ch = lower(ch);
  }
  bool valid_escape(std::size_t i) const {
    return i + 1 < s_.size() && s_[i] == '\\' && s_[i + 1] != '\n';
  }
  bool starts_ident(std::size_t i) const {
    if (i >= s_.size()) return false;
    if (s_[i] == '-') {
      const char d = at(i + 1);
      return is_name_start(d) || d == '-' || valid_escape(i + 1);
    }
    return is_name_start(s_[i]) || valid_escape(i);
  }
  // At a backslash known to start a valid escape (or at EOF after it).
  void consume_escape(std::string& out) {
    ++pos_;  // the backslash
    if (pos_ >= s_.size()) {
      append_utf8(out, 0xFFFD);
      return;
    }
    if (is_hex(s_[pos_])) {
      std::uint32_t cp = 0;
      for (int k = 0; k < 6 && pos_ < s_.size() && is_hex(s_[pos_]); ++k, ++pos_) {
        cp = cp * 16 + static_cast<std::uint32_t>(hex_value(s_[pos_]));
      }
      if (pos_ < s_.size() && is_ws(s_[pos_])) {
        if (s_[pos_] == '\r' && at(pos_ + 1) == '\n') ++pos_;
        ++pos_;
      }
      append_utf8(out, cp);
      return;
    }
    out.push_back(s_[pos_++]);
  }
  void consume_name(std::string& out) {
    while (pos_ < s_.size()) {
      if (is_name_char(s_[pos_])) {
        out.push_back(s_[pos_++]);
      } else if (valid_escape(pos_)) {
        consume_escape(out);
      } else {
        break;
      }
    }
  }
  Token::Kind consume_string(char quote, std::string& out) {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == quote) {
        ++pos_;
        return Token::Kind::kString;
      }
      if (c == '\n') return Token::Kind::kBadString;  // the newline is not part of it
      if (c == '\\') {
        if (pos_ + 1 >= s_.size()) {
          ++pos_;
        } else if (s_[pos_ + 1] == '\n') {
          pos_ += 2;  // a line continuation
        } else {
          consume_escape(out);
        }
        continue;
      }
      out.push_back(c);
      ++pos_;
    }
    return Token::Kind::kString;  // EOF closes it
  }
  Token::Kind consume_url(std::string& out) {
    while (pos_ < s_.size() && is_ws(s_[pos_])) ++pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == ')') {
        ++pos_;
        return Token::Kind::kUrl;
      }
      if (is_ws(c)) {
        while (pos_ < s_.size() && is_ws(s_[pos_])) ++pos_;
        if (pos_ >= s_.size()) return Token::Kind::kUrl;
        if (s_[pos_] == ')') {
          ++pos_;
          return Token::Kind::kUrl;
        }
        break;  // bad url
      }
      if (c == '"' || c == '\'' || c == '(' || is_non_printable(c)) break;
      if (c == '\\') {
        if (!valid_escape(pos_)) break;
        consume_escape(out);
        continue;
      }
      out.push_back(c);
      ++pos_;
    }
    if (pos_ >= s_.size()) return Token::Kind::kUrl;
    // The remnants of a bad url: up to the next ')' (escapes skipped).
    while (pos_ < s_.size()) {
      if (s_[pos_] == ')') {
        ++pos_;
        break;
      }
      if (valid_escape(pos_)) {
        std::string ignored;
        consume_escape(ignored);
      } else {
        ++pos_;
      }
    }
    out.clear();
    return Token::Kind::kBadUrl;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

bool is_image_set(const std::string& fn) { return fn == "image-set" || fn == "-webkit-image-set"; }

// The one walk both public functions share: calls `on_ref` for each reference with the byte
// range it occupies and whether it was a string (vs. a url token or url() function).
template <class OnRef>
void walk_references(std::string_view css, OnRef on_ref) {
  Lexer lexer(css);
  Token t;
  bool import_prelude = false;
  std::vector<std::string> functions;  // open functions and parentheses ("" for a plain '(')
  constexpr std::size_t kMaxNesting = 256;  // deeper nesting is only tracked by count
  std::size_t untracked = 0;
  auto push = [&](std::string name) {
    if (functions.size() < kMaxNesting) {
      functions.push_back(std::move(name));
    } else {
      ++untracked;
    }
  };
  while (lexer.next(t)) {
    switch (t.kind) {
      case Token::Kind::kAtKeyword:
        import_prelude = t.value == "import";
        break;
      case Token::Kind::kSemicolon:
      case Token::Kind::kOpenBrace:
      case Token::Kind::kCloseBrace:
        import_prelude = false;
        functions.clear();
        untracked = 0;
        break;
      case Token::Kind::kUrl:
        on_ref(t.value, import_prelude ? CssRefKind::kImport : CssRefKind::kAsset, t.begin, t.end,
               false);
        import_prelude = false;
        break;
      case Token::Kind::kString: {
        const bool in_image_set = untracked == 0 && !functions.empty() && is_image_set(functions.back());
        if (import_prelude || in_image_set) {
          on_ref(t.value, import_prelude ? CssRefKind::kImport : CssRefKind::kAsset, t.begin,
                 t.end, true);
          import_prelude = false;
        }
        break;
      }
      case Token::Kind::kFunction: {
        if (t.value == "url") {
          // url( <ws>* <string> <ws>* ) is one reference; anything else is an ordinary function.
          Lexer ahead = lexer;
          Token u;
          bool matched = false;
          std::string value;
          while (ahead.next(u) && (u.kind == Token::Kind::kWhitespace || u.kind == Token::Kind::kComment)) {
          }
          if (u.kind == Token::Kind::kString && u.end > t.end) {
            value = std::move(u.value);
            while (ahead.next(u) &&
                   (u.kind == Token::Kind::kWhitespace || u.kind == Token::Kind::kComment)) {
            }
            if (u.kind == Token::Kind::kCloseParen && u.end > t.end) matched = true;
          }
          if (matched) {
            on_ref(value, import_prelude ? CssRefKind::kImport : CssRefKind::kAsset, t.begin,
                   u.end, false);
            import_prelude = false;
            lexer = ahead;
            break;
          }
        }
        push(t.value);
        break;
      }
      case Token::Kind::kOpenParen:
        push("");
        break;
      case Token::Kind::kCloseParen:
        if (untracked > 0) {
          --untracked;
        } else if (!functions.empty()) {
          functions.pop_back();
        }
        break;
      default:
        break;
    }
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string css_escape_string(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7F) {
      out.push_back('\\');
      if (u >= 16) out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<CssReference> find_css_references(std::string_view css) {
  std::vector<CssReference> refs;
  walk_references(css, [&](const std::string& value, CssRefKind kind, std::size_t, std::size_t, bool) {
    const std::string_view url = trim(value);
    if (!url.empty()) refs.push_back({std::string(url), kind});
  });
  return refs;
}

std::string rewrite_css(std::string_view css, const CssUrlMapper& map) {
  std::string out;
  out.reserve(css.size());
  std::size_t copied = 0;
  walk_references(css, [&](const std::string& value, CssRefKind kind, std::size_t begin,
                            std::size_t end, bool is_string) {
    const std::string_view url = trim(value);
    if (url.empty() || begin < copied) return;
    std::optional<std::string> replacement = map(url, kind);
    if (!replacement) return;
    out.append(css.substr(copied, begin - copied));
    const std::string escaped = css_escape_string(*replacement);
    if (is_string) {
      out += '"' + escaped + '"';
    } else {
      out += "url(\"" + escaped + "\")";
    }
    copied = end;
  });
  out.append(css.substr(copied));
  return out;
}

}  // namespace linksnap::capture
