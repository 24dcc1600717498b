#include "store/link_status.h"

#include "history/link_check.h"
#include "store/tag_name.h"
#include "util/clock.h"

namespace linksnap::store {

namespace {

Error link_not_found(std::int64_t id) {
  return make_error(errc::kNotFound, "no link with id " + std::to_string(id));
}

// SQL true when tag `t` (an alias of tags) is the scheduled tag `s` (of refresh_schedules) or
// below it; see store.cpp's tag_subtree_condition: '/' sorts right before '0'.
constexpr const char* kTagWithin =
    "(t.fold = s.tag_fold OR (t.fold >= s.tag_fold || '/' AND t.fold < s.tag_fold || '0'))";

Result<bool> link_exists(Database& db, std::int64_t id) {
  auto st = db.prepare("SELECT 1 FROM links WHERE id = ?1");
  if (!st.ok()) return st.error();
  st->bind(1, id);
  return st->step();
}

}  // namespace

Result<LinkStatus> record_check(Store& store, const LinkCheck& check) {
  Database& db = store.db();
  LinkStatus status;
  status.state = std::string(history::state_of(check.outcome));
  status.outcome = check.outcome;
  if (check.http_status > 0) status.http_status = check.http_status;
  status.redirected_to = check.redirected_to;
  status.detail = check.detail;
  status.checked_at = format_utc(store.clock().now());

  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  auto exists = link_exists(db, check.link_id);
  if (!exists.ok()) return exists.error();
  if (!*exists) return link_not_found(check.link_id);
  const std::optional<std::string> redirected =
      check.redirected_to.empty() ? std::nullopt : std::optional<std::string>(check.redirected_to);
  auto ins = db.prepare(
      "INSERT INTO link_checks(link_id, checked_at, outcome, http_status, redirected_to, detail, snapshot_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!ins.ok()) return ins.error();
  ins->bind(1, check.link_id).bind(2, status.checked_at).bind(3, check.outcome).bind(5, redirected).bind(6, check.detail);
  if (status.http_status) ins->bind(4, *status.http_status); else ins->bind_null(4);
  if (check.snapshot_id) ins->bind(7, *check.snapshot_id); else ins->bind_null(7);
  LINKSNAP_TRY(ins->run());
  auto latest = db.prepare(
      "INSERT OR REPLACE INTO link_status(link_id, state, outcome, http_status, redirected_to, detail, checked_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!latest.ok()) return latest.error();
  latest->bind(1, check.link_id).bind(2, status.state).bind(3, check.outcome).bind(5, redirected);
  latest->bind(6, check.detail).bind(7, status.checked_at);
  if (status.http_status) latest->bind(4, *status.http_status); else latest->bind_null(4);
  LINKSNAP_TRY(latest->run());
  // A link refreshed daily for years keeps only its recent checks.
  auto prune = db.prepare(
      "DELETE FROM link_checks WHERE link_id = ?1 AND id <= (SELECT id FROM link_checks WHERE "
      "link_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)");
  if (!prune.ok()) return prune.error();
  LINKSNAP_TRY(prune->bind(1, check.link_id).bind(2, kChecksKeptPerLink).run());
  LINKSNAP_TRY(tx->commit());
  return status;
}

Result<std::map<std::int64_t, LinkStatus>> statuses_of(Store& store, const std::vector<std::int64_t>& link_ids) {
  std::map<std::int64_t, LinkStatus> out;
  auto st = store.db().prepare(
      "SELECT state, outcome, http_status, redirected_to, detail, checked_at FROM link_status WHERE link_id = ?1");
  if (!st.ok()) return st.error();
  for (const auto id : link_ids) {
    st->reset();
    st->bind(1, id);
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) continue;
    LinkStatus s;
    s.state = st->text(0);
    s.outcome = st->text(1);
    if (!st->is_null(2)) s.http_status = st->int64(2);
    s.redirected_to = st->optional_text(3).value_or("");
    s.detail = st->text(4);
    s.checked_at = st->text(5);
    out.emplace(id, std::move(s));
  }
  return out;
}

Result<std::string> status_filter_sql(std::string_view state, int param) {
  if (!history::is_state(state)) {
    return make_error(errc::kBadRequest, "status must be \"ok\", \"redirected\", \"broken\" or \"error\" (got \"" +
                                             std::string(state.substr(0, 40)) + "\")");
  }
  return " AND l.id IN (SELECT link_id FROM link_status WHERE state = ?" + std::to_string(param) + ")";
}

Status set_link_schedule(Store& store, std::int64_t link_id, std::optional<std::int64_t> seconds) {
  Database& db = store.db();
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  auto exists = link_exists(db, link_id);
  if (!exists.ok()) return exists.error();
  if (!*exists) return link_not_found(link_id);
  if (seconds) {
    auto st = db.prepare(
        "INSERT INTO refresh_schedules(link_id, interval_seconds, created_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(link_id) DO UPDATE SET interval_seconds = excluded.interval_seconds");
    if (!st.ok()) return st.error();
    LINKSNAP_TRY(st->bind(1, link_id).bind(2, *seconds).bind(3, format_utc(store.clock().now())).run());
  } else {
    auto st = db.prepare("DELETE FROM refresh_schedules WHERE link_id = ?1");
    if (!st.ok()) return st.error();
    LINKSNAP_TRY(st->bind(1, link_id).run());
  }
  return tx->commit();
}

Status set_tag_schedule(Store& store, std::string_view tag, std::optional<std::int64_t> seconds) {
  auto name = normalize_tag_name(tag);
  if (!name.ok()) return name.error();
  const std::string fold = fold_tag_name(*name);
  Database& db = store.db();
  auto tx = Transaction::begin(db);
  if (!tx.ok()) return tx.error();
  if (seconds) {
    // The tag, or a tag below it ("news" of "news/tech"), must be on some link.
    auto find = db.prepare(std::string("SELECT 1 FROM tags t, (SELECT ?1 AS tag_fold) s WHERE ") + kTagWithin);
    if (!find.ok()) return find.error();
    find->bind(1, fold);
    auto row = find->step();
    if (!row.ok()) return row.error();
    if (!*row) return make_error(errc::kNotFound, "no tag named \"" + *name + "\"");
    auto st = db.prepare(
        "INSERT INTO refresh_schedules(tag_name, tag_fold, interval_seconds, created_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT(tag_fold) DO UPDATE SET interval_seconds = excluded.interval_seconds, tag_name = excluded.tag_name");
    if (!st.ok()) return st.error();
    LINKSNAP_TRY(st->bind(1, *name).bind(2, fold).bind(3, *seconds).bind(4, format_utc(store.clock().now())).run());
  } else {
    auto st = db.prepare("DELETE FROM refresh_schedules WHERE tag_fold = ?1");
    if (!st.ok()) return st.error();
    LINKSNAP_TRY(st->bind(1, fold).run());
    if (db.changes() == 0) return make_error(errc::kNotFound, "tag \"" + *name + "\" has no schedule");
  }
  return tx->commit();
}

Result<std::vector<Schedule>> list_schedules(Store& store) {
  auto st = store.db().prepare(
      std::string("SELECT 0, s.tag_name, s.interval_seconds, (SELECT count(DISTINCT lt.link_id) FROM link_tags lt "
                  "JOIN tags t ON t.id = lt.tag_id WHERE ") + kTagWithin + ") "
      "FROM refresh_schedules s WHERE s.tag_fold IS NOT NULL "
      "UNION ALL SELECT s.link_id, '', s.interval_seconds, 1 FROM refresh_schedules s WHERE s.link_id IS NOT NULL "
      "ORDER BY 1, 2");
  if (!st.ok()) return st.error();
  std::vector<Schedule> out;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(Schedule{st->int64(0), st->text(1), st->int64(2), st->int64(3)});
  }
  return out;
}

Result<std::vector<DueLink>> due_links(Store& store, std::int64_t limit) {
  // A link's own schedule wins; else the shortest of its tags' (a tag's covers its subtree).
  // Only links some schedule names are looked at.
  const std::string sql =
      std::string(
          "WITH scheduled AS (SELECT link_id AS id FROM refresh_schedules WHERE link_id IS NOT NULL "
          "  UNION SELECT lt.link_id FROM refresh_schedules s "
          "  JOIN tags t ON ") + kTagWithin + " JOIN link_tags lt ON lt.tag_id = t.id), "
      "plan AS (SELECT l.id, l.url, coalesce("
      "  (SELECT s.interval_seconds FROM refresh_schedules s WHERE s.link_id = l.id), "
      "  (SELECT min(s.interval_seconds) FROM refresh_schedules s "
      "   JOIN link_tags lt ON lt.link_id = l.id JOIN tags t ON t.id = lt.tag_id WHERE " + kTagWithin + ")) AS every, "
      "  coalesce((SELECT checked_at FROM link_status WHERE link_id = l.id), "
      "           (SELECT max(captured_at) FROM snapshots WHERE link_id = l.id), l.created_at) AS last "
      "  FROM scheduled JOIN links l ON l.id = scheduled.id) "
      "SELECT id, url, every FROM plan WHERE every > 0 AND unixepoch(last) + every <= unixepoch(?1) "
      "ORDER BY last, id LIMIT ?2";
  auto st = store.db().prepare(sql);
  if (!st.ok()) return st.error();
  st->bind(1, format_utc(store.clock().now())).bind(2, limit);
  std::vector<DueLink> out;
  while (true) {
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    out.push_back(DueLink{st->int64(0), st->text(1), st->int64(2)});
  }
  return out;
}

}  // namespace linksnap::store
