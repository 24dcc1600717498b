// The native messaging host's loop: reads frames from the browser, reassembles chunked
// requests, runs each request's command on a small pool of workers (so a long `add` does not
// hold up a popup search) and writes exactly one final reply per request, chunked if large.
#pragma once

#include <boost/filesystem/path.hpp>
#include <functional>
#include <memory>
#include <string>

#include "net/fetcher.h"
#include "protocol/frame.h"

namespace linksnap::host {

struct HostOptions {
  boost::filesystem::path data_dir;
  std::string caller;  // the calling extension (caller_from_args); "" when started by hand
  bool caller_allowed = true;  // false: every request is answered `forbidden`
  int workers = 3;
  net::FetchLimits fetch_limits;
  std::function<std::unique_ptr<net::Fetcher>()> make_fetcher;  // one per worker
};

// Serves until the browser closes the stream. Returns 0 after a clean end of stream, 1 after
// a broken one (logged to stderr); in both cases every request already received is finished
// first, so a save in progress is never cut off by the browser going away.
int serve(protocol::ByteSource& in, protocol::FrameWriter& out, const HostOptions& options);

}  // namespace linksnap::host
