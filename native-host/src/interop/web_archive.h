// `linksnap export --warc` / `--wacz`: the snapshots of some links as a web archive that other
// tools replay (interop/warc.h, interop/wacz.h). Reads the store one blob at a time and streams
// the records to a temp file beside the target, renamed into place only when complete: a
// failure or a kill leaves nothing at the target path.
//
// What each snapshot becomes (README "Web archives"):
//  - a fetched page (`fetch`): a `response` (its status line and headers as received, the body
//    as received but decoded) and its `request`;
//  - a DOM capture (`dom`) or a rendered page (`render`): a `resource` of the HTML as captured
//    (there was no HTTP exchange of its own);
//  - every resource saved with it: a `response` and its `request`, or a `revisit` when a record
//    with the same payload was written before;
//  - a resource fetched through a redirect: a synthesized 302 `response` from the address the
//    page named to where it ended (LinkSnap keeps only the last hop).
// Snapshots from before headers were kept get synthesized ones (status, Content-Type,
// Content-Length), counted and said in the warcinfo record.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"
#include "util/result.h"

namespace linksnap::interop {

struct WebArchiveOptions {
  // The largest archive written (compressed): past it the export stops with too_large and
  // nothing is left behind.
  std::uint64_t max_bytes = std::uint64_t{16} << 30;
  std::string software;  // "LinkSnap 0.1.0"
  std::string now;       // format_utc of the export time
};

struct WebArchiveSummary {
  std::int64_t links = 0;
  std::int64_t snapshots = 0;
  std::int64_t records = 0;
  std::int64_t responses = 0;
  std::int64_t revisits = 0;
  std::int64_t resources = 0;   // resource records (captured DOMs)
  std::int64_t synthesized = 0;  // responses whose headers were synthesized
  std::int64_t skipped = 0;      // resources not written (missing file, URL too long)
  std::uint64_t bytes = 0;       // of the file written
};

// "the export is larger than 16 GiB, the most one export may be; export fewer links with --tag or --search"
std::string export_too_large_message(std::uint64_t limit);

// Writes every snapshot of `links` as a WARC 1.1 (gzip per record) to `path`.
Result<WebArchiveSummary> export_warc(store::Store& store, const std::vector<store::LinkRecord>& links,
                                      const std::string& path, const WebArchiveOptions& options);

// The same records as a WACZ 1.1.1 at `path`.
Result<WebArchiveSummary> export_wacz(store::Store& store, const std::vector<store::LinkRecord>& links,
                                      const std::string& path, const WebArchiveOptions& options);

}  // namespace linksnap::interop
