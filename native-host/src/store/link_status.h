// Link checks and refresh schedules (schema step "history"): what each `refresh` of a link
// found, the newest of them as the link's status, and how often `refresh --due` takes a link.
// Kept out of store.cpp, which holds links, snapshots and tags; these functions work on a
// Store's database and clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "util/result.h"

namespace linksnap::store {

// One check to record (history/link_check.h classifies it).
struct LinkCheck {
  std::int64_t link_id = 0;
  std::string outcome;  // ok | redirected | http_404 | http_410 | http_error | dns | tls | timeout | other
  long http_status = 0;  // 0: none
  std::string redirected_to;
  std::string detail;
  std::optional<std::int64_t> snapshot_id;  // the snapshot this check stored, if any
};

// A link's newest check.
struct LinkStatus {
  std::string state;    // ok | redirected | broken | error
  std::string outcome;  // as LinkCheck
  std::optional<std::int64_t> http_status;
  std::string redirected_to;  // "" when not redirected
  std::string detail;
  std::string checked_at;  // UTC, ISO 8601
};

// How many checks of one link are kept (the newest); the status is always the newest.
inline constexpr std::int64_t kChecksKeptPerLink = 50;

// Records a check at the store's clock's now and makes it the link's status; not_found if the
// link is gone (deleted meanwhile).
Result<LinkStatus> record_check(Store& store, const LinkCheck& check);
// The statuses of these links (links never checked are absent).
Result<std::map<std::int64_t, LinkStatus>> statuses_of(Store& store, const std::vector<std::int64_t>& link_ids);

// SQL for Store::list_links: " AND l.id IN (links whose status is ?param)"; `state` must be
// one of the four (bad_request naming them otherwise).
Result<std::string> status_filter_sql(std::string_view state, int param);

// A schedule: of one link (`link_id`, `interval_seconds` 0 = never, whatever its tags say) or
// of a tag and the tags below it (`tag`).
struct Schedule {
  std::int64_t link_id = 0;
  std::string tag;
  std::int64_t interval_seconds = 0;
  std::int64_t links = 0;  // links it covers (1 for a link)
};

// Sets a link's own schedule (0 = never); nullopt removes it, so its tags decide again.
Status set_link_schedule(Store& store, std::int64_t link_id, std::optional<std::int64_t> seconds);
// Sets the schedule of a tag and the tags below it (kept by name: it outlives the tag rows);
// nullopt removes it. not_found to set one for a tag no link carries (itself or below it), or
// to remove one that is not there.
Status set_tag_schedule(Store& store, std::string_view tag, std::optional<std::int64_t> seconds);
// Every schedule: tags first (by name), then links (by id).
Result<std::vector<Schedule>> list_schedules(Store& store);

struct DueLink {
  std::int64_t id = 0;
  std::string url;
  std::int64_t interval_seconds = 0;
};
// Links whose schedule says a refresh is due now: the newest check (else the newest snapshot,
// else the link's creation) is at least one interval old. Oldest first, at most `limit`.
Result<std::vector<DueLink>> due_links(Store& store, std::int64_t limit);

}  // namespace linksnap::store
