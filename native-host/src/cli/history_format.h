// What `linksnap refresh`, `linksnap schedule` and the status line of `show` print.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace linksnap::cli {

// A link's status object (null: never checked) as one line without a newline, e.g.
// "404 Not Found at 2026-12-02 15:04; the snapshots are now the reader's copy".
std::string format_status(const nlohmann::json& status);

// The summary of a refresh: counts, then each link that changed or failed.
std::string format_refresh(const nlohmann::json& summary);

// The schedules and how many links are due now.
std::string format_schedules(const nlohmann::json& result);

}  // namespace linksnap::cli
