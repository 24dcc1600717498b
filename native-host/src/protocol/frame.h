// Native messaging framing: a 4-byte length in native byte order, then that many bytes of UTF-8
// JSON. The reader trusts nothing it reads; the writer is the only code that touches stdout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace linksnap::protocol {

// browser->host, per frame (larger requests arrive chunked).
inline constexpr std::uint32_t kMaxIncomingFrameBytes = 4u << 20;
// host->browser: Chrome closes the port on a frame > 1 MiB.
inline constexpr std::size_t kMaxOutgoingFrameBytes = 1u << 20;

// Where frames are read from; abstract so tests and fuzzers can feed bytes without a pipe.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes; returns bytes read, 0 only at end of stream; -1 on a read error.
  virtual long read(char* buf, std::size_t n) = 0;
  // Why the last read returned -1 (e.g. strerror text); empty if unknown. Only used in messages.
  virtual std::string last_error() const { return {}; }
};

// Reads a file descriptor (stdin in the host). Retries EINTR; does not own or close the fd.
class FdByteSource : public ByteSource {
 public:
  explicit FdByteSource(int fd);
  long read(char* buf, std::size_t n) override;
  std::string last_error() const override;

 private:
  int fd_;
  int last_errno_ = 0;
};

// Serves a fixed string, at most max_read bytes per read() so tests can exercise short reads.
class StringByteSource : public ByteSource {
 public:
  explicit StringByteSource(std::string data, std::size_t max_read = static_cast<std::size_t>(-1));
  long read(char* buf, std::size_t n) override;

 private:
  std::string data_;
  std::size_t pos_ = 0;
  std::size_t max_read_;
};

enum class FrameStatus {
  kFrame,        // payload holds one whole frame (possibly empty)
  kEndOfStream,  // clean EOF between frames: the browser closed the port
  kOversized,  // declared_length > max_length; the payload was skipped, the stream is still in sync
  kBroken,     // EOF or read error inside a frame: the stream cannot be trusted any more
};

struct FrameRead {
  FrameStatus status = FrameStatus::kBroken;
  std::string payload;
  std::uint32_t declared_length = 0;  // as read from the header (0 if the header was incomplete)
  std::string reason;                 // for kOversized/kBroken: one sentence for the log or reply
};

// Reads one frame. The length is checked against max_length before anything is allocated; an
// oversized payload is read and discarded in bounded pieces so the host can reply and go on.
FrameRead read_frame(ByteSource& in, std::uint32_t max_length = kMaxIncomingFrameBytes);

// Length prefix + payload; "" (never a valid frame) if the size does not fit in 32 bits.
std::string encode_frame(std::string_view payload);

// Writes whole frames to an fd (stdout in the host) from any thread. The process must ignore
// SIGPIPE (host_main does), otherwise a vanished browser kills the host instead of returning false.
class FrameWriter {
 public:
  explicit FrameWriter(int fd);
  FrameWriter(const FrameWriter&) = delete;
  FrameWriter& operator=(const FrameWriter&) = delete;

  // False if the peer is gone or an earlier write failed (a half-written frame desyncs the
  // stream for good). A payload > kMaxOutgoingFrameBytes is refused unwritten: chunk it first.
  bool write(std::string_view payload);
  // True once a write failed; every later write() returns false without writing.
  bool broken() const;

 private:
  bool write_all(const char* data, std::size_t size);  // called with mutex_ held

  int fd_;
  mutable std::mutex mutex_;
  bool broken_ = false;
};

}  // namespace linksnap::protocol
