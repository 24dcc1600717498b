#include "capture/file_snapshot.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "capture/html_rewrite.h"
#include "capture/mime_sniff.h"
#include "capture/pdf_text.h"
#include "capture/svg_sanitize.h"
#include "util/charset.h"
#include "util/url.h"

namespace linksnap::capture {

namespace {

constexpr std::size_t kMaxTitleBytes = 300;
constexpr std::size_t kMaxIndexedTextBytes = 4u << 20;  // as much as a page's text
// A fetched link's body that is not a page is held in memory up to this much, then streams
// to disk.
constexpr std::size_t kSpoolMemoryBytes = 1u << 20;

// At most `limit` bytes of UTF-8, cut before a continuation byte.
std::string cut_utf8(std::string_view s, std::size_t limit) {
  if (s.size() <= limit) return std::string(s);
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end));
}

std::string trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; };
  std::size_t b = 0, e = s.size();
  while (b < e && space(s[b])) ++b;
  while (e > b && space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// The first line with something on it ("" if none); a Markdown heading loses its '#'s.
std::string first_line(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string line = trim(text.substr(at, end - at));
    while (!line.empty() && line[0] == '#') line.erase(0, 1);
    line = trim(line);
    if (!line.empty()) return cut_utf8(line, kMaxTitleBytes);
    at = end + 1;
  }
  return "";
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string base64_impl(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  // EVP_EncodeBlock takes an int length: encode in slices of a multiple of 3 bytes.
  constexpr std::size_t kSlice = 3u << 20;
  std::size_t written = 0;
  for (std::size_t at = 0; at < bytes.size(); at += kSlice) {
    const std::size_t n = std::min(kSlice, bytes.size() - at);
    written += static_cast<std::size_t>(
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + written),
                        reinterpret_cast<const unsigned char*>(bytes.data() + at), static_cast<int>(n)));
  }
  out.resize(written);
  return out;
}

std::string html_escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string describe_bytes(std::size_t n) {
  char buf[48];
  if (n >= (1u << 20)) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(n) / (1 << 20));
  } else if (n >= 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(n) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%zu bytes", n);
  }
  return buf;
}

// A text file's bytes as UTF-8: a BOM, else the header's charset, else UTF-8 if it is, else
// uchardet's guess (an undeclared GBK or Big5 file), else windows-1252 (what browsers fall
// back to). charset::detect_css follows exactly those steps.
Result<std::string> text_as_utf8(std::string_view content_type, std::string_view body) {
  return charset::to_utf8(body, charset::detect_css(content_type, body, "windows-1252"));
}

}  // namespace

std::string base64_encode(std::string_view bytes) { return base64_impl(bytes); }

Result<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return make_error(errc::kBadRequest, "not base64");
  std::string out(text.size() / 4 * 3, '\0');
  constexpr std::size_t kSlice = 4u << 20;  // a multiple of 4 that fits an int
  std::size_t written = 0;
  for (std::size_t at = 0; at < text.size(); at += kSlice) {
    const std::size_t n = std::min(kSlice, text.size() - at);
    const int got = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data() + written),
                                    reinterpret_cast<const unsigned char*>(text.data() + at), static_cast<int>(n));
    if (got < 0) return make_error(errc::kBadRequest, "not base64");
    written += static_cast<std::size_t>(got);
  }
  // EVP_DecodeBlock counts the padding as zero bytes.
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
  out.resize(written - padding);
  return out;
}

std::string file_too_large_message(std::string_view url, std::size_t limit) {
  return std::string(url) + " is larger than " + net::describe_size(limit) +
         ", the most LinkSnap saves of one file";
}

std::string file_name_of(std::string_view link) {
  auto parts = url::parse(link);
  if (!parts.ok()) return std::string(link);
  const std::string& path = parts->path;
  const auto slash = path.rfind('/');
  std::string name = percent_decode(slash == std::string::npos ? path : path.substr(slash + 1));
  name = trim(charset::sanitize_utf8(name));
  return name.empty() ? parts->host : cut_utf8(name, kMaxTitleBytes);
}

