// How store records look on the wire and in `--json` output (docs/protocol.md).
#pragma once

#include <nlohmann/json.hpp>

#include "store/link_status.h"
#include "store/store.h"

namespace linksnap::commands {

nlohmann::json link_json(const store::LinkRecord& link);
nlohmann::json snapshot_json(const store::SnapshotRecord& snapshot);
nlohmann::json resource_json(const store::ResourceRecord& resource);
nlohmann::json tag_json(const store::TagCount& tag);
nlohmann::json hit_json(const store::SearchHit& hit);
// A link's newest check: {"state", "code", "detail", "checked_at", "redirected_to"}.
nlohmann::json status_json(const store::LinkStatus& status);
// Sets "status" on every link object of the array (by its "id"): status_json, or null for a
// link never checked. One lookup per link.
Status attach_statuses(store::Store& store, nlohmann::json& links);

}  // namespace linksnap::commands
