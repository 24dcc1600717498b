// From bookmark entries (a file, or the extension's bookmarks API) to the links to store:
// folders become hierarchical tags, duplicate URLs merge, what cannot be a link is counted
// with the reason. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "interop/bookmarks.h"
#include "store/store.h"

namespace linksnap::interop {

// The folders browsers put every bookmark under, dropped from tags: "Bookmarks bar/dev/cpp"
// becomes "dev/cpp". Compared case-insensitively, only as the outermost folder.
const std::vector<std::string>& default_root_folders();

struct ImportOptions {
  std::vector<std::string> root_folders = default_root_folders();
  bool keep_root_folders = false;  // no folder is dropped, not even a marked root
};

struct SkipReason {
  std::string reason;  // "javascript: bookmarklet", "place: Firefox query", ...
  std::int64_t count = 0;
};

struct ImportPlan {
  std::vector<store::ImportLink> links;  // one per normalized URL, in first-seen order
  std::int64_t entries = 0;              // bookmarks read
  std::int64_t duplicates = 0;           // entries merged into an earlier one of the same URL
  std::int64_t dropped_tags = 0;         // tag names that are not valid tags (e.g. > 200 bytes)
  std::vector<SkipReason> skipped;       // in order of first occurrence
  std::int64_t skipped_total() const;
};

ImportPlan plan_import(const std::vector<BookmarkEntry>& entries, const ImportOptions& options);

}  // namespace linksnap::interop