namespace {

void take_pdf_text(store::SnapshotInput& input, Result<PdfText> pdf) {
  // A PDF poppler cannot read is still kept (the browser's viewer may do better).
  if (!pdf.ok()) return;
  input.page_count = pdf->pages;
  input.title = trim(pdf->title).empty() ? first_line(pdf->text) : cut_utf8(trim(pdf->title), kMaxTitleBytes);
  input.text = std::move(pdf->text);
}

void take_text(store::SnapshotInput& input, std::string_view media_type, std::string_view utf8) {
  if (media_type == "text/plain" || media_type == "text/markdown" || media_type == "text/x-markdown") {
    input.title = first_line(utf8);
  }
  input.text = cut_utf8(utf8, kMaxIndexedTextBytes);
}

store::SnapshotInput file_input(std::string_view final_url, std::string_view requested_url,
                                std::string_view media_type) {
  store::SnapshotInput input;
  input.url = std::string(final_url);
  input.requested_url = std::string(requested_url);
  input.source = "fetch";
  input.media_type = std::string(media_type);
  return input;
}

// A file too large to hold (kInMemoryFileBytes) that streamed into `blob`: indexed from the
// blob's temp file, then committed. A text file this large is kept as its bytes (not made
// UTF-8) with its first 4 MiB indexed; an SVG this large is refused (it cannot be sanitized).
Result<store::SnapshotInput> streamed_file_snapshot(std::string_view final_url, std::string_view requested_url,
                                                    std::string_view media_type, std::string_view content_type,
                                                    store::BlobWriter& blob) {
  store::SnapshotInput input = file_input(final_url, requested_url, media_type);
  const std::string hash = blob.finish_hash();
  switch (kind_of(media_type)) {
    case FileKind::kPdf:
      take_pdf_text(input, extract_pdf_text_from_file(blob.temp_path().string()));
      break;
    case FileKind::kSvg:
      return make_error(errc::kTooLarge, std::string(final_url) + " is an SVG image larger than " +
                                             net::describe_size(kMaxSvgBytes) +
                                             ", the most LinkSnap can clean of scripts");
    case FileKind::kText: {
      auto head = blob.read_head(kMaxIndexedTextBytes);
      if (!head.ok()) return head.error();
      auto text = text_as_utf8(content_type, cut_utf8(*head, head->size()));
      if (text.ok()) take_text(input, media_type, *text);
      break;
    }
    case FileKind::kImage:
    case FileKind::kOther:
    case FileKind::kHtml:
      break;
  }
  if (input.title.empty()) input.title = file_name_of(requested_url.empty() ? final_url : requested_url);
  LINKSNAP_TRY(blob.commit());
  input.root_blob = hash;
  input.root_size = static_cast<std::int64_t>(blob.size());
  return input;
}

// A response body kept in memory up to a limit, then moved into a blob file being written and
// hashed, with the rest streamed after it: what a link is (a page or a 200 MiB video) is known
// only once its first bytes arrived.
class SpoolSink final : public net::BodySink {
 public:
  SpoolSink(const store::BlobStore& blobs, std::size_t memory_limit, std::size_t page_limit)
      : blobs_(blobs), memory_limit_(memory_limit), page_limit_(page_limit) {}

  void begin(std::string_view content_type) override { content_type_ = content_type; }

  bool write(std::string_view bytes) override {
    if (head_.empty()) {
      // A page is held whole (up to a page's limit, which bounds a bomb dressed as one);
      // anything else spills to disk past memory_limit_.
      page_ = kind_of(sniff_media_type(content_type_, bytes.substr(0, kResourceHeaderBytes))) == FileKind::kHtml;
      if (page_) memory_limit_ = page_limit_;
    }
    if (head_.size() < kResourceHeaderBytes) {
      head_.append(bytes.substr(0, kResourceHeaderBytes - head_.size()));
    }
    if (page_ && memory_.size() + bytes.size() > page_limit_) {
      page_too_large_ = true;
      return failed(net::response_too_large_message(page_limit_));
    }
    if (!blob_ && memory_.size() + bytes.size() <= memory_limit_) {
      memory_.append(bytes);
      return true;
    }
    if (!blob_) {
      auto blob = blobs_.begin_blob();
      if (!blob.ok()) return failed(blob.error().message);
      blob_ = std::move(*blob);
      Status moved = blob_->write(memory_);
      std::string().swap(memory_);
      if (!moved.ok()) return failed(moved.error().message);
    }
    Status written = blob_->write(bytes);
    return written.ok() || failed(written.error().message);
  }
  std::string error() const override { return error_; }

