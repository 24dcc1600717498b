// The WARC writer's inputs from anywhere (interop/warc.h, interop/wacz.h): a stored response
// head, a request head, a URL and a payload, separated by "\n--\n". Invariants: every record is
// one gzip member holding one well-formed WARC record (header lines without stray CR or LF, the
// block of Content-Length bytes, digests that match); the HTTP head written has exactly one
// Content-Length, the payload's size.
#include <zlib.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "interop/wacz.h"
#include "interop/warc.h"

namespace {

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> parts;
  for (int i = 0; i < 3; ++i) {
    const std::size_t at = s.find("\n--\n");
    if (at == std::string_view::npos) break;
    parts.emplace_back(s.substr(0, at));
    s.remove_prefix(at + 4);
  }
  parts.emplace_back(s);
  while (parts.size() < 4) parts.emplace_back();
  return parts;
}

std::string inflate_one(const std::string& gz) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) __builtin_trap();
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) __builtin_trap();
    out.append(buf, sizeof buf - z.avail_out);
  }
  if (z.avail_in != 0) __builtin_trap();  // one member per record, nothing after it
  inflateEnd(&z);
  return out;
}

void check_record(const std::string& gz) {
  const std::string text = inflate_one(gz);
  const std::size_t end = text.find("\r\n\r\n");
  if (end == std::string::npos || !text.starts_with("WARC/1.1\r\n")) __builtin_trap();
  std::string_view fields(text.data(), end + 2);
  std::size_t length = 0;
  bool have_length = false;
  std::string block_digest;
  for (std::size_t at = 0; at < fields.size();) {
    const std::size_t eol = fields.find("\r\n", at);
    const std::string_view line = fields.substr(at, eol - at);
    if (line.find('\r') != std::string_view::npos || line.find('\n') != std::string_view::npos) __builtin_trap();
    if (line.starts_with("Content-Length: ")) {
      length = std::stoul(std::string(line.substr(16)));
      have_length = true;
    }
    if (line.starts_with("WARC-Block-Digest: ")) block_digest = std::string(line.substr(19));
    at = eol + 2;
  }
  if (!have_length || text.size() != end + 4 + length + 4) __builtin_trap();
  if (block_digest != linksnap::interop::warc_sha1(std::string_view(text).substr(end + 4, length))) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linksnap::interop;
  const auto parts = split(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string& response = parts[0];
  const std::string& request = parts[1];
  const std::string& url = parts[2];
  const std::string& payload = parts[3];

  const HttpResponseHead head = response_head_for(response, payload.size(), 200, url.substr(0, 40));
  if (!head.block.ends_with("\r\n\r\n")) __builtin_trap();
  const std::string want = "\r\nContent-Length: " + std::to_string(payload.size()) + "\r\n";
  const std::size_t first = head.block.find(want);
  if (first == std::string::npos) __builtin_trap();
  std::string lower = head.block;
  for (char& c : lower) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
  if (lower.find("\r\ncontent-length:") != lower.rfind("\r\ncontent-length:")) __builtin_trap();
  const std::string req = request_head_for(request, url);
  if (!req.ends_with("\r\n\r\n")) __builtin_trap();
  (void)surt_key(url);
  (void)cdxj_timestamp(url);

  std::string out;
  WarcWriter w([&](std::string_view b) {
    out.append(b);
    return linksnap::ok_status();
  });
  auto r = w.response(url, "2026-12-02T10:00:00.000Z", head, payload, {{"WARC-LinkSnap-Note", url}});
  if (!r.ok()) {
    if (warc_target_uri(url).size() <= kMaxWarcUriBytes) __builtin_trap();
    return 0;
  }
  check_record(out.substr(r->offset, r->length));
  auto q = w.request(url, "2026-12-02T10:00:00.000Z", req, r->id);
  if (!q.ok()) __builtin_trap();
  check_record(out.substr(q->offset, q->length));
  auto v = w.revisit(url, "2026-12-02T10:00:00.000Z", head, *r);
  if (!v.ok()) __builtin_trap();
  check_record(out.substr(v->offset, v->length));
  (void)cdxj_line(*v, "data.warc.gz");
  return 0;
}
