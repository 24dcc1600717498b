// The interval people give `linksnap schedule` and the classification of a fetch's outcome.
// Invariants: an accepted interval is within the limits and reads back the same through
// format_interval; classify_check always names a known outcome and maps it to a state.
#include <cstdint>
#include <string>
#include <string_view>

#include "history/link_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  using namespace linksnap::history;
  auto seconds = parse_interval(input);
  if (seconds.ok()) {
    if (*seconds < kMinIntervalSeconds || *seconds > kMaxIntervalSeconds) __builtin_trap();
    auto again = parse_interval(format_interval(*seconds));
    if (!again.ok() || *again != *seconds) __builtin_trap();
  }
  // The input split in two URLs and a status: a redirect or not, any code.
  const std::size_t cut = input.find('\n');
  const std::string_view first = input.substr(0, cut);
  const std::string_view second = cut == std::string_view::npos ? std::string_view() : input.substr(cut + 1);
  const long status = size > 0 ? static_cast<long>(data[0]) * 3 : 0;
  for (const char* code : {"", "http_error", "fetch_failed", "timeout"}) {
    const CheckOutcome c = classify_check(first, status, second, code, second);
    if (!is_state(state_of(c.outcome))) __builtin_trap();
    if (c.outcome.empty()) __builtin_trap();
  }
  return 0;
}
