#include "http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <list>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <utility>

#include "net/media_types.h"  // content_type_for_path: the same table the capture engine guesses from

namespace linksnap::test {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr std::size_t kMaxRequestBody = 1 << 20;
constexpr int kIdleTimeoutMs = 60'000;       // an idle keep-alive connection is closed after this
constexpr int kSendStallTimeoutMs = 30'000;  // a client that stops reading for this long is dropped
constexpr std::size_t kMaxBombBytes = std::size_t{4} << 30;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; `plus_is_space` for query values (form encoding), not for paths.
std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else if (plus_is_space && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string key = percent_decode(pair.substr(0, eq), true);
    std::string value =
        eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1), true);
    params.emplace(std::move(key), std::move(value));
  }
  return params;
}

// Parses a non-negative decimal that fits in size_t; nullopt otherwise.
std::optional<std::size_t> parse_size(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  return v;
}

const char* reason_phrase(int status) {
  static const std::map<int, const char*> kPhrases = {
      {200, "OK"},
      {201, "Created"},
      {204, "No Content"},
      {206, "Partial Content"},
      {301, "Moved Permanently"},
      {302, "Found"},
      {303, "See Other"},
      {304, "Not Modified"},
      {307, "Temporary Redirect"},
      {308, "Permanent Redirect"},
      {400, "Bad Request"},
      {401, "Unauthorized"},
      {403, "Forbidden"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {410, "Gone"},
      {429, "Too Many Requests"},
      {431, "Request Header Fields Too Large"},
      {500, "Internal Server Error"},
      {501, "Not Implemented"},
      {502, "Bad Gateway"},
      {503, "Service Unavailable"},
      {504, "Gateway Timeout"},
  };
  const auto it = kPhrases.find(status);
  return it == kPhrases.end() ? "Status" : it->second;
}

bool is_compressible(std::string_view content_type) {
  return content_type.starts_with("text/") || content_type.starts_with("application/json") ||
         content_type.starts_with("application/javascript") ||
         content_type.starts_with("application/xml") || content_type.starts_with("image/svg+xml");
}

// gzip (RFC 1952) of `data`, or of `size` zero bytes when `data` is null, streamed through a
// small buffer.
std::string gzip_stream(std::size_t size, const std::string* data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  static const std::string zeros(64 * 1024, '\0');
  std::string out;
  char buf[64 * 1024];
  std::size_t fed = 0;
  int flush = Z_NO_FLUSH;
  for (;;) {
    if (zs.avail_in == 0 && flush != Z_FINISH) {
      const std::size_t n = std::min(size - fed, zeros.size());
      const char* src = data ? data->data() + fed : zeros.data();
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(src));
      zs.avail_in = static_cast<uInt>(n);
      fed += n;
      if (fed == size) flush = Z_FINISH;
    }
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    const int rc = deflate(&zs, flush);
    if (rc == Z_STREAM_ERROR) {
      deflateEnd(&zs);
      throw std::runtime_error("deflate failed");
    }
    out.append(buf, sizeof buf - zs.avail_out);
    if (rc == Z_STREAM_END) break;
  }
  deflateEnd(&zs);
  return out;
}

