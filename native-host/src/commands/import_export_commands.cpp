// import (bookmark files and the extension's bookmarks), export.bookmarks and export.json.
#include <algorithm>
#include <chrono>
#include <string>

#include "commands/args.h"
#include "commands/bulk.h"
#include "commands/handlers.h"
#include "commands/json_views.h"
#include "interop/bookmarks.h"
#include "interop/import_plan.h"
#include "interop/web_archive.h"
#include "util/clock.h"

namespace linksnap::commands {

namespace {

constexpr int kMaxJobs = 32;

Error bad(const std::string& message) { return make_error(errc::kBadRequest, message); }

// The extension's bookmarks (its bookmarks API): [{url, title, tags, added_at, note, folders}].
// added_at is what the API gives (dateAdded, milliseconds) or seconds.
Result<std::vector<interop::BookmarkEntry>> entries_from_json(const json& list) {
  if (!list.is_array()) return bad("\"bookmarks\" must be an array");
  if (list.size() > interop::BookmarkFileLimits{}.max_entries) {
    return make_error(errc::kTooLarge, "more than " +
                                           std::to_string(interop::BookmarkFileLimits{}.max_entries) +
                                           " bookmarks in one import");
  }
  std::vector<interop::BookmarkEntry> out;
  out.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json& b = list[i];
    const std::string where = "bookmarks[" + std::to_string(i) + "]";
    if (!b.is_object()) return bad(where + " must be an object");
    interop::BookmarkEntry e;
    auto u = required_string(b, "url");
    if (!u.ok()) return bad(where + ": " + u.error().message);
    e.url = *u;
    for (auto [field, target] : {std::pair{"title", &e.title}, std::pair{"note", &e.note}}) {
      auto s = optional_string(b, field);
      if (!s.ok()) return bad(where + ": " + s.error().message);
      *target = s->value_or("");
    }
    for (auto [field, target] : {std::pair{"tags", &e.tags}, std::pair{"folders", &e.folders}}) {
      auto l = string_list(b, field);
      if (!l.ok()) return bad(where + ": " + l.error().message);
      *target = std::move(*l);
    }
    if (b.contains("added_at") && !b["added_at"].is_null()) {
      if (!b["added_at"].is_number()) return bad(where + ": \"added_at\" must be a number");
      const double v = b["added_at"].get<double>();
      if (v > 0 && v < 1e18) e.add_date = interop::parse_bookmark_date(std::to_string(static_cast<std::int64_t>(v)));
    }
    out.push_back(std::move(e));
  }
  return out;
}

json summary_json(const interop::ImportPlan& plan, const store::ImportOutcome& stored,
                  std::size_t folders) {
  json skipped = json::array();
  for (const auto& s : plan.skipped) skipped.push_back({{"reason", s.reason}, {"count", s.count}});
  return json{{"entries", plan.entries},
              {"folders", folders},
              {"imported", stored.created},
              {"merged", stored.merged},
              {"unchanged", stored.unchanged},
              {"duplicates", plan.duplicates},
              {"skipped", skipped},
              {"dropped_tags", plan.dropped_tags},
              {"snapshotted", 0},
              {"failed", json::array()}};
}

}  // namespace

