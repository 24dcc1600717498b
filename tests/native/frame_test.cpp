#include "protocol/frame.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace linksnap::protocol {
namespace {

std::string header(std::uint32_t length) {
  std::string out(4, '\0');
  std::memcpy(out.data(), &length, 4);
  return out;
}

// Serves `data`, then fails every read with -1.
class FailingByteSource : public ByteSource {
 public:
  explicit FailingByteSource(std::string data) : data_(std::move(data)) {}
  long read(char* buf, std::size_t n) override {
    if (pos_ == data_.size()) return -1;
    const std::size_t count = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, count);
    pos_ += count;
    return static_cast<long>(count);
  }
  std::string last_error() const override { return "Input/output error"; }

 private:
  std::string data_;
  std::size_t pos_ = 0;
};

// A header declaring `length`, then `available` bytes it never stores, then `tail`. Records the
// largest read it was asked for, to show the reader skips in bounded pieces.
class HugeFrameSource : public ByteSource {
 public:
  HugeFrameSource(std::uint32_t length, std::uint64_t available, std::string tail)
      : head_(header(length)), available_(available), tail_(std::move(tail)) {}
  long read(char* buf, std::size_t n) override {
    largest_request = std::max(largest_request, n);
    if (head_pos_ < head_.size()) {
      const std::size_t count = std::min(n, head_.size() - head_pos_);
      std::memcpy(buf, head_.data() + head_pos_, count);
      head_pos_ += count;
      return static_cast<long>(count);
    }
    if (available_ > 0) {
      const auto count = static_cast<std::size_t>(std::min<std::uint64_t>(n, available_));
      std::memset(buf, 'x', count);
      available_ -= count;
      return static_cast<long>(count);
    }
    const std::size_t count = std::min(n, tail_.size() - tail_pos_);
    std::memcpy(buf, tail_.data() + tail_pos_, count);
    tail_pos_ += count;
    return static_cast<long>(count);
  }
  std::size_t largest_request = 0;

 private:
  std::string head_;
  std::size_t head_pos_ = 0;
  std::uint64_t available_;
  std::string tail_;
  std::size_t tail_pos_ = 0;
};

// Returns more bytes than it was asked for: a broken ByteSource must not overflow the reader.
class OverreportingByteSource : public ByteSource {
 public:
  long read(char* /*buf*/, std::size_t n) override { return static_cast<long>(n) + 1; }
};

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (::pipe(fds) == 0) {
      read_end = fds[0];
      write_end = fds[1];
    }
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read_end >= 0) ::close(read_end);
    read_end = -1;
  }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
};

// The host ignores SIGPIPE; tests that write to a closed pipe do the same, then restore.
class ScopedIgnoreSigpipe {
 public:
  ScopedIgnoreSigpipe() { old_ = std::signal(SIGPIPE, SIG_IGN); }
  ~ScopedIgnoreSigpipe() { std::signal(SIGPIPE, old_); }

 private:
  void (*old_)(int) = nullptr;
};

bool pipe_is_empty(int fd) {
  pollfd pfd{fd, POLLIN, 0};
  return ::poll(&pfd, 1, 0) == 0;
}

TEST(EncodeFrameTest, PrefixesNativeByteOrderLength) {
  EXPECT_EQ(encode_frame("{}"), header(2) + "{}");
  EXPECT_EQ(encode_frame(""), header(0));
  const std::string big(70000, 'a');
  EXPECT_EQ(encode_frame(big), header(70000) + big);
}

TEST(FrameReaderTest, RoundTripsFrames) {
  const std::vector<std::string> payloads = {"{\"id\":1}", "", std::string(100000, 'z'),
                                             "\xE5\xAF\x86\xE9\x92\xA5"};
  std::string stream;
  for (const auto& p : payloads) stream += encode_frame(p);
  StringByteSource in(stream);
  for (const auto& p : payloads) {
    const FrameRead f = read_frame(in);
    ASSERT_EQ(f.status, FrameStatus::kFrame) << f.reason;
    EXPECT_EQ(f.payload, p);
    EXPECT_EQ(f.declared_length, p.size());
  }
  EXPECT_EQ(read_frame(in).status, FrameStatus::kEndOfStream);
  EXPECT_EQ(read_frame(in).status, FrameStatus::kEndOfStream);
}

