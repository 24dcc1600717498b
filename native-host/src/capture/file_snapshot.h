// Any link that is not an HTML page becomes a snapshot too (issue 10): a PDF is kept as it
// is with its text extracted (pdf_text.h), an image as it is, an SVG sanitized
// (svg_sanitize.h), text (plain, Markdown, JSON, XML) as UTF-8 and indexed, anything else as
// a download with its type and size. What a response is comes from mime_sniff.h.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "capture/page_snapshot.h"
#include "net/fetcher.h"
#include "store/store.h"
#include "util/result.h"

namespace linksnap::capture {

struct FileLimits {
  // Larger files are refused, nothing is stored; `--max-size` changes it. A file larger than
  // a page streams to its blob file as it arrives, so this bounds the disk, not the memory.
  std::size_t max_file_bytes = 256u << 20;
};

// "http://x/big.iso is larger than 256 MiB, the most LinkSnap saves of one file"
std::string file_too_large_message(std::string_view url, std::size_t limit);

// A link fetched: an HTML page for the snapshot engine, or a file's snapshot ready for
// Store::save_snapshot (source "fetch").
struct FetchedLink {
  std::optional<Page> page;
  std::optional<store::SnapshotInput> file;
  std::string media_type;  // what the response turned out to be (mime_sniff.h)
};

// What the server did with the request for a link itself, whatever came of it (a link check
// records it: history/link_check.h).
struct LinkResponse {
  long http_status = 0;        // of the final answer; 0 when none arrived
  std::string final_url;       // after redirects
  std::string error_code;      // the fetch's, "" when an HTTP answer arrived
  std::string error_message;
};

// Fetches url once (up to file_limits.max_file_bytes; an HTML page still up to
// limits.max_bytes_per_response). With `blobs`, a body larger than a page streams into a new
// blob there (committed when it is a file worth keeping) and the file comes back with
// root_blob set; without, it is held in memory. Errors as fetch_page's, too_large over a
// limit, and the file's own (a malformed SVG is refused, not stored). `response`, when
// given, is filled in once the fetch ran (also when it failed).
Result<FetchedLink> fetch_link(std::string_view url, net::Fetcher& fetcher,
                               const net::FetchLimits& limits, const FileLimits& file_limits,
                               const store::BlobStore* blobs = nullptr, LinkResponse* response = nullptr);

// A response body that is not HTML made into a snapshot: `media_type` from
// sniff_media_type, `content_type` the header (for a text file's charset).
Result<store::SnapshotInput> file_snapshot(std::string_view final_url, std::string_view requested_url,
                                           std::string_view media_type,
                                           std::string_view content_type, std::string body);

// What a person sees for a stored file: one self-contained HTML page (the PDF in the
// browser's PDF viewer, the image, the text in <pre>, a download link otherwise).
std::string file_view_html(std::string_view media_type, std::string_view title,
                           std::string_view bytes);

// Standard base64 with padding (OpenSSL), for files carried in JSON.
std::string base64_encode(std::string_view bytes);
Result<std::string> base64_decode(std::string_view text);

// The last path segment of a URL, percent-decoded ("report 2024.pdf"); the host if none.
std::string file_name_of(std::string_view url);

}  // namespace linksnap::capture
