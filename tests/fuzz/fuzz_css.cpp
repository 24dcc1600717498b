// Untrusted CSS: references found, and a rewrite that maps every url()/@import to a
// placeholder. Invariants: every reference found is rewritten exactly once per occurrence
// (the mapper is called), the output holds no original reference the mapper replaced, and
// rewriting with an identity mapper (nullopt) gives back the input byte for byte.
#include <cstdint>
#include <string>

#include "capture/css_rewrite.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string css(reinterpret_cast<const char*>(data), size);
  const auto refs = linksnap::capture::find_css_references(css);
  const std::string same = linksnap::capture::rewrite_css(
      css, [](std::string_view, linksnap::capture::CssRefKind) { return std::optional<std::string>(); });
  if (same != css) __builtin_trap();
  std::size_t calls = 0;
  const std::string out = linksnap::capture::rewrite_css(css, [&](std::string_view, linksnap::capture::CssRefKind) {
    ++calls;
    return std::optional<std::string>("linksnap-blob:x");
  });
  if (calls != refs.size()) __builtin_trap();
  // Rewriting again finds the placeholders, no more and no fewer.
  if (linksnap::capture::find_css_references(out).size() != refs.size()) __builtin_trap();
  return 0;
}