TEST(FrameReaderTest, ShortReadsAreAssembledIntoWholeFrames) {
  StringByteSource in(encode_frame("{\"a\":\"bcdef\"}") + encode_frame("[1]"), /*max_read=*/1);
  FrameRead f = read_frame(in);
  ASSERT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, "{\"a\":\"bcdef\"}");
  f = read_frame(in);
  ASSERT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, "[1]");
  EXPECT_EQ(read_frame(in).status, FrameStatus::kEndOfStream);
}

TEST(FrameReaderTest, CleanEofBeforeAnyHeaderByteIsEndOfStream) {
  StringByteSource in("");
  const FrameRead f = read_frame(in);
  EXPECT_EQ(f.status, FrameStatus::kEndOfStream);
  EXPECT_TRUE(f.payload.empty());
  EXPECT_TRUE(f.reason.empty());
}

TEST(FrameReaderTest, TruncatedHeaderIsBroken) {
  for (std::size_t n = 1; n <= 3; ++n) {
    StringByteSource in(header(10).substr(0, n));
    const FrameRead f = read_frame(in);
    EXPECT_EQ(f.status, FrameStatus::kBroken);
    EXPECT_EQ(f.reason,
              "stream ended inside a frame header (" + std::to_string(n) + " of 4 bytes)");
  }
}

TEST(FrameReaderTest, TruncatedPayloadIsBroken) {
  StringByteSource in(header(20) + "0123456789");
  const FrameRead f = read_frame(in);
  EXPECT_EQ(f.status, FrameStatus::kBroken);
  EXPECT_EQ(f.declared_length, 20u);
  EXPECT_EQ(f.reason, "stream ended inside a frame payload (10 of 20 bytes)");
}

TEST(FrameReaderTest, ZeroLengthFrameIsAnEmptyPayload) {
  StringByteSource in(header(0) + encode_frame("{}"));
  FrameRead f = read_frame(in);
  EXPECT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, "");
  EXPECT_EQ(f.declared_length, 0u);
  f = read_frame(in);
  EXPECT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, "{}");
}

TEST(FrameReaderTest, FrameAtTheLimitIsReadAndOneByteMoreIsOversized) {
  StringByteSource in(encode_frame(std::string(100, 'a')) + encode_frame(std::string(101, 'b')) +
                      encode_frame("{}"));
  FrameRead f = read_frame(in, 100);
  EXPECT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload.size(), 100u);
  f = read_frame(in, 100);
  EXPECT_EQ(f.status, FrameStatus::kOversized);
  EXPECT_EQ(f.declared_length, 101u);
  EXPECT_EQ(f.reason, "frame of 101 bytes exceeds the limit of 100 bytes");
  f = read_frame(in, 100);
  EXPECT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, "{}");
}

TEST(FrameReaderTest, OversizedFrameIsSkippedWithoutAllocating) {
  // Declares ~4 GiB: had the reader allocated or read it whole, this would fail or exhaust memory.
  const std::uint32_t length = 0xFFFFFFF0u;
  HugeFrameSource in(length, length, encode_frame("{\"id\":2}"));
  FrameRead f = read_frame(in);
  EXPECT_EQ(f.status, FrameStatus::kOversized);
  EXPECT_EQ(f.declared_length, length);
  EXPECT_EQ(f.reason, "frame of 4294967280 bytes exceeds the limit of 4194304 bytes");
  EXPECT_EQ(f.payload.capacity(), std::string().capacity());
  EXPECT_LE(in.largest_request, 64u << 10);
  f = read_frame(in);
  ASSERT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, "{\"id\":2}");
}

TEST(FrameReaderTest, OversizedFrameThenValidFrameKeepsStreamInSync) {
  const std::string big((5u << 20) + 3, '{');
  StringByteSource in(
      encode_frame(big) + encode_frame("{\"id\":7}") + encode_frame(big) + encode_frame("[]"),
      4096);
  FrameRead f = read_frame(in);
  EXPECT_EQ(f.status, FrameStatus::kOversized);
  EXPECT_EQ(f.declared_length, big.size());
  f = read_frame(in);
  ASSERT_EQ(f.status, FrameStatus::kFrame) << f.reason;
  EXPECT_EQ(f.payload, "{\"id\":7}");
  EXPECT_EQ(read_frame(in).status, FrameStatus::kOversized);
  f = read_frame(in);
  ASSERT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, "[]");
  EXPECT_EQ(read_frame(in).status, FrameStatus::kEndOfStream);
}

