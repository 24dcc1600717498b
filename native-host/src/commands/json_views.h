// How store records look on the wire and in `--json` output (docs/protocol.md).
#pragma once

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace linksnap::commands {

nlohmann::json link_json(const store::LinkRecord& link);
nlohmann::json snapshot_json(const store::SnapshotRecord& snapshot);
nlohmann::json resource_json(const store::ResourceRecord& resource);
nlohmann::json tag_json(const store::TagCount& tag);
nlohmann::json hit_json(const store::SearchHit& hit);

}  // namespace linksnap::commands
