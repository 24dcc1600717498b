// save and add: the two ways a snapshot is made.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "capture/file_snapshot.h"
#include "capture/page_snapshot.h"
#include "capture/render.h"
#include "commands/add_hooks.h"
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

// The limits of one capture: the deadline starts now and bounds the page and its resources
// together; `timeout` (seconds, optional) replaces the configured length.
Result<net::FetchLimits> capture_limits(const Context& ctx, const json& args) {
  net::FetchLimits limits = ctx.fetch_limits;
  auto seconds = optional_limit(args, "timeout", /*fallback: the configured one*/ 0, 3600);
  if (!seconds.ok()) return seconds.error();
  if (*seconds > 0) limits.capture_timeout = std::chrono::seconds(*seconds);
  limits.capture_started = std::chrono::steady_clock::now();
  return limits;
}

// An asset streaming into its blob file; the fsync and rename happen on the background writer.
class BlobFileSink final : public capture::AssetSink {
 public:
  BlobFileSink(std::unique_ptr<store::BlobWriter> blob, store::BackgroundBlobWriter& background)
      : blob_(std::move(blob)), background_(background) {}

  bool write(std::string_view bytes) override {
    if (!blob_) return false;
    Status s = blob_->write(bytes);
    if (!s.ok()) error_ = s.error().message;
    return s.ok();
  }
  std::string error() const override { return error_; }
  Result<std::string> finish() override {
    if (!blob_) return make_error(errc::kInternal, "a blob file was finished twice");
    std::string hash = blob_->finish_hash();
    background_.commit(std::move(blob_));
    return hash;
  }

 private:
  std::unique_ptr<store::BlobWriter> blob_;
  store::BackgroundBlobWriter& background_;
  std::string error_;
};

// `html`, when set, is the page's HTML read in place (the request's; page.html unused).
Result<json> snapshot_and_store(Context& ctx, capture::Page page, const net::FetchLimits& limits,
                                const AddHooks& hooks = {},
                                std::optional<std::string_view> html = std::nullopt) {
  report(ctx, "processing");
  store::BackgroundBlobWriter writer(ctx.store.blobs());
  const auto build = [&](auto&&... rest) {
    return html ? capture::build_snapshot_of(std::move(page), *html, rest...)
                : capture::build_snapshot(std::move(page), rest...);
  };
  auto input = build(
      ctx.fetcher, limits, [&](const std::string& bytes) { writer.add(bytes); },
      [&]() -> std::shared_ptr<capture::AssetSink> {
        auto blob = ctx.store.blobs().begin_blob();
        if (!blob.ok()) return nullptr;  // that asset is kept in memory; saving reports the disk
        return std::make_shared<BlobFileSink>(std::move(*blob), writer);
      },
      // The page as received goes to its blob file before the parse (hashed while written,
      // its fsync on the background writer), instead of a copy held to the end.
      [&](std::string_view bytes) -> Result<std::string> {
        auto blob = ctx.store.blobs().begin_blob();
        if (!blob.ok()) return blob.error();
        LINKSNAP_TRY((*blob)->write(bytes));
        std::string hash = (*blob)->finish_hash();
        writer.commit(std::move(*blob));
        return hash;
      });
  if (!input.ok()) return input.error();
  if (hooks.should_store) {
    auto keep = hooks.should_store(*input);
    if (!keep.ok()) return keep.error();
    if (!*keep) {
      LINKSNAP_TRY(writer.finish());
      return json{{"stored", false}};
    }
  }
  report(ctx, "storing");
  LINKSNAP_TRY(writer.finish());
  auto saved = ctx.store.save_snapshot(*input);
  if (!saved.ok()) return saved.error();
  return json{{"link", link_json(saved->link)},
              {"snapshot", snapshot_json(saved->snapshot)},
              {"created", saved->created_link}};
}

// A link that is not an HTML page: its snapshot is the file itself (file_snapshot.h).
Result<json> store_file(Context& ctx, const store::SnapshotInput& input, const AddHooks& hooks) {
  if (hooks.should_store) {
    auto keep = hooks.should_store(input);
    if (!keep.ok()) return keep.error();
    if (!*keep) return json{{"stored", false}};
  }
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
  // The page's HTML is read where the request holds it: a DOM of many MiB is not copied.
  auto html = required_string_view(args, "html");
  if (!html.ok()) return html.error();
  auto title = optional_string(args, "title");
  if (!title.ok()) return title.error();
  auto tag_names = string_list(args, "tags");
  if (!tag_names.ok()) return tag_names.error();
  // "dom": the tab the person is on; "render": a page the extension opened in a background
  // tab for "Add link" (requested_url then names the link, whatever it redirected to).
  auto source = optional_string(args, "source");
  if (!source.ok()) return source.error();
  const std::string how = source->value_or("dom");
  if (how != "dom" && how != "render") {
    return make_error(errc::kBadRequest, "\"source\" must be \"dom\" or \"render\", not \"" + how + "\"");
  }
  auto requested_url = optional_string(args, "requested_url");
  if (!requested_url.ok()) return requested_url.error();
  if (*requested_url) {
    auto requested = url::normalize(**requested_url);
    if (!requested.ok()) return requested.error();
  }
  // Validate the URL before any work: a capture of chrome://settings has nothing to keep.
  auto normalized = url::normalize(*page_url);
  if (!normalized.ok()) return normalized.error();
  auto limits = capture_limits(ctx, args);
  if (!limits.ok()) return limits.error();

  capture::Page page;
  page.url = *page_url;
  page.title = title->value_or("");
  page.source = how;
  page.requested_url = requested_url->value_or("");
  page.tags = std::move(*tag_names);
  return snapshot_and_store(ctx, std::move(page), *limits, {}, *html);
}

Result<json> add(Context& ctx, const json& args) { return add_link(ctx, args, {}); }

Result<json> add_link(Context& ctx, const json& args, const AddHooks& hooks) {
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
  auto limits = capture_limits(ctx, args);
  if (!limits.ok()) return limits.error();
  report(ctx, "fetching", json{{"url", *page_url}});
  auto link = capture::fetch_link(*page_url, ctx.fetcher, *limits, file_limits, &ctx.store.blobs(),
                                  hooks.response);
  if (!link.ok()) return link.error();
  if (link->file) {
    link->file->tags = std::move(*tag_names);
    return store_file(ctx, *link->file, hooks);
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
  return snapshot_and_store(ctx, std::move(page), *limits, hooks);
}

}  // namespace linksnap::commands
