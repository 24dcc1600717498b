// Tag names from people and from the network. Invariants: normalization is idempotent and
// its output is never empty; folding keeps valid UTF-8 valid.
#include <cstdint>
#include <string>

#include "store/tag_name.h"
#include "util/charset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string raw(reinterpret_cast<const char*>(data), size);
  auto n = linksnap::store::normalize_tag_name(raw);
  if (!n.ok()) return 0;
  auto again = linksnap::store::normalize_tag_name(*n);
  if (!again.ok() || *again != *n || n->empty()) __builtin_trap();
  if (!linksnap::charset::is_valid_utf8(linksnap::store::fold_tag_name(*n))) __builtin_trap();
  return 0;
}