  const std::string& head() const { return head_; }
  bool page_too_large() const { return page_too_large_; }
  std::string take_memory() { return std::move(memory_); }
  store::BlobWriter* blob() const { return blob_.get(); }

 private:
  bool failed(std::string message) {
    error_ = std::move(message);
    return false;
  }

  const store::BlobStore& blobs_;
  std::size_t memory_limit_;
  const std::size_t page_limit_;
  std::string content_type_, head_, memory_, error_;
  bool page_ = false, page_too_large_ = false;
  std::unique_ptr<store::BlobWriter> blob_;
};

}  // namespace

Result<store::SnapshotInput> file_snapshot(std::string_view final_url, std::string_view requested_url,
                                           std::string_view media_type,
                                           std::string_view content_type, std::string body) {
  store::SnapshotInput input = file_input(final_url, requested_url, media_type);
  switch (kind_of(media_type)) {
    case FileKind::kPdf:
      take_pdf_text(input, extract_pdf_text(body));
      break;
    case FileKind::kSvg: {
      auto svg = sanitize_svg(body);
      if (!svg.ok()) {
        return make_error(svg.error().code, std::string(final_url) + " is " + svg.error().message);
      }
      body = std::move(svg->svg);
      input.title = cut_utf8(svg->title, kMaxTitleBytes);
      input.text = cut_utf8(svg->text, kMaxIndexedTextBytes);
      break;
    }
    case FileKind::kText: {
      auto text = text_as_utf8(content_type, body);
      if (!text.ok()) return text.error();
      body = std::move(*text);
      take_text(input, media_type, body);
      break;
    }
    case FileKind::kImage:
    case FileKind::kOther:
    case FileKind::kHtml:
      break;
  }
  if (input.title.empty()) input.title = file_name_of(requested_url.empty() ? final_url : requested_url);
  input.html = std::move(body);
  return input;
}

