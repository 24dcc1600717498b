#include "fake_fetcher.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <system_error>
#include <utility>

#include "util/percent.h"
#include "util/ascii.h"

namespace linksnap::net {
namespace {


bool has_scheme(std::string_view ref) {
  if (ref.empty() || !std::isalpha(static_cast<unsigned char>(ref[0]))) return false;
  for (char c : ref) {
    if (c == ':') return true;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return false;
}

// "http://host:port" of an absolute URL.
std::string_view origin_of(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return url;
  const auto path = url.find_first_of("/?#", scheme_end + 3);
  return url.substr(0, path);
}

// Enough of RFC 3986 resolution for canned redirects: absolute, scheme-relative, absolute-path,
// query-only and same-folder references (dot segments are left as written).
std::string resolve(std::string_view base, std::string_view ref) {
  if (has_scheme(ref)) return std::string(ref);
  if (ref.starts_with("//"))
    return std::string(base.substr(0, base.find(':') + 1)) + std::string(ref);
  const std::string_view origin = origin_of(base);
  if (ref.starts_with('/')) return std::string(origin) + std::string(ref);
  const std::string_view without_query = base.substr(0, base.find_first_of("?#"));
  if (ref.starts_with('?')) return std::string(without_query) + std::string(ref);
  std::string_view folder = without_query;
  if (folder.size() > origin.size()) {
    folder = folder.substr(0, folder.rfind('/') + 1);
  } else {
    return std::string(origin) + "/" + std::string(ref);
  }
  return std::string(folder) + std::string(ref);
}

// Host and port as CurlFetcher would name them in a message.
std::pair<std::string, std::string> host_and_port(std::string_view url) {
  std::string_view authority = origin_of(url);
  const bool https = ascii_lower(url.substr(0, 6)) == "https:";
  if (const auto p = authority.find("://"); p != std::string_view::npos) {
    authority.remove_prefix(p + 3);
  }
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    return {std::string(authority.substr(0, colon)), std::string(authority.substr(colon + 1))};
  }
  return {std::string(authority), https ? "443" : "80"};
}

std::string default_error_message(const std::string& code, const std::string& url,
                                  const FetchLimits& limits) {
  if (code == errc::kTimeout) return request_timeout_message(limits.timeout_per_request, url);
  if (code == errc::kTooLarge) return response_too_large_message(limits.max_bytes_per_response);
  if (code == errc::kTooManyRedirects) return too_many_redirects_message(limits.max_redirects, url);
  if (code == errc::kFetchFailed) {
    const auto [host, port] = host_and_port(url);
    return "could not connect to " + host + " port " + port + ": Connection refused";
  }
  return "fetching " + url + " failed (" + code + ")";
}

// Percent-encodes what a browser would in a path segment, so fixture file names with spaces or
// non-ASCII letters answer at the URL the engine will actually request.
std::string encode_segment(std::string_view segment) {
  return percent_encode(segment, "-._~!$&'()*+,;=:@");
}

// The whole file, or nullopt if it cannot be read. (Plain read() loop: istreambuf_iterator trips
// GCC 12's -Wnull-dereference at -O2.)
std::optional<std::string> read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string out;
  char buf[64 * 1024];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    out.append(buf, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return std::nullopt;
  return out;
}

}  // namespace

struct FakeFetcher::State {
  mutable std::mutex mu;
  std::map<std::string, FakeResponse> responses;
  std::vector<std::string> requests;
};

class FakeFetcher::Session final : public FetchSession {
 public:
  Session(std::shared_ptr<State> state, const FetchLimits& limits)
      : state_(std::move(state)), limits_(limits) {}

  void add(FetchRequest request) override {
    try {
      {
        std::lock_guard lock(state_->mu);
        state_->requests.push_back(request.url);
      }
      queue_.push_back(std::move(request));
    } catch (const std::exception&) {
      // Out of memory in a test: the request is dropped, which the test will notice.
    }
  }

  std::optional<FetchResult> next() override {
    if (queue_.empty()) return std::nullopt;
    FetchRequest request = std::move(queue_.front());
    queue_.pop_front();
    try {
      return serve(request);
    } catch (const std::exception& e) {
      return failed_result(request, errc::kInternal,
                           std::string("internal error while fetching: ") + e.what());
    }
  }

 private:
  std::optional<FakeResponse> lookup(const std::string& url) const {
    // libcurl never sends the fragment, so neither does the fake look it up.
    const std::string key = url.substr(0, url.find('#'));
    std::lock_guard lock(state_->mu);
    const auto it = state_->responses.find(key);
    if (it == state_->responses.end()) return std::nullopt;
    return it->second;
  }

