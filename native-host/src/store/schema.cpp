#include "store/schema.h"

#include <string>

namespace linksnap::store {

namespace {

// Snapshots of any link: 'render' (a headless browser's DOM) and 'capture' sources, the media
// type of the root blob (a PDF, an image, ... stored as it is) and a PDF's page count.
// SQLite cannot alter a CHECK, so the table is rebuilt with its ids; migrate() turns foreign
// keys off around it so dropping the old table does not cascade to the resources.
constexpr const char* kAnyLinkSnapshots = R"sql(
CREATE TABLE snapshots_any_link (
  id             INTEGER PRIMARY KEY,
  link_id        INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
  captured_at    TEXT NOT NULL,
  source         TEXT NOT NULL CHECK (source IN ('dom', 'fetch', 'render', 'capture')),
  url            TEXT NOT NULL,
  title          TEXT NOT NULL DEFAULT '',
  root_blob      TEXT NOT NULL REFERENCES blobs(hash),
  html_bytes     INTEGER NOT NULL,           -- size of the root blob
  total_bytes    INTEGER NOT NULL,
  resource_count INTEGER NOT NULL DEFAULT 0,
  failed_count   INTEGER NOT NULL DEFAULT 0,
  media_type     TEXT NOT NULL DEFAULT 'text/html',
  page_count     INTEGER NOT NULL DEFAULT 0  -- a PDF's pages; 0 when not paged
);
INSERT INTO snapshots_any_link(id, link_id, captured_at, source, url, title, root_blob,
                               html_bytes, total_bytes, resource_count, failed_count)
  SELECT id, link_id, captured_at, source, url, title, root_blob, html_bytes, total_bytes,
         resource_count, failed_count FROM snapshots;
DROP TABLE snapshots;
ALTER TABLE snapshots_any_link RENAME TO snapshots;
CREATE INDEX snapshots_by_link ON snapshots(link_id, captured_at);
CREATE INDEX snapshots_by_blob ON snapshots(root_blob);
)sql";

// Index = target version - 1.
constexpr const char* kMigrations[] = {
    // 1: links, snapshots over time, their resources, content-addressed blobs, tags, search.
    R"sql(
CREATE TABLE links (
  id             INTEGER PRIMARY KEY,
  url            TEXT NOT NULL,              -- as last given (the original URL)
  normalized_url TEXT NOT NULL UNIQUE,       -- identity: one link per page
  title          TEXT NOT NULL DEFAULT '',
  title_locked   INTEGER NOT NULL DEFAULT 0, -- set when a person edits the title
  note           TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL,              -- UTC, ISO 8601 with Z
  updated_at     TEXT NOT NULL
);
CREATE TABLE blobs (
  hash        TEXT PRIMARY KEY,              -- SHA-256 hex of the content; also the file name
  size        INTEGER NOT NULL,
  created_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE snapshots (
  id             INTEGER PRIMARY KEY,
  link_id        INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
  captured_at    TEXT NOT NULL,
  source         TEXT NOT NULL CHECK (source IN ('dom', 'fetch')),
  url            TEXT NOT NULL,              -- the page's URL at capture (after redirects)
  title          TEXT NOT NULL DEFAULT '',
  root_blob      TEXT NOT NULL REFERENCES blobs(hash),
  html_bytes     INTEGER NOT NULL,
  total_bytes    INTEGER NOT NULL,
  resource_count INTEGER NOT NULL DEFAULT 0,
  failed_count   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX snapshots_by_link ON snapshots(link_id, captured_at);
CREATE INDEX snapshots_by_blob ON snapshots(root_blob);
CREATE TABLE resources (
  id            INTEGER PRIMARY KEY,
  snapshot_id   INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
  url           TEXT NOT NULL,
  final_url     TEXT,
  blob          TEXT REFERENCES blobs(hash),  -- NULL when the fetch failed
  mime          TEXT NOT NULL DEFAULT '',
  http_status   INTEGER,
  size          INTEGER NOT NULL DEFAULT 0,
  error_code    TEXT,
  error_message TEXT,
  UNIQUE (snapshot_id, url)
);
CREATE INDEX resources_by_blob ON resources(blob);
CREATE TABLE tags (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  fold       TEXT NOT NULL UNIQUE,            -- case-folded name: the identity
  created_at TEXT NOT NULL
);
CREATE TABLE link_tags (
  link_id  INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
  tag_id   INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  added_at TEXT NOT NULL,
  PRIMARY KEY (link_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX link_tags_by_tag ON link_tags(tag_id, link_id);
-- rowid = links.id. body is the newest snapshot's visible text.
CREATE VIRTUAL TABLE search_index USING fts5(title, url, body, tags, tokenize = 'linksnap_cjk');
)sql",
    // 2
    kAnyLinkSnapshots,
    // 3 (scale): the search index carries stable tag tokens instead of tag names, so renaming,
    // merging or deleting a tag rewrites no index row; the query builder expands a word into
    // the tokens of the tags whose names match it (tag_search). And an index for `list`'s order.
    R"sql(
-- A tag's tokens: one made with the tag; a merge re-points the merged tag's tokens to the
-- tag it went into. AUTOINCREMENT: a token is never reused, so a stale one in an index row
-- (of a deleted tag) can never come to mean another tag.
CREATE TABLE tag_tokens (
  token  INTEGER PRIMARY KEY AUTOINCREMENT,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE
);
CREATE INDEX tag_tokens_by_tag ON tag_tokens(tag_id, token);
CREATE TRIGGER tags_get_a_token AFTER INSERT ON tags BEGIN
  INSERT INTO tag_tokens(tag_id) VALUES (new.id);
END;
INSERT INTO tag_tokens(tag_id) SELECT id FROM tags ORDER BY id;
-- rowid = tags.id: the names, tokenized as the index is, to expand query words.
CREATE VIRTUAL TABLE tag_search USING fts5(name, tokenize = 'linksnap_cjk');
INSERT INTO tag_search(rowid, name) SELECT id, name FROM tags;
UPDATE search_index SET tags = coalesce((SELECT group_concat('t' || tt.token, ' ') FROM link_tags lt
  JOIN tag_tokens tt ON tt.tag_id = lt.tag_id WHERE lt.link_id = search_index.rowid), '');
-- The rewrite left every old row behind as a delete marker: merge them away (else the
-- index of a large store grows by half).
INSERT INTO search_index(search_index) VALUES ('optimize');
CREATE INDEX links_by_update ON links(updated_at DESC, id DESC);
)sql",
    // 4 (history): link checks and refresh schedules (store/link_status.h). Self-contained:
    // it only adds tables, so it can be renumbered against other additive steps.
    R"sql(
-- Every check of a link by `refresh`: what the server did, and whether a snapshot was stored.
-- Kept per link up to a bound (link_status.cpp); the newest is also in link_status.
CREATE TABLE link_checks (
  id            INTEGER PRIMARY KEY,
  link_id       INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
  checked_at    TEXT NOT NULL,
  outcome       TEXT NOT NULL CHECK (outcome IN ('ok', 'redirected', 'http_404', 'http_410',
                                                 'http_error', 'dns', 'tls', 'timeout', 'other')),
  http_status   INTEGER,                    -- NULL when no HTTP answer arrived
  redirected_to TEXT,                       -- the final URL when it is not the link's
  detail        TEXT NOT NULL DEFAULT '',   -- "unchanged", "404 Not Found", an error message
  snapshot_id   INTEGER REFERENCES snapshots(id) ON DELETE SET NULL  -- stored by this check
);
CREATE INDEX link_checks_by_link ON link_checks(link_id, id);
-- The newest check of each link, one row per link: what list --status filters on.
CREATE TABLE link_status (
  link_id       INTEGER PRIMARY KEY REFERENCES links(id) ON DELETE CASCADE,
  state         TEXT NOT NULL CHECK (state IN ('ok', 'redirected', 'broken', 'error')),
  outcome       TEXT NOT NULL,
  http_status   INTEGER,
  redirected_to TEXT,
  detail        TEXT NOT NULL DEFAULT '',
  checked_at    TEXT NOT NULL
);
CREATE INDEX link_status_by_state ON link_status(state, link_id);
-- How often `refresh --due` takes a link: its own schedule (0 = never, whatever its tags say)
-- or the shortest of the schedules of its tags (a tag's covers the tags below it). A tag's is
-- kept by name, not by tags.id: "news" may exist only as the parent of "news/tech", and a
-- schedule outlives the tag rows that come and go with the links.
CREATE TABLE refresh_schedules (
  id               INTEGER PRIMARY KEY,
  link_id          INTEGER UNIQUE REFERENCES links(id) ON DELETE CASCADE,
  tag_name         TEXT,
  tag_fold         TEXT UNIQUE,             -- case-folded tag name, as tags.fold
  interval_seconds INTEGER NOT NULL CHECK (interval_seconds >= 0),
  created_at       TEXT NOT NULL,
  CHECK ((link_id IS NULL) != (tag_fold IS NULL)),
  CHECK (tag_fold IS NULL OR interval_seconds > 0)
);
)sql",
    // 5 (warc): what a WARC needs of each exchange (interop/warc.h): the request as sent and
    // the response's status line and headers as received (raw CRLF blocks, bounded by the
    // fetcher's header limits), and the document or stylesheet as the server sent it when the
    // stored blob is the rewritten one. NULL for snapshots made before: exported with
    // synthesized headers. The root document's are on snapshots, every other one's on resources.
    R"sql(
ALTER TABLE resources ADD COLUMN request_head TEXT;
ALTER TABLE resources ADD COLUMN response_head TEXT;
ALTER TABLE resources ADD COLUMN original_blob TEXT REFERENCES blobs(hash);
ALTER TABLE snapshots ADD COLUMN request_head TEXT;
ALTER TABLE snapshots ADD COLUMN response_head TEXT;
ALTER TABLE snapshots ADD COLUMN original_blob TEXT REFERENCES blobs(hash);
CREATE INDEX resources_by_original ON resources(original_blob) WHERE original_blob IS NOT NULL;
CREATE INDEX snapshots_by_original ON snapshots(original_blob) WHERE original_blob IS NOT NULL;
)sql",
    // 6 (scale): the ASCII terms of the search index, so a Latin prefix becomes the exact
    // terms it stands for instead of an FTS5 prefix query, which merges the whole doclist of
    // every such term (150 ms for "chr" at 100,000 links). The tokenizer adds the terms of
    // each document it indexes (cjk_tokenizer.cpp); a deleted document's stay (harmless: a
    // term that matches nothing). Filled here from the index as it is (seconds at 100,000).
    R"sql(
CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE temp.search_vocabulary USING fts5vocab(main, search_index, row);
INSERT OR IGNORE INTO search_terms(term)
  SELECT term FROM temp.search_vocabulary WHERE term NOT GLOB '*[^0-9a-z]*' AND length(term) <= 64;
DROP TABLE temp.search_vocabulary;
)sql",
};

constexpr int kMigrationCount = static_cast<int>(sizeof kMigrations / sizeof kMigrations[0]);
static_assert(kMigrationCount == kSchemaVersion, "one migration per schema version");

Result<int> user_version(Database& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.error();
  auto row = stmt->step();
  if (!row.ok()) return row.error();
  return static_cast<int>(stmt->int64(0));
}

}  // namespace