Result<json> import_bookmarks(Context& ctx, const json& args) {
  if (!args.is_object()) return bad("arguments must be an object");
  interop::ImportOptions options;
  if (args.contains("root_folders")) {
    auto roots = string_list(args, "root_folders");
    if (!roots.ok()) return roots.error();
    options.root_folders = std::move(*roots);
  }
  if (args.contains("keep_root_folders")) {
    if (!args["keep_root_folders"].is_boolean()) return bad("\"keep_root_folders\" must be true or false");
    options.keep_root_folders = args["keep_root_folders"].get<bool>();
  }
  bool snapshot = false;
  if (args.contains("snapshot")) {
    if (!args["snapshot"].is_boolean()) return bad("\"snapshot\" must be true or false");
    snapshot = args["snapshot"].get<bool>();
  }
  auto jobs = optional_limit(args, "jobs", 4, kMaxJobs);
  if (!jobs.ok()) return jobs.error();

  std::vector<interop::BookmarkEntry> entries;
  std::size_t folders = 0;
  const bool has_html = args.contains("html");
  if (has_html == args.contains("bookmarks")) {
    return bad("give either \"html\" (a bookmark file) or \"bookmarks\" (a list)");
  }
  if (has_html) {
    if (!args["html"].is_string()) return bad("\"html\" must be a string");
    auto file = interop::read_bookmark_file(args["html"].get_ref<const std::string&>());
    if (!file.ok()) return file.error();
    entries = std::move(file->entries);
    folders = file->folders;
  } else {
    auto list = entries_from_json(args["bookmarks"]);
    if (!list.ok()) return list.error();
    entries = std::move(*list);
  }

  const interop::ImportPlan plan = interop::plan_import(entries, options);
  if (ctx.progress) ctx.progress(json{{"stage", "importing"}, {"links", plan.links.size()}});
  auto stored = ctx.store.import_links(plan.links);
  if (!stored.ok()) return stored.error();
  json summary = summary_json(plan, *stored, folders);
  if (!snapshot) return summary;

  // Only links without a snapshot: running the import again snapshots what is still missing.
  std::vector<BulkItem> items;
  for (std::size_t i = 0; i < plan.links.size(); ++i) {
    auto link = ctx.store.get_link(stored->link_ids[i]);
    if (link.ok() && link->snapshot_count > 0) continue;
    items.push_back(BulkItem{stored->link_ids[i], plan.links[i].url});
  }
  BulkOptions bulk;
  bulk.jobs = static_cast<int>(*jobs);
  bulk.per_host = 2;
  if (ctx.progress) {
    bulk.on_progress = [&ctx](const BulkProgress& p) {
      json event{{"stage", "snapshotting"}, {"done", p.done},  {"total", p.total},
                 {"failed", p.failed},      {"url", p.last->item.url}, {"ok", p.last->ok}};
      if (!p.last->ok) event["error"] = {{"code", p.last->error.code}, {"message", p.last->error.message}};
      ctx.progress(event);
    };
  }
  const auto outcomes = run_bulk(items, bulk, make_snapshot_task(ctx, bulk.jobs));
  std::int64_t snapshotted = 0;
  for (const auto& o : outcomes) {
    if (o.ok) {
      ++snapshotted;
    } else {
      summary["failed"].push_back({{"id", o.item.link_id},
                                   {"url", o.item.url},
                                   {"code", o.error.code},
                                   {"message", o.error.message}});
    }
  }
  summary["snapshotted"] = snapshotted;
  return summary;
}

}  // namespace linksnap::commands

