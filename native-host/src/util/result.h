// Errors as values at module edges (after leveldb's Status): every fallible function in the
// core returns Result<T>; exceptions from libraries are caught in the adapter that calls them.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace linksnap {

// Stable, machine-readable error codes. They travel over the native messaging protocol
// (docs/protocol.md) and decide the CLI's exit code, so never rename one.
namespace errc {
inline constexpr const char* kBadRequest = "bad_request";        // missing/invalid fields
inline constexpr const char* kNotFound = "not_found";            // no such link/tag/snapshot
inline constexpr const char* kConflict = "conflict";             // e.g. rename onto an existing tag
inline constexpr const char* kInvalidUrl = "invalid_url";        // not a URL at all
inline constexpr const char* kUnsupportedScheme = "unsupported_scheme";  // not http/https
inline constexpr const char* kFetchFailed = "fetch_failed";      // DNS, connect, TLS, reset
inline constexpr const char* kHttpError = "http_error";          // 4xx/5xx for the page itself
inline constexpr const char* kTimeout = "timeout";
inline constexpr const char* kTooLarge = "too_large";            // a size limit was hit
inline constexpr const char* kTooManyRedirects = "too_many_redirects";
inline constexpr const char* kIo = "io_error";                   // disk, permissions, full disk
inline constexpr const char* kDatabase = "database_error";
inline constexpr const char* kBadFrame = "bad_frame";            // framing broken
inline constexpr const char* kBadJson = "bad_json";
inline constexpr const char* kBadChunk = "bad_chunk";
inline constexpr const char* kUnknownCommand = "unknown_command";
inline constexpr const char* kForbidden = "forbidden";
inline constexpr const char* kInternal = "internal_error";
}  // namespace errc

struct Error {
  std::string code;     // one of errc::*
  std::string message;  // one sentence a person can act on
};

inline Error make_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok_status() { return Status(); }

}  // namespace linksnap

// Propagate an error from an expression returning Result<...>/Status.
#define LINKSNAP_TRY(expr)                                             \
  do {                                                                 \
    auto linksnap_try_result_ = (expr);                                \
    if (!linksnap_try_result_.ok()) return linksnap_try_result_.error(); \
  } while (0)
