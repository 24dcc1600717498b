#include "cli/import_format.h"

#include <algorithm>

namespace linksnap::cli {

using nlohmann::json;

namespace {

std::string plural(std::int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string format_import(const json& r, bool with_snapshots) {
  std::string out = "Read " + plural(r.value("entries", 0), "bookmark", "bookmarks");
  if (r.value("folders", 0) > 0) out += " in " + plural(r.value("folders", 0), "folder", "folders");
  out += ".\n";
  out += "Imported " + plural(r.value("imported", 0), "new link", "new links") + ", merged " +
         std::to_string(r.value("merged", 0)) + " into saved links, " +
         std::to_string(r.value("unchanged", 0)) + " already saved";
  if (r.value("duplicates", 0) > 0) {
    out += ", " + plural(r.value("duplicates", 0), "duplicate", "duplicates") + " in the file";
  }
  out += ".\n";
  std::int64_t skipped = 0;
  std::string reasons;
  for (const auto& s : r.value("skipped", json::array())) {
    skipped += s.value("count", 0);
    if (!reasons.empty()) reasons += ", ";
    reasons += std::to_string(s.value("count", 0)) + " " + s.value("reason", "");
  }
  if (skipped > 0) out += "Skipped " + std::to_string(skipped) + ": " + reasons + ".\n";
  if (r.value("dropped_tags", 0) > 0) {
    out += "Left out " + plural(r.value("dropped_tags", 0), "tag", "tags") +
           " that are not valid tag names.\n";
  }
  if (with_snapshots) {
    const json failed = r.value("failed", json::array());
    out += "Snapshotted " + std::to_string(r.value("snapshotted", 0)) + ", failed " +
           std::to_string(failed.size()) + (failed.empty() ? ".\n" : ":\n");
    for (const auto& f : failed) {
      out += "  " + f.value("url", "") + ": " + f.value("message", "") + "\n";
    }
  }
  return out;
}

std::string format_progress_line(const json& e) {
  std::string out = "[" + std::to_string(e.value("done", 0)) + "/" +
                    std::to_string(e.value("total", 0)) + "] ";
  if (e.value("ok", false)) return out + "ok " + e.value("url", "") + "\n";
  return out + "failed " + e.value("url", "") + ": " +
         e.value("error", json::object()).value("message", "") + "\n";
}

std::string format_progress_bar(const json& e, std::size_t width, std::string_view items) {
  const std::size_t done = e.value("done", std::size_t{0});
  const std::size_t total = std::max<std::size_t>(1, e.value("total", std::size_t{1}));
  const std::string counts = " " + std::to_string(done) + "/" + std::to_string(total) +
                             " " + std::string(items) + ", " + std::to_string(e.value("failed", 0)) + " failed";
  const std::size_t bar = width > counts.size() + 12 ? std::min<std::size_t>(40, width - counts.size() - 3) : 10;
  const std::size_t filled = bar * std::min(done, total) / total;
  return "\r[" + std::string(filled, '#') + std::string(bar - filled, '.') + "]" + counts;
}

}  // namespace linksnap::cli