TEST(FrameReaderTest, StreamEndingInsideOversizedFrameIsBroken) {
  HugeFrameSource in(10u << 20, 100000, "");
  const FrameRead f = read_frame(in);
  EXPECT_EQ(f.status, FrameStatus::kBroken);
  EXPECT_EQ(f.declared_length, 10u << 20);
  EXPECT_EQ(f.reason, "stream ended inside an oversized frame (100000 of 10485760 bytes skipped)");
}

TEST(FrameReaderTest, GarbageBytesDoNotCrashAndEndBroken) {
  // Someone typed into the host's stdin: "GET " is read as a length of ~542 MB.
  const std::string garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  std::uint32_t as_length = 0;
  std::memcpy(&as_length, garbage.data(), 4);
  StringByteSource in(garbage);
  const FrameRead f = read_frame(in);
  EXPECT_EQ(f.status, FrameStatus::kBroken);
  EXPECT_EQ(f.declared_length, as_length);
  EXPECT_EQ(f.reason, "stream ended inside an oversized frame (" +
                          std::to_string(garbage.size() - 4) + " of " + std::to_string(as_length) +
                          " bytes skipped)");
}

TEST(FrameReaderTest, SmallGarbageLengthYieldsAFrameTheCallerRejects) {
  StringByteSource in(header(3) + std::string("\xFF\x00\x01", 3));
  const FrameRead f = read_frame(in);
  EXPECT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, std::string("\xFF\x00\x01", 3));
}

TEST(FrameReaderTest, ReadErrorIsBroken) {
  {
    FailingByteSource in("");
    const FrameRead f = read_frame(in);
    EXPECT_EQ(f.status, FrameStatus::kBroken);
    EXPECT_EQ(f.reason, "read error inside a frame header (0 of 4 bytes): Input/output error");
  }
  {
    FailingByteSource in(header(8).substr(0, 2));
    const FrameRead f = read_frame(in);
    EXPECT_EQ(f.status, FrameStatus::kBroken);
    EXPECT_EQ(f.reason, "read error inside a frame header (2 of 4 bytes): Input/output error");
  }
  {
    FailingByteSource in(header(8) + "abc");
    const FrameRead f = read_frame(in);
    EXPECT_EQ(f.status, FrameStatus::kBroken);
    EXPECT_EQ(f.declared_length, 8u);
    EXPECT_EQ(f.reason, "read error inside a frame payload (3 of 8 bytes): Input/output error");
  }
  {
    FailingByteSource in(header(9000) + "abc");
    const FrameRead f = read_frame(in, 100);
    EXPECT_EQ(f.status, FrameStatus::kBroken);
    EXPECT_EQ(f.reason,
              "read error inside an oversized frame (3 of 9000 bytes skipped): Input/output error");
  }
}

TEST(FrameReaderTest, SourceReturningMoreThanAskedIsBroken) {
  OverreportingByteSource in;
  const FrameRead f = read_frame(in);
  EXPECT_EQ(f.status, FrameStatus::kBroken);
  EXPECT_EQ(f.reason, "read error inside a frame header (0 of 4 bytes)");
}

TEST(FdByteSourceTest, ReadErrorCarriesErrnoText) {
  const int dir = ::open("/", O_RDONLY | O_DIRECTORY);
  ASSERT_GE(dir, 0);
  FdByteSource in(dir);
  const FrameRead f = read_frame(in);
  ::close(dir);
  EXPECT_EQ(f.status, FrameStatus::kBroken);
  EXPECT_EQ(f.reason, "read error inside a frame header (0 of 4 bytes): Is a directory");
}

TEST(FdByteSourceTest, ReadsFramesFromAPipeUntilClose) {
  Pipe p;
  ASSERT_GE(p.read_end, 0);
  std::thread writer([&] {
    FrameWriter w(p.write_end);
    EXPECT_TRUE(w.write("{\"id\":1}"));
    EXPECT_TRUE(w.write(std::string(300000, 'q')));
    p.close_write();
  });
  FdByteSource in(p.read_end);
  FrameRead f = read_frame(in);
  ASSERT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, "{\"id\":1}");
  f = read_frame(in);
  ASSERT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, std::string(300000, 'q'));
  writer.join();
  EXPECT_EQ(read_frame(in).status, FrameStatus::kEndOfStream);
}

