// `linksnap-host`: the native messaging host the browser starts. All logic is in
// linksnap_core (host/host_loop.cpp); this only wires stdin/stdout and the environment.
#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "host/caller.h"
#include "host/host_loop.h"
#include "net/curl_fetcher.h"
#include "util/data_dir.h"

int main(int argc, char** argv) {
  ::umask(077);
  // One malloc arena for all of the host's threads: with one per worker, each kept the peak
  // of the large replies it built (five 10,000-link lists: 158 MiB resident, with one arena
  // 63 MiB), and the host is never busy enough for the shared lock to cost.
  ::mallopt(M_ARENA_MAX, 1);
  // A browser that goes away must not kill us mid-save: writes then fail with EPIPE instead.
  ::signal(SIGPIPE, SIG_IGN);
  // A file-size limit (ulimit -f) then fails a write with EFBIG, reported like a full disk,
  // instead of killing the process halfway through a save.
  ::signal(SIGXFSZ, SIG_IGN);

  auto data_dir = linksnap::default_data_dir();
  if (!data_dir.ok()) {
    std::cerr << "linksnap-host: " << data_dir.error().message << "\n";
    return 1;
  }
  linksnap::host::HostOptions options;
  options.data_dir = *data_dir;
  options.caller = linksnap::host::caller_from_args(argc, argv);
  const char* extra = std::getenv("LINKSNAP_ALLOWED_CALLERS");
  options.caller_allowed = linksnap::host::caller_allowed(
      options.caller, linksnap::host::allowed_callers(extra != nullptr ? extra : ""));
  if (!options.caller_allowed) {
    std::cerr << "linksnap-host: refusing requests from " << options.caller << "\n";
  }
  options.make_fetcher = [] { return std::make_unique<linksnap::net::CurlFetcher>(); };

  linksnap::protocol::FdByteSource in(STDIN_FILENO);
  linksnap::protocol::FrameWriter out(STDOUT_FILENO);
  return linksnap::host::serve(in, out, options);
}
