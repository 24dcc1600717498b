// refresh and schedule: take links again, store a snapshot only when the content changed, and
// record what each check found (store/link_status.h).
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "capture/html_text.h"
#include "commands/add_hooks.h"
#include "commands/args.h"
#include "commands/bulk.h"
#include "commands/handlers.h"
#include "commands/json_views.h"
#include "history/link_check.h"
#include "store/link_status.h"
#include "util/sha256.h"

namespace linksnap::commands {

namespace {

constexpr int kMaxJobs = 32;
constexpr std::int64_t kMaxIds = 10'000;
// The most links one refresh takes (a tag or --due); the rest wait for the next run.
constexpr std::int64_t kMaxLinksPerRun = 100'000;

Error bad(const std::string& message) { return make_error(errc::kBadRequest, message); }

// The blob a resource of a new capture will be stored as ("" when it is missing).
std::string blob_of(const store::ResourceInput& r) {
  if (r.bytes) return sha256_hex(*r.bytes);
  return r.record.blob.value_or("");
}

// True when the capture holds what `last` holds: for a page the same title, the same text as
// a reader sees it (what `diff` compares) and the same resources by URL with the same content
// (one that failed only this time counts as the same); for a file the same bytes. Every blob the capture would reference must already be one of
// the last snapshot's, so an unchanged capture leaves no file behind.
Result<bool> same_content(store::Store& store, const store::SnapshotRecord& last,
                          const store::SnapshotInput& input) {
  const std::string media_type = input.media_type.empty() ? "text/html" : input.media_type;
  if (media_type != last.media_type || input.title != last.title) return false;
  // A file streamed to its blob while it was fetched has no bytes in memory, only its hash.
  if (media_type != "text/html") return input.root_blob.value_or(sha256_hex(input.html)) == last.root_blob;
  auto old_resources = store.resources_of(last.id);
  if (!old_resources.ok()) return old_resources.error();
  std::map<std::string, std::string> before, after;
  std::set<std::string> known_blobs;
  for (const auto& r : *old_resources) {
    before.emplace(r.url, r.blob.value_or(""));
    if (r.blob) known_blobs.insert(*r.blob);
  }
  for (const auto& r : input.resources) {
    std::string blob = blob_of(r);
    if (!blob.empty() && known_blobs.count(blob) == 0) return false;
    // A resource the page still names but that failed this time (a timeout, a flaky server)
    // is no change: a snapshot with a hole is not kept over the whole one.
    const auto old = before.find(r.record.url);
    if (blob.empty() && old != before.end()) blob = old->second;
    after.emplace(r.record.url, blob);  // the first of a URL, as the store keeps it
  }
  if (before != after) return false;
  auto old_html = store.blobs().get(last.root_blob);
  if (!old_html.ok()) return old_html.error();
  return capture::extract_text(*old_html).text == capture::extract_text(input.html).text;
}

// What one refresh found, for the summary (also for a link whose refresh failed).
struct Found {
  std::string result;  // changed | unchanged | failed
  std::optional<std::int64_t> snapshot_id;
  std::optional<store::LinkStatus> status;
};

// Refreshes one link on `store`: the same capture as `add` (rendered when its last snapshot
// was), stored only when the content changed, and a check recorded when the link was fetched.
Result<nlohmann::json> refresh_one(Context& ctx, store::Store& store, std::int64_t link_id,
                                   std::optional<std::int64_t> timeout, Found& found) {
  found.result = "failed";
  auto link = store.get_link(link_id);
  if (!link.ok()) return link.error();
  auto snapshots = store.snapshots_of(link_id);
  if (!snapshots.ok()) return snapshots.error();
  std::optional<store::SnapshotRecord> last;
  if (!snapshots->empty()) last = snapshots->front();

  nlohmann::json args{{"url", link->url},
                      {"render", last && last->source == "render" ? "always" : "never"}};
  if (timeout) args["timeout"] = *timeout;
  capture::LinkResponse response;
  bool unchanged = false;
  AddHooks hooks;
  hooks.response = &response;
  hooks.should_store = [&](const store::SnapshotInput& input) -> Result<bool> {
    if (!last) return true;
    auto same = same_content(store, *last, input);
    if (!same.ok()) return same.error();
    unchanged = *same;
    return !*same;
  };
  Context worker_ctx{store, ctx.fetcher, ctx.fetch_limits, {}};
  auto added = add_link(worker_ctx, args, hooks);

  // Nothing was fetched (Chromium missing, the store): there is nothing to say of the link.
  const bool fetched = response.http_status != 0 || !response.error_code.empty();
  if (!fetched) {
    if (!added.ok()) return added.error();
    return make_error(errc::kInternal, "a refresh stored nothing and fetched nothing");
  }
  const history::CheckOutcome outcome =
      history::classify_check(link->url, response.http_status, response.final_url, response.error_code,
                     response.error_message);
  store::LinkCheck check;
  check.link_id = link_id;
  check.outcome = outcome.outcome;
  check.http_status = outcome.http_status;
  check.redirected_to = outcome.redirected_to;
  check.detail = outcome.detail;
  if (added.ok() && !unchanged) {
    check.snapshot_id = (*added)["snapshot"]["id"].get<std::int64_t>();
    check.detail = "changed: new snapshot " + std::to_string(*check.snapshot_id);
  } else if (added.ok()) {
    check.detail = "unchanged";
  } else if (outcome.outcome == "ok" || outcome.outcome == "redirected") {
    // The server answered, the snapshot failed (too large, a malformed SVG, the disk).
    check.detail = "not saved: " + added.error().message;
  }
  auto status = store::record_check(store, check);
  if (!status.ok()) return status.error();
  found.status = *status;
  if (!added.ok()) return added.error();
  found.result = unchanged ? "unchanged" : "changed";
  found.snapshot_id = check.snapshot_id;
  nlohmann::json result{{"result", found.result}, {"status", status_json(*status)}};
  result["snapshot"] = unchanged ? nlohmann::json(nullptr) : (*added)["snapshot"];
  return result;
}

// The links args name: {"ids": […]}, {"tag": T} (and the tags below it) or {"due": true}.
Result<std::vector<BulkItem>> links_to_refresh(Context& ctx, const json& args) {
  if (!args.is_object()) return bad("arguments must be an object");
  const bool has_ids = args.contains("ids"), has_tag = args.contains("tag");
  const bool due = args.contains("due") && args["due"] == true;
  if (args.contains("due") && !args["due"].is_boolean()) return bad("\"due\" must be true or false");
  if (has_ids + has_tag + due != 1) {
    return bad("give one of \"ids\" (link ids), \"tag\" (a tag) or \"due\": true");
  }
  std::vector<BulkItem> items;
  if (has_ids) {
    const json& ids = args["ids"];
    if (!ids.is_array() || ids.empty() || ids.size() > static_cast<std::size_t>(kMaxIds)) {
      return bad("field \"ids\" must be an array of 1 to " + std::to_string(kMaxIds) + " positive integer ids");
    }
    std::set<std::int64_t> seen;
    for (const auto& v : ids) {
      if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) {
        return bad("field \"ids\" must be an array of 1 to " + std::to_string(kMaxIds) + " positive integer ids");
      }
      if (!seen.insert(v.get<std::int64_t>()).second) continue;
      // Every id is looked up before any work: a typo refreshes nothing.
      auto link = ctx.store.get_link(v.get<std::int64_t>());
      if (!link.ok()) return link.error();
      items.push_back(BulkItem{link->id, link->url});
    }
    return items;
  }
  if (has_tag) {
    auto tag = required_string(args, "tag");
    if (!tag.ok()) return tag.error();
    store::ListOptions options;
    options.tags = {*tag};
    options.limit = kMaxLinksPerRun;
    auto links = ctx.store.list_links(options);
    if (!links.ok()) return links.error();
    for (auto it = links->rbegin(); it != links->rend(); ++it) items.push_back(BulkItem{it->id, it->url});
    return items;
  }
  auto due_links = store::due_links(ctx.store, kMaxLinksPerRun);
  if (!due_links.ok()) return due_links.error();
  for (const auto& d : *due_links) items.push_back(BulkItem{d.id, d.url});
  return items;
}

// "every": an interval ("1d"), "off", or "inherit" (a link: its tags decide again).
struct Every {
  std::optional<std::int64_t> seconds;  // nullopt: remove the schedule
};

Result<Every> parse_every(const json& args, bool for_link) {
  auto text = required_string(args, "every");
  if (!text.ok()) return text.error();
  if (*text == "inherit") {
    if (!for_link) return bad("\"inherit\" is for a link; a tag's schedule is removed with \"off\"");
    return Every{std::nullopt};
  }
  // A link's "off" is kept as 0, so its tags' schedules do not take it either.
  if (*text == "off") return Every{for_link ? std::optional<std::int64_t>(0) : std::nullopt};
  auto seconds = history::parse_interval(*text);
  if (!seconds.ok()) return seconds.error();
  return Every{*seconds};
}

json schedule_json(const store::Schedule& s) {
  json j{{"link", s.link_id > 0 ? json(s.link_id) : json(nullptr)},
         {"tag", s.tag.empty() ? json(nullptr) : json(s.tag)},
         {"interval_seconds", s.interval_seconds},
         {"every", s.interval_seconds == 0 ? std::string("off") : history::format_interval(s.interval_seconds)},
         {"links", s.links}};
  return j;
}

}  // namespace

