// The schema step for snapshots of any link (store/schema.cpp): a store written by schema 1
// keeps every snapshot, id and resource, and then accepts 'render' and a media type.
#include <boost/filesystem/operations.hpp>

#include "store/cjk_tokenizer.h"
#include "store/schema.h"
#include "store/store.h"
#include "test_util.h"

namespace linksnap::store {
namespace {

using linksnap::testing::SteppingClock;
using linksnap::testing::TempDir;

// The tables of schema 1 that the later steps touch or that reference them.
constexpr const char* kSchemaOneSubset = R"sql(
CREATE TABLE links (id INTEGER PRIMARY KEY, url TEXT NOT NULL, normalized_url TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL DEFAULT '', title_locked INTEGER NOT NULL DEFAULT 0, note TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE blobs (hash TEXT PRIMARY KEY, size INTEGER NOT NULL, created_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE snapshots (id INTEGER PRIMARY KEY,
  link_id INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE, captured_at TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('dom', 'fetch')), url TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '', root_blob TEXT NOT NULL REFERENCES blobs(hash),
  html_bytes INTEGER NOT NULL, total_bytes INTEGER NOT NULL,
  resource_count INTEGER NOT NULL DEFAULT 0, failed_count INTEGER NOT NULL DEFAULT 0);
CREATE TABLE resources (id INTEGER PRIMARY KEY,
  snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE, url TEXT NOT NULL,
  final_url TEXT, blob TEXT REFERENCES blobs(hash), mime TEXT NOT NULL DEFAULT '', http_status INTEGER,
  size INTEGER NOT NULL DEFAULT 0, error_code TEXT, error_message TEXT, UNIQUE (snapshot_id, url));
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL, fold TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL);
CREATE TABLE link_tags (link_id INTEGER NOT NULL REFERENCES links(id) ON DELETE CASCADE,
  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE, added_at TEXT NOT NULL,
  PRIMARY KEY (link_id, tag_id)) WITHOUT ROWID;
CREATE VIRTUAL TABLE search_index USING fts5(title, url, body, tags, tokenize = 'linksnap_cjk');
INSERT INTO links VALUES (1, 'https://a.example/', 'https://a.example/', 'A', 0, '', 't', 't');
INSERT INTO blobs VALUES ('h1', 10, 't'), ('h2', 20, 't');
INSERT INTO snapshots VALUES (7, 1, '2026-01-01T00:00:00Z', 'fetch', 'https://a.example/', 'A', 'h1', 10, 30, 1, 0);
INSERT INTO snapshots VALUES (9, 1, '2026-01-02T00:00:00Z', 'dom', 'https://a.example/', 'A', 'h1', 10, 10, 0, 0);
INSERT INTO resources(snapshot_id, url, blob, mime, size) VALUES (7, 'https://a.example/x.png', 'h2', 'image/png', 20);
PRAGMA user_version = 1;
)sql";

TEST(StoreMigration, SchemaOneSnapshotsKeepTheirIdsAndResources) {
  ASSERT_GE(kSchemaVersion, 2);
  TempDir dir;
  const auto data = dir.path() / "data";
  boost::filesystem::create_directories(data);
  {
    auto db = Database::open((data / "linksnap.db").string());
    ASSERT_OK(db);
    ASSERT_OK(db->exec("PRAGMA foreign_keys = ON"));
    ASSERT_OK(register_cjk_tokenizer(db->handle()));
    ASSERT_OK(db->exec(kSchemaOneSubset));
  }
  SteppingClock clock;
  auto store = Store::open(data, clock);
  ASSERT_OK(store);
  auto old = store->get_snapshot(7);
  ASSERT_OK(old);
  EXPECT_EQ(old->source, "fetch");
  EXPECT_EQ(old->total_bytes, 30);
  EXPECT_EQ(old->media_type, "text/html");
  EXPECT_EQ(old->page_count, 0);
  auto resources = store->resources_of(7);
  ASSERT_OK(resources);
  ASSERT_EQ(resources->size(), 1u);  // dropping the old table did not cascade
  EXPECT_EQ((*resources)[0].url, "https://a.example/x.png");
  ASSERT_OK(store->get_snapshot(9));

  auto fk = store->db().prepare("PRAGMA foreign_keys");
  ASSERT_OK(fk);
  ASSERT_OK(fk->step());
  EXPECT_EQ(fk->int64(0), 1);  // back on after the migration
  ASSERT_OK(store->db().exec(
      "INSERT INTO snapshots(link_id, captured_at, source, url, root_blob, html_bytes, total_bytes, "
      "media_type, page_count) VALUES (1, 't', 'render', 'u', 'h1', 1, 1, 'application/pdf', 3)"));
  EXPECT_FALSE(store->db().exec("INSERT INTO snapshots(link_id, captured_at, source, url, root_blob, "
                                "html_bytes, total_bytes) VALUES (1, 't', 'magic', 'u', 'h1', 1, 1)")
                   .ok());
}

TEST(StoreMigration, LatinTermsOfAnOlderIndexAreListedForPrefixSearch) {
  TempDir dir;
  const auto data = dir.path() / "data";
  boost::filesystem::create_directories(data);
  {
    auto db = Database::open((data / "linksnap.db").string());
    ASSERT_OK(db);
    ASSERT_OK(register_cjk_tokenizer(db->handle()));
    ASSERT_OK(db->exec(kSchemaOneSubset));
    ASSERT_OK(db->exec("INSERT INTO search_index(rowid, title, url, body, tags) VALUES "
                       "(1, 'Chrony notes', 'https://a.example/', 'chronyd and Chronyc 时间 café', '')"));
  }
  SteppingClock clock;
  auto store = Store::open(data, clock);
  ASSERT_OK(store);
  auto terms = store->db().prepare("SELECT group_concat(term, ' ') FROM (SELECT term FROM search_terms "
                                   "WHERE term >= 'c' AND term < 'd' ORDER BY term)");
  ASSERT_OK(terms);
  ASSERT_OK(terms->step());
  EXPECT_EQ(terms->text(0), "cafe chrony chronyc chronyd");  // folded as the index holds them; no CJK
  auto hits = store->search({"CHRON", {}, 10});
  ASSERT_OK(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(hits->front().link.id, 1);
  EXPECT_NE(hits->front().snippet_html.find("<mark>Chronyc</mark>"), std::string::npos) << hits->front().snippet_html;
  // A page saved after the migration adds its terms as it is indexed.
  SnapshotInput in;
  in.url = "https://b.example/";
  in.title = "B";
  in.source = "dom";
  in.html = "<p>zebrafish</p>";
  in.text = "zebrafish";
  ASSERT_OK(store->save_snapshot(in));
  auto zebra = store->search({"zebr", {}, 10});
  ASSERT_OK(zebra);
  ASSERT_EQ(zebra->size(), 1u);
  EXPECT_EQ(zebra->front().link.title, "B");
  auto none = store->search({"zzq", {}, 10});
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace linksnap::store
