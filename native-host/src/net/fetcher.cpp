#include "net/fetcher.h"

#include <exception>
#include <utility>

namespace linksnap::net {
namespace {

// URLs end up in messages a person reads; a data: URL or a tracking monster should not bury
// the sentence.
std::string shorten(std::string_view url) {
  constexpr std::size_t kMax = 200;
  if (url.size() <= kMax) return std::string(url);
  return std::string(url.substr(0, kMax)) + "...";
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

Status check_fetchable_url(std::string_view url) {
  if (url.size() > kMaxUrlBytes) {
    return make_error(errc::kInvalidUrl,
                      "the URL is longer than " + describe_size(kMaxUrlBytes) + ": " + shorten(url));
  }
  // RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'.
  std::size_t colon = 0;
  while (colon < url.size() && url[colon] != ':') {
    const char c = url[colon];
    const bool ok =
        colon == 0 ? is_alpha(c) : (is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.');
    if (!ok) break;
    ++colon;
  }
  if (colon == 0 || colon >= url.size() || url[colon] != ':') {
    return make_error(errc::kInvalidUrl, "not an absolute URL: " + shorten(url));
  }
  std::string scheme;
  for (char c : url.substr(0, colon)) scheme.push_back(to_lower(c));
  if (scheme != "http" && scheme != "https") {
    return make_error(errc::kUnsupportedScheme,
                      "only http and https URLs can be fetched (got " + scheme + ":)");
  }
  for (char c : url) {
    // libcurl refuses these anyway; saying so here gives a clearer message than its own.
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return make_error(
          errc::kInvalidUrl,
          "not a valid URL (it contains spaces or control characters): " + shorten(url));
    }
  }
  std::string_view rest = url.substr(colon + 1);
  if (!rest.starts_with("//")) {
    return make_error(errc::kInvalidUrl, "not a valid URL (no host): " + shorten(url));
  }
  std::string_view authority = rest.substr(2, rest.substr(2).find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  if (!host.starts_with('[')) host = host.substr(0, host.find(':'));
  if (host.empty()) {
    return make_error(errc::kInvalidUrl, "not a valid URL (no host): " + shorten(url));
  }
  return ok_status();
}

FetchResult failed_result(const FetchRequest& request, std::string code, std::string message) {
  FetchResult r;
  r.tag = request.tag;
  r.url = request.url;
  r.error_code = std::move(code);
  r.error_message = std::move(message);
  return r;
}

std::string describe_size(std::size_t bytes) {
  constexpr std::size_t kKiB = 1024;
  constexpr std::size_t kMiB = kKiB * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  if (bytes >= kKiB && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

std::string describe_duration(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  if (ms >= 1000 && ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

std::string response_too_large_message(std::size_t limit) {
  return "response exceeds the " + describe_size(limit) + " limit";
}

std::string session_budget_message(std::size_t limit) {
  return "the snapshot's download budget of " + describe_size(limit) + " is used up";
}

std::string too_many_redirects_message(long max_redirects, std::string_view url) {
  return "too many redirects fetching " + shorten(url) + " (the limit is " +
         std::to_string(max_redirects) + ")";
}

std::string redirect_refused_message(std::string_view target) {
  const Status s = check_fetchable_url(target);
  const std::string why = s.ok() ? std::string("the target is not allowed") : s.error().message;
  return "refused a redirect to " + shorten(target) + ": " + why;
}

std::string request_timeout_message(std::chrono::milliseconds limit, std::string_view url) {
  return "timed out after " + describe_duration(limit) + " fetching " + shorten(url);
}

std::string session_timeout_message(std::chrono::milliseconds limit, std::string_view url) {
  return "the snapshot's time budget of " + describe_duration(limit) + " ran out before " +
         shorten(url) + " was fetched";
}

std::string deadline_message(std::chrono::milliseconds limit, std::string_view url) {
  return "the capture's deadline of " + describe_duration(limit) + " passed before " +
         shorten(url) + " was fetched";
}

std::string header_line_too_long_message(std::size_t limit) {
  return "the server sent a header line longer than " + describe_size(limit);
}

std::string headers_too_large_message(std::size_t limit) {
  return "the server sent more than " + describe_size(limit) + " of headers";
}

FetchResult Fetcher::fetch_one(const FetchRequest& request, const FetchLimits& limits) {
  try {
    std::unique_ptr<FetchSession> session = start(limits);
    if (!session) {
      return failed_result(request, errc::kInternal, "could not start a fetch session");
    }
    session->add(request);
    std::optional<FetchResult> result = session->next();
    if (!result) {
      return failed_result(request, errc::kInternal,
                           "the fetch session lost the request for " + shorten(request.url));
    }
    return std::move(*result);
  } catch (const std::exception& e) {
    return failed_result(request, errc::kInternal,
                         std::string("internal error while fetching: ") + e.what());
  }
}

}  // namespace linksnap::net