TEST(FrameWriterTest, RefusesPayloadOverOneMiBAndWritesNothing) {
  Pipe p;
  ASSERT_GE(p.read_end, 0);
  FrameWriter w(p.write_end);
  EXPECT_FALSE(w.write(std::string(kMaxOutgoingFrameBytes + 1, 'a')));
  EXPECT_TRUE(pipe_is_empty(p.read_end));
  EXPECT_FALSE(w.broken());  // nothing was written, so the stream is still usable
  EXPECT_TRUE(w.write("{}"));
  FdByteSource in(p.read_end);
  const FrameRead f = read_frame(in);
  ASSERT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, "{}");
}

TEST(FrameWriterTest, WritesExactlyOneMiBPayload) {
  Pipe p;
  ASSERT_GE(p.read_end, 0);
  const std::string payload(kMaxOutgoingFrameBytes, 'm');
  FrameRead f;
  std::thread reader([&] {
    FdByteSource in(p.read_end);
    f = read_frame(in, static_cast<std::uint32_t>(kMaxOutgoingFrameBytes));
  });
  FrameWriter w(p.write_end);
  EXPECT_TRUE(w.write(payload));
  reader.join();
  EXPECT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, payload);
}

TEST(FrameWriterTest, ConcurrentWritersNeverInterleaveFrames) {
  Pipe p;
  ASSERT_GE(p.read_end, 0);
  FrameWriter w(p.write_end);
  constexpr int kThreads = 4;
  constexpr int kFramesPerThread = 40;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&w, t] {
      for (int i = 0; i < kFramesPerThread; ++i) {
        // Bigger than the pipe buffer, so write() returns partial counts.
        const std::size_t size = 1000 + static_cast<std::size_t>((i * 7919 + t * 104729) % 200000);
        EXPECT_TRUE(w.write(std::string(size, static_cast<char>('a' + t))));
      }
    });
  }
  std::thread closer([&] {
    for (auto& th : writers) th.join();
    p.close_write();
  });
  FdByteSource in(p.read_end);
  int frames = 0;
  for (;;) {
    const FrameRead f = read_frame(in);
    if (f.status == FrameStatus::kEndOfStream) break;
    ASSERT_EQ(f.status, FrameStatus::kFrame) << f.reason;
    ASSERT_FALSE(f.payload.empty());
    EXPECT_EQ(std::count(f.payload.begin(), f.payload.end(), f.payload[0]),
              static_cast<std::ptrdiff_t>(f.payload.size()));
    ++frames;
  }
  closer.join();
  EXPECT_EQ(frames, kThreads * kFramesPerThread);
}

TEST(FrameWriterTest, NonBlockingPipeStillGetsWholeFrames) {
  Pipe p;
  ASSERT_GE(p.read_end, 0);
  ASSERT_EQ(::fcntl(p.write_end, F_SETFL, ::fcntl(p.write_end, F_GETFL) | O_NONBLOCK), 0);
  const std::string payload(kMaxOutgoingFrameBytes, 'n');
  FrameRead f;
  std::thread reader([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the writer hit EAGAIN
    FdByteSource in(p.read_end);
    f = read_frame(in, static_cast<std::uint32_t>(kMaxOutgoingFrameBytes));
  });
  FrameWriter w(p.write_end);
  EXPECT_TRUE(w.write(payload));
  reader.join();
  EXPECT_EQ(f.status, FrameStatus::kFrame);
  EXPECT_EQ(f.payload, payload);
}

TEST(FrameWriterTest, ReturnsFalseOnceThePeerIsGone) {
  ScopedIgnoreSigpipe ignore;
  Pipe p;
  ASSERT_GE(p.read_end, 0);
  p.close_read();
  FrameWriter w(p.write_end);
  EXPECT_FALSE(w.write("{\"id\":1,\"ok\":true}"));
  EXPECT_TRUE(w.broken());
  EXPECT_FALSE(w.write("{}"));
}

TEST(FrameWriterTest, PeerLeavingMidFrameBreaksTheWriter) {
  ScopedIgnoreSigpipe ignore;
  Pipe p;
  ASSERT_GE(p.read_end, 0);
  std::thread reader([&] {
    char buf[1000];
    EXPECT_GT(::read(p.read_end, buf, sizeof buf), 0);  // takes a little, then hangs up
    p.close_read();
  });
  FrameWriter w(p.write_end);
  EXPECT_FALSE(w.write(std::string(kMaxOutgoingFrameBytes, 'x')));
  reader.join();
  EXPECT_TRUE(w.broken());
}

TEST(FrameWriterTest, InvalidFdFails) {
  FrameWriter w(-1);
  EXPECT_FALSE(w.write("{}"));
  EXPECT_TRUE(w.broken());
}

}  // namespace
}  // namespace linksnap::protocol
