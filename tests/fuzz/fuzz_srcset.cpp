// srcset values from untrusted pages. Invariants: bounded candidate count, no empty URL,
// and the candidates past the limit are exactly those parse_srcset leaves out.
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
  const auto all = linksnap::capture::parse_srcset(value, size + 1);
  const auto past = linksnap::capture::srcset_urls_past(value, 64);
  if (candidates.size() + past.size() != all.size()) __builtin_trap();
  for (std::size_t i = 0; i < past.size(); ++i) {
    if (past[i] != all[candidates.size() + i].url) __builtin_trap();
  }
  return 0;
}