  FetchResult serve(const FetchRequest& request) {
    if (Status s = check_fetchable_url(request.url); !s.ok()) {
      return failed_result(request, s.error().code, s.error().message);
    }
    if (budget_spent_) {
      return failed_result(request, errc::kTooLarge,
                           session_budget_message(limits_.max_bytes_per_session));
    }
    FetchResult r;
    r.tag = request.tag;
    r.url = request.url;
    std::string url = request.url;
    for (long hops = 0;; ++hops) {
      r.final_url = url;
      std::optional<FakeResponse> response = lookup(url);
      if (!response) {
        r.http_status = 404;
        r.content_type = "text/plain; charset=utf-8";
        r.body = "not found\n";
        return r;
      }
      r.http_status = response->status;
      r.content_type = response->content_type;
      if (response->error_code) {
        r.error_code = *response->error_code;
        r.error_message = response->error_message.empty()
                              ? default_error_message(r.error_code, url, limits_)
                              : response->error_message;
        return r;
      }
      if (response->redirect_to) {
        const std::string target = resolve(url, *response->redirect_to);
        if (hops >= limits_.max_redirects) {
          r.error_code = errc::kTooManyRedirects;
          r.error_message = too_many_redirects_message(limits_.max_redirects, request.url);
          return r;
        }
        if (Status s = check_fetchable_url(target); !s.ok()) {
          r.final_url = target;
          if (s.error().code == errc::kUnsupportedScheme) {
            r.error_code = errc::kUnsupportedScheme;
            r.error_message = redirect_refused_message(target);
          } else {
            r.error_code = errc::kInvalidUrl;
            r.error_message = "refused a redirect to an invalid URL from " + url;
          }
          return r;
        }
        url = target;
        continue;
      }
      if (response->body.size() > limits_.max_bytes_per_response) {
        r.error_code = errc::kTooLarge;
        r.error_message = response_too_large_message(limits_.max_bytes_per_response);
        return r;
      }
      if (response->body.size() >
          limits_.max_bytes_per_session - std::min(session_bytes_, limits_.max_bytes_per_session)) {
        budget_spent_ = true;
        r.error_code = errc::kTooLarge;
        r.error_message = session_budget_message(limits_.max_bytes_per_session);
        return r;
      }
      session_bytes_ += response->body.size();
      r.body_size = response->body.size();
      if (request.sink != nullptr) {
        request.sink->begin(r.content_type);
        if (!request.sink->write(response->body)) {
          r.error_code = errc::kIo;
          r.error_message =
              "could not store the response from " + url + ": " + request.sink->error();
          return r;
        }
        response->body.resize(std::min(response->body.size(), kSniffBytes));
      }
      r.body = std::move(response->body);
      return r;
    }
  }

  std::shared_ptr<State> state_;
  FetchLimits limits_;
  std::deque<FetchRequest> queue_;
  std::size_t session_bytes_ = 0;
  bool budget_spent_ = false;
};

FakeFetcher::FakeFetcher() : state_(std::make_shared<State>()) {}

FakeFetcher::FakeFetcher(std::map<std::string, FakeResponse> responses) : FakeFetcher() {
  state_->responses = std::move(responses);
}

FakeFetcher FakeFetcher::from_directory(const std::string& base_url, const std::string& dir) {
  namespace fs = std::filesystem;
  FakeFetcher fetcher;
  std::string base = base_url;
  while (base.ends_with('/')) base.pop_back();
  std::error_code ec;
  const fs::path root(dir);
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const fs::path rel = it->path().lexically_relative(root);
    std::string url_path;
    for (const fs::path& segment : rel) url_path += "/" + encode_segment(segment.string());
    std::optional<std::string> body = read_whole_file(it->path());
    if (!body) continue;
    FakeResponse response;
    response.content_type = content_type_for_path(url_path);
    response.body = std::move(*body);
    if (rel.filename() == "index.html") {
      fetcher.set(base + url_path.substr(0, url_path.size() - std::string("index.html").size()),
                  response);
    }
    fetcher.set(base + url_path, std::move(response));
  }
  return fetcher;
}

void FakeFetcher::set(const std::string& url, FakeResponse response) {
  std::lock_guard lock(state_->mu);
  state_->responses[url] = std::move(response);
}

std::unique_ptr<FetchSession> FakeFetcher::start(const FetchLimits& limits) {
  return std::make_unique<Session>(state_, limits);
}

std::vector<std::string> FakeFetcher::requests() const {
  std::lock_guard lock(state_->mu);
  return state_->requests;
}

void FakeFetcher::clear_requests() {
  std::lock_guard lock(state_->mu);
  state_->requests.clear();
}

}  // namespace linksnap::net
