#include "interop/warc.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>

#include "util/url.h"

namespace linksnap::interop {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

// RFC 9110 token characters (a header name).
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c <= 32 || c >= 127) return false;
    if (std::string_view("()<>@,;:\\\"/[]?={}").find(static_cast<char>(c)) != std::string_view::npos)
      return false;
  }
  return true;
}

// A header value may hold tabs and visible bytes (obs-text included), never CR, LF or NUL.
bool is_field_value(std::string_view s) {
  for (unsigned char c : s) {
    if ((c < 32 && c != '\t') || c == 127) return false;
  }
  return true;
}

// The lines of a head: split on LF (CR before it dropped), obs-fold continuation lines joined
// to the one before, stopping at the first empty line.
std::vector<std::string> head_lines(std::string_view raw) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < raw.size()) {
    std::size_t end = raw.find('\n', at);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view line = raw.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    at = end + 1;
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && lines.size() > 1) {
      lines.back() += ' ';
      lines.back() += trim(line);
    } else {
      lines.emplace_back(line);
    }
  }
  return lines;
}

std::string reason_phrase(long status) {
  switch (status) {
    case 200: return "OK";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 404: return "Not Found";
    default: return "";
  }
}

std::string media_type_of(std::string_view content_type) {
  std::string out;
  for (char c : content_type) {
    if (c == ';') break;
    if (c != ' ' && c != '\t') out.push_back(lower(c));
  }
  return out;
}

class Sha1 {
 public:
  Sha1() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_.get(), EVP_sha1(), nullptr) != 1) ok_ = false;
  }
  void update(std::string_view bytes) {
    if (ok_ && EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) != 1) ok_ = false;
  }
  // "sha1:BASE32"; "" if OpenSSL failed.
  std::string finish() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!ok_ || EVP_DigestFinal_ex(ctx_.get(), digest, &n) != 1 || n != 20) return "";
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::string out = "sha1:";
    // 160 bits = 32 base32 characters exactly.
    std::uint64_t buffer = 0;
    int bits = 0;
    for (unsigned int i = 0; i < n; ++i) {
      buffer = (buffer << 8) | digest[i];
      bits += 8;
      while (bits >= 5) {
        out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
  bool ok_ = true;
};

// One gzip member, deflated as the pieces arrive and handed to `out` in chunks.
class GzipMember {
 public:
  explicit GzipMember(const std::function<Status(std::string_view)>& out) : out_(out) {
    ok_ = deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~GzipMember() {
    if (ok_) deflateEnd(&z_);
  }
  GzipMember(const GzipMember&) = delete;
  GzipMember& operator=(const GzipMember&) = delete;

  Status add(std::string_view bytes) { return run(bytes, Z_NO_FLUSH); }
  Status finish() { return run({}, Z_FINISH); }

 private:
  Status run(std::string_view bytes, int flush) {
    if (!ok_) return make_error(errc::kInternal, "zlib could not start a gzip stream");
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z_.avail_in = static_cast<uInt>(bytes.size());
    std::array<char, 64 * 1024> buf;
    for (;;) {
      z_.next_out = reinterpret_cast<Bytef*>(buf.data());
      z_.avail_out = static_cast<uInt>(buf.size());
      const int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) return make_error(errc::kInternal, "zlib failed while compressing");
      const std::size_t produced = buf.size() - z_.avail_out;
      if (produced > 0) LINKSNAP_TRY(out_(std::string_view(buf.data(), produced)));
      if (flush == Z_FINISH ? rc == Z_STREAM_END : (z_.avail_in == 0 && z_.avail_out != 0)) break;
    }
    return ok_status();
  }

  const std::function<Status(std::string_view)>& out_;
  z_stream z_{};
  bool ok_ = false;
};

}  // namespace

std::string warc_sha1(std::string_view bytes) {
  Sha1 sha;
  sha.update(bytes);
  return sha.finish();
}

std::string new_warc_record_id() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    // OpenSSL's generator failing is not expected; fall back to the C library's.
    for (auto& c : b) c = static_cast<unsigned char>(std::rand());
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char out[64];
  std::snprintf(out, sizeof out,
                "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x>",
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                b[13], b[14], b[15]);
  return out;
}

