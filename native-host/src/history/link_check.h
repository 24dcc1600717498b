// Pure rules of link checks and refresh schedules (no I/O): what a fetch of a link says about
// the link (ok, moved, gone, unreachable), and the intervals people write ("1d", "12h").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace linksnap::history {

// What a check found. `outcome` is one of: ok, redirected, http_404, http_410 (the link is
// broken), http_error (another 4xx/5xx), dns, tls, timeout, other (no usable answer).
struct CheckOutcome {
  std::string outcome;
  long http_status = 0;       // of the final answer; 0 when none arrived
  std::string redirected_to;  // the final URL when it is not the link's own ("" otherwise)
  std::string detail;         // "404 Not Found", or the fetch's error message; "" when ok
};

// Classifies the fetch of `link_url`: its final URL and HTTP status, or the transport error
// (an errc code and message as the fetcher reports them).
CheckOutcome classify_check(std::string_view link_url, long http_status, std::string_view final_url,
                            std::string_view error_code, std::string_view error_message);

// The state a person filters by: "ok", "redirected", "broken" (404 or 410) or "error".
std::string_view state_of(std::string_view outcome);
// True for the four states above.
bool is_state(std::string_view state);

// "Not Found" for 404; "" for a status it does not name.
std::string_view reason_phrase(long status);

// An interval as people write it: a number with s, m, h, d or w ("90m", "1d", "2w"), or plain
// seconds. At least 1 minute and at most 366 days; bad_request with the rule otherwise.
Result<std::int64_t> parse_interval(std::string_view text);
// The shortest exact form in days, hours, minutes or seconds: 86400 → "1d", 604800 → "7d",
// 5400 → "90m", 61 → "61s".
std::string format_interval(std::int64_t seconds);

inline constexpr std::int64_t kMinIntervalSeconds = 60;
inline constexpr std::int64_t kMaxIntervalSeconds = 366 * 86400;

}  // namespace linksnap::history
