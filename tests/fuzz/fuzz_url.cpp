// URL normalization and resolution. Invariants: normalize is idempotent; a resolved URL
// parses; nothing crashes on any bytes.
#include <cstdint>
#include <string>

#include "util/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string s(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = s.find('\n');
  const std::string base = cut == std::string::npos ? "https://example.com/a/b?c#d" : s.substr(0, cut);
  const std::string ref = cut == std::string::npos ? s : s.substr(cut + 1);
  auto n = linksnap::url::normalize(s);
  if (n.ok()) {
    auto again = linksnap::url::normalize(*n);
    if (!again.ok() || *again != *n) __builtin_trap();
  }
  auto r = linksnap::url::resolve(base, ref);
  if (r.ok()) (void)linksnap::url::normalize(*r);
  (void)linksnap::url::scheme_of(s);
  (void)linksnap::url::is_http_or_https(s);
  return 0;
}
