// One function per command; see command.h for the contract and docs/protocol.md for the
// arguments and results of each.
#pragma once

#include "commands/command.h"

namespace linksnap::commands {

using nlohmann::json;

// Host and protocol versions.
Result<json> ping(Context& ctx, const json& args);
// Saving pages: a captured DOM (save) or a URL the host fetches itself (add).
Result<json> save(Context& ctx, const json& args);
Result<json> add(Context& ctx, const json& args);
// Reading links.
Result<json> lookup(Context& ctx, const json& args);
Result<json> list(Context& ctx, const json& args);
Result<json> search(Context& ctx, const json& args);
Result<json> show(Context& ctx, const json& args);
Result<json> view(Context& ctx, const json& args);
// The same self-contained document as view, for writing to a file (`linksnap export`).
Result<json> export_snapshot(Context& ctx, const json& args);
// What changed between two snapshots of a link (history_commands.cpp).
Result<json> diff(Context& ctx, const json& args);
// Taking links again: a snapshot only when the content changed, a check recorded either way;
// and the schedules `refresh --due` follows (refresh_commands.cpp).
Result<json> refresh(Context& ctx, const json& args);
Result<json> schedule(Context& ctx, const json& args);
// Changing links.
Result<json> update(Context& ctx, const json& args);
Result<json> remove_link(Context& ctx, const json& args);
// Tags.
Result<json> tag(Context& ctx, const json& args);
Result<json> untag(Context& ctx, const json& args);
Result<json> tags(Context& ctx, const json& args);
Result<json> tags_rename(Context& ctx, const json& args);
Result<json> tags_merge(Context& ctx, const json& args);
Result<json> tags_delete(Context& ctx, const json& args);
// Bookmarks in (a Netscape bookmark file or the extension's list; optionally snapshotted).
Result<json> import_bookmarks(Context& ctx, const json& args);
// Links out: a Netscape bookmark file, or all metadata as JSON ({"text": …}).
Result<json> export_bookmarks(Context& ctx, const json& args);
Result<json> export_json(Context& ctx, const json& args);
// A web archive of links' snapshots written to args["file"] (interop/web_archive.h).
Result<json> export_warc(Context& ctx, const json& args);
Result<json> export_wacz(Context& ctx, const json& args);
// Integrity of the store (store/integrity.h); repairs leftovers with {"repair": true}.
Result<json> check(Context& ctx, const json& args);

}  // namespace linksnap::commands
