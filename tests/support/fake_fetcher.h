// A Fetcher without a network, for unit tests of the snapshot engine (after ninja's
// VirtualFileSystem): it serves a map of URL -> canned response, applies the same URL rule and
// the same size and redirect limits as CurlFetcher with the same error messages, and records
// which URLs were requested.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/fetcher.h"
#include "net/media_types.h"  // content_type_for_path, which from_directory uses

namespace linksnap::net {

struct FakeResponse {
  long status = 200;
  std::string content_type;
  std::string body;
  // Set: a redirect to this URL (absolute, or relative to the requested one), followed like
  // libcurl follows one, whatever `status` says.
  std::optional<std::string> redirect_to;
  // Set: the fetch fails at the transport level with this errc:: code.
  std::optional<std::string> error_code;
  std::string error_message;  // with error_code; empty: a message like CurlFetcher's
};

class FakeFetcher : public Fetcher {
 public:
  FakeFetcher();
  explicit FakeFetcher(std::map<std::string, FakeResponse> responses);

  // Serves every file under `dir` (recursively) at base_url + "/" + relative path, with path
  // segments percent-encoded as a browser would; a folder's index.html also answers at the
  // folder URL with a trailing slash. A missing `dir` serves nothing (every URL is a 404).
  static FakeFetcher from_directory(const std::string& base_url, const std::string& dir);

  FakeFetcher(FakeFetcher&&) noexcept = default;
  FakeFetcher& operator=(FakeFetcher&&) noexcept = default;
  FakeFetcher(const FakeFetcher&) = delete;
  FakeFetcher& operator=(const FakeFetcher&) = delete;

  // Adds or replaces the response for `url` (also while sessions are open).
  void set(const std::string& url, FakeResponse response);

  // Sessions answer in the order requests were added; an unknown URL is a 404 with a short
  // text body. Sessions share this fetcher's state and may outlive it.
  std::unique_ptr<FetchSession> start(const FetchLimits& limits) override;

  // Every URL passed to FetchSession::add, in order, across sessions (redirect hops are not
  // listed; they are the fake's own business). Thread-safe.
  std::vector<std::string> requests() const;
  void clear_requests();

 private:
  struct State;
  class Session;
  std::shared_ptr<State> state_;
};

}  // namespace linksnap::net