namespace linksnap::commands {

namespace {

constexpr std::int64_t kExportAll = 10'000'000;

// The links an export covers: {"tag": T} (and below), {"search": Q}, or every link; oldest
// first, as a browser lists bookmarks.
Result<std::vector<store::LinkRecord>> links_to_export(Context& ctx, const json& args) {
  if (!args.is_object()) return bad("arguments must be an object");
  auto tag = optional_string(args, "tag");
  if (!tag.ok()) return tag.error();
  auto query = optional_string(args, "search");
  if (!query.ok()) return query.error();
  if (*tag && *query) return bad("give \"tag\" or \"search\", not both");
  std::vector<store::LinkRecord> links;
  if (*query) {
    auto hits = ctx.store.search({**query, {}, kExportAll});
    if (!hits.ok()) return hits.error();
    for (auto& h : *hits) links.push_back(std::move(h.link));
    return links;
  }
  store::ListOptions options;
  if (*tag) options.tags = {**tag};
  options.limit = kExportAll;
  auto listed = ctx.store.list_links(options);
  if (!listed.ok()) return listed.error();
  links = std::move(*listed);
  std::reverse(links.begin(), links.end());
  return links;
}

std::int64_t unix_seconds(const std::string& utc) {
  std::chrono::system_clock::time_point t;
  if (!parse_utc(utc, t)) return 0;
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

Result<json> export_bookmarks(Context& ctx, const json& args) {
  auto links = links_to_export(ctx, args);
  if (!links.ok()) return links.error();
  std::vector<interop::BookmarkOut> out;
  out.reserve(links->size());
  for (const auto& l : *links) {
    out.push_back({l.url, l.title, l.note, l.tags, unix_seconds(l.created_at), unix_seconds(l.updated_at)});
  }
  return json{{"links", out.size()}, {"text", interop::write_bookmark_file(out)}};
}

namespace {

// export.warc / export.wacz: {"file": path, "id": link} or {"file", "tag"} or {"file",
// "search"} or just {"file"} for every link; "max_mib" bounds the archive (default 16 GiB).
Result<json> export_web_archive(Context& ctx, const json& args, bool wacz) {
  if (!args.is_object()) return bad("arguments must be an object");
  auto file = required_string(args, "file");
  if (!file.ok()) return file.error();
  auto id = optional_id(args, "id");
  if (!id.ok()) return id.error();
  std::vector<store::LinkRecord> links;
  if (*id) {
    if (args.contains("tag") || args.contains("search")) return bad("give \"id\", \"tag\" or \"search\", not two");
    auto link = ctx.store.get_link(**id);
    if (!link.ok()) return link.error();
    links.push_back(std::move(*link));
  } else {
    json selection = args;
    selection.erase("file");
    selection.erase("max_mib");
    auto listed = links_to_export(ctx, selection);
    if (!listed.ok()) return listed.error();
    links = std::move(*listed);
  }
  interop::WebArchiveOptions options;
  if (args.contains("max_mib")) {
    auto mib = optional_limit(args, "max_mib", 16 << 10, 1 << 30);
    if (!mib.ok()) return mib.error();
    options.max_bytes = static_cast<std::uint64_t>(*mib) << 20;
  }
  options.software = std::string("LinkSnap ") + LINKSNAP_VERSION;
  options.now = format_utc(ctx.store.clock().now());
  auto summary = wacz ? interop::export_wacz(ctx.store, links, *file, options)
                      : interop::export_warc(ctx.store, links, *file, options);
  if (!summary.ok()) return summary.error();
  return json{{"file", *file},          {"links", summary->links},
              {"snapshots", summary->snapshots}, {"records", summary->records},
              {"responses", summary->responses}, {"revisits", summary->revisits},
              {"resources", summary->resources}, {"synthesized_headers", summary->synthesized},
              {"skipped", summary->skipped},     {"bytes", summary->bytes}};
}

}  // namespace

Result<json> export_warc(Context& ctx, const json& args) { return export_web_archive(ctx, args, false); }
Result<json> export_wacz(Context& ctx, const json& args) { return export_web_archive(ctx, args, true); }

Result<json> export_json(Context& ctx, const json& args) {
  auto links = links_to_export(ctx, args);
  if (!links.ok()) return links.error();
  json list = json::array();
  for (const auto& l : *links) {
    json entry = link_json(l);
    auto snapshots = ctx.store.snapshots_of(l.id);
    if (!snapshots.ok()) return snapshots.error();
    entry["snapshots"] = json::array();
    for (const auto& s : *snapshots) {
      json sj = snapshot_json(s);
      sj["root_blob"] = s.root_blob;
      entry["snapshots"].push_back(std::move(sj));
    }
    list.push_back(std::move(entry));
  }
  json doc{{"format", "linksnap-export"}, {"version", 1},
           {"exported_at", format_utc(ctx.store.clock().now())}, {"links", std::move(list)}};
  return json{{"links", doc["links"].size()},
              {"text", doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n"}};
}

}  // namespace linksnap::commands
