// The Netscape bookmark file ("<!DOCTYPE NETSCAPE-Bookmark-file-1>"), the one format every
// browser (Chrome, Edge, Firefox, Safari) and bookmark service (linkding, Pinboard, Karakeep)
// both writes and reads. Pure: bytes in, entries out (read), and links in, bytes out (write).
// Reading parses with gumbo, as browsers do (the format is loose HTML: <DT>, <DD> and <p> are
// never closed), never with patterns.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace linksnap::interop {

// One <DT><A> of the file, as written there.
struct BookmarkEntry {
  std::string url;                     // HREF, entities decoded, trimmed
  std::string title;                   // the <A>'s text
  std::string note;                    // the <DD> that follows it ("" if none)
  std::vector<std::string> folders;    // the <H3> names it sits under, outermost first
  // The outermost folder is marked as a browser's own root (PERSONAL_TOOLBAR_FOLDER or
  // UNFILED_BOOKMARKS_FOLDER="true"), whatever its name in the browser's language.
  bool outermost_folder_is_root = false;
  std::vector<std::string> tags;       // TAGS="a,b" split on commas, trimmed, empties dropped
  std::optional<std::int64_t> add_date;       // ADD_DATE, Unix seconds
  std::optional<std::int64_t> last_modified;  // LAST_MODIFIED, Unix seconds
};

struct BookmarkFileLimits {
  std::size_t max_bytes = 256u << 20;  // a 100,000-entry browser export is ~20 MiB
  std::size_t max_entries = 1'000'000;
  std::size_t max_depth = 100;         // folders inside folders
  // gumbo's memory and CPU for the file's tree (gumbo_guard.h): a 100,000-entry export of
  // 13 MB peaks near 260 MiB. Past them the file is refused as too large, never read in part.
  std::size_t max_parse_bytes = 1u << 30;
  std::chrono::milliseconds max_parse_cpu{60'000};
};

struct BookmarkFile {
  std::vector<BookmarkEntry> entries;  // in file order
  std::size_t folders = 0;             // <H3> folders seen
};

// Reads a bookmark file. Errors (bad_request) a person can act on:
//   "not a bookmark file: it does not start with <!DOCTYPE NETSCAPE-Bookmark-file-1>"
//   "the bookmark file is truncated: its list of bookmarks is not closed (</DL> missing)"
//   "the bookmark file nests folders more than 100 deep"
//   "the bookmark file nests its elements too deeply (or gives one element too many
//    attributes) to be read" (gumbo's own limits, capture/gumbo_guard.h)
// and too_large for more than max_bytes or max_entries, or a file whose tree needs more than
// max_parse_bytes or max_parse_cpu (bookmark_file_too_complex_message).
Result<BookmarkFile> read_bookmark_file(std::string_view html, const BookmarkFileLimits& limits = {});

// "the bookmark file is 300.0 MiB; LinkSnap reads bookmark files of up to 256.0 MiB"
std::string bookmark_file_too_large_message(std::size_t bytes, std::size_t limit);
// "the bookmark file (40.0 MiB) is too large to read at once: it needs more memory than
// allowed; split it into smaller files"
std::string bookmark_file_too_complex_message(std::size_t bytes, bool time);

// ADD_DATE as tools write it: Unix seconds (browsers, linkding), some write milliseconds or
// microseconds; nullopt for anything else (empty, negative, not a number, after 2255).
std::optional<std::int64_t> parse_bookmark_date(std::string_view text);

// One link to write.
struct BookmarkOut {
  std::string url;
  std::string title;
  std::string note;
  std::vector<std::string> tags;
  std::int64_t add_date = 0;       // Unix seconds
  std::int64_t last_modified = 0;  // Unix seconds
};

// A bookmark file in the flat shape linkding and Pinboard export (one list, tags in TAGS,
// notes in <DD>), which Chrome, Firefox, Edge and Safari import. A tag containing a comma
// cannot be written in TAGS: it is written with the comma replaced by a space.
std::string write_bookmark_file(const std::vector<BookmarkOut>& links);

}  // namespace linksnap::interop
