// Pure formatting for the CLI's human-readable output (the --json output is the command's
// result as is). Widths count terminal columns: a CJK character takes two.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace linksnap::cli {

// Terminal columns the UTF-8 text occupies.
std::size_t display_width(std::string_view text);
// Cuts text to at most `columns` columns, ending with "…" when cut.
std::string fit_width(std::string_view text, std::size_t columns);
// The search snippet (HTML with <mark>) as plain text; matches wrapped in open/close.
std::string snippet_to_text(std::string_view html, std::string_view open, std::string_view close);

std::string format_saved(const nlohmann::json& result);
std::string format_links(const nlohmann::json& links, std::size_t width);
std::string format_search(const nlohmann::json& results, bool color);
std::string format_show(const nlohmann::json& result);
// `diff`: a header naming both snapshots, then each hunk with deletions as [-…-] and
// insertions as {+…+} (like git's word diff), in red and green on a terminal; then the
// resources added, removed and changed.
std::string format_diff(const nlohmann::json& result, bool color);
std::string format_tags(const nlohmann::json& tags);
std::string format_check(const nlohmann::json& report);
// `linksnap export`: which snapshot went to which file, and how big it is.
std::string format_exported(const nlohmann::json& result);
// "Exported 3 snapshots of 2 links to out.warc.gz (1.2 MiB): 14 records, ..."
std::string format_web_archive(const nlohmann::json& result);

}  // namespace linksnap::cli