// Compresses `in` into `out` with the given flush mode until zlib has consumed it all.
void deflate_all(z_stream& zs, std::string_view in, int flush, std::string& out) {
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char buf[64 * 1024];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = deflate(&zs, flush);
    if (rc == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
    out.append(buf, sizeof buf - zs.avail_out);
  } while (zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
}

// A gzip body that inflates to `size` zero bytes, built in milliseconds even for gigabytes:
// after Z_FULL_FLUSH the compressor forgets its window, so the deflate blocks for one 1 MiB
// segment of zeros stand alone and can simply be repeated; only the trailer (CRC-32 and length
// of the whole) is patched. Compressing 200 MB for real takes over a second per test.
std::string gzip_zeros(std::size_t size) {
  constexpr std::size_t kSegment = 1 << 20;
  if (size < 3 * kSegment) return gzip_stream(size, nullptr);
  static const std::string segment(kSegment, '\0');
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out;
  try {
    deflate_all(zs, segment, Z_FULL_FLUSH, out);  // gzip header + first segment
    std::string repeated;
    deflate_all(zs, segment, Z_FULL_FLUSH, repeated);  // a self-contained segment
    const std::size_t segments = size / kSegment;
    out.reserve(out.size() + repeated.size() * (segments - 1) + 1024);
    for (std::size_t i = 1; i < segments; ++i) out += repeated;
    deflate_all(zs, std::string_view(segment).substr(0, size % kSegment), Z_FINISH, out);
  } catch (...) {
    deflateEnd(&zs);
    throw;
  }
  deflateEnd(&zs);
  // zlib's trailer describes only the three segments it saw; describe the whole stream.
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(segment.data()), kSegment);
  const uLong segment_crc = crc;
  for (std::size_t i = 1; i < size / kSegment; ++i) crc = crc32_combine(crc, segment_crc, kSegment);
  crc = crc32_combine(
      crc,
      crc32(0L, reinterpret_cast<const Bytef*>(segment.data()), static_cast<uInt>(size % kSegment)),
      static_cast<z_off_t>(size % kSegment));
  const auto isize = static_cast<uint32_t>(size & 0xffffffffu);
  const std::size_t t = out.size() - 8;
  for (int i = 0; i < 4; ++i) {
    out[t + i] = static_cast<char>((crc >> (8 * i)) & 0xff);
    out[t + 4 + i] = static_cast<char>((isize >> (8 * i)) & 0xff);
  }
  return out;
}

struct Request {
  std::string method;
  std::string target;  // as sent: path + query
  std::string path;    // percent-decoded path
  std::string query;   // raw query (without '?')
  std::string version;
  std::map<std::string, std::string> headers;  // lower-case names
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::size_t> chunked_bytes;  // stream this many 'a's chunked instead of body
  int drip_ms = 0;                           // chunked_bytes one byte at a time, this far apart
};

Response text_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(body);
  return r;
}

// Raises `max` to at least `value` (lock-free maximum).
void raise_max(std::atomic<std::size_t>& max, std::size_t value) {
  std::size_t seen = max.load();
  while (seen < value && !max.compare_exchange_weak(seen, value)) {
  }
}

}  // namespace

struct TestHttpServer::Impl {
  Options options;
  fs::path root;  // canonical; empty when no root
  int listen_fd = -1;
  int wake_read = -1;
  int wake_write = -1;
  uint16_t port = 0;
  std::atomic<bool> stopping{false};
  std::thread acceptor;

  struct Connection {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::mutex connections_mu;
  std::list<Connection> connections;

  mutable std::mutex log_mu;
  std::vector<std::string> paths;
  std::vector<std::map<std::string, std::string>> headers;

  std::atomic<std::size_t> open_connections{0};
  std::atomic<std::size_t> total_connections{0};
  std::atomic<std::size_t> max_connections{0};
  std::atomic<std::size_t> active_requests{0};
  std::atomic<std::size_t> max_requests{0};

  mutable std::mutex content_types_mu;
  std::map<std::string, std::string> content_types;  // set_content_type() overrides

  mutable std::mutex redirects_mu;
  std::map<std::string, std::pair<int, std::string>> redirects;  // set_redirect(): path -> code, Location

  std::mutex bomb_mu;
  std::map<std::size_t, std::shared_ptr<const std::string>> bombs;
  std::atomic<std::size_t> cookie_responses{0};  // names /__cookies' cookies apart

  // ---- blocking primitives that give up when stop() is called ----

  // Sleeps up to `ms`; false if the server is stopping.
  bool sleep_ms(int ms) const {
    if (ms <= 0) return !stopping;
    pollfd p{wake_read, POLLIN, 0};
    const int r = ::poll(&p, 1, ms);
    return r == 0 && !stopping;
  }