std::string warc_target_uri(std::string_view url) {
  std::string out;
  out.reserve(url.size());
  for (unsigned char c : url) {
    if (c <= 32 || c >= 127 || c == '<' || c == '>' || c == '"') {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

HttpResponseHead response_head_for(std::string_view raw_head, std::size_t payload_size,
                                   std::optional<long> status, std::string_view fallback_mime) {
  HttpResponseHead h;
  std::vector<std::string> lines;
  if (raw_head.size() <= kMaxWarcHeadBytes) lines = head_lines(raw_head);
  // "HTTP/1.1 200 OK", "HTTP/2 200": a protocol, a three-digit status.
  bool valid = !lines.empty() && lines[0].starts_with("HTTP/") && is_field_value(lines[0]);
  if (valid) {
    const std::string& sl = lines[0];
    const std::size_t sp = sl.find(' ');
    valid = sp != std::string::npos && sp + 4 <= sl.size() &&
            std::all_of(sl.begin() + static_cast<long>(sp) + 1, sl.begin() + static_cast<long>(sp) + 4,
                        [](char c) { return c >= '0' && c <= '9'; }) &&
            (sp + 4 == sl.size() || sl[sp + 4] == ' ');
    if (valid) {
      h.status = std::stol(sl.substr(sp + 1, 3));
      for (char c : sl.substr(0, sp)) h.protocol.push_back(lower(c));
    }
  }
  std::string content_type;
  if (valid) {
    h.block = lines[0] + "\r\n";
    std::vector<std::string> dropped;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const std::string& line = lines[i];
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      const std::string name = line.substr(0, colon);
      const std::string value = trim(std::string_view(line).substr(colon + 1));
      if (!is_token(name) || !is_field_value(value)) continue;  // not a header: left out
      if (iequals(name, "Content-Encoding") || iequals(name, "Transfer-Encoding")) {
        h.decoded = true;
        dropped.push_back("X-LinkSnap-Orig-" + name + ": " + value);
        continue;
      }
      if (iequals(name, "Content-Length")) continue;  // the stored payload's is written below
      if (iequals(name, "Content-Type") && content_type.empty()) content_type = value;
      h.block += name + ": " + value + "\r\n";
    }
    for (const auto& d : dropped) h.block += d + "\r\n";
  } else {
    h.synthesized = true;
    h.status = status.value_or(200);
    if (h.status < 100 || h.status > 999) h.status = 200;
    h.protocol = "http/1.1";
    const std::string reason = reason_phrase(h.status);
    h.block = "HTTP/1.1 " + std::to_string(h.status) + (reason.empty() ? "" : " " + reason) + "\r\n";
    if (!fallback_mime.empty() && is_field_value(fallback_mime)) {
      content_type = std::string(fallback_mime);
      h.block += "Content-Type: " + content_type + "\r\n";
    }
  }
  h.block += "Content-Length: " + std::to_string(payload_size) + "\r\n\r\n";
  h.mime = media_type_of(content_type);
  return h;
}

std::string request_head_for(std::string_view raw_head, std::string_view target) {
  std::vector<std::string> lines;
  if (raw_head.size() <= kMaxWarcHeadBytes) lines = head_lines(raw_head);
  // "GET /path HTTP/1.1": a method token, a target, a version.
  bool valid = !lines.empty() && is_field_value(lines[0]);
  if (valid) {
    const std::size_t sp1 = lines[0].find(' ');
    const std::size_t sp2 = sp1 == std::string::npos ? sp1 : lines[0].find(' ', sp1 + 1);
    valid = sp1 != std::string::npos && sp2 != std::string::npos &&
            is_token(lines[0].substr(0, sp1)) && lines[0].substr(sp2 + 1).starts_with("HTTP/");
  }
  std::string out;
  if (valid) {
    out = lines[0] + "\r\n";
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const std::size_t colon = lines[i].find(':');
      if (colon == std::string::npos) continue;
      const std::string name = lines[i].substr(0, colon);
      const std::string value = trim(std::string_view(lines[i]).substr(colon + 1));
      if (is_token(name) && is_field_value(value)) out += name + ": " + value + "\r\n";
    }
    return out + "\r\n";
  }
  std::string path = "/", host;
  if (auto parts = url::parse(target); parts.ok()) {
    host = parts->host;
    if (parts->port >= 0) host += ":" + std::to_string(parts->port);
    if (!parts->path.empty()) path = parts->path;
    if (!parts->query.empty()) path += "?" + parts->query;
  }
  out = "GET " + warc_target_uri(path) + " HTTP/1.1\r\n";
  if (!host.empty() && is_field_value(host)) out += "Host: " + host + "\r\n";
  return out + "\r\n";
}

WarcWriter::WarcWriter(Sink sink) : sink_(std::move(sink)) {}

Status WarcWriter::emit(std::string_view bytes) {
  Status s = sink_(bytes);
  if (!s.ok()) return s;
  written_ += bytes.size();
  return ok_status();
}

Result<WarcRecordInfo> WarcWriter::write(WarcRecordInfo info,
                                         std::vector<std::pair<std::string, std::string>> fields,
                                         std::string_view content_type, std::string_view head,
                                         std::string_view payload) {
  if (failed_) return make_error(errc::kInternal, "the WARC output failed before");
  if (info.target_uri.size() > kMaxWarcUriBytes) {
    return make_error(errc::kBadRequest, "a URL longer than 64 KiB cannot be written to a WARC");
  }
  Sha1 block;
  block.update(head);
  block.update(payload);
  const std::string block_digest = block.finish();
  if (block_digest.empty()) return make_error(errc::kInternal, "OpenSSL could not compute SHA-1");

  std::string header = "WARC/1.1\r\nWARC-Type: " + info.type + "\r\nWARC-Record-ID: " + info.id +
                       "\r\nWARC-Date: " + info.date + "\r\n";
  if (!info.target_uri.empty()) header += "WARC-Target-URI: " + info.target_uri + "\r\n";
  for (const auto& [name, value] : fields) {
    if (is_token(name) && is_field_value(value)) header += name + ": " + value + "\r\n";
  }
  header += "WARC-Block-Digest: " + block_digest + "\r\n";
  if (!info.payload_digest.empty()) header += "WARC-Payload-Digest: " + info.payload_digest + "\r\n";
  header += "Content-Type: " + std::string(content_type) + "\r\n";
  header += "Content-Length: " + std::to_string(head.size() + payload.size()) + "\r\n\r\n";

  info.offset = written_;
  const std::function<Status(std::string_view)> out = [this](std::string_view b) { return emit(b); };
  Status s = ok_status();
  {
    GzipMember gz(out);
    s = gz.add(header);
    if (s.ok()) s = gz.add(head);
    constexpr std::size_t kSlice = 1u << 20;  // zlib takes uInt lengths
    for (std::size_t at = 0; s.ok() && at < payload.size(); at += kSlice) {
      s = gz.add(payload.substr(at, kSlice));
    }
    if (s.ok()) s = gz.add("\r\n\r\n");
    if (s.ok()) s = gz.finish();
  }
  if (!s.ok()) {
    failed_ = true;
    return s.error();
  }
  info.length = written_ - info.offset;
  return info;
}

Result<WarcRecordInfo> WarcWriter::warcinfo(
    std::string_view filename, std::string_view date,
    const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string block;
  for (const auto& [name, value] : fields) {
    if (is_token(name) && is_field_value(value)) block += name + ": " + value + "\r\n";
  }
  WarcRecordInfo info;
  info.id = new_warc_record_id();
  info.type = "warcinfo";
  info.date = std::string(date);
  return write(std::move(info), {{"WARC-Filename", std::string(filename)}},
               "application/warc-fields", block, "");
}

Result<WarcRecordInfo> WarcWriter::response(
    std::string_view uri, std::string_view date, const HttpResponseHead& head,
    std::string_view payload, const std::vector<std::pair<std::string, std::string>>& extra) {
  WarcRecordInfo info;
  info.id = new_warc_record_id();
  info.type = "response";
  info.target_uri = warc_target_uri(uri);
  info.date = std::string(date);
  info.payload_digest = warc_sha1(payload);
  info.mime = head.mime;
  info.status = head.status;
  std::vector<std::pair<std::string, std::string>> fields = extra;
  if (!head.protocol.empty()) fields.emplace_back("WARC-Protocol", head.protocol);
  return write(std::move(info), std::move(fields), "application/http;msgtype=response", head.block,
               payload);
}

Result<WarcRecordInfo> WarcWriter::request(std::string_view uri, std::string_view date,
                                           std::string_view request_head,
                                           std::string_view response_id) {
  WarcRecordInfo info;
  info.id = new_warc_record_id();
  info.type = "request";
  info.target_uri = warc_target_uri(uri);
  info.date = std::string(date);
  return write(std::move(info), {{"WARC-Concurrent-To", std::string(response_id)}},
               "application/http;msgtype=request", request_head, "");
}

Result<WarcRecordInfo> WarcWriter::resource(
    std::string_view uri, std::string_view date, std::string_view mime, std::string_view payload,
    const std::vector<std::pair<std::string, std::string>>& extra) {
  WarcRecordInfo info;
  info.id = new_warc_record_id();
  info.type = "resource";
  info.target_uri = warc_target_uri(uri);
  info.date = std::string(date);
  info.payload_digest = warc_sha1(payload);
  info.mime = media_type_of(mime);
  info.status = 200;
  const std::string type = is_field_value(mime) && !mime.empty() ? std::string(mime)
                                                                  : "application/octet-stream";
  return write(std::move(info), extra, type, "", payload);
}

Result<WarcRecordInfo> WarcWriter::revisit(std::string_view uri, std::string_view date,
                                           const HttpResponseHead& head,
                                           const WarcRecordInfo& original) {
  WarcRecordInfo info;
  info.id = new_warc_record_id();
  info.type = "revisit";
  info.target_uri = warc_target_uri(uri);
  info.date = std::string(date);
  info.payload_digest = original.payload_digest;
  info.mime = head.mime;
  info.status = head.status;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"WARC-Profile", "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"},
      {"WARC-Refers-To", original.id},
      {"WARC-Refers-To-Target-URI", original.target_uri},
      {"WARC-Refers-To-Date", original.date}};
  if (!head.protocol.empty()) fields.emplace_back("WARC-Protocol", head.protocol);
  return write(std::move(info), std::move(fields), "application/http;msgtype=response", head.block,
               "");
}

}  // namespace linksnap::interop
