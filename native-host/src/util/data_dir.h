#pragma once

#include <boost/filesystem/path.hpp>

#include "util/result.h"

namespace linksnap {

// $LINKSNAP_HOME, else $XDG_DATA_HOME/linksnap, else ~/.local/share/linksnap.
Result<boost::filesystem::path> default_data_dir();

// Creates the directory (and parents) if needed and makes it private to the user (0700):
// snapshots are as personal as browsing history.
Status ensure_private_dir(const boost::filesystem::path& dir);

}  // namespace linksnap
