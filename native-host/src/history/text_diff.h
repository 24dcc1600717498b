// What changed in a page's text between two snapshots, as a reader would mark it: Latin text
// compared word by word, Chinese, Japanese and Korean text character by character (a CJK
// sentence has no spaces to split on), grouped into hunks with a little unchanged context on
// each side. Pure: two UTF-8 strings in, hunks out. The edit script comes from dtl (Debian
// libdtl-dev, Wu–Manber–Myers O(NP)), run on lines first and then on the tokens of each
// changed block, so a long page with a few edits costs little and a rewritten one stays
// bounded.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace linksnap::history {

enum class DiffOp { kEqual, kInsert, kDelete };

// "equal", "insert", "delete" (the --json spelling).
std::string_view op_name(DiffOp op);

struct DiffSegment {
  DiffOp op = DiffOp::kEqual;
  std::string text;
};

// A run of changes with up to DiffOptions::context_chars of unchanged text around it.
// Offsets are byte offsets of the hunk's first byte in the old and the new text.
struct DiffHunk {
  std::size_t old_offset = 0;
  std::size_t new_offset = 0;
  std::vector<DiffSegment> segments;
};

struct DiffOptions {
  std::size_t context_chars = 40;        // unchanged characters kept on each side of a change
  std::size_t max_block_tokens = 20000;  // a changed block larger than this is not refined
                                         // word by word: it is shown deleted and inserted whole
  std::size_t max_lines = 200000;        // lines per text compared; more is too_large
};

struct TextDiff {
  std::vector<DiffHunk> hunks;
  std::size_t inserted_chars = 0;  // code points
  std::size_t deleted_chars = 0;
  bool identical() const { return hunks.empty(); }
};

// Splits text into diff tokens: a run of Latin letters/digits, a run of whitespace, or any
// other single code point (each CJK character, each punctuation mark). Concatenated, the
// tokens are the text. Invalid UTF-8 bytes are single tokens.
std::vector<std::string_view> diff_tokens(std::string_view text);

// The changes that turn old_text into new_text. Returns false (and leaves `out` empty) only
// when a text has more than options.max_lines lines.
bool diff_texts(std::string_view old_text, std::string_view new_text, TextDiff& out,
                const DiffOptions& options = {});

}  // namespace linksnap::history
