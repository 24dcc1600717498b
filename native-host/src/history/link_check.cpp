#include "history/link_check.h"

#include <cctype>

#include "util/url.h"

namespace linksnap::history {

namespace {

bool same_page(std::string_view a, std::string_view b) {
  if (a == b) return true;
  auto na = url::normalize(a);
  auto nb = url::normalize(b);
  return na.ok() && nb.ok() && *na == *nb;
}

}  // namespace

std::string_view reason_phrase(long status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

CheckOutcome classify_check(std::string_view link_url, long http_status, std::string_view final_url,
                            std::string_view error_code, std::string_view error_message) {
  CheckOutcome c;
  c.http_status = http_status;
  if (!final_url.empty() && !same_page(link_url, final_url)) c.redirected_to = std::string(final_url);
  if (!error_code.empty() && error_code != errc::kHttpError) {
    c.http_status = 0;
    c.detail = std::string(error_message);
    if (error_code == errc::kTimeout || error_code == "deadline") {
      c.outcome = "timeout";
      // The detail is all a reader (and the extension) has to tell the kind: say it.
      if (error_message.find("timed out") == std::string_view::npos &&
          error_message.find("deadline") == std::string_view::npos) {
        c.detail = "timed out: " + c.detail;
      }
    } else if (error_code == errc::kFetchFailed && error_message.starts_with("could not resolve")) {
      c.outcome = "dns";
    } else if (error_code == errc::kFetchFailed && error_message.find("TLS") != std::string_view::npos) {
      c.outcome = "tls";
    } else {
      c.outcome = "other";
    }
    return c;
  }
  if (http_status < 200 || http_status >= 300) {
    c.outcome = http_status == 404 ? "http_404" : http_status == 410 ? "http_410" : "http_error";
    const std::string_view phrase = reason_phrase(http_status);
    c.detail = http_status == 0 ? std::string(error_message)
                                : std::to_string(http_status) + (phrase.empty() ? "" : " ") + std::string(phrase);
    return c;
  }
  c.outcome = c.redirected_to.empty() ? "ok" : "redirected";
  return c;
}

std::string_view state_of(std::string_view outcome) {
  if (outcome == "ok") return "ok";
  if (outcome == "redirected") return "redirected";
  if (outcome == "http_404" || outcome == "http_410") return "broken";
  return "error";
}

bool is_state(std::string_view state) {
  return state == "ok" || state == "redirected" || state == "broken" || state == "error";
}

Result<std::int64_t> parse_interval(std::string_view text) {
  const auto bad = [&] {
    return make_error(errc::kBadRequest,
                      "not an interval: \"" + std::string(text.substr(0, 40)) +
                          "\" (write a number with m, h, d or w, e.g. 12h, 1d, 2w; at least 1 minute, at most 366 days)");
  };
  std::size_t i = 0;
  std::int64_t n = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
    if (n > kMaxIntervalSeconds) return bad();  // before it can overflow
    n = n * 10 + (text[i] - '0');
    ++i;
  }
  if (i == 0 || text.size() - i > 1) return bad();
  std::int64_t unit = 1;
  if (i < text.size()) {
    switch (text[i]) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 7 * 86400; break;
      default: return bad();
    }
  }
  if (n > kMaxIntervalSeconds) return bad();
  const std::int64_t seconds = n * unit;
  if (seconds < kMinIntervalSeconds || seconds > kMaxIntervalSeconds) return bad();
  return seconds;
}

std::string format_interval(std::int64_t seconds) {
  for (const auto& [unit, suffix] : {std::pair<std::int64_t, char>{86400, 'd'}, {3600, 'h'}, {60, 'm'}}) {
    if (seconds > 0 && seconds % unit == 0) return std::to_string(seconds / unit) + suffix;
  }
  return std::to_string(seconds) + "s";
}

}  // namespace linksnap::history
