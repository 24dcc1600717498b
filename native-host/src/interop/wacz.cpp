#include "interop/wacz.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "modules/archive_api.h"
#include "util/sha256.h"
#include "util/url.h"
#include "util/ascii.h"

namespace linksnap::interop {

namespace {

using json = nlohmann::json;


std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string surt_key(std::string_view raw) {
  if (!raw.starts_with("http:") && !raw.starts_with("https:")) return std::string(raw);
  std::string u(raw);
  // "www.", "www2." ... right after the scheme are not part of the key.
  const std::size_t host_at = u.find("://");
  if (host_at != std::string::npos) {
    std::size_t p = host_at + 3;
    if (u.size() > p + 3 && ascii_lower(u.substr(p, 3)) == "www") {
      std::size_t q = p + 3;
      while (q < u.size() && u[q] >= '0' && u[q] <= '9') ++q;
      if (q < u.size() && u[q] == '.') u.erase(p, q + 1 - p);
    }
  }
  u = ascii_lower(u);
  auto parts = url::parse(u);
  if (!parts.ok()) return std::string(raw);
  std::string host = parts->host;
  std::string key;
  if (!host.empty() && host.front() == '[') {
    key = host;  // an IPv6 literal is not reversed
  } else {
    std::vector<std::string> labels;
    std::size_t at = 0;
    for (;;) {
      const std::size_t dot = host.find('.', at);
      labels.push_back(host.substr(at, dot == std::string::npos ? std::string::npos : dot - at));
      if (dot == std::string::npos) break;
      at = dot + 1;
    }
    for (std::size_t i = labels.size(); i-- > 0;) {
      key += labels[i];
      if (i > 0) key += ',';
    }
  }
  if (parts->port >= 0) key += ":" + std::to_string(parts->port);
  key += ")";
  key += parts->path.empty() ? "/" : parts->path;
  if (!parts->query.empty()) {
    std::vector<std::string> params;
    std::size_t at = 0;
    for (;;) {
      const std::size_t amp = parts->query.find('&', at);
      params.push_back(parts->query.substr(at, amp == std::string::npos ? std::string::npos : amp - at));
      if (amp == std::string::npos) break;
      at = amp + 1;
    }
    std::sort(params.begin(), params.end());
    key += '?';
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (i > 0) key += '&';
      key += params[i];
    }
  }
  return key;
}

std::string cdxj_timestamp(std::string_view warc_date) {
  std::string digits;
  for (char c : warc_date) {
    if (c >= '0' && c <= '9') digits.push_back(c);
    if (digits.size() == 14) break;
  }
  return digits;
}

std::string cdxj_line(const WarcRecordInfo& record, std::string_view warc_filename) {
  json fields = {{"url", record.target_uri},
                 {"mime", record.type == "revisit" ? std::string("warc/revisit") : record.mime},
                 {"status", std::to_string(record.status)},
                 {"digest", record.payload_digest},
                 {"length", std::to_string(record.length)},
                 {"offset", std::to_string(record.offset)},
                 {"filename", std::string(warc_filename)}};
  return surt_key(record.target_uri) + " " + cdxj_timestamp(record.date) + " " + dump(fields);
}

std::string pages_jsonl(const std::vector<WaczPage>& pages) {
  std::string out = dump(json{{"format", "json-pages-1.0"}, {"id", "pages"}, {"title", "All Pages"}});
  out += '\n';
  for (std::size_t i = 0; i < pages.size(); ++i) {
    json page = {{"id", "page-" + std::to_string(i + 1)}, {"url", pages[i].url}, {"ts", pages[i].ts}};
    if (!pages[i].title.empty()) page["title"] = pages[i].title;
    out += dump(page);
    out += '\n';
  }
  return out;
}

std::string datapackage_json(const std::vector<WaczEntry>& entries, std::string_view created,
                             std::string_view title, std::string_view software) {
  json resources = json::array();
  for (const auto& e : entries) {
    const std::size_t slash = e.name.rfind('/');
    resources.push_back({{"name", slash == std::string::npos ? e.name : e.name.substr(slash + 1)},
                         {"path", e.name},
                         {"hash", "sha256:" + e.sha256},
                         {"bytes", e.size}});
  }
  json doc = {{"profile", "data-package"},
              {"wacz_version", "1.1.1"},
              {"title", std::string(title)},
              {"created", std::string(created)},
              {"software", std::string(software)},
              {"resources", resources}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string datapackage_digest_json(std::string_view datapackage) {
  json doc = {{"path", "datapackage.json"}, {"hash", "sha256:" + sha256_hex(datapackage)}};
  return doc.dump(2) + "\n";
}

Status write_zip(const std::string& path, const std::vector<WaczEntry>& entries) {
  // libarchive (linksnap-archive.so) is loaded by the first WACZ written.
  auto api = modules::archive_api();
  if (!api.ok()) return api.error();
  const modules::ArchiveApi& lib = **api;
  std::unique_ptr<archive, decltype(lib.archive_write_free)> a(lib.archive_write_new(),
                                                               lib.archive_write_free);
  if (a == nullptr) return make_error(errc::kInternal, "libarchive could not start");
  auto failed = [&](std::string_view what) {
    const char* why = lib.archive_error_string(a.get());
    return make_error(errc::kIo, "cannot write " + path + ": " + std::string(what) +
                                     (why != nullptr ? std::string(": ") + why : std::string()));
  };
  if (lib.archive_write_set_format_zip(a.get()) != ARCHIVE_OK ||
      lib.archive_write_set_format_option(a.get(), "zip", "compression", "store") != ARCHIVE_OK) {
    return failed("ZIP setup");
  }
  if (lib.archive_write_open_filename(a.get(), path.c_str()) != ARCHIVE_OK) return failed("open");
  for (const auto& e : entries) {
    std::unique_ptr<archive_entry, decltype(lib.archive_entry_free)> entry(
        lib.archive_entry_new(), lib.archive_entry_free);
    lib.archive_entry_set_pathname(entry.get(), e.name.c_str());
    lib.archive_entry_set_size(entry.get(), static_cast<la_int64_t>(e.size));
    lib.archive_entry_set_filetype(entry.get(), AE_IFREG);
    lib.archive_entry_set_perm(entry.get(), 0644);
    if (lib.archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) return failed(e.name);
    if (e.from_file.empty()) {
      if (!e.bytes.empty() && lib.archive_write_data(a.get(), e.bytes.data(), e.bytes.size()) < 0) {
        return failed(e.name);
      }
      continue;
    }
    std::unique_ptr<FILE, decltype(&std::fclose)> in(std::fopen(e.from_file.c_str(), "rb"), &std::fclose);
    if (in == nullptr) {
      return make_error(errc::kIo, "cannot read " + e.from_file + ": " + std::strerror(errno));
    }
    std::array<char, 1 << 16> buf;
    std::uint64_t copied = 0;
    for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), in.get())) > 0;) {
      if (lib.archive_write_data(a.get(), buf.data(), n) < 0) return failed(e.name);
      copied += n;
    }
    if (std::ferror(in.get()) || copied != e.size) {
      return make_error(errc::kIo, "cannot read " + e.from_file + " whole");
    }
  }
  if (lib.archive_write_close(a.get()) != ARCHIVE_OK) return failed("close");
  return ok_status();
}

}  // namespace linksnap::interop
