#include "interop/import_plan.h"

#include <strings.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "store/tag_name.h"
#include "util/clock.h"
#include "util/url.h"

namespace linksnap::interop {

namespace {

// Why a bookmark is not a link LinkSnap keeps; empty when it is one.
std::string skip_reason(const std::string& href) {
  if (href.empty()) return "no URL";
  const std::string scheme = url::scheme_of(href);
  if (scheme == "javascript") return "javascript: bookmarklet";
  if (scheme == "place") return "place: Firefox query";
  if (scheme == "file") return "file: local file";
  if (scheme == "data") return "data: inline data";
  if (scheme.empty()) return "not a URL";
  if (scheme != "http" && scheme != "https") return "not http or https";
  return "";
}

void count_skip(std::vector<SkipReason>& skipped, const std::string& reason) {
  for (auto& s : skipped) {
    if (s.reason == reason) {
      ++s.count;
      return;
    }
  }
  skipped.push_back({reason, 1});
}

bool is_root_folder(const BookmarkEntry& e, const ImportOptions& options) {
  if (e.folders.empty() || options.keep_root_folders) return false;
  if (e.outermost_folder_is_root) return true;
  for (const auto& name : options.root_folders) {
    if (::strcasecmp(name.c_str(), e.folders.front().c_str()) == 0) return true;
  }
  return false;
}

void add_tag(std::vector<std::string>& tags, const std::string& raw, std::int64_t& dropped) {
  auto name = store::normalize_tag_name(raw);
  if (!name.ok()) {
    ++dropped;
    return;
  }
  const std::string fold = store::fold_tag_name(*name);
  for (const auto& t : tags) {
    if (store::fold_tag_name(t) == fold) return;
  }
  tags.push_back(std::move(*name));
}

}  // namespace

const std::vector<std::string>& default_root_folders() {
  static const std::vector<std::string> kRoots = {
      // Chrome, Brave, Vivaldi
      "Bookmarks bar", "Other bookmarks", "Mobile bookmarks",
      // Firefox
      "Bookmarks Toolbar", "Bookmarks Menu", "Other Bookmarks", "Mobile Bookmarks",
      // Edge
      "Favorites bar", "Other favorites", "Mobile favorites",
      // Safari
      "Favorites", "Favourites", "BookmarksBar", "BookmarksMenu"};
  return kRoots;
}

std::int64_t ImportPlan::skipped_total() const {
  std::int64_t n = 0;
  for (const auto& s : skipped) n += s.count;
  return n;
}

ImportPlan plan_import(const std::vector<BookmarkEntry>& entries, const ImportOptions& options) {
  ImportPlan plan;
  std::unordered_map<std::string, std::size_t> by_url;
  for (const auto& e : entries) {
    ++plan.entries;
    std::string reason = skip_reason(e.url);
    std::string normalized;
    if (reason.empty()) {
      auto n = url::normalize(e.url);
      if (n.ok()) {
        normalized = std::move(*n);
      } else {
        reason = "not a valid URL";
      }
    }
    if (!reason.empty()) {
      count_skip(plan.skipped, reason);
      continue;
    }

    std::vector<std::string> tags;
    const std::size_t first = is_root_folder(e, options) ? 1 : 0;
    if (e.folders.size() > first) {
      std::string folder_tag;
      for (std::size_t i = first; i < e.folders.size(); ++i) {
        std::string segment = e.folders[i];
        // A '/' in a folder's name is not a level of ours.
        std::replace(segment.begin(), segment.end(), '/', '-');
        if (!folder_tag.empty()) folder_tag += '/';
        folder_tag += segment;
      }
      add_tag(tags, folder_tag, plan.dropped_tags);
    }
    for (const auto& t : e.tags) add_tag(tags, t, plan.dropped_tags);
    std::string created_at;
    if (e.add_date && *e.add_date > 0) {
      created_at = format_utc(std::chrono::system_clock::time_point(std::chrono::seconds(*e.add_date)));
    }

    auto [it, fresh] = by_url.emplace(normalized, plan.links.size());
    if (fresh) {
      store::ImportLink link;
      link.url = e.url;
      link.title = e.title;
      link.note = e.note;
      link.created_at = std::move(created_at);
      link.tags = std::move(tags);
      plan.links.push_back(std::move(link));
      continue;
    }
    // The same page bookmarked twice: one link with the tags of both, the earliest date.
    ++plan.duplicates;
    store::ImportLink& link = plan.links[it->second];
    if (link.title.empty()) link.title = e.title;
    if (link.note.empty()) link.note = e.note;
    if (!created_at.empty() && (link.created_at.empty() || created_at < link.created_at)) {
      link.created_at = created_at;
    }
    std::int64_t ignored = 0;
    for (const auto& t : tags) add_tag(link.tags, t, ignored);
  }
  return plan;
}

}  // namespace linksnap::interop
