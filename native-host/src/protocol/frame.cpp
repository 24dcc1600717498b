#include "protocol/frame.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <system_error>
#include <utility>

namespace linksnap::protocol {

namespace {

constexpr std::size_t kHeaderBytes = sizeof(std::uint32_t);
constexpr std::size_t kDiscardPieceBytes = 64u << 10;
// One read()/write() call never asks for more than this (keeps ssize_t/long conversions exact).
constexpr std::size_t kMaxIoCall = 1u << 30;

enum class Fill { kComplete, kEof, kError };

// Reads exactly n bytes unless the source ends or fails; *got says how many arrived.
Fill read_fully(ByteSource& in, char* buf, std::size_t n, std::size_t* got) {
  *got = 0;
  while (*got < n) {
    const long r = in.read(buf + *got, n - *got);
    if (r == 0) return Fill::kEof;
    // Anything outside [1, asked] breaks the ByteSource contract; treat it as a read error.
    if (r < 0 || static_cast<unsigned long>(r) > n - *got) return Fill::kError;
    *got += static_cast<std::size_t>(r);
  }
  return Fill::kComplete;
}

std::string error_suffix(const ByteSource& in) {
  std::string detail = in.last_error();
  return detail.empty() ? std::string() : ": " + detail;
}

FrameRead broken(std::string reason, std::uint32_t declared_length = 0) {
  FrameRead out;
  out.status = FrameStatus::kBroken;
  out.declared_length = declared_length;
  out.reason = std::move(reason);
  return out;
}

}  // namespace

FdByteSource::FdByteSource(int fd) : fd_(fd) {}

long FdByteSource::read(char* buf, std::size_t n) {
  n = std::min(n, kMaxIoCall);
  for (;;) {
    const ssize_t r = ::read(fd_, buf, n);
    if (r >= 0) return static_cast<long>(r);
    if (errno == EINTR) continue;
    last_errno_ = errno;
    return -1;
  }
}

std::string FdByteSource::last_error() const {
  return last_errno_ == 0 ? std::string() : std::system_category().message(last_errno_);
}

StringByteSource::StringByteSource(std::string data, std::size_t max_read)
    : data_(std::move(data)), max_read_(std::max<std::size_t>(max_read, 1)) {}

long StringByteSource::read(char* buf, std::size_t n) {
  const std::size_t count = std::min({n, data_.size() - pos_, max_read_, kMaxIoCall});
  std::memcpy(buf, data_.data() + pos_, count);
  pos_ += count;
  return static_cast<long>(count);
}

FrameRead read_frame(ByteSource& in, std::uint32_t max_length) {
  char header[kHeaderBytes];
  std::size_t got = 0;
  switch (read_fully(in, header, kHeaderBytes, &got)) {
    case Fill::kComplete:
      break;
    case Fill::kEof:
      if (got == 0) return FrameRead{FrameStatus::kEndOfStream, {}, 0, {}};
      return broken("stream ended inside a frame header (" + std::to_string(got) + " of 4 bytes)");
    case Fill::kError:
      return broken("read error inside a frame header (" + std::to_string(got) + " of 4 bytes)" +
                    error_suffix(in));
  }

  std::uint32_t length = 0;
  std::memcpy(&length, header, kHeaderBytes);  // native byte order, as browsers write it

  if (length > max_length) {
    // Skip the payload without allocating it, so the next frame header is found where it should be.
    std::array<char, kDiscardPieceBytes> sink;
    std::size_t skipped = 0;
    while (skipped < length) {
      const std::size_t piece = std::min<std::size_t>(sink.size(), length - skipped);
      const Fill fill = read_fully(in, sink.data(), piece, &got);
      skipped += got;
      if (fill != Fill::kComplete) {
        const std::string where = " inside an oversized frame (" + std::to_string(skipped) +
                                  " of " + std::to_string(length) + " bytes skipped)";
        return fill == Fill::kEof ? broken("stream ended" + where, length)
                                  : broken("read error" + where + error_suffix(in), length);
      }
    }
    FrameRead out;
    out.status = FrameStatus::kOversized;
    out.declared_length = length;
    out.reason = "frame of " + std::to_string(length) + " bytes exceeds the limit of " +
                 std::to_string(max_length) + " bytes";
    return out;
  }

  FrameRead out;
  out.declared_length = length;
  out.payload.resize(length);  // bounded by max_length, checked above
  switch (read_fully(in, out.payload.data(), length, &got)) {
    case Fill::kComplete:
      out.status = FrameStatus::kFrame;
      return out;
    case Fill::kEof:
      return broken("stream ended inside a frame payload (" + std::to_string(got) + " of " +
                        std::to_string(length) + " bytes)",
                    length);
    case Fill::kError:
      break;
  }
  return broken("read error inside a frame payload (" + std::to_string(got) + " of " +
                    std::to_string(length) + " bytes)" + error_suffix(in),
                length);
}

std::string encode_frame(std::string_view payload) {
  if (payload.size() > std::numeric_limits<std::uint32_t>::max()) return {};
  const auto length = static_cast<std::uint32_t>(payload.size());
  std::string out(kHeaderBytes + payload.size(), '\0');
  std::memcpy(out.data(), &length, kHeaderBytes);
  if (!payload.empty()) std::memcpy(out.data() + kHeaderBytes, payload.data(), payload.size());
  return out;
}

FrameWriter::FrameWriter(int fd) : fd_(fd) {}

bool FrameWriter::write(std::string_view payload) {
  if (payload.size() > kMaxOutgoingFrameBytes) return false;
  // One buffer, one write loop: a frame is never interleaved with another thread's frame.
  const std::string frame = encode_frame(payload);
  std::lock_guard<std::mutex> lock(mutex_);
  if (broken_) return false;
  if (!write_all(frame.data(), frame.size())) {
    broken_ = true;
    return false;
  }
  return true;
}

bool FrameWriter::broken() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return broken_;
}

bool FrameWriter::write_all(const char* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t w = ::write(fd_, data + done, std::min(size - done, kMaxIoCall));
    if (w > 0) {
      done += static_cast<std::size_t>(w);
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // A non-blocking stdout: wait until the browser drains the pipe, then go on.
      pollfd pfd{fd_, POLLOUT, 0};
      int p = 0;
      do {
        p = ::poll(&pfd, 1, -1);
      } while (p < 0 && errno == EINTR);
      if (p < 0 || (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return false;
      continue;
    }
    return false;  // EPIPE (browser gone), EBADF, EIO, ... or a write() that made no progress
  }
  return true;
}

}  // namespace linksnap::protocol