  // Waits until `fd` is ready for `events`; false on stop, timeout or error.
  bool wait_fd(int fd, short events, int timeout_ms) const {
    pollfd p[2] = {{fd, events, 0}, {wake_read, POLLIN, 0}};
    for (;;) {
      const int r = ::poll(p, 2, timeout_ms);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0 || p[1].revents != 0 || stopping) return false;
      return true;
    }
  }

  // Appends what the peer sent; false on EOF, error, idle timeout or stop.
  bool read_some(int fd, std::string& buf) const {
    char chunk[16 * 1024];
    for (;;) {
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n > 0) {
        buf.append(chunk, static_cast<std::size_t>(n));
        return true;
      }
      if (n == 0) return false;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
      if (!wait_fd(fd, POLLIN, kIdleTimeoutMs)) return false;
    }
  }

  bool send_all(int fd, std::string_view data) const {
    while (!data.empty()) {
      const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n > 0) {
        data.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!wait_fd(fd, POLLOUT, kSendStallTimeoutMs)) return false;
        continue;
      }
      return false;  // EPIPE / ECONNRESET: the client went away (e.g. aborted at its size limit)
    }
    return true;
  }

  // ---- routing ----

  std::string content_type_for(const std::string& path) const {
    {
      std::lock_guard lock(content_types_mu);
      if (auto it = content_types.find(path); it != content_types.end()) return it->second;
      const std::string ext = lower(fs::path(path).extension().string());
      if (auto it = content_types.find(ext); it != content_types.end()) return it->second;
    }
    return net::content_type_for_path(path);
  }

  std::shared_ptr<const std::string> gzip_bomb(std::size_t n) {
    std::lock_guard lock(bomb_mu);
    auto& slot = bombs[n];
    if (!slot) slot = std::make_shared<const std::string>(gzip_zeros(n));
    return slot;
  }

  Response serve_file(const Request& req) const {
    if (root.empty()) return text_response(404, "not found\n");
    // Refuse ".." before touching the disk; then make sure symlinks do not lead outside.
    std::string_view rel = req.path;
    while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
    std::size_t start = 0;
    while (start <= rel.size()) {
      const auto slash = rel.find('/', start);
      const auto seg =
          rel.substr(start, slash == std::string_view::npos ? rel.npos : slash - start);
      if (seg == ".." || seg.find('\\') != std::string_view::npos) {
        return text_response(403, "path traversal refused\n");
      }
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
    if (req.path.find('\0') != std::string::npos) return text_response(400, "bad path\n");

    std::error_code ec;
    fs::path file = root / fs::path(std::string(rel));
    std::string served_path = req.path;
    if (fs::is_directory(file, ec)) {
      file /= "index.html";
      served_path += served_path.ends_with('/') ? "index.html" : "/index.html";
    }
    const fs::path canonical = fs::weakly_canonical(file, ec);
    if (ec) return text_response(404, "not found\n");
    const std::string root_prefix = root.string() + "/";
    if (!canonical.string().starts_with(root_prefix)) {
      return text_response(403, "path traversal refused\n");
    }
    if (!fs::is_regular_file(canonical, ec)) return text_response(404, "not found\n");
    std::ifstream in(canonical, std::ios::binary);
    if (!in) return text_response(404, "not found\n");
    Response r;
    char buf[64 * 1024];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      r.body.append(buf, static_cast<std::size_t>(in.gcount()));
    }
    r.headers.emplace_back("Content-Type", content_type_for(served_path));
    return r;
  }

  Response route(const Request& req, bool& keep_alive) {
    {
      std::lock_guard lock(redirects_mu);
      const auto moved = redirects.find(req.path);
      if (moved != redirects.end()) {
        Response r = text_response(moved->second.first, "moved to " + moved->second.second + "\n");
        r.headers.emplace_back("Location", moved->second.second);
        return r;
      }
    }
    if (req.path.starts_with("/__status/")) {
      const auto code = parse_size(std::string_view(req.path).substr(10));
      if (!code || *code < 200 || *code > 599) return text_response(400, "bad status code\n");
      const int status = static_cast<int>(*code);
      Response r = text_response(status, "status " + std::to_string(status) + "\n");
      if (status == 204 || status == 304) r.body.clear();
      return r;
    }
    const auto params = parse_query(req.query);
    auto param = [&](const char* name) -> std::optional<std::string> {
      auto it = params.find(name);
      if (it == params.end()) return std::nullopt;
      return it->second;
    };
    if (req.path == "/__redirect") {
      const auto to = param("to");
      if (!to || to->empty() || to->find_first_of("\r\n") != std::string::npos) {
        return text_response(400, "missing or bad ?to=\n");
      }
      int status = 302;
      if (const auto code = param("code")) {
        const auto c = parse_size(*code);
        if (!c || (*c != 301 && *c != 302 && *c != 303 && *c != 307 && *c != 308)) {
          return text_response(400, "bad redirect code\n");
        }
        status = static_cast<int>(*c);
      }
      Response r = text_response(status, "redirecting to " + *to + "\n");
      r.headers.emplace_back("Location", *to);
      return r;
    }
    if (req.path == "/__chain") {
      const auto n = parse_size(param("n").value_or(""));
      if (!n) return text_response(400, "bad ?n=\n");
      if (*n == 0) return text_response(200, "end of chain\n");
      Response r = text_response(302, "redirecting\n");
      r.headers.emplace_back("Location", "/__chain?n=" + std::to_string(*n - 1));
      return r;
    }
    if (req.path == "/__slow") {
      const auto ms = parse_size(param("ms").value_or("1000"));
      if (!ms || *ms > 3'600'000) return text_response(400, "bad ?ms=\n");
      if (!sleep_ms(static_cast<int>(*ms))) {
        keep_alive = false;
        return text_response(503, "server stopping\n");
      }
      return text_response(200, "slow response after " + std::to_string(*ms) + " ms\n");
    }
    if (req.path == "/__bytes") {
      const auto n = parse_size(param("n").value_or(""));
      if (!n) return text_response(400, "bad ?n=\n");
      Response r;
      r.headers.emplace_back("Content-Type", param("type").value_or("text/plain; charset=utf-8"));
      r.chunked_bytes = *n;
      return r;
    }
    if (req.path == "/__drip") {
      const auto n = parse_size(param("n").value_or(""));
      const auto ms = parse_size(param("ms").value_or("1000"));
      if (!n || !ms || *ms > 60'000) return text_response(400, "bad ?n= or ?ms=\n");
      Response r;
      r.headers.emplace_back("Content-Type", param("type").value_or("image/gif"));
      r.chunked_bytes = *n;
      r.drip_ms = static_cast<int>(*ms);
      return r;
    }
    if (req.path == "/__cookies") {
      const auto n = parse_size(param("n").value_or(""));
      const auto size = parse_size(param("size").value_or("100"));
      if (!n || !size || *n > 10'000 || *size > 8192) return text_response(400, "bad ?n= or ?size=\n");
      const std::size_t response = cookie_responses++;
      Response r;
      r.headers.emplace_back("Content-Type", "image/gif");
      for (std::size_t i = 0; i < *n; ++i) {
        r.headers.emplace_back("Set-Cookie", "c" + std::to_string(response) + "_" +
                                                 std::to_string(i) + "=" + std::string(*size, 'v') +
                                                 "; Path=/");
      }
      r.body = "GIF89a";
      return r;
    }
    if (req.path == "/__gzipbomb") {
      const auto n = parse_size(param("n").value_or(""));
      if (!n || *n == 0 || *n > kMaxBombBytes) return text_response(400, "bad ?n=\n");
      Response r;
      r.headers.emplace_back("Content-Type", "application/octet-stream");
      r.headers.emplace_back("Content-Encoding", "gzip");
      r.body = *gzip_bomb(*n);
      return r;
    }
    return serve_file(req);
  }

  static bool accepts_gzip(const Request& req) {
    auto it = req.headers.find("accept-encoding");
    if (it == req.headers.end()) return false;
    std::string_view v = it->second;
    while (!v.empty()) {
      const auto comma = v.find(',');
      std::string_view item = trim(v.substr(0, comma));
      v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
      const auto semi = item.find(';');
      const std::string coding = lower(trim(item.substr(0, semi)));
      if (coding != "gzip" && coding != "*") continue;
      if (semi != std::string_view::npos) {
        std::string params = lower(item.substr(semi + 1));
        params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
        if (params == "q=0" || params == "q=0.0" || params == "q=0.00" || params == "q=0.000") {
          continue;
        }
      }
      return true;
    }
    return false;
  }

  // Writes the response; false when the connection must close.
  bool respond(int fd, const Request& req, Response r, bool keep_alive) {
    const bool head = req.method == "HEAD";
    std::string content_type;
    bool has_encoding = false;
    for (const auto& [name, value] : r.headers) {
      if (name == "Content-Type") content_type = value;
      if (name == "Content-Encoding") has_encoding = true;
    }
    if (options.gzip && !has_encoding && !r.chunked_bytes && !r.body.empty() &&
        is_compressible(content_type)) {
      r.headers.emplace_back("Vary", "Accept-Encoding");
      if (accepts_gzip(req)) {
        r.body = gzip_stream(r.body.size(), &r.body);
        r.headers.emplace_back("Content-Encoding", "gzip");
      }
    }

    std::string head_text = "HTTP/1.1 " + std::to_string(r.status) + " " + reason_phrase(r.status) +
                            "\r\nServer: linksnap-test-server\r\n";
    for (const auto& [name, value] : r.headers) head_text += name + ": " + value + "\r\n";
    if (r.chunked_bytes) {
      head_text += "Transfer-Encoding: chunked\r\n";
    } else if (r.status != 204 && r.status != 304) {
      head_text += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    }
    head_text += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";

    if (head) return send_all(fd, head_text) && keep_alive;
    if (!r.chunked_bytes) {
      head_text += r.body;  // one send for small responses: fewer packets, simpler timing
      return send_all(fd, head_text) && keep_alive;
    }
    if (!send_all(fd, head_text)) return false;
    static const std::string kChunk(64 * 1024, 'a');
    std::size_t left = *r.chunked_bytes;
    while (left > 0) {
      if (r.drip_ms > 0 && left != *r.chunked_bytes && !sleep_ms(r.drip_ms)) return false;
      const std::size_t n = std::min(left, r.drip_ms > 0 ? std::size_t{1} : kChunk.size());
      std::ostringstream size_line;
      size_line << std::hex << n << "\r\n";
      if (!send_all(fd, size_line.str()) || !send_all(fd, std::string_view(kChunk).substr(0, n)) ||
          !send_all(fd, "\r\n")) {
        return false;
      }
      left -= n;
    }
    return send_all(fd, "0\r\n\r\n") && keep_alive;
  }

  // Parses the head in buf[0, head_end); nullopt if malformed.
  static std::optional<Request> parse_head(std::string_view head) {
    Request req;
    const auto line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    const auto sp1 = line.find(' ');
    const auto sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) return std::nullopt;
    req.method = std::string(line.substr(0, sp1));
    req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    req.version = std::string(line.substr(sp2 + 1));
    if (req.target.empty() || req.target.front() != '/' || !req.version.starts_with("HTTP/1.")) {
      return std::nullopt;
    }
    const auto q = req.target.find('?');
    req.path = percent_decode(std::string_view(req.target).substr(0, q), false);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
    while (!rest.empty()) {
      const auto eol = rest.find("\r\n");
      const std::string_view h = rest.substr(0, eol);
      rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 2);
      const auto colon = h.find(':');
      if (colon == std::string_view::npos || colon == 0) return std::nullopt;
      req.headers[lower(h.substr(0, colon))] = std::string(trim(h.substr(colon + 1)));
    }
    return req;
  }

  static bool wants_keep_alive(const Request& req) {
    auto it = req.headers.find("connection");
    const std::string conn = it == req.headers.end() ? "" : lower(it->second);
    if (req.version == "HTTP/1.0") return conn.find("keep-alive") != std::string::npos;
    return conn.find("close") == std::string::npos;
  }

  void serve_connection(int fd) {
    std::string buf;
    for (;;) {
      std::size_t head_end;
      while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
        if (buf.size() > kMaxHeaderBytes) {
          Request dummy;
          respond(fd, dummy, text_response(431, "request head too large\n"), false);
          return;
        }
        if (!read_some(fd, buf)) return;
      }
      auto parsed = parse_head(std::string_view(buf).substr(0, head_end));
      buf.erase(0, head_end + 4);
      if (!parsed) {
        Request dummy;
        respond(fd, dummy, text_response(400, "malformed request\n"), false);
        return;
      }
      Request& req = *parsed;
      {
        std::lock_guard lock(log_mu);
        paths.push_back(req.target);
        headers.push_back(req.headers);
      }
      // GET and HEAD carry no body we care about; drain a declared one so keep-alive stays in
      // sync, refuse chunked request bodies (nothing here needs them).
      if (req.headers.count("transfer-encoding")) {
        respond(fd, req, text_response(501, "request bodies are not supported\n"), false);
        return;
      }
      if (auto it = req.headers.find("content-length"); it != req.headers.end()) {
        const auto len = parse_size(it->second);
        if (!len || *len > kMaxRequestBody) {
          respond(fd, req, text_response(400, "bad Content-Length\n"), false);
          return;
        }
        while (buf.size() < *len) {
          if (!read_some(fd, buf)) return;
        }
        buf.erase(0, *len);
      }

      const std::size_t active = ++active_requests;
      raise_max(max_requests, active);
      bool keep_alive = wants_keep_alive(req);
      bool ok;
      if (!sleep_ms(options.latency_ms)) {
        ok = false;
      } else if (req.method != "GET" && req.method != "HEAD") {
        Response r = text_response(405, "only GET and HEAD\n");
        r.headers.emplace_back("Allow", "GET, HEAD");
        ok = respond(fd, req, std::move(r), keep_alive);
      } else {
        Response r;
        try {
          r = route(req, keep_alive);
        } catch (const std::exception& e) {
          r = text_response(500, std::string("server error: ") + e.what() + "\n");
          keep_alive = false;
        }
        ok = respond(fd, req, std::move(r), keep_alive);
      }
      --active_requests;
      if (!ok) return;
    }
  }

  void reap_finished_connections() {
    std::lock_guard lock(connections_mu);
    for (auto it = connections.begin(); it != connections.end();) {
      if (it->done->load()) {
        it->thread.join();
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  }

  void accept_loop() {
    for (;;) {
      pollfd p[2] = {{listen_fd, POLLIN, 0}, {wake_read, POLLIN, 0}};
      const int r = ::poll(p, 2, 1000);
      if (r < 0 && errno != EINTR) return;
      if (stopping || p[1].revents != 0) return;
      reap_finished_connections();
      if (r <= 0 || (p[0].revents & POLLIN) == 0) continue;
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        // EMFILE and friends: back off briefly instead of spinning.
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
          sleep_ms(10);
        }
        continue;
      }
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      const std::size_t open = ++open_connections;
      ++total_connections;
      raise_max(max_connections, open);
      try {
        auto done = std::make_shared<std::atomic<bool>>(false);
        std::lock_guard lock(connections_mu);
        connections.push_back(Connection{std::thread([this, fd, done] {
                                           try {
                                             serve_connection(fd);
                                           } catch (...) {
                                             // Out of memory in a test server: drop the client.
                                           }
                                           ::close(fd);
                                           --open_connections;
                                           done->store(true);
                                         }),
                                         done});
      } catch (...) {
        // No thread to be had (resource exhaustion): refuse this client, keep serving others.
        ::close(fd);
        --open_connections;
      }
    }
  }
};

