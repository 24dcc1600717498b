// WARC 1.1 records (ISO 28500:2017), each its own gzip member as web archives write them, so
// a reader can seek to any record by its offset (the CDXJ index of a WACZ does). Pure: bytes go
// to a sink; the caller owns the file (interop/web_archive.h). Digests are SHA-1 in base32
// ("sha1:..."), what warcio, pywb and ReplayWeb.page write and check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace linksnap::interop {

// The longest target URI written; a longer one is refused (bad_request), as the fetcher never
// fetches one.
inline constexpr std::size_t kMaxWarcUriBytes = 64u << 10;
// A stored head past this is not used: headers are synthesized instead.
inline constexpr std::size_t kMaxWarcHeadBytes = 300u << 10;

// "sha1:" + base32 of the SHA-1 of bytes (RFC 4648 alphabet, no padding needed: 160 bits).
std::string warc_sha1(std::string_view bytes);
// A new "<urn:uuid:...>" (random, version 4).
std::string new_warc_record_id();
// The URL as a WARC-Target-URI: spaces, controls, non-ASCII bytes and <>" percent-encoded.
std::string warc_target_uri(std::string_view url);

// An HTTP response head made to describe the payload as stored: LinkSnap keeps bodies decoded,
// so Content-Encoding and Transfer-Encoding are removed (kept as X-LinkSnap-Orig-... for the
// record) and Content-Length is the payload's size. A head that is missing, too long or not
// HTTP is synthesized: the status (200 if unknown), Content-Type and Content-Length.
struct HttpResponseHead {
  std::string block;      // status line and headers, CRLF, ending with the empty line
  long status = 0;
  std::string mime;       // Content-Type's media type, lowercase ("" if none)
  std::string protocol;   // "http/1.1", "http/2" (WARC-Protocol)
  bool synthesized = false;
  bool decoded = false;   // a Content-Encoding or Transfer-Encoding was removed
};
HttpResponseHead response_head_for(std::string_view raw_head, std::size_t payload_size,
                                   std::optional<long> status, std::string_view fallback_mime);

// The request head as sent, or (none kept, or not a request) "GET <path> HTTP/1.1" with Host.
std::string request_head_for(std::string_view raw_head, std::string_view url);

struct WarcRecordInfo {
  std::string id;          // WARC-Record-ID
  std::string type;        // warcinfo | response | request | resource | revisit
  std::string target_uri;
  std::string date;        // WARC-Date
  std::string payload_digest;
  std::string mime;        // of the payload (CDXJ)
  long status = 0;         // HTTP status (CDXJ); 0 for a resource
  std::uint64_t offset = 0;  // of its gzip member in the output
  std::uint64_t length = 0;  // compressed bytes
};

// Writes records to `sink` (compressed bytes, in order). After an error nothing more is
// written: the output is to be discarded.
class WarcWriter {
 public:
  using Sink = std::function<Status(std::string_view bytes)>;
  explicit WarcWriter(Sink sink);

  // fields: "name: value" lines of application/warc-fields.
  Result<WarcRecordInfo> warcinfo(std::string_view filename, std::string_view date,
                                  const std::vector<std::pair<std::string, std::string>>& fields);
  // A response: http_head + payload. extra: further WARC fields (WARC-Protocol, notes).
  Result<WarcRecordInfo> response(std::string_view uri, std::string_view date,
                                  const HttpResponseHead& head, std::string_view payload,
                                  const std::vector<std::pair<std::string, std::string>>& extra = {});
  // The request that led to `response_id` (WARC-Concurrent-To).
  Result<WarcRecordInfo> request(std::string_view uri, std::string_view date,
                                 std::string_view request_head, std::string_view response_id);
  // A resource (no HTTP exchange: a captured DOM), payload = block.
  Result<WarcRecordInfo> resource(std::string_view uri, std::string_view date,
                                  std::string_view mime, std::string_view payload,
                                  const std::vector<std::pair<std::string, std::string>>& extra = {});
  // A revisit (identical-payload-digest) of an earlier response with the same payload: the
  // HTTP head only.
  Result<WarcRecordInfo> revisit(std::string_view uri, std::string_view date,
                                 const HttpResponseHead& head, const WarcRecordInfo& original);

  std::uint64_t bytes_written() const { return written_; }

 private:
  Result<WarcRecordInfo> write(WarcRecordInfo info,
                               std::vector<std::pair<std::string, std::string>> fields,
                               std::string_view content_type, std::string_view head,
                               std::string_view payload);
  Status emit(std::string_view bytes);

  Sink sink_;
  std::uint64_t written_ = 0;
  bool failed_ = false;
};

}  // namespace linksnap::interop
