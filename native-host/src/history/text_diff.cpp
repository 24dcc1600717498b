#include "history/text_diff.h"

#include <dtl/dtl.hpp>

#include <utility>

#include "store/cjk_tokenizer.h"

namespace linksnap::history {

namespace {

using Tokens = std::vector<std::string_view>;

// Length of the UTF-8 sequence starting with `lead` (1 for an invalid lead byte).
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

// The code point at text[i] and its length; U+FFFD for a broken or truncated sequence.
std::pair<char32_t, std::size_t> decode_at(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t len = sequence_length(lead);
  if (len == 1) return {lead < 0x80 ? lead : 0xFFFD, 1};
  if (i + len > text.size()) return {0xFFFD, 1};
  char32_t cp = lead & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(text[i + k]);
    if ((c >> 6) != 0x2) return {0xFFFD, 1};
    cp = (cp << 6) | (c & 0x3F);
  }
  return {cp, len};
}

bool is_word_char(char32_t cp) {
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  // Letters of alphabetic scripts (Latin with diacritics, Greek, Cyrillic, …) join words;
  // CJK characters and punctuation stand alone.
  return cp >= 0xC0 && cp < 0x2000 && cp != 0xD7 && cp != 0xF7 && !store::is_cjk_code_point(cp);
}

bool is_space(char32_t cp) { return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000; }

std::size_t count_chars(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); i += decode_at(s, i).second) ++n;
  return n;
}

// The first / last `n` code points of s.
std::string_view first_chars(std::string_view s, std::size_t n) {
  std::size_t i = 0;
  for (; i < s.size() && n > 0; --n) i += decode_at(s, i).second;
  return s.substr(0, i);
}
std::string_view last_chars(std::string_view s, std::size_t n) {
  std::size_t i = s.size();
  while (i > 0 && n > 0) {
    --i;
    while (i > 0 && (static_cast<unsigned char>(s[i]) >> 6) == 0x2) --i;  // to a lead byte
    --n;
  }
  return s.substr(i);
}

Tokens split_lines(std::string_view text) {
  Tokens lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

// A view over consecutive pieces of one text, from the first to the last.
std::string_view span_of(const Tokens& pieces) {
  if (pieces.empty()) return {};
  const char* begin = pieces.front().data();
  const char* end = pieces.back().data() + pieces.back().size();
  return {begin, static_cast<std::size_t>(end - begin)};
}

// The flat edit script of the whole text, adjacent pieces of one kind merged (an unchanged
// line and the unchanged words after it become one piece).
class Script {
 public:
  void add(DiffOp op, std::string_view text) {
    if (text.empty()) return;
    if (!pieces_.empty() && pieces_.back().first == op) {
      pieces_.back().second.append(text);
    } else {
      pieces_.emplace_back(op, std::string(text));
    }
  }
  const std::vector<std::pair<DiffOp, std::string>>& pieces() const { return pieces_; }

 private:
  std::vector<std::pair<DiffOp, std::string>> pieces_;
};

// Runs dtl over two sequences and hands each run of changes to `changed(deleted, inserted)`
// and each unchanged element to `same(element)`. dtl stops searching after 2 million path
// coordinates whatever the input; "unserious" mode then ends the script with what is left as
// deleted and inserted instead of starting over. (Its "huge" mode only reserves those 2
// million coordinates up front, 48 MB per call, so it is not used.)
template <typename Same, typename Changed>
void walk_edit_script(const Tokens& a, const Tokens& b, Same same, Changed changed) {
  dtl::Diff<std::string_view, Tokens> diff(a, b);
  diff.onUnserious();
  diff.compose();
  Tokens deleted, inserted;
  auto flush = [&] {
    if (!deleted.empty() || !inserted.empty()) changed(deleted, inserted);
    deleted.clear();
    inserted.clear();
  };
  for (const auto& [element, info] : diff.getSes().getSequence()) {
    if (info.type == dtl::SES_COMMON) {
      flush();
      same(element);
    } else if (info.type == dtl::SES_DELETE) {
      deleted.push_back(element);
    } else {
      inserted.push_back(element);
    }
  }
  flush();
}

void refine_block(std::string_view old_block, std::string_view new_block, const DiffOptions& options,
                  Script& script) {
  const Tokens a = diff_tokens(old_block);
  const Tokens b = diff_tokens(new_block);
  if (a.empty() || b.empty() || a.size() > options.max_block_tokens || b.size() > options.max_block_tokens) {
    script.add(DiffOp::kDelete, old_block);
    script.add(DiffOp::kInsert, new_block);
    return;
  }
  walk_edit_script(
      a, b, [&](std::string_view token) { script.add(DiffOp::kEqual, token); },
      [&](const Tokens& deleted, const Tokens& inserted) {
        script.add(DiffOp::kDelete, span_of(deleted));
        script.add(DiffOp::kInsert, span_of(inserted));
      });
}

}  // namespace

