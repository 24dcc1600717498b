// `linksnap-host`: the native messaging host the browser starts. All logic is in
// linksnap_core (host/host_loop.cpp); this only wires stdin/stdout and the environment.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>

#include "host/host_loop.h"
#include "net/curl_fetcher.h"
#include "util/data_dir.h"

int main(int argc, char** argv) {
  ::umask(077);
  // A browser that goes away must not kill us mid-save: writes then fail with EPIPE instead.
  ::signal(SIGPIPE, SIG_IGN);

  auto data_dir = linksnap::default_data_dir();
  if (!data_dir.ok()) {
    std::cerr << "linksnap-host: " << data_dir.error().message << "\n";
    return 1;
  }
  linksnap::host::HostOptions options;
  options.data_dir = *data_dir;
  options.caller = argc > 1 ? argv[1] : "";
  options.make_fetcher = [] { return std::make_unique<linksnap::net::CurlFetcher>(); };

  linksnap::protocol::FdByteSource in(STDIN_FILENO);
  linksnap::protocol::FrameWriter out(STDOUT_FILENO);
  return linksnap::host::serve(in, out, options);
}
