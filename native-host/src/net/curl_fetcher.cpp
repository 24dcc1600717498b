#include "net/curl_fetcher.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "modules/curl_api.h"

namespace linksnap::net {

#ifdef LINKSNAP_VERSION
#define LINKSNAP_UA_VERSION LINKSNAP_VERSION
#else
#define LINKSNAP_UA_VERSION "0"
#endif

const char* const kDefaultUserAgent =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 LinkSnap/" LINKSNAP_UA_VERSION;

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using modules::curl;  // libcurl, from linksnap-curl.so: every call below runs after it loaded

// libcurl must be initialised once, before any other call, and never concurrently with one.
CURLcode global_init() {
  static std::once_flag once;
  static CURLcode result = CURLE_FAILED_INIT;
  std::call_once(once, [] { result = curl().global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

// GNU strerror_r returns the text, POSIX strerror_r fills the buffer; accept either.
[[maybe_unused]] const char* strerror_pick(int rc, const char* buf) {
  return rc == 0 ? buf : "unknown error";
}
[[maybe_unused]] const char* strerror_pick(const char* text, const char*) { return text; }

std::string errno_text(long err) {
  char buf[256] = {};
  return strerror_pick(strerror_r(static_cast<int>(err), buf, sizeof buf), buf);
}

struct UrlParts {
  std::string scheme;
  std::string host;
  std::string port;
};

// Parses with libcurl's own URL parser so our notion of host:port matches the one libcurl uses
// for its per-host connection limit.
std::optional<UrlParts> parse_url(const std::string& url) {
  std::unique_ptr<CURLU, decltype(curl().url_cleanup)> u(curl().url(), curl().url_cleanup);
  if (!u || curl().url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return std::nullopt;
  auto get = [&](CURLUPart part, unsigned flags) -> std::optional<std::string> {
    char* text = nullptr;
    if (curl().url_get(u.get(), part, &text, flags) != CURLUE_OK || text == nullptr) {
      return std::nullopt;
    }
    std::string out(text);
    curl().free(text);
    return out;
  };
  auto scheme = get(CURLUPART_SCHEME, 0);
  auto host = get(CURLUPART_HOST, 0);
  auto port = get(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme || !host || !port) return std::nullopt;
  return UrlParts{std::move(*scheme), std::move(*host), std::move(*port)};
}

milliseconds clamp_duration(milliseconds d) {
  // Keeps time_point arithmetic and curl's `long` milliseconds far from overflow.
  constexpr milliseconds kMax = std::chrono::hours(24 * 365);
  return std::clamp(d, milliseconds(0), kMax);
}

class CurlSession;

// One request from the moment it leaves the queue until its result is produced.
struct Transfer {
  enum class Abort { kNone, kTooLarge, kSessionBudget, kNoMemory, kNotHttp, kHttp09, kSink };

  FetchRequest request;
  std::string host_key;
  CurlSession* session = nullptr;
  CURL* easy = nullptr;
  std::string body;           // all of it, or its first kSniffBytes when it streams to a sink
  std::size_t received = 0;  // decoded body bytes
  long status_hop = -1;      // the redirect hop whose status line arrived last
  std::string request_head;   // the last request sent (FetchResult::request_head)
  std::string response_head;  // the last response's head, complete once it ends with CRLF CRLF
  bool response_head_done = false;
  Clock::time_point started;
  Abort abort = Abort::kNone;
  char errbuf[CURL_ERROR_SIZE] = {};
};

size_t on_write(char* data, size_t size, size_t count, void* userdata);
size_t on_header(char* data, size_t size, size_t count, void* userdata);
int on_debug(CURL* easy, curl_infotype type, char* data, size_t size, void* userdata);

// Set-Cookie headers a session takes into its cookie jar. libcurl keeps every cookie and scans
// and sorts the whole jar for each request, so a page whose 1,000 images set 50 cookies each
// cost 105 s of CPU; browsers keep a few thousand cookies in all. Past this many, new
// transfers of the session run without cookies (they neither send nor store any).
constexpr std::size_t kMaxSessionCookies = 1000;

// libcurl's limits on what a server sends before the body (lib/http.c in 7.88: one header line,
// and all header lines of one response together).
constexpr std::size_t kMaxHeaderLineBytes = CURL_MAX_HTTP_HEADER;
constexpr std::size_t kMaxHeaderBytes = 300u << 10;

// A body that arrives without a status line is HTTP/0.9 to libcurl. A first line shaped like a
// status line ("HTTQ/1.1 200 OK", "ICY 200 OK") is a server speaking broken HTTP instead.
bool looks_like_status_line(std::string_view first_bytes) {
  const std::string_view line = first_bytes.substr(0, first_bytes.find('\n')).substr(0, 200);
  std::string upper;
  for (char c : line) upper.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c);
  if (upper.find("HTTP") != std::string::npos) return true;
  // "TOKEN/1.1 200" or "TOKEN 200": a protocol name, then a three-digit code.
  const std::size_t space = line.find(' ');
  if (space == 0 || space == std::string_view::npos || space > 16) return false;
  for (char c : line.substr(0, space)) {
    if (c <= ' ' || c == '<' || c > '~') return false;
  }
  const std::string_view code = line.substr(space + 1, 3);
  return code.size() == 3 && std::all_of(code.begin(), code.end(),
                                         [](char c) { return c >= '0' && c <= '9'; });
}

class CurlSession final : public FetchSession {
 public:
  explicit CurlSession(const FetchLimits& limits) : limits_(limits) {
    limits_.max_concurrent = std::max(1, limits_.max_concurrent);
    limits_.max_concurrent_per_host = std::max(1, limits_.max_concurrent_per_host);
    limits_.max_redirects = std::max(0L, limits_.max_redirects);
    limits_.connect_timeout = clamp_duration(limits_.connect_timeout);
    limits_.timeout_per_request = clamp_duration(limits_.timeout_per_request);
    limits_.timeout_per_session = clamp_duration(limits_.timeout_per_session);
    limits_.capture_timeout = clamp_duration(limits_.capture_timeout);
    if (limits_.user_agent.empty()) limits_.user_agent = kDefaultUserAgent;
    const Clock::time_point now = Clock::now();
    deadline_ = now + limits_.timeout_per_session;
    if (limits_.capture_timeout.count() > 0) {
      const Clock::time_point capture_deadline =
          limits_.capture_started.value_or(now) + limits_.capture_timeout;
      if (capture_deadline <= deadline_) {
        deadline_ = capture_deadline;
        deadline_is_the_captures_ = true;
      }
    }

    // libcurl is loaded by the first session, not by the fetcher: a command that never
    // fetches never maps it. A missing module fails every request with its message.
    if (auto api = modules::curl_api(); !api.ok()) {
      init_error_ = api.error().message;
      return;
    }
    if (const CURLcode rc = global_init(); rc != CURLE_OK) {
      init_error_ = std::string("could not initialise libcurl: ") + curl().easy_strerror(rc);
      return;
    }
    multi_ = curl().multi_init();
    share_ = curl().share_init();
    cookieless_share_ = curl().share_init();
    if (multi_ == nullptr || share_ == nullptr || cookieless_share_ == nullptr) {
      init_error_ = "could not initialise libcurl: out of memory";
      return;
    }
    // Connection limits are a second fence behind our own queue: they also cover the hosts a
    // redirect leads to, which the queue cannot know in advance.
    curl().multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      static_cast<long>(limits_.max_concurrent));
    curl().multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                      static_cast<long>(limits_.max_concurrent_per_host));
    curl().multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(limits_.max_concurrent));
    curl().multi_setopt(multi_, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
    // The multi handle already shares connections and DNS; the share adds TLS session reuse
    // (cheaper new connections to the same host) and one in-memory cookie jar per snapshot, so
    // an asset behind a cookie the page set still loads. No lock callbacks: one thread only.
    curl().share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl().share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl().share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
    curl().share_setopt(cookieless_share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl().share_setopt(cookieless_share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }

  ~CurlSession() override {
    for (auto& [easy, transfer] : running_) {
      curl().multi_remove_handle(multi_, easy);
      curl().easy_cleanup(easy);
    }
    running_.clear();
    if (multi_ != nullptr) curl().multi_cleanup(multi_);
    if (share_ != nullptr) curl().share_cleanup(share_);  // after every easy handle using it
    if (cookieless_share_ != nullptr) curl().share_cleanup(cookieless_share_);
  }

  CurlSession(const CurlSession&) = delete;
  CurlSession& operator=(const CurlSession&) = delete;

  void add(FetchRequest request) override {
    try {
      if (!init_error_.empty()) {
        done_.push_back(failed_result(request, errc::kInternal, init_error_));
        return;
      }
      if (Status s = check_fetchable_url(request.url); !s.ok()) {
        done_.push_back(failed_result(request, s.error().code, s.error().message));
        return;
      }
      std::optional<UrlParts> parts = parse_url(request.url);
      if (!parts) {
        done_.push_back(
            failed_result(request, errc::kInvalidUrl, "not a valid URL: " + request.url));
        return;
      }
      std::string key = parts->host + ":" + parts->port;
      pending_.push_back(Pending{std::move(request), std::move(key)});
    } catch (const std::exception& e) {
      record_internal_failure(request, e);
    }
  }

  std::optional<FetchResult> next() override {
    try {
      for (;;) {
        if (!done_.empty()) {
          FetchResult r = std::move(done_.front());
          done_.pop_front();
          return r;
        }
        if (pending_.empty() && running_.empty()) return std::nullopt;
        if (Clock::now() >= deadline_) {
          if (deadline_is_the_captures_) {
            fail_everything(errc::kDeadline, [this](const FetchRequest& r) {
              return deadline_message(limits_.capture_timeout, r.url);
            });
          } else {
            fail_everything(errc::kTimeout, [this](const FetchRequest& r) {
              return session_timeout_message(limits_.timeout_per_session, r.url);
            });
          }
          continue;
        }
        start_ready();
        if (running_.empty()) continue;  // everything queued failed to start

        int still_running = 0;
        if (const CURLMcode mc = curl().multi_perform(multi_, &still_running); mc != CURLM_OK) {
          const std::string why = curl().multi_strerror(mc);
          fail_everything(errc::kInternal,
                          [&](const FetchRequest&) { return "libcurl failed: " + why; });
          continue;
        }
        collect_finished();
        if (!done_.empty()) continue;

        // Wake for socket activity, libcurl's own timers (curl_multi_poll takes the shorter)
        // or our session deadline.
        const auto left = std::chrono::ceil<milliseconds>(deadline_ - Clock::now());
        const int wait_ms = static_cast<int>(std::clamp<milliseconds::rep>(left.count(), 0, 1000));
        curl().multi_poll(multi_, nullptr, 0, wait_ms, nullptr);
      }
    } catch (const std::exception& e) {
      // Out of memory, most likely: end every transfer rather than leave the caller waiting.
      try {
        const std::string why = std::string("internal error while fetching: ") + e.what();
        fail_everything(errc::kInternal, [&](const FetchRequest&) { return why; });
        if (!done_.empty()) {
          FetchResult r = std::move(done_.front());
          done_.pop_front();
          return r;
        }
      } catch (...) {
      }
      return std::nullopt;
    }
  }

  // Called for each header line received (every hop): notes which hop answered with a status
  // line, and counts what would enter the cookie jar.
  void saw_header_line(Transfer& t, std::string_view line) noexcept {
    if (line.starts_with("HTTP/")) {
      curl().easy_getinfo(t.easy, CURLINFO_REDIRECT_COUNT, &t.status_hop);
      t.response_head.clear();  // a redirect's or a 1xx's head is not the final one
      t.response_head_done = false;
    }
    // The final response's head as received, for a WARC; trailers after the body are not in it.
    if (!t.response_head_done && t.response_head.size() + line.size() <= kMaxHeadBytes) {
      try {
        t.response_head.append(line);
      } catch (...) {
      }
      if (line == "\r\n" || line == "\n") t.response_head_done = true;
    }
    constexpr std::string_view kSetCookie = "set-cookie:";
    if (line.size() < kSetCookie.size()) return;
    for (std::size_t i = 0; i < kSetCookie.size(); ++i) {
      const char c = line[i];
      if (((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c) != kSetCookie[i]) return;
    }
    ++cookies_offered_;
  }

  // Called from the write callback with decoded body bytes; false aborts the transfer.
  bool accept_bytes(Transfer& t, const char* data, std::size_t n) noexcept {
    long hop = 0;
    curl().easy_getinfo(t.easy, CURLINFO_REDIRECT_COUNT, &hop);
    if (hop != t.status_hop) {
      // No status line: libcurl lets HTTP/0.9 through (CURLOPT_HTTP09_ALLOWED) only so that we
      // can tell it from garbage here; both end the transfer.
      t.abort = looks_like_status_line(std::string_view(data, n)) ? Transfer::Abort::kNotHttp
                                                                   : Transfer::Abort::kHttp09;
      return false;
    }
    if (n > limits_.max_bytes_per_response - std::min(t.received, limits_.max_bytes_per_response)) {
      t.abort = Transfer::Abort::kTooLarge;
      return false;
    }
    if (n >
        limits_.max_bytes_per_session - std::min(session_bytes_, limits_.max_bytes_per_session)) {
      t.abort = Transfer::Abort::kSessionBudget;
      budget_spent_ = true;
      return false;
    }
    try {
      if (t.request.sink == nullptr) {
        t.body.append(data, n);
      } else {
        if (t.received == 0) {
          const char* type = nullptr;
          curl().easy_getinfo(t.easy, CURLINFO_CONTENT_TYPE, &type);
          t.request.sink->begin(type != nullptr ? type : "");
        }
        if (t.body.size() < kSniffBytes) {
          t.body.append(data, std::min(n, kSniffBytes - t.body.size()));
        }
        if (!t.request.sink->write(std::string_view(data, n))) {
          t.abort = Transfer::Abort::kSink;
          return false;
        }
      }
    } catch (...) {
      t.abort = Transfer::Abort::kNoMemory;
      return false;
    }
    t.received += n;
    session_bytes_ += n;
    return true;
  }

 private:
  struct Pending {
    FetchRequest request;
    std::string host_key;  // "host:port", as libcurl counts hosts
  };

  void record_internal_failure(const FetchRequest& request, const std::exception& e) noexcept {
    try {
      done_.push_back(failed_result(request, errc::kInternal,
                                    std::string("internal error while fetching: ") + e.what()));
    } catch (...) {
    }
  }

  // Moves queued requests into libcurl while the overall and per-host caps allow. A host at its
  // cap does not hold back requests to other hosts behind it.
  void start_ready() {
    const auto max_total = static_cast<std::size_t>(limits_.max_concurrent);
    for (auto it = pending_.begin(); it != pending_.end() && running_.size() < max_total;) {
      if (budget_spent_) {
        done_.push_back(failed_result(it->request, errc::kTooLarge,
                                      session_budget_message(limits_.max_bytes_per_session)));
        it = pending_.erase(it);
        continue;
      }
      if (per_host_[it->host_key] >= limits_.max_concurrent_per_host) {
        ++it;
        continue;
      }
      Pending p = std::move(*it);
      it = pending_.erase(it);
      start_transfer(std::move(p));
    }
  }

  void start_transfer(Pending p) {
    auto t = std::make_unique<Transfer>();
    t->request = std::move(p.request);
    t->host_key = std::move(p.host_key);
    t->session = this;
    t->easy = curl().easy_init();
    if (t->easy == nullptr) {
      done_.push_back(failed_result(t->request, errc::kInternal,
                                    "could not create a libcurl handle (out of memory)"));
      return;
    }
    CURL* e = t->easy;
    CURLcode rc = CURLE_OK;
    auto set = [&](CURLoption option, auto value) {
      if (rc == CURLE_OK) rc = curl().easy_setopt(e, option, value);
    };
    set(CURLOPT_URL, t->request.url.c_str());
    set(CURLOPT_PRIVATE, static_cast<void*>(t.get()));
    set(CURLOPT_ERRORBUFFER, t->errbuf);
    set(CURLOPT_WRITEFUNCTION, &on_write);
    set(CURLOPT_WRITEDATA, static_cast<void*>(t.get()));
    set(CURLOPT_NOSIGNAL, 1L);  // no SIGALRM-based DNS timeouts: we run in threads
    set(CURLOPT_HTTP09_ALLOWED, 1L);  // refused in accept_bytes, with a message that says so
    // Only http(s), on the first hop and on every redirect hop (file://, gopher://, ... refused).
    set(CURLOPT_PROTOCOLS_STR, "http,https");
    set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    set(CURLOPT_FOLLOWLOCATION, 1L);
    set(CURLOPT_MAXREDIRS, limits_.max_redirects);
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(limits_.timeout_per_request.count()));
    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits_.connect_timeout.count()));
    set(CURLOPT_ACCEPT_ENCODING, "");  // every coding this libcurl can decode
    set(CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    if (t->request.url.size() >= 6 && (t->request.url[4] == 's' || t->request.url[4] == 'S')) {
      // Wait for a TLS connection in progress to say whether it multiplexes (HTTP/2) rather
      // than open a parallel one. Not for plain http: it never multiplexes, so waiting would
      // only serialise the first round of requests.
      set(CURLOPT_PIPEWAIT, 1L);
    }
    set(CURLOPT_USERAGENT, limits_.user_agent.c_str());
    if (!t->request.referer.empty()) set(CURLOPT_REFERER, t->request.referer.c_str());
    // Early exit when Content-Length already says it is too big. Content-Length counts encoded
    // bytes, which can exceed the decoded size by deflate's few bytes per 64 KiB, hence the
    // slack; the exact limit is applied to decoded bytes in the write callback.
    const std::size_t limit = limits_.max_bytes_per_response;
    set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limit + limit / 1024 + 1024));
    set(CURLOPT_HEADERFUNCTION, &on_header);
    set(CURLOPT_HEADERDATA, static_cast<void*>(t.get()));
    // The request as sent (for a WARC's request record) is only seen through the debug callback.
    set(CURLOPT_DEBUGFUNCTION, &on_debug);
    set(CURLOPT_DEBUGDATA, static_cast<void*>(t.get()));
    set(CURLOPT_VERBOSE, 1L);
    if (cookies_offered_ < kMaxSessionCookies) {
      set(CURLOPT_SHARE, share_);
      set(CURLOPT_COOKIEFILE, "");  // in-memory cookie engine, shared through share_
    } else {
      set(CURLOPT_SHARE, cookieless_share_);
    }
    if (rc != CURLE_OK) {
      done_.push_back(
          failed_result(t->request, errc::kInternal,
                        std::string("could not configure libcurl: ") + curl().easy_strerror(rc)));
      curl().easy_cleanup(e);
      return;
    }
    t->started = Clock::now();
    if (const CURLMcode mc = curl().multi_add_handle(multi_, e); mc != CURLM_OK) {
      done_.push_back(failed_result(t->request, errc::kInternal,
                                    std::string("libcurl failed: ") + curl().multi_strerror(mc)));
      curl().easy_cleanup(e);
      return;
    }
    ++per_host_[t->host_key];
    running_.emplace(e, std::move(t));
  }

  void collect_finished() {
    int queued = 0;
    while (CURLMsg* msg = curl().multi_info_read(multi_, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode code = msg->data.result;  // msg is invalid once the handle is removed
      auto it = running_.find(easy);
      if (it == running_.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      running_.erase(it);
      done_.push_back(finish(*t, code));
      release(*t);
    }
  }

  void release(Transfer& t) {
    curl().multi_remove_handle(multi_, t.easy);
    curl().easy_cleanup(t.easy);
    t.easy = nullptr;
    if (auto it = per_host_.find(t.host_key); it != per_host_.end() && --it->second <= 0) {
      per_host_.erase(it);
    }
  }

  FetchResult finish(Transfer& t, CURLcode code) {
    FetchResult r;
    r.tag = t.request.tag;
    r.url = t.request.url;
    r.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - t.started);
    long status = 0;
    curl().easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    r.http_status = status;
    char* effective = nullptr;
    curl().easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &effective);
    r.final_url = effective != nullptr ? effective : t.request.url;
    char* content_type = nullptr;
    curl().easy_getinfo(t.easy, CURLINFO_CONTENT_TYPE, &content_type);
    if (content_type != nullptr) r.content_type = content_type;
    r.body_size = t.received;
    if (t.response_head_done) r.response_head = std::move(t.response_head);
    r.request_head = std::move(t.request_head);
    if (code == CURLE_OK) {
      r.body = std::move(t.body);
      return r;
    }
    auto [error_code, message] = describe_failure(t, code, r);
    r.error_code = std::move(error_code);
    r.error_message = std::move(message);
    return r;
  }

  // Turns a libcurl failure into one of our codes and a sentence naming what to check.
  std::pair<std::string, std::string> describe_failure(const Transfer& t, CURLcode code,
                                                       const FetchResult& r) const {
    const std::string& where = r.final_url;  // the hop that failed
    const std::optional<UrlParts> parts = parse_url(where);
    const std::string host = parts ? parts->host : where;
    const std::string port = parts ? parts->port : "?";
    const std::string detail = t.errbuf[0] != '\0' ? t.errbuf : curl().easy_strerror(code);

    switch (code) {
      case CURLE_UNSUPPORTED_PROTOCOL: {
        // Either a redirect to a refused scheme (the first URL was checked in add()), or an
        // answer libcurl cannot read ("Unsupported HTTP version (7.1) in response").
        if (where != t.request.url && !check_fetchable_url(where).ok())
          return {errc::kUnsupportedScheme, redirect_refused_message(where)};
        // A Location libcurl refuses to parse at all (javascript:, data:) never becomes `where`.
        if (std::string_view(detail).find("redirect target") != std::string_view::npos)
          return {errc::kUnsupportedScheme, "refused a redirect from " + where +
                                                ": the target is not an http or https URL"};
        return {errc::kFetchFailed, std::string(kNotHttpMessage)};
      }
      case CURLE_TOO_MANY_REDIRECTS:
        return {errc::kTooManyRedirects,
                too_many_redirects_message(limits_.max_redirects, t.request.url)};
      case CURLE_URL_MALFORMAT:
        if (where != t.request.url) {
          return {errc::kInvalidUrl, "refused a redirect to an invalid URL from " + where};
        }
        return {errc::kInvalidUrl, "not a valid URL: " + where + " (" + detail + ")"};
      case CURLE_COULDNT_RESOLVE_HOST:
        return {errc::kFetchFailed, "could not resolve host " + host};
      case CURLE_COULDNT_RESOLVE_PROXY:
        return {errc::kFetchFailed, "could not resolve the proxy host: " + detail};
      case CURLE_COULDNT_CONNECT: {
        long os_errno = 0;
        curl().easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
        const std::string why = os_errno != 0 ? errno_text(os_errno) : detail;
        return {errc::kFetchFailed, "could not connect to " + host + " port " + port + ": " + why};
      }
      case CURLE_OPERATION_TIMEDOUT: {
        // Which timer fired? libcurl runs the connect timer only while connecting, and only it
        // can fire first when it is the shorter one; the measured time says which limit was
        // reached (libcurl may fire a millisecond early, so compare with the midpoint).
        const auto request_limit = limits_.timeout_per_request;
        const auto connect_limit = limits_.connect_timeout;
        if (request_limit.count() == 0 ||
            (connect_limit < request_limit && r.elapsed < (connect_limit + request_limit) / 2)) {
          return {errc::kTimeout, "could not connect to " + host + " port " + port + " within " +
                                      describe_duration(connect_limit)};
        }
        return {errc::kTimeout, request_timeout_message(request_limit, where)};
      }
      case CURLE_WRITE_ERROR:
        switch (t.abort) {
          case Transfer::Abort::kTooLarge:
            return {errc::kTooLarge, response_too_large_message(limits_.max_bytes_per_response)};
          case Transfer::Abort::kSessionBudget:
            return {errc::kTooLarge, session_budget_message(limits_.max_bytes_per_session)};
          case Transfer::Abort::kNoMemory:
            return {errc::kInternal, "out of memory while receiving " + where};
          case Transfer::Abort::kNotHttp:
            return {errc::kFetchFailed, std::string(kNotHttpMessage)};
          case Transfer::Abort::kHttp09:
            return {errc::kFetchFailed, std::string(kHttp09Message)};
          case Transfer::Abort::kSink:
            return {errc::kIo, "could not store the response from " + where + ": " +
                                   t.request.sink->error()};
          case Transfer::Abort::kNone:
            break;
        }
        return {errc::kFetchFailed, "could not store the response from " + where + ": " + detail};
      case CURLE_FILESIZE_EXCEEDED:
        return {errc::kTooLarge, response_too_large_message(limits_.max_bytes_per_response)};
      case CURLE_PEER_FAILED_VERIFICATION:
        return {errc::kFetchFailed,
                "the TLS certificate of " + host + " could not be verified: " + detail};
      case CURLE_SSL_CONNECT_ERROR:
        return {errc::kFetchFailed, "TLS handshake with " + host + " failed: " + detail};
      case CURLE_GOT_NOTHING:
        return {errc::kFetchFailed,
                host + " closed the connection without answering (fetching " + where + ")"};
      case CURLE_RECV_ERROR:
        if (detail.starts_with("Too large response headers")) {
          return {errc::kFetchFailed, headers_too_large_message(kMaxHeaderBytes)};
        }
        [[fallthrough]];
      case CURLE_SEND_ERROR:
      case CURLE_PARTIAL_FILE:
      case CURLE_HTTP2:
      case CURLE_HTTP2_STREAM:
        return {errc::kFetchFailed,
                "the connection to " + host + " broke while fetching " + where + ": " + detail};
      case CURLE_BAD_CONTENT_ENCODING:
        return {errc::kFetchFailed,
                "could not decode the compressed response from " + where + ": " + detail};
      case CURLE_WEIRD_SERVER_REPLY:
        return {errc::kFetchFailed, host + " sent a response that is not valid HTTP (fetching " +
                                        where + "): " + detail};
      case CURLE_OUT_OF_MEMORY: {
        // libcurl 7.88 reports a header line over CURL_MAX_HTTP_HEADER as "out of memory". The
        // URL's length is checked before, so once the request went out it is the server's line.
        long request_size = 0;
        curl().easy_getinfo(t.easy, CURLINFO_REQUEST_SIZE, &request_size);
        if (request_size > 0) {
          return {errc::kFetchFailed, header_line_too_long_message(kMaxHeaderLineBytes)};
        }
        return {errc::kInternal, "out of memory while fetching " + where};
      }
      default:
        return {errc::kFetchFailed, "fetching " + where + " failed: " + detail};
    }
  }

  // Ends every queued and running request with `code` (the session deadline, a libcurl failure).
  template <class MessageFn>
  void fail_everything(const char* code, MessageFn message) {
    const auto now = Clock::now();
    for (auto& [easy, t] : running_) {
      FetchResult r = failed_result(t->request, code, message(t->request));
      r.elapsed = std::chrono::duration_cast<milliseconds>(now - t->started);
      done_.push_back(std::move(r));
      curl().multi_remove_handle(multi_, easy);
      curl().easy_cleanup(easy);
    }
    running_.clear();
    per_host_.clear();
    for (Pending& p : pending_) done_.push_back(failed_result(p.request, code, message(p.request)));
    pending_.clear();
  }

  FetchLimits limits_;
  Clock::time_point deadline_;
  bool deadline_is_the_captures_ = false;  // capture_timeout, not timeout_per_session
  CURLM* multi_ = nullptr;
  CURLSH* share_ = nullptr;             // with the cookie jar
  CURLSH* cookieless_share_ = nullptr;  // for transfers after kMaxSessionCookies
  std::size_t cookies_offered_ = 0;     // Set-Cookie lines received in this session
  std::string init_error_;  // non-empty: libcurl unusable, every request fails with it

  std::deque<Pending> pending_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> running_;
  std::unordered_map<std::string, int> per_host_;  // running transfers per "host:port"
  std::deque<FetchResult> done_;                   // finished, in completion order
  std::size_t session_bytes_ = 0;
  bool budget_spent_ = false;
};

size_t on_write(char* data, size_t size, size_t count, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  const std::size_t n = size * count;  // size is always 1
  // Returning anything but n makes libcurl abort with CURLE_WRITE_ERROR; the reason is kept
  // in t->abort.
  return t->session->accept_bytes(*t, data, n) ? n : 0;
}

size_t on_header(char* data, size_t size, size_t count, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  const std::size_t n = size * count;
  t->session->saw_header_line(*t, std::string_view(data, n));
  return n;
}

// Keeps the request head of the last hop (each hop's head arrives as one or more
// CURLINFO_HEADER_OUT calls, the first starting a new request); ignores libcurl's other chatter.
int on_debug(CURL* /*easy*/, curl_infotype type, char* data, size_t size, void* userdata) {
  if (type != CURLINFO_HEADER_OUT) return 0;
  auto* t = static_cast<Transfer*>(userdata);
  const std::string_view bytes(data, size);
  if (t->request_head.ends_with("\r\n\r\n")) t->request_head.clear();
  if (t->request_head.size() + bytes.size() <= kMaxHeadBytes) {
    try {
      t->request_head.append(bytes);
    } catch (...) {
    }
  }
  return 0;
}

}  // namespace

CurlFetcher::CurlFetcher() = default;

std::unique_ptr<FetchSession> CurlFetcher::start(const FetchLimits& limits) {
  try {
    return std::make_unique<CurlSession>(limits);
  } catch (const std::exception&) {
    return nullptr;  // out of memory; fetch_one reports it as errc::kInternal
  }
}

}  // namespace linksnap::net
