// linksnap-test-server: the loopback test server as a process, for benchmarks and end-to-end
// tests. Prints "listening on http://127.0.0.1:PORT" (one flushed line; scripts wait for it),
// then serves until SIGTERM or SIGINT and exits 0 after a clean shutdown.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "http_server.h"

namespace {

constexpr const char* kUsage =
    "usage: linksnap-test-server --root DIR [--port N] [--latency-ms N] [--no-gzip]\n";

bool parse_int(const char* text, long min, long max, long& out) {
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < min || v > max) return false;
  out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  linksnap::test::TestHttpServer::Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    long value = 0;
    if (arg == "--root" && has_value) {
      options.root = argv[++i];
    } else if (arg == "--port" && has_value && parse_int(argv[i + 1], 0, 65535, value)) {
      options.port = static_cast<uint16_t>(value);
      ++i;
    } else if (arg == "--latency-ms" && has_value && parse_int(argv[i + 1], 0, 600'000, value)) {
      options.latency_ms = static_cast<int>(value);
      ++i;
    } else if (arg == "--no-gzip") {
      options.gzip = false;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "linksnap-test-server: bad argument '%s'\n%s", argv[i], kUsage);
      return 2;
    }
  }
  if (options.root.empty()) {
    std::fprintf(stderr, "linksnap-test-server: --root is required\n%s", kUsage);
    return 2;
  }

  // Block the stop signals before any thread starts (threads inherit the mask), then wait for
  // them synchronously: no async-signal-safety puzzles, and the server's threads never see them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    linksnap::test::TestHttpServer server(options);
    std::printf("listening on %s\n", server.base_url().c_str());
    std::fflush(stdout);
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    server.stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "linksnap-test-server: %s\n", e.what());
    return 1;
  }
  return 0;
}