Result<FetchedLink> fetch_link(std::string_view url, net::Fetcher& fetcher,
                               const net::FetchLimits& limits, const FileLimits& file_limits,
                               const store::BlobStore* blobs, LinkResponse* response) {
  LINKSNAP_TRY(check_fetchable(url));
  net::FetchLimits link_limits = limits;
  link_limits.max_bytes_per_response = std::max(limits.max_bytes_per_response, file_limits.max_file_bytes);
  link_limits.max_bytes_per_session = std::max(limits.max_bytes_per_session, file_limits.max_file_bytes);

  // A page held in memory (up to its limit), any other body up to 1 MiB, then streamed to a
  // blob file.
  std::shared_ptr<SpoolSink> sink;
  if (blobs != nullptr) {
    sink = std::make_shared<SpoolSink>(*blobs, kSpoolMemoryBytes, limits.max_bytes_per_response);
  }
  net::FetchResult r = fetcher.fetch_one(net::FetchRequest{std::string(url), "", 0, sink}, link_limits);
  if (response) *response = LinkResponse{r.http_status, r.final_url, r.error_code, r.error_message};
  if (!r.transport_ok()) {
    // Nothing arrived before the capture's deadline: for the caller a timeout like any other.
    if (r.error_code == errc::kDeadline) return make_error(errc::kTimeout, r.error_message);
    if (r.error_code == errc::kTooLarge) {
      return make_error(errc::kTooLarge, file_too_large_message(url, file_limits.max_file_bytes));
    }
    if (sink && sink->page_too_large()) {
      return make_error(errc::kTooLarge, file_too_large_message(url, limits.max_bytes_per_response));
    }
    return make_error(r.error_code, r.error_message);
  }
  if (!r.http_ok()) {
    return make_error(errc::kHttpError, "the server answered HTTP " +
                                            std::to_string(r.http_status) + " for " + r.final_url);
  }
  const std::size_t size = sink ? r.body_size : r.body.size();
  FetchedLink link;
  link.media_type = sniff_media_type(r.content_type, sink ? sink->head() : r.body);
  const FileKind kind = kind_of(link.media_type);
  if (sink && sink->blob() == nullptr) {
    r.body = sink->take_memory();
  } else if (sink && size <= limits.max_bytes_per_response &&
             (kind == FileKind::kHtml || kind == FileKind::kSvg || kind == FileKind::kText)) {
    // A page, an SVG or a text file is worked on whole: read back, its temp file dropped.
    sink->blob()->finish_hash();
    auto whole = sink->blob()->read_head(size);
    if (!whole.ok()) return whole.error();
    r.body = std::move(*whole);
    sink.reset();
  }
  if (kind == FileKind::kHtml) {
    if (size > limits.max_bytes_per_response) {
      return make_error(errc::kTooLarge, net::response_too_large_message(limits.max_bytes_per_response));
    }
    auto page = page_from_response(std::move(r), url);
    if (!page.ok()) return page.error();
    link.page = std::move(*page);
    return link;
  }
  if (size > file_limits.max_file_bytes) {
    return make_error(errc::kTooLarge, file_too_large_message(url, file_limits.max_file_bytes));
  }
  const std::string final_url = r.final_url.empty() ? std::string(url) : r.final_url;
  // An SVG is sanitized and text made UTF-8: for a WARC the bytes as received are kept too
  // (other files, and any file streamed to disk, are stored as they came).
  std::optional<std::string> received;
  const bool streamed = sink && sink->blob() != nullptr;
  if (!streamed && (kind == FileKind::kSvg || kind == FileKind::kText)) received = r.body;
  auto file = streamed ? streamed_file_snapshot(final_url, url, link.media_type, r.content_type, *sink->blob())
                       : file_snapshot(final_url, url, link.media_type, r.content_type, std::move(r.body));
  if (!file.ok()) return file.error();
  file->request_head = std::move(r.request_head);
  file->response_head = std::move(r.response_head);
  if (received && *received != file->html) file->original_bytes = std::move(received);
  link.file = std::move(*file);
  return link;
}

std::string file_view_html(std::string_view media_type, std::string_view title, std::string_view bytes) {
  const std::string type(media_type);
  std::string body;
  switch (kind_of(media_type)) {
    case FileKind::kPdf:
      body = "<embed type=\"application/pdf\" style=\"width:100%;height:100vh;border:0\" src=\"data:application/pdf;base64," +
             base64_encode(bytes) + "\">";
      break;
    case FileKind::kImage:
    case FileKind::kSvg:
      // An SVG shown through <img> runs nothing even if something was missed.
      body = "<img alt=\"" + html_escape_attribute(title) + "\" style=\"max-width:100%\" src=\"data:" + type +
             ";base64," + base64_encode(bytes) + "\">";
      break;
    case FileKind::kText:
      body = "<pre style=\"white-space:pre-wrap;word-wrap:break-word\">" +
             html_escape_text(charset::sanitize_utf8(bytes)) + "</pre>";
      break;
    case FileKind::kOther:
    case FileKind::kHtml:
      body = "<p>A file of type " + html_escape_text(type) + ", " + describe_bytes(bytes.size()) +
             ": <a download=\"" + html_escape_attribute(title) + "\" href=\"data:application/octet-stream;base64," +
             base64_encode(bytes) + "\">download it</a>.</p>";
      break;
  }
  return "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"" +
         std::string(kSnapshotCsp) + "\"><title>" + html_escape_text(title) +
         "</title></head><body style=\"margin:0\">" + body + "</body></html>\n";
}

}  // namespace linksnap::capture