Result<json> refresh(Context& ctx, const json& args) {
  auto items = links_to_refresh(ctx, args);
  if (!items.ok()) return items.error();
  auto jobs = optional_limit(args, "jobs", 4, kMaxJobs);
  if (!jobs.ok()) return jobs.error();
  auto timeout = optional_limit(args, "timeout", 0, 3600);
  if (!timeout.ok()) return timeout.error();
  const std::optional<std::int64_t> capture_timeout =
      *timeout > 0 ? std::optional<std::int64_t>(*timeout) : std::nullopt;

  BulkOptions bulk;
  bulk.jobs = static_cast<int>(*jobs);
  bulk.per_host = 2;
  if (ctx.progress) {
    bulk.on_progress = [&ctx](const BulkProgress& p) {
      json event{{"stage", "refreshing"}, {"done", p.done}, {"total", p.total}, {"failed", p.failed},
                 {"url", p.last->item.url}, {"ok", p.last->ok}};
      if (!p.last->ok) event["error"] = {{"code", p.last->error.code}, {"message", p.last->error.message}};
      ctx.progress(event);
    };
  }
  std::mutex found_mu;
  std::map<std::int64_t, Found> found;
  WorkerStores stores(ctx, bulk.jobs);
  const auto outcomes = run_bulk(*items, bulk, [&](std::size_t worker, const BulkItem& item) -> Result<json> {
    auto store = stores.get(worker);
    if (!store.ok()) return store.error();
    Found f;
    auto r = refresh_one(ctx, **store, item.link_id, capture_timeout, f);
    std::lock_guard lock(found_mu);
    found[item.link_id] = std::move(f);
    return r;
  });

  json results = json::array(), failed = json::array();
  std::int64_t changed = 0, unchanged = 0;
  std::map<std::string, std::int64_t> states{{"ok", 0}, {"redirected", 0}, {"broken", 0}, {"error", 0}};
  for (const auto& o : outcomes) {
    const Found& f = found[o.item.link_id];
    json entry{{"id", o.item.link_id}, {"url", o.item.url},
               {"result", o.ok ? f.result : std::string("failed")},
               {"snapshot", f.snapshot_id ? json(*f.snapshot_id) : json(nullptr)},
               {"status", f.status ? status_json(*f.status) : json(nullptr)},
               {"error", o.ok ? json(nullptr) : json{{"code", o.error.code}, {"message", o.error.message}}}};
    if (f.status) ++states[f.status->state];
    if (!o.ok) {
      failed.push_back({{"id", o.item.link_id}, {"url", o.item.url}, {"code", o.error.code}, {"message", o.error.message}});
    } else if (f.result == "changed") {
      ++changed;
    } else {
      ++unchanged;
    }
    results.push_back(std::move(entry));
  }
  return json{{"links", outcomes.size()}, {"changed", changed}, {"unchanged", unchanged},
              {"failed", failed},           {"states", states},   {"results", results}};
}

