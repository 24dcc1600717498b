// A link's history: what changed between two of its snapshots.
#include <map>
#include <string>

#include "capture/html_text.h"
#include "commands/args.h"
#include "commands/handlers.h"
#include "commands/json_views.h"
#include "history/text_diff.h"

namespace linksnap::commands {

namespace {

// A snapshot's text as a reader sees it, from its stored document.
Result<std::string> snapshot_text(Context& ctx, const store::SnapshotRecord& snapshot) {
  auto html = ctx.store.blobs().get(snapshot.root_blob);
  if (!html.ok()) return html.error();
  return capture::extract_text(*html).text;
}

// The snapshot `id` of link `link_id`, or not_found naming both.
Result<store::SnapshotRecord> snapshot_of_link(Context& ctx, std::int64_t link_id, std::int64_t id) {
  auto s = ctx.store.get_snapshot(id);
  if (!s.ok()) return s.error();
  if (s->link_id != link_id) {
    return make_error(errc::kNotFound, "snapshot " + std::to_string(id) + " is not a snapshot of link " +
                                           std::to_string(link_id));
  }
  return s;
}

// Resources by original URL: added, removed, and changed (same URL, other content).
Result<json> resource_changes(Context& ctx, std::int64_t from, std::int64_t to) {
  auto before = ctx.store.resources_of(from);
  if (!before.ok()) return before.error();
  auto after = ctx.store.resources_of(to);
  if (!after.ok()) return after.error();
  std::map<std::string, std::string> old_blobs;
  for (const auto& r : *before) old_blobs[r.url] = r.blob.value_or("");
  json added = json::array(), removed = json::array(), changed = json::array();
  for (const auto& r : *after) {
    auto it = old_blobs.find(r.url);
    if (it == old_blobs.end()) {
      added.push_back(r.url);
      continue;
    }
    if (it->second != r.blob.value_or("")) changed.push_back(r.url);
    old_blobs.erase(it);
  }
  for (const auto& [url, blob] : old_blobs) removed.push_back(url);
  return json{{"added", added}, {"removed", removed}, {"changed", changed}};
}

}  // namespace

Result<json> diff(Context& ctx, const json& args) {
  auto link_id = required_id(args, "id");
  if (!link_id.ok()) return link_id.error();
  auto from_id = optional_id(args, "from");
  if (!from_id.ok()) return from_id.error();
  auto to_id = optional_id(args, "to");
  if (!to_id.ok()) return to_id.error();
  if (from_id->has_value() != to_id->has_value()) {
    return make_error(errc::kBadRequest, "give both \"from\" and \"to\" (snapshot ids), or neither");
  }
  auto link = ctx.store.get_link(*link_id);
  if (!link.ok()) return link.error();

  store::SnapshotRecord from, to;
  if (*from_id) {
    auto a = snapshot_of_link(ctx, *link_id, **from_id);
    if (!a.ok()) return a.error();
    auto b = snapshot_of_link(ctx, *link_id, **to_id);
    if (!b.ok()) return b.error();
    from = std::move(*a);
    to = std::move(*b);
  } else {  // the newest snapshot against the one before it
    auto snapshots = ctx.store.snapshots_of(*link_id);
    if (!snapshots.ok()) return snapshots.error();
    if (snapshots->size() < 2) {
      return make_error(errc::kBadRequest, "link " + std::to_string(*link_id) + " has " +
                                               (snapshots->empty() ? "no snapshots" : "only one snapshot") +
                                               "; a diff needs two");
    }
    to = (*snapshots)[0];
    from = (*snapshots)[1];
  }

  auto old_text = snapshot_text(ctx, from);
  if (!old_text.ok()) return old_text.error();
  auto new_text = snapshot_text(ctx, to);
  if (!new_text.ok()) return new_text.error();
  history::TextDiff changes;
  if (!history::diff_texts(*old_text, *new_text, changes)) {
    return make_error(errc::kTooLarge, "the snapshots' texts have too many lines to compare");
  }
  json hunks = json::array();
  for (const auto& h : changes.hunks) {
    json segments = json::array();
    for (const auto& s : h.segments) segments.push_back({{"op", history::op_name(s.op)}, {"text", s.text}});
    hunks.push_back({{"old_offset", h.old_offset}, {"new_offset", h.new_offset}, {"segments", segments}});
  }
  auto resources = resource_changes(ctx, from.id, to.id);
  if (!resources.ok()) return resources.error();
  return json{{"link", link_json(*link)},
              {"from", snapshot_json(from)},
              {"to", snapshot_json(to)},
              {"identical", changes.identical()},
              {"inserted_chars", changes.inserted_chars},
              {"deleted_chars", changes.deleted_chars},
              {"hunks", hunks},
              {"resources", *resources}};
}

}  // namespace linksnap::commands
