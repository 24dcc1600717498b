// SVG images from untrusted links. Invariant: sanitizing a sanitized image again succeeds and
// finds nothing to remove (no script, handler, script URL or external reference is left),
// and the third pass writes exactly what the second did (libxml2 may normalize whitespace in
// a namespace URI once: a tab written raw in xmlns="…" reads back as a space). Errors are only
// the documented ones.
#include <cstdint>
#include <string>

#include "capture/svg_sanitize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linksnap::capture;
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto once = sanitize_svg(input);
  if (!once.ok()) {
    if (once.error().code != "bad_request" && once.error().code != "too_large") __builtin_trap();
    return 0;
  }
  auto twice = sanitize_svg(once->svg);
  if (!twice.ok() || twice->removed != 0) __builtin_trap();
  auto thrice = sanitize_svg(twice->svg);
  if (!thrice.ok() || thrice->removed != 0 || thrice->svg != twice->svg) __builtin_trap();
  return 0;
}
