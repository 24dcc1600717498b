// What `linksnap import` prints: progress while snapshots are taken, and the summary.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace linksnap::cli {

// The summary of an import result (commands' "import"); with_snapshots adds the snapshot
// lines (--snapshot).
std::string format_import(const nlohmann::json& summary, bool with_snapshots);

// One "snapshotting" progress event as a plain line (not a terminal): "[3/10] ok URL" or
// "[4/10] failed URL: message".
std::string format_progress_line(const nlohmann::json& event);

// The same event as a progress bar to redraw in place on a terminal (no newline, starts
// with '\r'), `width` columns wide at most; `items` names what is counted ("links checked"
// for refresh's "refreshing" events).
std::string format_progress_bar(const nlohmann::json& event, std::size_t width,
                                std::string_view items = "snapshots");

}  // namespace linksnap::cli
