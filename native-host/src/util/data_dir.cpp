#include "util/data_dir.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem/operations.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace fs = boost::filesystem;

namespace linksnap {

Result<fs::path> default_data_dir() {
  if (const char* home = std::getenv("LINKSNAP_HOME"); home != nullptr && *home != '\0') {
    return fs::path(home);
  }
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/') {
    return fs::path(xdg) / "linksnap";
  }
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    const passwd* pw = getpwuid(getuid());
    home = pw != nullptr ? pw->pw_dir : nullptr;
  }
  if (home == nullptr || *home == '\0') {
    return make_error(errc::kIo, "cannot find a data directory: set LINKSNAP_HOME or HOME");
  }
  return fs::path(home) / ".local" / "share" / "linksnap";
}

Status ensure_private_dir(const fs::path& dir) {
  boost::system::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error(errc::kIo, "cannot create the data directory " + dir.string() + ": " + ec.message());
  if (::chmod(dir.c_str(), 0700) != 0) {
    return make_error(errc::kIo, "cannot make " + dir.string() + " private: " + std::strerror(errno));
  }
  return ok_status();
}

}  // namespace linksnap
