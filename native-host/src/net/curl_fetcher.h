// The real network edge: a Fetcher on libcurl's multi interface. Each session owns one multi
// handle (so transfers share its connection cache, HTTP/2 multiplexing and DNS cache) and runs
// every transfer on the thread that calls next(); nothing runs in the background.
//
// What a session guarantees (see FetchLimits):
//  - only http and https, checked before a request starts and enforced by libcurl on every
//    redirect hop; at most max_redirects hops;
//  - at most max_concurrent transfers in flight, at most max_concurrent_per_host per host:port;
//    the rest wait in the session's own queue (not libcurl's, whose pending transfers would
//    burn their timeout while waiting);
//  - per-request and connect timeouts, a session deadline after which every remaining request
//    finishes with errc::kTimeout;
//  - body sizes counted on decoded bytes as they arrive, so a gzip bomb stops at the limit.
#pragma once

#include <memory>

#include "net/fetcher.h"

namespace linksnap::net {

// Sent when FetchLimits::user_agent is empty: a current desktop Chrome (sites serve their normal
// page to it) that still names LinkSnap.
extern const char* const kDefaultUserAgent;

class CurlFetcher : public Fetcher {
 public:
  // Does nothing: the first start() loads linksnap-curl.so and initialises libcurl (once per
  // process, thread-safe), so a command that never fetches never maps libcurl.
  CurlFetcher();

  // A session is used by one thread at a time; different sessions may run on different threads
  // concurrently. If libcurl cannot be set up, every request of the session fails with
  // errc::kInternal; returns null only when out of memory.
  std::unique_ptr<FetchSession> start(const FetchLimits& limits) override;
};

}  // namespace linksnap::net
