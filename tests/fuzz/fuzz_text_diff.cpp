// Two snapshot texts from the network, split at the first NUL. Invariants: each hunk's old
// side (equal + delete) is the old text at old_offset and its new side (equal + insert) the
// new text at new_offset; identical texts have no hunks; different ones have some.
#include <cstdint>
#include <string>
#include <string_view>

#include "history/text_diff.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = input.find('\0');
  if (cut == std::string_view::npos) return 0;
  const std::string_view a = input.substr(0, cut), b = input.substr(cut + 1);
  linksnap::history::DiffOptions options;
  options.max_block_tokens = 2000;  // both paths: refined and shown whole
  options.context_chars = 8;
  linksnap::history::TextDiff diff;
  if (!linksnap::history::diff_texts(a, b, diff, options)) return 0;
  if (diff.identical() != (a == b)) __builtin_trap();
  for (const auto& h : diff.hunks) {
    std::string old_side, new_side;
    for (const auto& s : h.segments) {
      if (s.op != linksnap::history::DiffOp::kInsert) old_side += s.text;
      if (s.op != linksnap::history::DiffOp::kDelete) new_side += s.text;
    }
    if (a.substr(h.old_offset, old_side.size()) != old_side) __builtin_trap();
    if (b.substr(h.new_offset, new_side.size()) != new_side) __builtin_trap();
  }
  return 0;
}
