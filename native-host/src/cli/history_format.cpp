#include "cli/history_format.h"

#include "util/clock.h"

namespace linksnap::cli {

using nlohmann::json;

namespace {

std::string text_of(const json& j, const char* key) {
  return j.contains(key) && j.at(key).is_string() ? j.at(key).get<std::string>() : std::string();
}

}  // namespace

std::string format_status(const json& s) {
  if (!s.is_object()) return "never checked";
  const std::string state = text_of(s, "state");
  const std::string at = " at " + format_local(text_of(s, "checked_at"));
  const std::string detail = text_of(s, "detail");
  const std::string moved = text_of(s, "redirected_to");
  if (state == "broken") return detail + at + "; the snapshots are now the reader's copy";
  if (state == "error") return detail + at + "; the snapshots are kept";
  std::string out = state == "redirected" ? "redirected to " + moved : std::string("ok");
  return out + at + (detail.empty() ? "" : " (" + detail + ")");
}

std::string format_refresh(const json& r) {
  const auto links = r.value("links", std::int64_t{0});
  std::string out = "Refreshed " + std::to_string(links) + (links == 1 ? " link" : " links") + ": " +
                    std::to_string(r.value("changed", 0)) + " changed (new snapshot), " +
                    std::to_string(r.value("unchanged", 0)) + " unchanged, " +
                    std::to_string(r.value("failed", json::array()).size()) + " failed.\n";
  const json states = r.value("states", json::object());
  if (states.value("broken", 0) + states.value("redirected", 0) + states.value("error", 0) > 0) {
    out += "Links now: " + std::to_string(states.value("ok", 0)) + " ok, " +
           std::to_string(states.value("redirected", 0)) + " redirected, " +
           std::to_string(states.value("broken", 0)) + " broken, " + std::to_string(states.value("error", 0)) +
           " unreachable.\n";
  }
  for (const auto& e : r.value("results", json::array())) {
    const std::string result = text_of(e, "result");
    if (result == "unchanged") continue;
    out += "  " + std::to_string(e.value("id", 0)) + "  " + text_of(e, "url") + "\n     ";
    if (result == "changed") {
      out += "new snapshot " + std::to_string(e.value("snapshot", 0));
      const json st = e.value("status", json());
      if (st.is_object() && text_of(st, "state") == "redirected") out += ", redirected to " + text_of(st, "redirected_to");
      out += "\n";
    } else if (e.value("status", json()).is_object()) {
      out += format_status(e.at("status")) + "\n";
    } else {
      out += text_of(e.value("error", json::object()), "message") + "\n";
    }
  }
  return out;
}

std::string format_schedules(const json& r) {
  const json list = r.value("schedules", json::array());
  std::string out;
  if (list.empty()) out = "No schedules: `linksnap schedule --tag T 1d` or `linksnap schedule ID 7d` sets one.\n";
  for (const auto& s : list) {
    const std::string every = text_of(s, "every");
    if (s.value("tag", json()).is_string()) {
      const auto n = s.value("links", std::int64_t{0});
      out += "tag " + text_of(s, "tag") + ": every " + every + " (" + std::to_string(n) + (n == 1 ? " link" : " links") + ")\n";
    } else {
      out += "link " + std::to_string(s.value("link", 0)) + ": " + (every == "off" ? "never (whatever its tags say)" : "every " + every) + "\n";
    }
  }
  const auto due = r.value("due", std::int64_t{0});
  out += std::to_string(due) + (due == 1 ? " link is" : " links are") + " due now (`linksnap refresh --due`).\n";
  return out;
}

}  // namespace linksnap::cli