Status migrate(Database& db) {
  auto current = user_version(db);
  if (!current.ok()) return current.error();
  if (*current > kSchemaVersion) {
    return make_error(errc::kDatabase,
                      "this store was written by a newer LinkSnap (schema " + std::to_string(*current) +
                          ", this build knows " + std::to_string(kSchemaVersion) +
                          "); upgrade linksnap");
  }
  // A migration that rebuilds a table must not cascade deletes (SQLite's documented
  // procedure); the pragma is a no-op inside a transaction, so it is set around them and the
  // references are checked before each commit.
  if (*current < kSchemaVersion) LINKSNAP_TRY(db.exec("PRAGMA foreign_keys = OFF"));
  struct ForeignKeysBackOn {
    Database& db;
    ~ForeignKeysBackOn() { (void)db.exec("PRAGMA foreign_keys = ON"); }
  } back_on{db};
  while (*current < kSchemaVersion) {
    auto tx = Transaction::begin(db);
    if (!tx.ok()) return tx.error();
    // Re-read under the write lock: another process may have migrated meanwhile.
    auto now = user_version(db);
    if (!now.ok()) return now.error();
    if (*now >= kSchemaVersion) return tx->commit();
    LINKSNAP_TRY(db.exec(kMigrations[*now]));
    LINKSNAP_TRY(db.exec("PRAGMA user_version = " + std::to_string(*now + 1)));
    {
      auto check = db.prepare("PRAGMA foreign_key_check");
      if (!check.ok()) return check.error();
      auto broken = check->step();
      if (!broken.ok()) return broken.error();
      if (*broken) return make_error(errc::kDatabase, "schema migration broke a reference");
    }
    LINKSNAP_TRY(tx->commit());
    *current = *now + 1;
  }
  return ok_status();
}

}  // namespace linksnap::store
