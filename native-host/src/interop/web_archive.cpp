#include "interop/web_archive.h"

#include <fcntl.h>
#include <signal.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <unordered_map>

#include "interop/wacz.h"
#include "interop/warc.h"
#include "util/sha256.h"

namespace linksnap::interop {

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string base_name(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string describe_gib(std::uint64_t bytes) {
  char buf[48];
  if (bytes >= (std::uint64_t{1} << 30) && bytes % (std::uint64_t{1} << 30) == 0) {
    std::snprintf(buf, sizeof buf, "%llu GiB", static_cast<unsigned long long>(bytes >> 30));
  } else if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) {
    std::snprintf(buf, sizeof buf, "%llu MiB", static_cast<unsigned long long>(bytes >> 20));
  } else {
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  }
  return buf;
}

// Removes what an export killed before it could clean up left beside `target`: files named
// "<target name>.linksnap-tmp[-warc]-<pid>" whose process is gone. A live pid's file is
// another export still running, and is left to it.
void remove_stale_temp_files(const std::string& target) {
  const std::size_t slash = target.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : target.substr(0, slash));
  const std::string prefix = base_name(target) + ".linksnap-tmp";
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::string rest = name.substr(prefix.size());
    const std::size_t dash = rest.rfind('-');
    if (dash == std::string::npos || (dash != 0 && rest.substr(0, dash) != "-warc")) continue;
    const std::string digits = rest.substr(dash + 1);
    if (digits.empty() || digits.size() > 9 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (::kill(pid, 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      std::filesystem::remove(it->path(), ignored);
    }
  }
}

// A file written beside its target and renamed onto it only by commit(); removed otherwise.
class TempFile {
 public:
  static Result<std::unique_ptr<TempFile>> create(const std::string& target, const std::string& suffix) {
    remove_stale_temp_files(target);
    std::string tmp = target + ".linksnap-tmp" + suffix + "-" + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return make_error(errc::kIo, "cannot write " + target + ": " + std::strerror(errno));
    return std::unique_ptr<TempFile>(new TempFile(target, std::move(tmp), fd));
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(tmp_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& tmp_path() const { return tmp_; }

  Status write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return error();
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return ok_status();
  }
  // Flushed to disk and closed, not yet in place (a WACZ's WARC is packed from it first).
  Status close() {
    if (fd_ < 0) return ok_status();
    if (::fsync(fd_) != 0) return error();
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return error();
    return ok_status();
  }
  Status commit() {
    LINKSNAP_TRY(close());
    if (::rename(tmp_.c_str(), target_.c_str()) != 0) return error();
    committed_ = true;
    return ok_status();
  }

 private:
  TempFile(std::string target, std::string tmp, int fd)
      : target_(std::move(target)), tmp_(std::move(tmp)), fd_(fd) {}
  Error error() const { return make_error(errc::kIo, "cannot write " + target_ + ": " + std::strerror(errno)); }

  std::string target_, tmp_;
  int fd_ = -1;
  bool committed_ = false;
};

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (ctx_ != nullptr) EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
  }
  void update(std::string_view b) { EVP_DigestUpdate(ctx_.get(), b.data(), b.size()); }
  std::string hex() {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_.get(), d, &n);
    std::string out;
    char two[3];
    for (unsigned int i = 0; i < n; ++i) {
      std::snprintf(two, sizeof two, "%02x", d[i]);
      out += two;
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

constexpr const char* kNoteField = "WARC-LinkSnap-Note";
constexpr const char* kSynthesizedNote =
    "headers synthesized: this snapshot was made before LinkSnap kept response headers";
constexpr const char* kDecodedNote =
    "payload stored decoded: Content-Encoding/Transfer-Encoding removed (X-LinkSnap-Orig-*), "
    "Content-Length is the decoded size";
constexpr const char* kRewrittenNote =
    "payload as LinkSnap rewrote it for offline viewing: the bytes as received were not kept";

// Walks the snapshots and writes their records.
class Exporter {
 public:
  Exporter(store::Store& store, WarcWriter& writer, WebArchiveSummary& summary, bool keep_index)
      : store_(store), w_(writer), sum_(summary), keep_index_(keep_index) {}

  std::vector<WarcRecordInfo> indexed;  // responses, resources, revisits (for the CDXJ)
  std::vector<WaczPage> pages;

  Status snapshot(const store::SnapshotRecord& s) {
    ++sum_.snapshots;
    const std::string& date = s.captured_at;
    const std::string blob = s.original_blob.value_or(s.root_blob);
    if (s.source == "fetch") {
      const std::string mime = s.media_type == "text/html" && !s.original_blob
                                   ? std::string("text/html; charset=utf-8")
                                   : s.media_type;
      LINKSNAP_TRY(exchange(s.url, date, blob, s.request_head, s.response_head, 200, mime,
                            !s.original_blob && is_rewritten_type(s.media_type)));
    } else {
      auto bytes = too_long(s.url) ? Result<std::string>(make_error(errc::kBadRequest, "URL too long"))
                                    : store_.blobs().get(blob);
      if (!bytes.ok()) {
        ++sum_.skipped;
      } else {
        Fields extra;
        if (!s.original_blob) extra.emplace_back(kNoteField, kRewrittenNote);
        const std::string mime = s.media_type == "text/html" ? "text/html; charset=utf-8" : s.media_type;
        auto r = w_.resource(s.url, date, mime, *bytes, extra);
        if (!r.ok()) return r.error();
        ++sum_.records;
        ++sum_.resources;
        if (keep_index_) indexed.push_back(*r);
      }
    }
    if (keep_index_) pages.push_back({warc_target_uri(s.url), date, s.title});
    // Only saved resources: what failed has nothing to replay.
    auto resources = store_.exchanges_of(s.id);
    if (!resources.ok()) return resources.error();
    for (const auto& r : *resources) {
      const store::ResourceRecord& rec = r.record;
      const std::string target = rec.final_url.value_or(rec.url);
      if (target != rec.url) LINKSNAP_TRY(redirect(rec.url, target, date));
      const bool rewritten = !r.original_blob && (rec.mime == "text/css" || rec.mime == "text/html");
      LINKSNAP_TRY(exchange(target, date, r.original_blob.value_or(*rec.blob), r.request_head,
                            r.response_head, rec.http_status.value_or(200), rec.mime, rewritten));
    }
    return ok_status();
  }

 private:
  static bool is_rewritten_type(const std::string& mime) { return mime == "text/html"; }
  // A URL a WARC cannot name (its escaped form is over the limit): the record is left out.
  static bool too_long(const std::string& uri) { return warc_target_uri(uri).size() > kMaxWarcUriBytes; }

  Status note_written(const Result<WarcRecordInfo>& r) {
    if (!r.ok()) {
      if (r.error().code == errc::kBadRequest) {  // a URL too long for a WARC: left out
        ++sum_.skipped;
        return ok_status();
      }
      return r.error();
    }
    ++sum_.records;
    return ok_status();
  }

  // A response (or a revisit of an earlier one with the same bytes) and its request.
  Status exchange(const std::string& uri, const std::string& date, const std::string& blob,
                  const std::string& request_head, const std::string& response_head, long status,
                  const std::string& mime, bool rewritten) {
    if (too_long(uri)) {
      ++sum_.skipped;
      return ok_status();
    }
    const long long size = store_.blobs().size_of(blob);
    if (size < 0) {
      ++sum_.skipped;
      return ok_status();
    }
    const HttpResponseHead head =
        response_head_for(response_head, static_cast<std::size_t>(size), status, mime);
    if (head.synthesized) ++sum_.synthesized;
    Result<WarcRecordInfo> written = make_error(errc::kInternal, "");
    if (auto first = first_by_blob_.find(blob); first != first_by_blob_.end()) {
      written = w_.revisit(uri, date, head, first->second);
      if (written.ok()) ++sum_.revisits;
    } else {
      auto bytes = store_.blobs().get(blob);
      if (!bytes.ok()) {
        ++sum_.skipped;
        return ok_status();
      }
      Fields extra;
      if (head.synthesized) extra.emplace_back(kNoteField, kSynthesizedNote);
      if (head.decoded) extra.emplace_back(kNoteField, kDecodedNote);
      if (rewritten) extra.emplace_back(kNoteField, kRewrittenNote);
      written = w_.response(uri, date, head, *bytes, extra);
      if (written.ok()) {
        ++sum_.responses;
        first_by_blob_.emplace(blob, *written);
      }
    }
    if (!written.ok()) return written.error();
    ++sum_.records;
    if (keep_index_) indexed.push_back(*written);
    return note_written(w_.request(uri, date, request_head_for(request_head, uri), written->id));
  }

  // The hop LinkSnap did not keep, so a replay that asks for the address the page named finds
  // where it led.
  Status redirect(const std::string& from, const std::string& to, const std::string& date) {
    if (too_long(from) || too_long(to)) {
      ++sum_.skipped;
      return ok_status();
    }
    const HttpResponseHead head = response_head_for(
        "HTTP/1.1 302 Found\r\nLocation: " + warc_target_uri(to) + "\r\n\r\n", 0, 302, "");
    auto r = w_.response(from, date, head, "",
                         {{kNoteField, "synthesized: LinkSnap keeps only the last hop of a redirect"}});
    if (!r.ok()) return r.error();
    ++sum_.records;
    ++sum_.responses;
    if (keep_index_) indexed.push_back(*r);
    return ok_status();
  }

  store::Store& store_;
  WarcWriter& w_;
  WebArchiveSummary& sum_;
  bool keep_index_;
  std::unordered_map<std::string, WarcRecordInfo> first_by_blob_;  // blob -> its first response
};

// Responses of these links that will get synthesized headers (said in the warcinfo record).
Result<std::int64_t> count_without_heads(store::Store& store, const std::vector<store::LinkRecord>& links) {
  std::int64_t n = 0;
  for (const auto& l : links) {
    auto snaps = store.snapshots_of(l.id);
    if (!snaps.ok()) return snaps.error();
    for (const auto& s : *snaps) {
      if (s.source == "fetch" && s.response_head.empty()) ++n;
      auto res = store.exchanges_of(s.id);
      if (!res.ok()) return res.error();
      for (const auto& r : *res) {
        if (r.response_head.empty()) ++n;
      }
    }
  }
  return n;
}

// Writes the whole WARC through `out` (which counts and bounds the bytes).
Result<Exporter*> write_records(store::Store& store, const std::vector<store::LinkRecord>& links,
                                WarcWriter& writer, const std::string& filename,
                                const WebArchiveOptions& options, WebArchiveSummary& summary,
                                std::unique_ptr<Exporter>& exporter, bool keep_index) {
  auto without = count_without_heads(store, links);
  if (!without.ok()) return without.error();
  Fields info = {
      {"software", options.software},
      {"format", "WARC File Format 1.1"},
      {"conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"},
      {"description", "LinkSnap export of " + std::to_string(links.size()) + " links"},
      {"payloads", "bodies as LinkSnap stored them: decoded (no Content-Encoding), "
                   "Content-Length set to match"}};
  if (*without > 0) {
    info.emplace_back("synthesized-headers",
                      std::to_string(*without) +
                          " responses are from snapshots made before LinkSnap kept headers: "
                          "their status line, Content-Type and Content-Length are synthesized");
  }
  auto r = writer.warcinfo(filename, options.now, info);
  if (!r.ok()) return r.error();
  ++summary.records;
  exporter = std::make_unique<Exporter>(store, writer, summary, keep_index);
  for (const auto& l : links) {
    ++summary.links;
    auto snaps = store.snapshots_of(l.id);
    if (!snaps.ok()) return snaps.error();
    for (const auto& s : *snaps) LINKSNAP_TRY(exporter->snapshot(s));
  }
  return exporter.get();
}

Status check_something_to_export(const std::vector<store::LinkRecord>& links) {
  for (const auto& l : links) {
    if (l.snapshot_count > 0) return ok_status();
  }
  return make_error(errc::kNotFound, links.empty() ? "no links to export"
                                                   : "none of these links has a snapshot to export");
}

}  // namespace

std::string export_too_large_message(std::uint64_t limit) {
  return "the export is larger than " + describe_gib(limit) +
         ", the most one export may be; export fewer links with --tag or --search";
}

Result<WebArchiveSummary> export_warc(store::Store& store, const std::vector<store::LinkRecord>& links,
                                      const std::string& path, const WebArchiveOptions& options) {
  LINKSNAP_TRY(check_something_to_export(links));
  auto file = TempFile::create(path, "");
  if (!file.ok()) return file.error();
  WebArchiveSummary summary;
  std::uint64_t total = 0;
  WarcWriter writer([&](std::string_view bytes) -> Status {
    if (bytes.size() > options.max_bytes - std::min(total, options.max_bytes)) {
      return make_error(errc::kTooLarge, export_too_large_message(options.max_bytes));
    }
    total += bytes.size();
    return (*file)->write(bytes);
  });
  std::unique_ptr<Exporter> exporter;
  auto done = write_records(store, links, writer, base_name(path), options, summary, exporter, false);
  if (!done.ok()) return done.error();
  LINKSNAP_TRY((*file)->commit());
  summary.bytes = total;
  return summary;
}

Result<WebArchiveSummary> export_wacz(store::Store& store, const std::vector<store::LinkRecord>& links,
                                      const std::string& path, const WebArchiveOptions& options) {
  LINKSNAP_TRY(check_something_to_export(links));
  auto warc = TempFile::create(path, "-warc");
  if (!warc.ok()) return warc.error();
  WebArchiveSummary summary;
  std::uint64_t total = 0;
  Sha256 warc_hash;
  WarcWriter writer([&](std::string_view bytes) -> Status {
    if (bytes.size() > options.max_bytes - std::min(total, options.max_bytes)) {
      return make_error(errc::kTooLarge, export_too_large_message(options.max_bytes));
    }
    total += bytes.size();
    warc_hash.update(bytes);
    return (*warc)->write(bytes);
  });
  const std::string warc_name = "data.warc.gz";
  std::unique_ptr<Exporter> exporter;
  auto done = write_records(store, links, writer, warc_name, options, summary, exporter, true);
  if (!done.ok()) return done.error();
  LINKSNAP_TRY((*warc)->close());

  std::vector<std::string> lines;
  lines.reserve(exporter->indexed.size());
  for (const auto& r : exporter->indexed) lines.push_back(cdxj_line(r, warc_name));
  std::sort(lines.begin(), lines.end());
  std::string cdxj;
  for (const auto& l : lines) cdxj += l + "\n";

  std::vector<WaczEntry> entries;
  WaczEntry w;
  w.name = "archive/" + warc_name;
  w.from_file = (*warc)->tmp_path();
  w.sha256 = warc_hash.hex();
  w.size = total;
  entries.push_back(std::move(w));
  auto text_entry = [](std::string name, std::string bytes) {
    WaczEntry e;
    e.name = std::move(name);
    e.sha256 = sha256_hex(bytes);
    e.size = bytes.size();
    e.bytes = std::move(bytes);
    return e;
  };
  entries.push_back(text_entry("indexes/index.cdxj", std::move(cdxj)));
  entries.push_back(text_entry("pages/pages.jsonl", pages_jsonl(exporter->pages)));
  std::string package = datapackage_json(entries, options.now,
                                         "LinkSnap export of " + std::to_string(links.size()) + " links",
                                         options.software);
  std::string digest = datapackage_digest_json(package);
  entries.push_back(text_entry("datapackage.json", std::move(package)));
  entries.push_back(text_entry("datapackage-digest.json", std::move(digest)));

  auto zip = TempFile::create(path, "");
  if (!zip.ok()) return zip.error();
  LINKSNAP_TRY(write_zip((*zip)->tmp_path(), entries));
  LINKSNAP_TRY((*zip)->commit());
  struct stat st {};
  summary.bytes = ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : total;
  return summary;
}

}  // namespace linksnap::interop
