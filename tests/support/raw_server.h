// A loopback server that answers every connection with the same raw bytes, whatever was asked:
// for answers the HTTP test server cannot give because they are not HTTP (a bad status line,
// HTTP/0.9, an endless header line). One thread; connections are served one after another.
#pragma once

#include <cstdint>
#include <string>
#include <thread>

namespace linksnap::test {

class RawResponseServer {
 public:
  // Listens on 127.0.0.1 (a free port). For each connection: reads the request head (up to
  // its blank line, 64 KiB or 5 s), sends `head`, then `repeat` copies of `filler` (so a
  // megabyte-long header line is not built in memory), then `tail`, and closes.
  struct Answer {
    std::string head;
    std::string filler;
    std::size_t repeat = 0;
    std::string tail;
  };
  explicit RawResponseServer(Answer answer);
  ~RawResponseServer();
  RawResponseServer(const RawResponseServer&) = delete;
  RawResponseServer& operator=(const RawResponseServer&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:PORT"

 private:
  void serve();

  Answer answer_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace linksnap::test
