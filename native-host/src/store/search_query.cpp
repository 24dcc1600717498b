#include "store/search_query.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "store/cjk_tokenizer.h"
#include "util/charset.h"

namespace linksnap::store {

namespace {

struct Term {
  std::string text;
  std::string column;  // "" = all columns
  bool phrase = false;
  bool negated = false;
};

bool is_space_at(std::string_view s, std::size_t i, std::size_t& len) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
    len = 1;
    return true;
  }
  if (s.substr(i, 3) == "\xE3\x80\x80") {  // U+3000 ideographic space, typed by CJK IMEs
    len = 3;
    return true;
  }
  return false;
}

// A word is searchable if it has a letter, digit or CJK character: any byte >= 0x80 counts
// (non-ASCII letters), as does ASCII alnum. Pure punctuation would be an empty FTS5 phrase.
bool has_searchable_char(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) return true;
  }
  return false;
}

bool ends_with_cjk(std::string_view s) {
  bool last_cjk = false;
  split_cjk_runs(s, [&](bool cjk, std::size_t, std::size_t end) {
    if (end == s.size()) last_cjk = cjk;
  });
  return last_cjk;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  out.push_back('"');
  return out;
}

std::string fts_column(std::string_view field) {
  if (field == "title") return "title";
  if (field == "url") return "url";
  if (field == "text") return "body";
  if (field == "tags" || field == "tag") return "tags";
  return "";
}

std::vector<Term> lex(std::string_view q, std::vector<std::size_t>& or_before) {
  std::vector<Term> terms;
  std::size_t i = 0;
  bool pending_or = false;
  while (i < q.size()) {
    std::size_t sp = 0;
    if (is_space_at(q, i, sp)) {
      i += sp;
      continue;
    }
    Term t;
    if (q[i] == '-' && i + 1 < q.size()) {
      std::size_t sp2 = 0;
      if (!is_space_at(q, i + 1, sp2)) {
        t.negated = true;
        ++i;
      }
    }
    // field:word or field:"phrase"
    const std::size_t colon = q.find(':', i);
    if (colon != std::string_view::npos && colon > i && colon - i <= 5) {
      const std::string col = fts_column(q.substr(i, colon - i));
      if (!col.empty()) {
        t.column = col;
        i = colon + 1;
      }
    }
    if (i < q.size() && q[i] == '"') {
      t.phrase = true;
      const std::size_t close = q.find('"', i + 1);
      const std::size_t end = close == std::string_view::npos ? q.size() : close;
      t.text = std::string(q.substr(i + 1, end - i - 1));
      i = close == std::string_view::npos ? q.size() : close + 1;
    } else {
      const std::size_t start = i;
      while (i < q.size() && !is_space_at(q, i, sp)) ++i;
      t.text = std::string(q.substr(start, i - start));
      if (t.text == "OR" && !t.negated && t.column.empty()) {
        pending_or = true;
        continue;
      }
    }
    if (!has_searchable_char(t.text)) continue;
    if (pending_or && !terms.empty() && !t.negated) or_before.push_back(terms.size());
    pending_or = false;
    terms.push_back(std::move(t));
  }
  return terms;
}

std::string render_term(const Term& t) {
  std::string out = quote(t.text);
  if (!t.phrase && !ends_with_cjk(t.text)) out += "*";
  return out;
}

struct AsciiPrefix {
  std::string head;    // the word before its last run of letters and digits ("real-" of "real-time")
  std::string prefix;  // that run, lowercased as the tokenizer folds it ("time")
};

