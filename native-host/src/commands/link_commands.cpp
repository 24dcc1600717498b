// Reading, viewing, editing and deleting links.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "capture/file_snapshot.h"
#include "capture/snapshot_export.h"
#include "commands/args.h"
#include "commands/handlers.h"
#include "commands/json_views.h"

namespace linksnap::commands {

namespace {
constexpr std::int64_t kMaxPage = 10'000;
}

Result<json> lookup(Context& ctx, const json& args) {
  auto page_url = required_string(args, "url");
  if (!page_url.ok()) return page_url.error();
  auto link = ctx.store.find_link_by_url(*page_url);
  if (!link.ok()) {
    if (link.error().code == errc::kNotFound) return json{{"link", nullptr}};
    return link.error();
  }
  json one = json::array({link_json(*link)});
  LINKSNAP_TRY(attach_statuses(ctx.store, one));
  return json{{"link", one[0]}};
}

Result<json> list(Context& ctx, const json& args) {
  auto tag_names = string_list(args, "tags");
  if (!tag_names.ok()) return tag_names.error();
  auto limit = optional_limit(args, "limit", 100, kMaxPage);
  if (!limit.ok()) return limit.error();
  auto offset = optional_offset(args, "offset");
  if (!offset.ok()) return offset.error();
  auto status = optional_string(args, "status");
  if (!status.ok()) return status.error();
  auto links = ctx.store.list_links({*tag_names, *limit, *offset}, status->value_or(""));
  if (!links.ok()) return links.error();
  json items = json::array();
  for (const auto& l : *links) items.push_back(link_json(l));
  LINKSNAP_TRY(attach_statuses(ctx.store, items));
  // How many match in all, so a pager shows "1,234 links" without asking page by page.
  auto total = ctx.store.count_links(*tag_names, status->value_or(""));
  if (!total.ok()) return total.error();
  return json{{"links", items}, {"total", *total}};
}

Result<json> search(Context& ctx, const json& args) {
  auto query = optional_string(args, "query");
  if (!query.ok()) return query.error();
  auto tag_names = string_list(args, "tags");
  if (!tag_names.ok()) return tag_names.error();
  auto limit = optional_limit(args, "limit", 20, 1000);
  if (!limit.ok()) return limit.error();
  auto hits = ctx.store.search({query->value_or(""), *tag_names, *limit});
  if (!hits.ok()) return hits.error();
  json items = json::array();
  for (const auto& h : *hits) items.push_back(hit_json(h));
  LINKSNAP_TRY(attach_statuses(ctx.store, items));
  return json{{"results", items}};
}

Result<json> show(Context& ctx, const json& args) {
  auto id = required_id(args, "id");
  if (!id.ok()) return id.error();
  auto link = ctx.store.get_link(*id);
  if (!link.ok()) return link.error();
  auto snapshots = ctx.store.snapshots_of(*id);
  if (!snapshots.ok()) return snapshots.error();
  json snaps = json::array();
  for (const auto& s : *snapshots) snaps.push_back(snapshot_json(s));
  json one = json::array({link_json(*link)});
  LINKSNAP_TRY(attach_statuses(ctx.store, one));
  json result{{"link", one[0]}, {"snapshots", snaps}, {"resources", json::array()}};
  if (!snapshots->empty()) {
    auto resources = ctx.store.resources_of(snapshots->front().id);
    if (!resources.ok()) return resources.error();
    // A page may name 100,000 resources: the list is capped, the totals count every one.
    constexpr std::size_t kMaxListed = 1000;
    std::int64_t saved = 0;
    std::map<std::string, std::int64_t> missing_by_reason;
    for (const auto& r : *resources) {
      if (r.blob) {
        ++saved;
      } else {
        ++missing_by_reason[r.error_code.value_or(r.http_status ? "http_error" : "unknown")];
      }
      if (result["resources"].size() < kMaxListed) result["resources"].push_back(resource_json(r));
    }
    result["resource_totals"] = json{
        {"total", static_cast<std::int64_t>(resources->size())},
        {"saved", saved},
        {"missing", static_cast<std::int64_t>(resources->size()) - saved},
        {"missing_by_reason", missing_by_reason},
        {"listed", result["resources"].size()}};
  }
  return result;
}

namespace {

// The snapshot named by args: "snapshot" (a snapshot id) and/or "id" (a link: its newest one).
Result<store::SnapshotRecord> snapshot_from_args(Context& ctx, const json& args) {
  auto id = optional_id(args, "id");
  if (!id.ok()) return id.error();
  auto snapshot_id = optional_id(args, "snapshot");
  if (!snapshot_id.ok()) return snapshot_id.error();
  if (!*id && !*snapshot_id) {
    return make_error(errc::kBadRequest, "missing field \"id\" (a link id) or \"snapshot\" (a snapshot id)");
  }
  if (*snapshot_id) {
    auto s = ctx.store.get_snapshot(**snapshot_id);
    if (!s.ok()) return s.error();
    if (*id && s->link_id != **id) {
      return make_error(errc::kNotFound, "snapshot " + std::to_string(**snapshot_id) +
                                             " does not belong to link " + std::to_string(**id));
    }
    return std::move(*s);
  }
  auto all = ctx.store.snapshots_of(**id);
  if (!all.ok()) return all.error();
  if (all->empty()) {
    auto link = ctx.store.get_link(**id);
    if (!link.ok()) return link.error();
    return make_error(errc::kNotFound, "link " + std::to_string(**id) + " has no snapshot");
  }
  return all->front();
}

// The snapshot as one self-contained HTML document (snapshot_export.h); a file (a PDF, an
// image, ...) wrapped in a page that shows it (file_snapshot.h).
Result<std::string> self_contained_html(Context& ctx, const store::SnapshotRecord& snap) {
  auto html = ctx.store.blobs().get(snap.root_blob);
  if (!html.ok()) return html.error();
  if (snap.media_type != "text/html") return capture::file_view_html(snap.media_type, snap.title, *html);
  auto resources = ctx.store.resources_of(snap.id);
  if (!resources.ok()) return resources.error();
  std::map<std::string, std::string> mime_of;
  for (const auto& r : *resources) {
    if (r.blob) mime_of.emplace(*r.blob, r.mime);
  }
  const capture::BlobLookup lookup = [&](std::string_view hash) -> std::optional<capture::StoredBlob> {
    const auto it = mime_of.find(std::string(hash));
    if (it == mime_of.end()) return std::nullopt;  // only this snapshot's own blobs
    auto bytes = ctx.store.blobs().get(hash);
    if (!bytes.ok()) return std::nullopt;
    return capture::StoredBlob{std::move(*bytes), it->second};
  };
  return capture::export_snapshot(*html, lookup);
}

}  // namespace

Result<json> view(Context& ctx, const json& args) {
  auto snap = snapshot_from_args(ctx, args);
  if (!snap.ok()) return snap.error();
  auto html = self_contained_html(ctx, *snap);
  if (!html.ok()) return html.error();
  return json{{"snapshot", snapshot_json(*snap)}, {"html", std::move(*html)}};
}

Result<json> export_snapshot(Context& ctx, const json& args) {
  auto snap = snapshot_from_args(ctx, args);
  if (!snap.ok()) return snap.error();
  auto html = self_contained_html(ctx, *snap);
  if (!html.ok()) return html.error();
  const auto bytes = static_cast<std::int64_t>(html->size());
  json result{{"snapshot", snapshot_json(*snap)}, {"html", std::move(*html)}, {"bytes", bytes}};
  if (args.value("file", false)) {
    // The stored document as it is (a PDF's own bytes), base64 for the JSON protocol.
    auto stored = ctx.store.blobs().get(snap->root_blob);
    if (!stored.ok()) return stored.error();
    result["file_base64"] = capture::base64_encode(*stored);
    result["media_type"] = snap->media_type;
  }
  return result;
}

Result<json> update(Context& ctx, const json& args) {
  auto id = required_id(args, "id");
  if (!id.ok()) return id.error();
  auto title = optional_string(args, "title");
  if (!title.ok()) return title.error();
  auto note = optional_string(args, "note");
  if (!note.ok()) return note.error();
  if (!*title && !*note) return make_error(errc::kBadRequest, "nothing to update: give \"title\" or \"note\"");
  auto link = ctx.store.update_link(*id, *title, *note);
  if (!link.ok()) return link.error();
  return json{{"link", link_json(*link)}};
}

Result<json> remove_link(Context& ctx, const json& args) {
  if (!args.is_object() || !args.contains("ids") || args.at("ids").is_null()) {
    auto id = required_id(args, "id");
    if (!id.ok()) return id.error();
    LINKSNAP_TRY(ctx.store.delete_link(*id));
    return json{{"deleted", *id}};
  }
  // Many at once: one transaction and one garbage collection (the manager's multi-select).
  if (args.contains("id")) return make_error(errc::kBadRequest, "give \"id\" or \"ids\", not both");
  const json& ids = args.at("ids");
  if (!ids.is_array() || ids.empty() || ids.size() > static_cast<std::size_t>(kMaxPage)) {
    return make_error(errc::kBadRequest, "field \"ids\" must be an array of 1 to " +
                                             std::to_string(kMaxPage) + " positive integer ids");
  }
  std::vector<std::int64_t> list;
  for (const auto& v : ids) {
    if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) {
      return make_error(errc::kBadRequest, "field \"ids\" must be an array of 1 to " +
                                               std::to_string(kMaxPage) + " positive integer ids");
    }
    list.push_back(v.get<std::int64_t>());
  }
  LINKSNAP_TRY(ctx.store.delete_links(list));
  return json{{"deleted", list}};
}

}  // namespace linksnap::commands
