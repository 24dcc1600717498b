#include "host/caller.h"

#include <algorithm>

namespace linksnap::host {

std::string caller_from_args(int argc, const char* const* argv) {
  if (argc > 1 && std::string_view(argv[1]).rfind("chrome-extension://", 0) == 0) return argv[1];
  if (argc > 2) return argv[2];  // Firefox: <manifest path> <add-on id>
  if (argc > 1) return argv[1];
  return "";
}

std::vector<std::string> allowed_callers(std::string_view extra) {
  std::vector<std::string> out = {std::string("chrome-extension://") + LINKSNAP_EXTENSION_ID + "/",
                                  LINKSNAP_GECKO_ID};
  while (!extra.empty()) {
    const std::size_t comma = extra.find(',');
    std::string_view item = extra.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    extra.remove_prefix(comma + 1);
  }
  return out;
}

bool caller_allowed(std::string_view caller, const std::vector<std::string>& allowed) {
  if (caller.empty()) return true;
  return std::find(allowed.begin(), allowed.end(), caller) != allowed.end();
}

}  // namespace linksnap::host