TestHttpServer::TestHttpServer(Options options) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.options = std::move(options);
  if (!s.options.root.empty()) {
    std::error_code ec;
    s.root = fs::canonical(s.options.root, ec);
    if (ec || !fs::is_directory(s.root)) {
      throw std::runtime_error("test server root is not a folder: " + s.options.root);
    }
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  s.wake_read = pipe_fds[0];
  s.wake_write = pipe_fds[1];

  s.listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(s.options.port);
  socklen_t len = sizeof addr;
  if (s.listen_fd < 0 ||
      ::setsockopt(s.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      ::bind(s.listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(s.listen_fd, 512) != 0 ||
      ::getsockname(s.listen_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string why = std::strerror(errno);
    if (s.listen_fd >= 0) ::close(s.listen_fd);
    ::close(s.wake_read);
    ::close(s.wake_write);
    throw std::runtime_error("cannot listen on 127.0.0.1 port " + std::to_string(s.options.port) +
                             ": " + why);
  }
  s.port = ntohs(addr.sin_port);
  s.acceptor = std::thread([&s] { s.accept_loop(); });
}

TestHttpServer::~TestHttpServer() { stop(); }

void TestHttpServer::stop() {
  Impl& s = *impl_;
  if (s.stopping.exchange(true)) return;
  // The byte is never read, so the pipe stays readable and every poll() sees it.
  const char byte = 'x';
  while (::write(s.wake_write, &byte, 1) < 0 && errno == EINTR) {
  }
  if (s.acceptor.joinable()) s.acceptor.join();
  ::close(s.listen_fd);
  std::list<Impl::Connection> connections;
  {
    std::lock_guard lock(s.connections_mu);
    connections.swap(s.connections);
  }
  for (auto& c : connections) c.thread.join();
  ::close(s.wake_read);
  ::close(s.wake_write);
}

void TestHttpServer::set_content_type(const std::string& path_or_extension,
                                      std::string content_type) {
  std::lock_guard lock(impl_->content_types_mu);
  impl_->content_types[path_or_extension] = std::move(content_type);
}

void TestHttpServer::set_redirect(const std::string& path, std::string location, int code) {
  std::lock_guard lock(impl_->redirects_mu);
  impl_->redirects[path] = {code, std::move(location)};
}

void TestHttpServer::clear_redirect(const std::string& path) {
  std::lock_guard lock(impl_->redirects_mu);
  impl_->redirects.erase(path);
}

uint16_t TestHttpServer::port() const { return impl_->port; }

std::string TestHttpServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::vector<std::string> TestHttpServer::request_paths() const {
  std::lock_guard lock(impl_->log_mu);
  return impl_->paths;
}

std::vector<std::map<std::string, std::string>> TestHttpServer::request_headers() const {
  std::lock_guard lock(impl_->log_mu);
  return impl_->headers;
}

std::size_t TestHttpServer::request_count() const {
  std::lock_guard lock(impl_->log_mu);
  return impl_->paths.size();
}

std::size_t TestHttpServer::connection_count() const { return impl_->total_connections; }
std::size_t TestHttpServer::max_concurrent_connections() const { return impl_->max_connections; }
std::size_t TestHttpServer::max_concurrent_requests() const { return impl_->max_requests; }

void TestHttpServer::reset_log() {
  Impl& s = *impl_;
  std::lock_guard lock(s.log_mu);
  s.paths.clear();
  s.headers.clear();
  s.total_connections = 0;
  s.max_connections = s.open_connections.load();
  s.max_requests = s.active_requests.load();
}

}  // namespace linksnap::test