std::string_view op_name(DiffOp op) {
  switch (op) {
    case DiffOp::kInsert:
      return "insert";
    case DiffOp::kDelete:
      return "delete";
    case DiffOp::kEqual:
      break;
  }
  return "equal";
}

std::vector<std::string_view> diff_tokens(std::string_view text) {
  Tokens tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto [cp, len] = decode_at(text, i);
    std::size_t end = i + len;
    const bool word = is_word_char(cp), space = is_space(cp);
    if (word || space) {
      while (end < text.size()) {
        const auto [next, next_len] = decode_at(text, end);
        if (word ? !is_word_char(next) : !is_space(next)) break;
        end += next_len;
      }
    }
    tokens.push_back(text.substr(i, end - i));
    i = end;
  }
  return tokens;
}

bool diff_texts(std::string_view old_text, std::string_view new_text, TextDiff& out,
                const DiffOptions& options) {
  out = TextDiff{};
  if (old_text == new_text) return true;
  const Tokens old_lines = split_lines(old_text);
  const Tokens new_lines = split_lines(new_text);
  if (old_lines.size() > options.max_lines || new_lines.size() > options.max_lines) return false;

  // Lines first; then, within each changed block of lines, words and CJK characters.
  Script script;
  walk_edit_script(
      old_lines, new_lines, [&](std::string_view line) { script.add(DiffOp::kEqual, line); },
      [&](const Tokens& deleted, const Tokens& inserted) {
        refine_block(span_of(deleted), span_of(inserted), options, script);
      });

  // Group into hunks: a run of unchanged text longer than twice the context separates two.
  const auto& pieces = script.pieces();
  std::size_t old_pos = 0, new_pos = 0;
  DiffHunk* hunk = nullptr;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const DiffOp op = pieces[i].first;
    const std::string_view text = pieces[i].second;
    if (op == DiffOp::kEqual) {
      const bool before_change = i + 1 < pieces.size();
      const std::size_t chars = count_chars(text);
      if (hunk != nullptr && before_change && chars <= 2 * options.context_chars) {
        hunk->segments.push_back({op, std::string(text)});
      } else {
        if (hunk != nullptr) hunk->segments.push_back({op, std::string(first_chars(text, options.context_chars))});
        hunk = nullptr;
        if (before_change) {
          const std::string_view lead = last_chars(text, options.context_chars);
          hunk = &out.hunks.emplace_back();
          hunk->old_offset = old_pos + text.size() - lead.size();
          hunk->new_offset = new_pos + text.size() - lead.size();
          hunk->segments.push_back({op, std::string(lead)});
        }
      }
      old_pos += text.size();
      new_pos += text.size();
      continue;
    }
    if (hunk == nullptr) {
      hunk = &out.hunks.emplace_back();
      hunk->old_offset = old_pos;
      hunk->new_offset = new_pos;
    }
    hunk->segments.push_back({op, std::string(text)});
    if (op == DiffOp::kInsert) {
      new_pos += text.size();
      out.inserted_chars += count_chars(text);
    } else {
      old_pos += text.size();
      out.deleted_chars += count_chars(text);
    }
  }
  for (auto& h : out.hunks) {  // a lead-in of no characters says nothing
    if (!h.segments.empty() && h.segments.front().op == DiffOp::kEqual && h.segments.front().text.empty()) {
      h.segments.erase(h.segments.begin());
    }
  }
  return true;
}

}  // namespace linksnap::history