Result<json> schedule(Context& ctx, const json& args) {
  if (!args.is_null() && !args.is_object()) return bad("arguments must be an object");
  const bool has_id = args.is_object() && args.contains("id");
  const bool has_tag = args.is_object() && args.contains("tag");
  if (has_id && has_tag) return bad("give \"id\" (a link) or \"tag\", not both");
  if (has_id) {
    auto id = required_id(args, "id");
    if (!id.ok()) return id.error();
    auto every = parse_every(args, true);
    if (!every.ok()) return every.error();
    LINKSNAP_TRY(store::set_link_schedule(ctx.store, *id, every->seconds));
  } else if (has_tag) {
    auto tag = required_string(args, "tag");
    if (!tag.ok()) return tag.error();
    auto every = parse_every(args, false);
    if (!every.ok()) return every.error();
    LINKSNAP_TRY(store::set_tag_schedule(ctx.store, *tag, every->seconds));
  } else if (args.is_object() && args.contains("every")) {
    return bad("\"every\" needs \"id\" (a link) or \"tag\"");
  }
  auto all = store::list_schedules(ctx.store);
  if (!all.ok()) return all.error();
  json list = json::array();
  for (const auto& s : *all) list.push_back(schedule_json(s));
  auto due_now = store::due_links(ctx.store, kMaxLinksPerRun);
  if (!due_now.ok()) return due_now.error();
  return json{{"schedules", list}, {"due", due_now->size()}};
}

}  // namespace linksnap::commands
