// SVG images from untrusted links. Invariant: a sanitized image is a fixed point — sanitizing
// it again succeeds and changes nothing, so nothing the sanitizer removes (script, handlers,
// script URLs, external references) is left in it. Errors are only the documented ones.
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
  if (!twice.ok() || twice->svg != once->svg) __builtin_trap();
  return 0;
}
