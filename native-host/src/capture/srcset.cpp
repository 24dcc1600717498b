#include "capture/srcset.h"

namespace linksnap::capture {
namespace {

bool is_ascii_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

// Calls visit(candidate) for each candidate in order while it returns true.
template <class Visit>
void each_candidate(std::string_view s, Visit visit) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    while (i < n && (is_ascii_ws(s[i]) || s[i] == ',')) ++i;
    if (i >= n) break;
    const std::size_t url_begin = i;
    while (i < n && !is_ascii_ws(s[i])) ++i;
    std::string_view url = s.substr(url_begin, i - url_begin);
    SrcsetCandidate candidate;
    if (url.back() == ',') {
      // "a.png,b.png 2x": trailing commas end the candidate; it has no descriptors.
      while (!url.empty() && url.back() == ',') url.remove_suffix(1);
    } else {
      // Descriptors run to the first comma outside parentheses.
      bool in_parens = false;
      bool pending_space = false;
      while (i < n) {
        const char c = s[i];
        if (c == ',' && !in_parens) {
          ++i;
          break;
        }
        if (c == '(') in_parens = true;
        if (c == ')') in_parens = false;
        if (is_ascii_ws(c) && !in_parens) {
          pending_space = !candidate.descriptors.empty();
        } else {
          if (pending_space) candidate.descriptors.push_back(' ');
          pending_space = false;
          candidate.descriptors.push_back(c);
        }
        ++i;
      }
    }
    if (url.empty()) continue;
    candidate.url = std::string(url);
    if (!visit(std::move(candidate))) return;
  }
}

}  // namespace

std::vector<SrcsetCandidate> parse_srcset(std::string_view s, std::size_t max_candidates) {
  std::vector<SrcsetCandidate> out;
  if (max_candidates == 0) return out;
  each_candidate(s, [&](SrcsetCandidate c) {
    out.push_back(std::move(c));
    return out.size() < max_candidates;
  });
  return out;
}

std::vector<std::string> srcset_urls_past(std::string_view s, std::size_t max_candidates) {
  std::vector<std::string> out;
  std::size_t seen = 0;
  each_candidate(s, [&](SrcsetCandidate c) {
    if (++seen > max_candidates) out.push_back(std::move(c.url));
    return true;
  });
  return out;
}

std::string serialize_srcset(const std::vector<SrcsetCandidate>& candidates) {
  std::string out;
  for (const auto& c : candidates) {
    if (!out.empty()) out += ", ";
    out += c.url;
    if (!c.descriptors.empty()) {
      out += ' ';
      out += c.descriptors;
    }
  }
  return out;
}

}  // namespace linksnap::capture
