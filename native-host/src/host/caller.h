// Who may talk to the host. Browsers start a native host only for the extensions its
// manifest lists; the host checks again (defence in depth, and a manifest edited by hand).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace linksnap::host {

// The caller as the browser names it: Chromium passes the origin
// ("chrome-extension://<id>/") as the first argument, Firefox passes the manifest path and
// then the add-on id.
std::string caller_from_args(int argc, const char* const* argv);

// LinkSnap's own extension (both browsers), plus any in `extra` — a comma-separated list
// from $LINKSNAP_ALLOWED_CALLERS, for developers running a fork with another ID.
std::vector<std::string> allowed_callers(std::string_view extra);

// An empty caller is a person starting the host by hand (they have the user's rights
// anyway); otherwise it must be listed.
bool caller_allowed(std::string_view caller, const std::vector<std::string>& allowed);

}  // namespace linksnap::host
