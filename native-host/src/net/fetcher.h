// The network edge. The snapshot engine talks only to this interface: the real implementation
// drives libcurl multi (curl_fetcher.h), tests use FakeFetcher (tests/support/fake_fetcher.h) serving a map
// of URL -> response. A session is a bag of pending requests; the engine adds requests as it
// discovers them (a stylesheet's @import is only known once the sheet arrived) and takes
// results in completion order.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace linksnap::errc {
// A request the capture's deadline (FetchLimits::capture_timeout) ended or never started.
inline constexpr const char* kDeadline = "deadline";
}  // namespace linksnap::errc

namespace linksnap::net {

// Bounds applied to every fetch. Defaults are what `linksnap add` uses.
struct FetchLimits {
  std::size_t max_bytes_per_response = 32u << 20;  // after decompression
  std::size_t max_bytes_per_session = 256u << 20;  // sum of all bodies in one session
  long max_redirects = 5;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout_per_request{30'000};
  std::chrono::milliseconds timeout_per_session{120'000};
  // One deadline for a whole capture: the page and every resource, across sessions. It runs
  // from capture_started (unset: when the session starts); when it passes, every request not
  // finished ends with errc::kDeadline. Zero: none.
  std::chrono::milliseconds capture_timeout{60'000};
  std::optional<std::chrono::steady_clock::time_point> capture_started;
  int max_concurrent = 12;           // transfers in flight overall
  int max_concurrent_per_host = 6;   // like browsers
  std::string user_agent;            // empty: a browser-like default
};

// Where a response body goes instead of into memory (a blob file being written and hashed).
class BodySink {
 public:
  virtual ~BodySink() = default;
  // Takes the next decoded bytes of the final response (never a redirect's). false stops the
  // transfer with errc::kIo and error() as the reason (a full disk).
  virtual bool write(std::string_view bytes) = 0;
  virtual std::string error() const = 0;
  // Before the first write: the final response's Content-Type header ("" if none), so a
  // sink can tell a page from a file before the bytes pile up.
  virtual void begin(std::string_view /*content_type*/) {}
};

// The most of one request's or response's header block FetchResult keeps (libcurl itself
// refuses responses whose headers exceed 300 KiB).
inline constexpr std::size_t kMaxHeadBytes = 300u << 10;

// How much of a streamed body FetchResult::body keeps: enough to sniff its type by.
inline constexpr std::size_t kSniffBytes = 1024;

struct FetchRequest {
  std::string url;      // absolute http(s) URL; anything else fails with unsupported_scheme
  std::string referer;  // empty: none
  std::size_t tag = 0;  // caller's cookie, echoed in the result
  // Set: the body streams into the sink as it arrives and FetchResult::body keeps only its
  // first kSniffBytes, so a 30 MiB image never sits in memory. Error bodies go there too.
  std::shared_ptr<BodySink> sink = nullptr;
};

struct FetchResult {
  std::size_t tag = 0;
  std::string url;            // as requested
  std::string final_url;      // after redirects
  long http_status = 0;       // 0 when no HTTP response arrived
  std::string content_type;   // Content-Type header, verbatim ("" if none)
  std::string body;           // decoded (Content-Encoding removed); streamed: its start only
  std::size_t body_size = 0;  // decoded bytes received (all of them, also when streamed)
  // Empty on transport success (even for a 404: check http_status). Otherwise one of
  // errc::kUnsupportedScheme, kInvalidUrl, kFetchFailed, kTimeout, kTooLarge,
  // kTooManyRedirects, with a human message in `error_message`.
  std::string error_code;
  std::string error_message;
  std::chrono::milliseconds elapsed{0};
  // The exchange as it went over the wire, for a WARC (interop/warc.h): the request line and
  // headers sent for the final hop, and the final response's status line and headers as
  // received, each a raw CRLF block ending with the empty line. At most kMaxHeadBytes each;
  // "" when not known (a fetcher that does not see them, nothing received).
  std::string request_head;
  std::string response_head;

  bool transport_ok() const { return error_code.empty(); }
  bool http_ok() const { return transport_ok() && http_status >= 200 && http_status < 300; }
};

class FetchSession {
 public:
  virtual ~FetchSession() = default;
  // Queues a request. Never blocks on the network.
  virtual void add(FetchRequest request) = 0;
  // Blocks until one queued request finishes and returns it; nullopt when nothing is queued
  // or in flight. After the session's time budget is spent, every remaining request
  // finishes with errc::kTimeout.
  virtual std::optional<FetchResult> next() = 0;
};

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  virtual std::unique_ptr<FetchSession> start(const FetchLimits& limits) = 0;

  // Convenience for a single URL (the page itself in `linksnap add`).
  FetchResult fetch_one(const FetchRequest& request, const FetchLimits& limits);
};

// ---- Shared by every Fetcher, so the fake reports exactly what the real one would ----

// The longest URL fetched. libcurl fails longer ones with "out of memory" (its request buffer
// is 1 MiB) and servers refuse far shorter ones; a real resource URL is a few KiB at most.
inline constexpr std::size_t kMaxUrlBytes = 64u << 10;

// OK for an absolute http(s) URL with a host of at most kMaxUrlBytes. Otherwise
// errc::kUnsupportedScheme ("only http and https URLs can be fetched (got file:)") or
// errc::kInvalidUrl ("the URL is longer than 64 KiB: <its start>..."). Never touches the network.
Status check_fetchable_url(std::string_view url);

// A result for `request` that failed with `code` / `message` (elapsed 0, no response).
FetchResult failed_result(const FetchRequest& request, std::string code, std::string message);

// Human wording used in error messages: "32 MiB", "512 KiB", "1000 bytes"; "30 s", "300 ms".
std::string describe_size(std::size_t bytes);
std::string describe_duration(std::chrono::milliseconds duration);

// The messages a person sees for the limit errors (kTooLarge, kTooManyRedirects, kTimeout,
// kUnsupportedScheme after a redirect).
std::string response_too_large_message(std::size_t limit);  // "response exceeds the 32 MiB limit"
std::string session_budget_message(std::size_t limit);
std::string too_many_redirects_message(long max_redirects, std::string_view url);
std::string redirect_refused_message(std::string_view target);
std::string request_timeout_message(std::chrono::milliseconds limit, std::string_view url);
std::string session_timeout_message(std::chrono::milliseconds limit, std::string_view url);
// "the capture's deadline of 60 s passed before <url> was fetched"
std::string deadline_message(std::chrono::milliseconds limit, std::string_view url);

// What a server did wrong, in its own words (CurlFetcher; asserted verbatim in tests).
std::string header_line_too_long_message(std::size_t limit);  // "...longer than 100 KiB"
std::string headers_too_large_message(std::size_t limit);      // all header lines together
inline constexpr std::string_view kNotHttpMessage =
    "the server's answer is not HTTP (invalid status line)";
inline constexpr std::string_view kHttp09Message =
    "the server answered with HTTP/0.9, which is not supported";

}  // namespace linksnap::net
