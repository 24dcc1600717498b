// save and add: the two ways a snapshot is made.
#include <string>

#include "capture/file_snapshot.h"
#include "capture/page_snapshot.h"
#include "capture/render.h"
#include "commands/args.h"
#include "commands/handlers.h"
#include "commands/json_views.h"
#include "store/background_blob_writer.h"
#include "store/schema.h"
#include "util/url.h"

namespace linksnap::commands {

namespace {

void report(Context& ctx, const char* stage, json detail = json::object()) {
  if (!ctx.progress) return;
  detail["stage"] = stage;
  ctx.progress(detail);
}

Result<json> snapshot_and_store(Context& ctx, const capture::Page& page) {
  report(ctx, "processing");
  store::BackgroundBlobWriter writer(ctx.store.blobs());
  auto input = capture::build_snapshot(page, ctx.fetcher, ctx.fetch_limits,
                                       [&](const std::string& bytes) { writer.add(bytes); });
  if (!input.ok()) return input.error();
  report(ctx, "storing");
  writer.add(input->html);
  writer.finish();
  auto saved = ctx.store.save_snapshot(*input);
  if (!saved.ok()) return saved.error();
  return json{{"link", link_json(saved->link)},
              {"snapshot", snapshot_json(saved->snapshot)},
              {"created", saved->created_link}};
}

// A link that is not an HTML page: its snapshot is the file itself (file_snapshot.h).
Result<json> store_file(Context& ctx, const store::SnapshotInput& input) {
  report(ctx, "storing");
  auto saved = ctx.store.save_snapshot(input);
  if (!saved.ok()) return saved.error();
  return json{{"link", link_json(saved->link)},
              {"snapshot", snapshot_json(saved->snapshot)},
              {"created", saved->created_link}};
}

}  // namespace

Result<json> ping(Context& /*ctx*/, const json& /*args*/) {
  return json{{"host_version", LINKSNAP_VERSION},
              {"protocol_version", kProtocolVersion},
              {"schema_version", store::kSchemaVersion}};
}

Result<json> save(Context& ctx, const json& args) {
  auto page_url = required_string(args, "url");
  if (!page_url.ok()) return page_url.error();
  auto html = required_string(args, "html");
  if (!html.ok()) return html.error();
  auto title = optional_string(args, "title");
  if (!title.ok()) return title.error();
  auto tag_names = string_list(args, "tags");
  if (!tag_names.ok()) return tag_names.error();
  // Validate the URL before any work: a capture of chrome://settings has nothing to keep.
  auto normalized = url::normalize(*page_url);
  if (!normalized.ok()) return normalized.error();

  capture::Page page;
  page.url = *page_url;
  page.html = std::move(*html);
  page.title = title->value_or("");
  page.source = "dom";
  page.tags = std::move(*tag_names);
  return snapshot_and_store(ctx, page);
}

Result<json> add(Context& ctx, const json& args) {
  auto page_url = required_string(args, "url");
  if (!page_url.ok()) return page_url.error();
  auto tag_names = string_list(args, "tags");
  if (!tag_names.ok()) return tag_names.error();
  // "render": "never" (the default here), "auto" (a script shell is rendered), "always".
  auto render_text = optional_string(args, "render");
  if (!render_text.ok()) return render_text.error();
  auto render = capture::parse_render_mode(render_text->value_or("never"));
  if (!render.ok()) return render.error();
  capture::FileLimits file_limits;
  auto max_file = optional_limit(args, "max_file_bytes",
                                 static_cast<std::int64_t>(file_limits.max_file_bytes), INT64_MAX);
  if (!max_file.ok()) return max_file.error();
  file_limits.max_file_bytes = static_cast<std::size_t>(*max_file);
  LINKSNAP_TRY(capture::check_fetchable(*page_url));
  const std::string chromium = *render == capture::RenderMode::kNever ? "" : capture::find_chromium();
  if (*render == capture::RenderMode::kAlways && chromium.empty()) {
    return make_error(errc::kBadRequest, capture::kChromiumMissingMessage);
  }
  report(ctx, "fetching", json{{"url", *page_url}});
  auto link = capture::fetch_link(*page_url, ctx.fetcher, ctx.fetch_limits, file_limits);
  if (!link.ok()) return link.error();
  if (link->file) {
    link->file->tags = std::move(*tag_names);
    return store_file(ctx, *link->file);
  }
  capture::Page& page = *link->page;
  if (*render == capture::RenderMode::kAlways ||
      (!chromium.empty() && capture::looks_like_script_shell(page.html))) {
    report(ctx, "rendering", json{{"url", *page_url}});
    capture::RenderOptions options;
    options.chromium = chromium;
    auto rendered = capture::render_page(page.url, options);
    // auto falls back to the fetched HTML; an explicit --render reports why it failed.
    if (rendered.ok()) {
      page = std::move(*rendered);
      page.requested_url = *page_url;
    } else if (*render == capture::RenderMode::kAlways) {
      return rendered.error();
    }
  }
  page.tags = std::move(*tag_names);
  return snapshot_and_store(ctx, page);
}

}  // namespace linksnap::commands
