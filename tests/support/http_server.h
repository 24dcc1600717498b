// A real HTTP/1.1 server on the loopback interface for tests and benchmarks: it serves a
// fixture folder plus a few /__ test routes (status codes, redirects, slow and endless
// responses, a gzip bomb) so the libcurl fetcher is exercised against real sockets. Plain POSIX
// sockets and a thread per connection; every blocking point also waits on a wake-up pipe, so
// stop() never hangs on a client that stopped reading or on a sleeping /__slow handler.
//
// Routes (GET and HEAD; other methods get 405):
//   /<path>               the file under Options::root ("/" and directories: index.html);
//                         404 if missing, 403 for ".." segments or a path that leaves the root.
//   /__status/<code>      that status with a short text body (no body for 204 and 304).
//   /__redirect?to=<url>  302 to the percent-decoded <url>; &code=301|303|307|308 to vary.
//   /__chain?n=N          302 to /__chain?n=N-1; n=0 answers 200 (a redirect chain of N hops).
//   /__slow?ms=N          sleeps N ms (other connections are unaffected), then 200 "slow".
//   /__bytes?n=N          N bytes of 'a', chunked, without Content-Length.
//   /__drip?n=N&ms=M      N bytes, chunked, one byte every M ms (default 1000); &type= sets the
//                         Content-Type (default image/gif).
//   /__cookies?n=N&size=S a tiny image/gif that sets N cookies of S bytes, named apart per
//                         response (a cookie flood).
//   /__gzipbomb?n=N       Content-Encoding: gzip body inflating to N zero bytes (built once per N,
//                         sent whatever the client's Accept-Encoding says: it is an attack).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace linksnap::test {

class TestHttpServer {
 public:
  struct Options {
    std::string root;    // folder served at "/"; empty: only the /__ routes answer
    uint16_t port = 0;   // 0: a free port chosen by the kernel
    int latency_ms = 0;  // sleep before answering each request (benchmarks use 20)
    bool gzip = true;    // gzip text-like bodies when the request accepts gzip
  };

  // Binds 127.0.0.1 and starts serving. Throws std::runtime_error if it cannot listen (test
  // support only: a test that cannot get its server should fail loudly right there).
  explicit TestHttpServer(Options options);
  ~TestHttpServer();  // stop()
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  uint16_t port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"

  // Overrides the Content-Type of a file, keyed by request path ("/a/b.html") or by extension
  // (".html"); e.g. "text/html; charset=gbk" for charset tests. Without an override the type
  // comes from the extension, with "; charset=utf-8" for text/*. Thread-safe.
  void set_content_type(const std::string& path_or_extension, std::string content_type);

  // Answers requests for `path` (exactly, no query) with a redirect to `location` (status
  // `code`) instead of the file, until clear_redirect(path): a page that moves. Thread-safe.
  void set_redirect(const std::string& path, std::string location, int code = 301);
  void clear_redirect(const std::string& path);

  // Closes the listener and every connection, wakes sleeping handlers and joins all threads.
  // Idempotent; safe to call while clients are still connected.
  void stop();

  // Request log (thread-safe): request targets (path + query) in arrival order.
  std::vector<std::string> request_paths() const;
  std::size_t request_count() const;
  // Request headers in the same order, names in lower case ("user-agent", "referer", ...).
  std::vector<std::map<std::string, std::string>> request_headers() const;
  // Connection accounting: connections accepted, and the most open at the same time / the
  // most requests being answered at the same time since construction or reset_log().
  std::size_t connection_count() const;
  std::size_t max_concurrent_connections() const;
  std::size_t max_concurrent_requests() const;
  // Clears the request log and connection counters (maxima restart from the current values).
  void reset_log();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linksnap::test
