// WACZ 1.1.1 (Webrecorder's web archive collection zip): a WARC with its CDXJ index, the list
// of pages and a datapackage.json naming every file with its SHA-256 and size. The text parts
// are pure; write_wacz packs them with libarchive as a ZIP whose entries are stored, not
// deflated, so a reader can fetch a record by its offset inside archive/data.warc.gz.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "interop/warc.h"
#include "util/result.h"

namespace linksnap::interop {

// The sort key replay tools look a URL up by (SURT, as warcio's getSurt makes it): the host's
// labels reversed and comma-joined without "www.", a non-default port, ")", the path and the
// query's parameters sorted, all lowercase. A URL that is not http(s) is its own key.
std::string surt_key(std::string_view url);

// "20261202143500" from a WARC-Date.
std::string cdxj_timestamp(std::string_view warc_date);

// One line of index.cdxj for a response, resource or revisit record (no newline).
std::string cdxj_line(const WarcRecordInfo& record, std::string_view warc_filename);

struct WaczPage {
  std::string url;
  std::string ts;     // WARC-Date of its record
  std::string title;
};
// pages/pages.jsonl: the header line, then one line per page.
std::string pages_jsonl(const std::vector<WaczPage>& pages);

struct WaczEntry {
  std::string name;         // path inside the zip
  std::string bytes;        // the content, when `from_file` is empty
  std::string from_file;    // else copied from this file
  std::string sha256;       // hex, of the content
  std::uint64_t size = 0;
};
// datapackage.json for these entries.
std::string datapackage_json(const std::vector<WaczEntry>& entries, std::string_view created,
                             std::string_view title, std::string_view software);
// datapackage-digest.json for datapackage.json's bytes.
std::string datapackage_digest_json(std::string_view datapackage);

// Writes a ZIP of the entries, in order, every entry stored (no compression), to `path`.
// Errors (io) name the file and what the system said.
Status write_zip(const std::string& path, const std::vector<WaczEntry>& entries);

}  // namespace linksnap::interop