// An unquoted ASCII word whose last run of letters and digits is the prefix FTS5 would expand;
// nothing for a phrase or a word with other characters.
std::optional<AsciiPrefix> ascii_prefix(const Term& t) {
  if (t.phrase || t.text.empty() || t.text.size() > 256) return std::nullopt;
  auto alnum = [](char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); };
  std::size_t end = t.text.size();
  for (char c : t.text) {
    if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;
  }
  while (end > 0 && !alnum(t.text[end - 1])) --end;  // "time." searches as "time"*
  std::size_t begin = end;
  while (begin > 0 && alnum(t.text[begin - 1])) --begin;
  if (begin == end || end - begin > 64) return std::nullopt;
  AsciiPrefix out{t.text.substr(0, begin), ""};
  for (std::size_t i = begin; i < end; ++i) {
    const char c = t.text[i];
    out.prefix.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

// The term as the text columns are searched: a listed prefix becomes its exact terms, each
// after the same words before it ("real-time" → "real-time" OR "real-timeout").
Result<std::string> render_text_term(const Term& t, const PrefixTermLookup* prefix_terms) {
  const auto word = prefix_terms != nullptr ? ascii_prefix(t) : std::nullopt;
  if (!word) return render_term(t);
  auto terms = (*prefix_terms)(word->prefix);
  if (!terms.ok()) return terms.error();
  if (!*terms) return render_term(t);
  // No such term: matches nothing, as the prefix would.
  if ((*terms)->empty()) return quote(word->head + word->prefix);
  if ((*terms)->size() == 1) return quote(word->head + (*terms)->front());
  std::string out = "(";
  for (std::size_t k = 0; k < (*terms)->size(); ++k) out += (k ? " OR " : "") + quote(word->head + (**terms)[k]);
  return out + ")";
}

// Without a lookup every column holds words (tag names included).
Result<std::string> render(const Term& t, const TagTokenLookup* tag_tokens,
                           const PrefixTermLookup* prefix_terms) {
  const std::string term = render_term(t);
  std::string text_term = term;
  if (t.column != "tags") {
    auto rendered = render_text_term(t, prefix_terms);
    if (!rendered.ok()) return rendered.error();
    text_term = std::move(*rendered);
  }
  if (tag_tokens == nullptr) return t.column.empty() ? text_term : t.column + " : " + text_term;
  if (!t.column.empty() && t.column != "tags") return t.column + " : " + text_term;
  auto tokens = (*tag_tokens)(term);
  if (!tokens.ok()) return tokens.error();
  std::string tag_part;
  for (const auto token : *tokens) {
    tag_part += (tag_part.empty() ? "tags : (\"t" : " OR \"t") + std::to_string(token) + "\"";
  }
  if (!tag_part.empty()) tag_part += ")";
  if (t.column == "tags") return tag_part.empty() ? std::string("tags : \"t0\"") : tag_part;  // t0: no tag
  const std::string text_part = "{title url body} : " + text_term;
  return tag_part.empty() ? text_part : "(" + text_part + " OR " + tag_part + ")";
}

Result<std::string> build(std::string_view raw_query, const TagTokenLookup* tag_tokens,
                          const PrefixTermLookup* prefix_terms) {
  // Control characters (a NUL ends FTS5's parse early, found by fuzzing) separate words,
  // and invalid UTF-8 becomes U+FFFD, so the expression is always well-formed text.
  std::string query = charset::sanitize_utf8(raw_query);
  for (char& c : query) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  std::vector<std::size_t> or_before;
  const std::vector<Term> terms = lex(query, or_before);
  // Group positive terms: a term listed in or_before joins the previous positive group.
  std::vector<std::vector<std::string>> groups;
  std::vector<std::string> negatives;
  for (std::size_t k = 0; k < terms.size(); ++k) {
    auto rendered = render(terms[k], tag_tokens, prefix_terms);
    if (!rendered.ok()) return rendered.error();
    if (terms[k].negated) {
      negatives.push_back(std::move(*rendered));
      continue;
    }
    const bool joins = !groups.empty() &&
                       std::find(or_before.begin(), or_before.end(), k) != or_before.end();
    if (joins) {
      groups.back().push_back(std::move(*rendered));
    } else {
      groups.push_back({std::move(*rendered)});
    }
  }
  if (groups.empty()) {
    if (!negatives.empty()) {
      return make_error(errc::kBadRequest,
                        "a search needs at least one word that is not excluded with '-'");
    }
    return std::string();
  }
  std::string expr;
  for (const auto& g : groups) {
    if (!expr.empty()) expr += " AND ";
    if (g.size() == 1) {
      expr += g.front();
      continue;
    }
    expr += "(";
    for (std::size_t k = 0; k < g.size(); ++k) expr += (k ? " OR " : "") + g[k];
    expr += ")";
  }
  if (!negatives.empty()) {
    expr = "(" + expr + ")";
    for (const auto& n : negatives) expr += " NOT " + n;
  }
  return expr;
}

}  // namespace

Result<std::string> build_match_expression(std::string_view query) {
  return build(query, nullptr, nullptr);
}

Result<std::string> build_match_expression(std::string_view query, const TagTokenLookup& tag_tokens) {
  return build(query, &tag_tokens, nullptr);
}

Result<std::string> build_match_expression(std::string_view query, const TagTokenLookup& tag_tokens,
                                           const PrefixTermLookup& prefix_terms) {
  return build(query, &tag_tokens, &prefix_terms);
}

std::string snippet_to_html(std::string_view marked) {
  std::string out;
  out.reserve(marked.size() + 32);
  for (char c : marked) {
    switch (c) {
      case '\x02': out += "<mark>"; break;
      case '\x03': out += "</mark>"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace linksnap::store
