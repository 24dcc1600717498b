// The store on a real SQLite file and a real blob directory.
#include <sys/stat.h>

#include <algorithm>
#include <map>

#include "capture/html_text.h"
#include "store/schema.h"
#include "store/search_rank.h"
#include "store/store.h"
#include "test_util.h"
#include "util/sha256.h"

namespace linksnap::store {
namespace {

using linksnap::testing::SteppingClock;
using linksnap::testing::TempDir;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir_.path() / "data", clock_);
    ASSERT_OK(opened);
    store_.emplace(std::move(*opened));
  }

  SnapshotInput page(const std::string& url, const std::string& title, const std::string& text,
                     std::vector<std::string> tags = {}) {
    SnapshotInput in;
    in.url = url;
    in.title = title;
    in.source = "dom";
    in.html = "<html><head><title>" + title + "</title></head><body>" + text + "</body></html>";
    in.text = text;
    in.tags = std::move(tags);
    return in;
  }

  std::int64_t save(const std::string& url, const std::string& title, const std::string& text,
                    std::vector<std::string> tags = {}) {
    auto r = store_->save_snapshot(page(url, title, text, std::move(tags)));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->link.id : 0;
  }

  TempDir dir_;
  SteppingClock clock_;
  std::optional<Store> store_;
};

TEST_F(StoreTest, DataDirAndDatabaseArePrivateToTheUser) {
  struct stat st{};
  ASSERT_EQ(::stat((dir_.path() / "data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((dir_.path() / "data" / "linksnap.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
}

TEST_F(StoreTest, SchemaIsAtCurrentVersionWithWalAndForeignKeys) {
  auto v = store_->db().prepare("PRAGMA user_version");
  ASSERT_OK(v);
  ASSERT_TRUE(*v->step());
  EXPECT_EQ(v->int64(0), kSchemaVersion);
  auto mode = store_->db().prepare("PRAGMA journal_mode");
  ASSERT_OK(mode);
  ASSERT_TRUE(*mode->step());
  EXPECT_EQ(mode->text(0), "wal");
  auto fk = store_->db().prepare("PRAGMA foreign_keys");
  ASSERT_OK(fk);
  ASSERT_TRUE(*fk->step());
  EXPECT_EQ(fk->int64(0), 1);
}

TEST_F(StoreTest, ReopeningAnExistingStoreKeepsItsData) {
  const auto id = save("https://example.com/a", "A", "alpha");
  store_.reset();
  auto again = Store::open(dir_.path() / "data", clock_);
  ASSERT_OK(again);
  auto link = again->get_link(id);
  ASSERT_OK(link);
  EXPECT_EQ(link->title, "A");
}

TEST_F(StoreTest, DatabaseFromANewerVersionIsRefused) {
  ASSERT_OK(store_->db().exec("PRAGMA user_version = 99"));
  store_.reset();
  auto again = Store::open(dir_.path() / "data", clock_);
  EXPECT_ERROR(again, errc::kDatabase,
               "this store was written by a newer LinkSnap (schema 99, this build knows " +
                   std::to_string(kSchemaVersion) + "); upgrade linksnap");
}

TEST_F(StoreTest, SameUrlTwiceIsOneLinkWithTwoSnapshots) {
  auto first = store_->save_snapshot(page("https://Example.COM:443/a?utm_source=x#top", "First", "one"));
  ASSERT_OK(first);
  EXPECT_TRUE(first->created_link);
  auto second = store_->save_snapshot(page("https://example.com/a", "Second", "two"));
  ASSERT_OK(second);
  EXPECT_FALSE(second->created_link);
  EXPECT_EQ(first->link.id, second->link.id);
  EXPECT_EQ(second->link.snapshot_count, 2);
  EXPECT_EQ(second->link.title, "Second");
  EXPECT_EQ(second->link.normalized_url, "https://example.com/a");
  auto snaps = store_->snapshots_of(first->link.id);
  ASSERT_OK(snaps);
  ASSERT_EQ(snaps->size(), 2u);
  EXPECT_EQ((*snaps)[0].id, second->snapshot.id);  // newest first
  EXPECT_LT((*snaps)[1].captured_at, (*snaps)[0].captured_at);
  EXPECT_EQ((*snaps)[0].captured_at.back(), 'Z');
}

TEST_F(StoreTest, IdenticalBytesAreStoredOnce) {
  auto a = store_->save_snapshot(page("https://a.example/", "Same", "same"));
  auto b = store_->save_snapshot(page("https://b.example/", "Same", "same"));
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_EQ(a->snapshot.root_blob, b->snapshot.root_blob);
  int files = 0;
  store_->blobs().for_each([&](const std::string&) { ++files; });
  EXPECT_EQ(files, 1);
  auto html = store_->blobs().get(a->snapshot.root_blob);
  ASSERT_OK(html);
  EXPECT_EQ(sha256_hex(*html), a->snapshot.root_blob);
}

TEST_F(StoreTest, ResourcesAreRecordedWithTheirOutcome) {
  SnapshotInput in = page("https://r.example/", "R", "r");
  ResourceInput ok;
  ok.record.url = "https://r.example/a.css";
  ok.record.mime = "text/css";
  ok.record.http_status = 200;
  ok.bytes = "body{}";
  ResourceInput missing;
  missing.record.url = "https://r.example/gone.png";
  missing.record.http_status = 404;
  missing.record.error_code = "http_error";
  missing.record.error_message = "HTTP 404";
  in.resources = {ok, missing};
  auto saved = store_->save_snapshot(in);
  ASSERT_OK(saved);
  EXPECT_EQ(saved->snapshot.resource_count, 2);
  EXPECT_EQ(saved->snapshot.failed_count, 1);
  auto res = store_->resources_of(saved->snapshot.id);
  ASSERT_OK(res);
  ASSERT_EQ(res->size(), 2u);
  EXPECT_TRUE((*res)[0].blob.has_value());
  EXPECT_EQ((*res)[0].size, 6);
  EXPECT_FALSE((*res)[1].blob.has_value());
  EXPECT_EQ((*res)[1].error_message.value_or(""), "HTTP 404");
}

TEST_F(StoreTest, DeletingALinkRemovesItsSnapshotsAndUnsharedBlobs) {
  auto a = store_->save_snapshot(page("https://a.example/", "Shared", "shared"));
  auto b = store_->save_snapshot(page("https://b.example/", "Shared", "shared"));
  auto c = store_->save_snapshot(page("https://c.example/", "Own", "own"));
  ASSERT_OK(a);
  ASSERT_OK(b);
  ASSERT_OK(c);
  ASSERT_OK(store_->delete_link(a->link.id));
  EXPECT_TRUE(store_->blobs().exists(a->snapshot.root_blob));  // still used by b
  ASSERT_OK(store_->delete_link(c->link.id));
  EXPECT_FALSE(store_->blobs().exists(c->snapshot.root_blob));
  EXPECT_ERROR(store_->get_link(c->link.id), errc::kNotFound, "no link with id 3");
  EXPECT_ERROR(store_->delete_link(c->link.id), errc::kNotFound, "no link with id 3");
  auto hits = store_->search({"own", {}, 10});
  ASSERT_OK(hits);
  EXPECT_TRUE(hits->empty());
}

TEST_F(StoreTest, DeletingSeveralLinksIsOneStepThatFailsWhole) {
  auto a = store_->save_snapshot(page("https://a.example/", "A", "alpha", {"gone"}));
  auto b = store_->save_snapshot(page("https://b.example/", "B", "beta", {"gone"}));
  const auto c = save("https://c.example/", "C", "gamma");
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_ERROR(store_->delete_links({a->link.id, 99}), errc::kNotFound, "no link with id 99");
  ASSERT_OK(store_->get_link(a->link.id));  // nothing was deleted
  ASSERT_OK(store_->delete_links({a->link.id, b->link.id}));
  EXPECT_FALSE(store_->blobs().exists(a->snapshot.root_blob));
  EXPECT_FALSE(store_->blobs().exists(b->snapshot.root_blob));
  auto links = store_->list_links({});
  ASSERT_OK(links);
  ASSERT_EQ(links->size(), 1u);
  EXPECT_EQ(links->front().id, c);
  auto tags = store_->list_tags();
  ASSERT_OK(tags);
  EXPECT_TRUE(tags->empty());  // "gone" went with its last link
  auto hits = store_->search({"alpha OR beta", {}, 10});
  ASSERT_OK(hits);
  EXPECT_TRUE(hits->empty());
}

TEST_F(StoreTest, ABlobRemovedBehindTheStoresBackIsWrittenAgainOnSave) {
  auto a = store_->save_snapshot(page("https://a.example/", "T", "same bytes"));
  ASSERT_OK(a);
  ASSERT_OK(store_->blobs().remove(a->snapshot.root_blob));
  auto b = store_->save_snapshot(page("https://b.example/", "T", "same bytes"));
  ASSERT_OK(b);
  EXPECT_TRUE(store_->blobs().exists(b->snapshot.root_blob));
}

TEST_F(StoreTest, InvalidUrlsAndSourcesAreRefusedAndWriteNothing) {
  EXPECT_ERROR(store_->save_snapshot(page("gopher://old.example/", "G", "g")), errc::kUnsupportedScheme,
               "unsupported URL scheme \"gopher\": only http, https and file pages can be saved");
  SnapshotInput bad = page("https://ok.example/", "B", "b");
  bad.source = "magic";
  EXPECT_ERROR(store_->save_snapshot(bad), errc::kBadRequest,
               "snapshot source must be \"dom\", \"fetch\", \"render\" or \"capture\"");
  auto links = store_->list_links({});
  ASSERT_OK(links);
  EXPECT_TRUE(links->empty());
}

TEST_F(StoreTest, EditedTitleSurvivesLaterSnapshots) {
  const auto id = save("https://t.example/", "Original", "x");
  ASSERT_OK(store_->update_link(id, std::string("My title"), std::string("a note")));
  save("https://t.example/", "Page title changed", "y");
  auto link = store_->get_link(id);
  ASSERT_OK(link);
  EXPECT_EQ(link->title, "My title");
  EXPECT_EQ(link->note, "a note");
  auto hits = store_->search({"title:My", {}, 10});
  ASSERT_OK(hits);
  ASSERT_EQ(hits->size(), 1u);
}

TEST_F(StoreTest, FindLinkByAnyFormOfItsUrl) {
  const auto id = save("https://example.com/page", "P", "p");
  auto found = store_->find_link_by_url("HTTPS://EXAMPLE.com/page#section?");
  ASSERT_OK(found);
  EXPECT_EQ(found->id, id);
  EXPECT_ERROR(store_->find_link_by_url("https://example.com/other"), errc::kNotFound,
               "no saved link for https://example.com/other");
}

// --- tags ---

TEST_F(StoreTest, TagsAreTrimmedAndCaseInsensitivelyUnique) {
  const auto id = save("https://x.example/", "X", "x", {"  Dev / CPP  "});
  auto link = store_->add_tags(id, {"dev/cpp", "DEV/Cpp", "读书"});
  ASSERT_OK(link);
  EXPECT_EQ(link->tags, (std::vector<std::string>{"Dev/CPP", "读书"}));
  auto tags = store_->list_tags();
  ASSERT_OK(tags);
  EXPECT_EQ(tags->size(), 3u);  // Dev/CPP, 读书 and the parent Dev
}

TEST_F(StoreTest, FilteringByATagIncludesTagsBelowIt) {
  const auto a = save("https://a.example/", "A", "a", {"dev/cpp"});
  const auto b = save("https://b.example/", "B", "b", {"dev"});
  save("https://c.example/", "C", "c", {"devops"});  // not below "dev"
  save("https://d.example/", "D", "d", {"dev-notes"});
  auto links = store_->list_links({{"DEV"}, 100, 0});
  ASSERT_OK(links);
  std::vector<std::int64_t> ids;
  for (const auto& l : *links) ids.push_back(l.id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::int64_t>{a, b}));
  auto cpp = store_->list_links({{"dev/cpp"}, 100, 0});
  ASSERT_OK(cpp);
  ASSERT_EQ(cpp->size(), 1u);
  EXPECT_EQ(cpp->front().id, a);
}

TEST_F(StoreTest, SeveralTagFiltersMustAllMatch) {
  const auto both = save("https://a.example/", "A", "a", {"x", "y"});
  save("https://b.example/", "B", "b", {"x"});
  auto links = store_->list_links({{"x", "y"}, 100, 0});
  ASSERT_OK(links);
  ASSERT_EQ(links->size(), 1u);
  EXPECT_EQ(links->front().id, both);
}

TEST_F(StoreTest, RemovingATagTheLinkDoesNotHaveIsAnError) {
  const auto id = save("https://a.example/", "A", "a", {"x"});
  EXPECT_ERROR(store_->remove_tags(id, {"y"}), errc::kNotFound, "link 1 has no tag \"y\"");
  auto link = store_->remove_tags(id, {"X"});
  ASSERT_OK(link);
  EXPECT_TRUE(link->tags.empty());
  auto tags = store_->list_tags();  // a tag no link carries is gone
  ASSERT_OK(tags);
  EXPECT_TRUE(tags->empty());
}

TEST_F(StoreTest, ManyLinksAreTaggedAndUntaggedInOneCall) {
  const auto a = save("https://a.example/", "A", "alpha", {"keep"});
  const auto b = save("https://b.example/", "B", "beta", {"reading"});
  const auto c = save("https://c.example/", "C", "gamma");
  // A missing id changes nothing.
  EXPECT_ERROR(store_->add_tags_to_links({a, 99, b}, {"reading"}), errc::kNotFound, "no link with id 99");
  auto none = store_->list_links({{"reading"}, 100, 0});
  ASSERT_OK(none);
  ASSERT_EQ(none->size(), 1u);
  auto tagged = store_->add_tags_to_links({a, b, c, a}, {"reading", "Dev/Cpp"});
  ASSERT_OK(tagged);
  EXPECT_EQ(*tagged, 3);  // b already had "reading" but gains dev/cpp
  for (const auto id : {a, b, c}) {
    auto link = store_->get_link(id);
    ASSERT_OK(link);
    EXPECT_NE(std::find(link->tags.begin(), link->tags.end(), "Dev/Cpp"), link->tags.end()) << id;
    EXPECT_NE(std::find(link->tags.begin(), link->tags.end(), "reading"), link->tags.end()) << id;
  }
  auto by_tag_word = store_->search({"cpp", {}, 10});  // the index rows carry the new tag
  ASSERT_OK(by_tag_word);
  EXPECT_EQ(by_tag_word->size(), 3u);
  auto untagged = store_->remove_tags_from_links({a, c}, {"dev/cpp", "nowhere"});
  ASSERT_OK(untagged);
  EXPECT_EQ(*untagged, 2);
  auto still = store_->search({"cpp", {}, 10});
  ASSERT_OK(still);
  ASSERT_EQ(still->size(), 1u);
  EXPECT_EQ(still->front().link.id, b);
  auto again = store_->remove_tags_from_links({a, c}, {"dev/cpp"});  // lacking it is no error
  ASSERT_OK(again);
  EXPECT_EQ(*again, 0);
  ASSERT_OK(store_->remove_tags_from_links({b}, {"dev/cpp"}));
  auto tags = store_->list_tags();  // no link carries dev/cpp any more: it is gone
  ASSERT_OK(tags);
  for (const auto& t : *tags) EXPECT_NE(t.name, "Dev/Cpp");
}

TEST_F(StoreTest, SearchRankWeighsTitleAndTagsAboveTextAndSaturates) {
  const int title_once[4] = {1, 0, 0, 0};
  const int text_many[4] = {0, 0, 50, 0};
  const int tag_once[4] = {0, 0, 0, 1};
  const int url_once[4] = {0, 1, 0, 0};
  const int nothing[4] = {0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(search_rank_score(title_once), -5.0);
  EXPECT_DOUBLE_EQ(search_rank_score(nothing), 0.0);
  EXPECT_LT(search_rank_score(title_once), search_rank_score(tag_once));
  EXPECT_LT(search_rank_score(tag_once), search_rank_score(url_once));
  EXPECT_LT(search_rank_score(url_once), search_rank_score(text_many));
  EXPECT_GT(search_rank_score(text_many), -1.0);
  save("https://old.example/", "Old", "kubernetes");
  save("https://new.example/", "New", "kubernetes");
  auto hits = store_->search({"kubernetes", {}, 10});
  ASSERT_OK(hits);
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_EQ(hits->front().link.title, "New");  // equal ranks: the most recently updated first
  EXPECT_DOUBLE_EQ(hits->front().rank, -0.5);
}

TEST_F(StoreTest, RenamingATagRenamesItsSubtreeAndReindexes) {
  const auto id = save("https://a.example/", "A", "a", {"dev/cpp", "dev"});
  ASSERT_OK(store_->rename_tag("dev", "code"));
  auto link = store_->get_link(id);
  ASSERT_OK(link);
  EXPECT_EQ(link->tags, (std::vector<std::string>{"code", "code/cpp"}));
  auto hits = store_->search({"tags:code", {}, 10});
  ASSERT_OK(hits);
  EXPECT_EQ(hits->size(), 1u);
  auto old_hits = store_->search({"tags:dev", {}, 10});
  ASSERT_OK(old_hits);
  EXPECT_TRUE(old_hits->empty());
}

// The index holds tag tokens, not names: renaming, merging or deleting a tag leaves every
// index row as it was, and search still finds links by their tags' current names.
std::string indexed_tags(Store& store, std::int64_t link_id) {
  auto st = store.db().prepare("SELECT tags FROM search_index WHERE rowid = ?1");
  EXPECT_TRUE(st.ok());
  st->bind(1, link_id);
  auto row = st->step();
  EXPECT_TRUE(row.ok() && *row);
  return st->text(0);
}

std::vector<std::string> titles_found(Store& store, const std::string& query) {
  auto hits = store.search({query, {}, 100});
  EXPECT_TRUE(hits.ok()) << query;
  std::vector<std::string> out;
  if (hits.ok()) {
    for (const auto& h : *hits) out.push_back(h.link.title);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(StoreTest, TagChangesRewriteNoIndexRow) {
  const auto a = save("https://a.example/", "A", "alpha", {"dev/cpp", "笔记/时间"});
  const auto b = save("https://b.example/", "B", "beta", {"js"});
  const std::string before_a = indexed_tags(*store_, a);
  const std::string before_b = indexed_tags(*store_, b);
  EXPECT_EQ(before_a.find("dev"), std::string::npos) << before_a;  // tokens, not names

  ASSERT_OK(store_->rename_tag("dev", "code"));
  EXPECT_EQ(titles_found(*store_, "code"), (std::vector<std::string>{"A"}));  // any word, a tag's
  EXPECT_EQ(titles_found(*store_, "tags:cpp"), (std::vector<std::string>{"A"}));
  EXPECT_TRUE(titles_found(*store_, "dev").empty());
  EXPECT_EQ(titles_found(*store_, "时间"), (std::vector<std::string>{"A"}));

  ASSERT_OK(store_->merge_tags("js", "code"));
  EXPECT_EQ(titles_found(*store_, "tags:code"), (std::vector<std::string>{"A", "B"}));
  EXPECT_TRUE(titles_found(*store_, "tags:js").empty());

  ASSERT_OK(store_->delete_tag("code"));
  EXPECT_EQ(titles_found(*store_, "tags:code"), (std::vector<std::string>{"A"}));  // via code/cpp
  EXPECT_EQ(indexed_tags(*store_, a), before_a);
  EXPECT_EQ(indexed_tags(*store_, b), before_b);
}

TEST_F(StoreTest, TagTokensAreNeitherWordsNorReusedByLaterTags) {
  save("https://a.example/", "A", "alpha", {"old"});
  const std::string token = indexed_tags(*store_, 1);
  ASSERT_EQ(token.substr(0, 1), "t");
  EXPECT_TRUE(titles_found(*store_, token).empty());  // a typed word never reaches a token
  ASSERT_OK(store_->delete_tag("old"));
  save("https://b.example/", "B", "beta", {"new"});  // may reuse the deleted tag's id
  EXPECT_EQ(titles_found(*store_, "tags:new"), (std::vector<std::string>{"B"}));
  EXPECT_EQ(titles_found(*store_, "new -beta"), (std::vector<std::string>{}));
  EXPECT_EQ(titles_found(*store_, "alpha OR tags:new"), (std::vector<std::string>{"A", "B"}));
}

TEST_F(StoreTest, AStoreFromSchemaOneGetsTagTokensOnOpen) {
  const auto a = save("https://a.example/", "A", "alpha", {"dev/cpp"});
  // Back to schema 1's shape: no token tables, tag names in the index.
  ASSERT_OK(store_->db().exec(
      "DROP TRIGGER tags_get_a_token; DROP TABLE tag_tokens; DROP TABLE tag_search; "
      "DROP INDEX links_by_update; UPDATE search_index SET tags = 'dev/cpp'; "
      // and without the tables of the later steps, which migrating creates again
      "DROP TABLE link_checks; DROP TABLE link_status; DROP TABLE refresh_schedules; DROP TABLE search_terms; "
      // and without schema 5's exchange columns (migration 2 rebuilds snapshots without them)
      "DROP INDEX resources_by_original; ALTER TABLE resources DROP COLUMN request_head; "
      "ALTER TABLE resources DROP COLUMN response_head; ALTER TABLE resources DROP COLUMN original_blob; "
      "PRAGMA user_version = 1"));
  store_.reset();
  auto again = Store::open(dir_.path() / "data", clock_);
  ASSERT_OK(again);
  store_.emplace(std::move(*again));
  EXPECT_EQ(titles_found(*store_, "tags:dev"), (std::vector<std::string>{"A"}));
  EXPECT_EQ(indexed_tags(*store_, a).substr(0, 1), "t");
  ASSERT_OK(store_->rename_tag("dev", "code"));
  EXPECT_EQ(titles_found(*store_, "code"), (std::vector<std::string>{"A"}));
}

TEST_F(StoreTest, RenamingOntoAnExistingTagIsAConflict) {
  save("https://a.example/", "A", "a", {"one", "two"});
  EXPECT_ERROR(store_->rename_tag("one", "TWO"), errc::kConflict,
               "a tag named \"TWO\" already exists; use `linksnap tags merge` to combine the two");
  EXPECT_ERROR(store_->rename_tag("nope", "x"), errc::kNotFound, "no tag named \"nope\"");
  EXPECT_ERROR(store_->rename_tag("one", "one/sub"), errc::kBadRequest, "cannot move tag \"one\" below itself");
}

TEST_F(StoreTest, RenamingOnlyTheCaseOfATagWorks) {
  const auto id = save("https://a.example/", "A", "a", {"linux"});
  ASSERT_OK(store_->rename_tag("linux", "Linux"));
  auto link = store_->get_link(id);
  ASSERT_OK(link);
  EXPECT_EQ(link->tags, (std::vector<std::string>{"Linux"}));
}

TEST_F(StoreTest, MergingMovesLinksAndSubtagsThenDeletesTheSource) {
  const auto a = save("https://a.example/", "A", "a", {"js", "js/react"});
  const auto b = save("https://b.example/", "B", "b", {"javascript"});
  ASSERT_OK(store_->merge_tags("js", "javascript"));
  auto la = store_->get_link(a);
  ASSERT_OK(la);
  EXPECT_EQ(la->tags, (std::vector<std::string>{"javascript", "javascript/react"}));
  auto tags = store_->list_tags();
  ASSERT_OK(tags);
  for (const auto& t : *tags) EXPECT_NE(t.name.substr(0, 3), "js") << t.name;
  auto filtered = store_->list_links({{"javascript"}, 100, 0});
  ASSERT_OK(filtered);
  EXPECT_EQ(filtered->size(), 2u);
  (void)b;
  EXPECT_ERROR(store_->merge_tags("javascript", "javascript"), errc::kBadRequest, "cannot merge a tag into itself");
}

TEST_F(StoreTest, DeletingATagKeepsLinksAndTheirOtherTags) {
  const auto id = save("https://a.example/", "A", "a", {"keep", "drop"});
  ASSERT_OK(store_->delete_tag("DROP"));
  auto link = store_->get_link(id);
  ASSERT_OK(link);
  EXPECT_EQ(link->tags, (std::vector<std::string>{"keep"}));
  EXPECT_ERROR(store_->delete_tag("drop"), errc::kNotFound, "no tag named \"drop\"");
}

TEST_F(StoreTest, ALinkTaggedAtSeveralLevelsCountsOnceBelowEachTag) {
  save("https://a.example/", "A", "a", {"dev", "dev/cpp", "dev/cpp/old", "Dev/Rust"});
  save("https://b.example/", "B", "b", {"dev/cpp/old"});
  auto tags = store_->list_tags();
  ASSERT_OK(tags);
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> counts;
  for (const auto& t : *tags) counts[t.name] = {t.links, t.links_below};
  EXPECT_EQ(counts, (std::map<std::string, std::pair<std::int64_t, std::int64_t>>{
                        {"dev", {1, 2}}, {"dev/cpp", {1, 2}}, {"dev/cpp/old", {2, 2}}, {"Dev/Rust", {1, 1}}}));
  EXPECT_EQ(tags->front().name, "dev/cpp/old");  // most used first
}

TEST_F(StoreTest, TagCountsIncludeLinksBelowAndImplicitParents) {
  save("https://a.example/", "A", "a", {"dev/cpp"});
  save("https://b.example/", "B", "b", {"dev"});
  save("https://c.example/", "C", "c", {"dev/cpp", "笔记/时间"});
  auto tags = store_->list_tags();
  ASSERT_OK(tags);
  ASSERT_EQ(tags->size(), 4u);
  EXPECT_EQ((*tags)[0].name, "dev/cpp");  // most used first
  EXPECT_EQ((*tags)[0].links, 2);
  EXPECT_EQ((*tags)[1].name, "dev");
  EXPECT_EQ((*tags)[1].links, 1);
  EXPECT_EQ((*tags)[1].links_below, 3);
  EXPECT_EQ((*tags)[2].name, "笔记/时间");
  EXPECT_EQ((*tags)[3].name, "笔记");  // exists only as a parent
  EXPECT_EQ((*tags)[3].links, 0);
  EXPECT_EQ((*tags)[3].links_below, 1);
}

TEST_F(StoreTest, RenamingAnImplicitParentRenamesItsChildren) {
  const auto id = save("https://a.example/", "A", "a", {"dev/cpp", "dev/rust"});
  ASSERT_OK(store_->rename_tag("DEV", "code"));
  auto link = store_->get_link(id);
  ASSERT_OK(link);
  EXPECT_EQ(link->tags, (std::vector<std::string>{"code/cpp", "code/rust"}));
}

// --- search ---

TEST_F(StoreTest, ChronyFixturePageIsFoundByChineseAndLatinWords) {
  const std::string html = linksnap::testing::read_fixture("chrony/chrony-nts.html");
  const auto text = capture::extract_text(html);
  SnapshotInput in;
  in.url = "http://127.0.0.1/chrony-nts.html";
  in.title = text.title;
  in.source = "fetch";
  in.html = html;
  in.text = text.text;
  in.tags = {"笔记/时间"};
  auto saved = store_->save_snapshot(in);
  ASSERT_OK(saved);
  save("https://other.example/", "Unrelated", "时间 is not enough here, nor 密码");
  for (const char* q : {"验证机制", "密钥", "chronyc", "NTS", "nts", "配置笔记", "CHRONY 密钥"}) {
    auto hits = store_->search({q, {}, 10});
    ASSERT_OK(hits);
    ASSERT_EQ(hits->size(), 1u) << q;
    EXPECT_EQ(hits->front().link.id, saved->link.id) << q;
  }
  auto one_char = store_->search({"密", {}, 10});  // in 密钥 here and 密码 there
  ASSERT_OK(one_char);
  EXPECT_EQ(one_char->size(), 2u);
  auto with_tag = store_->search({"密钥", {"笔记"}, 10});
  ASSERT_OK(with_tag);
  ASSERT_EQ(with_tag->size(), 1u);
  EXPECT_EQ(with_tag->front().link.tags, (std::vector<std::string>{"笔记/时间"}));
  auto wrong_tag = store_->search({"密钥", {"dev"}, 10});
  ASSERT_OK(wrong_tag);
  EXPECT_TRUE(wrong_tag->empty());
}

TEST_F(StoreTest, CjkSearchIsSubstringExactNotCharacterSoup) {
  save("https://a.example/", "A", "验证机制很好");
  save("https://b.example/", "B", "机制验证");  // same characters, other order
  auto hits = store_->search({"验证机制", {}, 10});
  ASSERT_OK(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(hits->front().link.title, "A");
}

TEST_F(StoreTest, SnippetMarksTheMatchAndEscapesHtml) {
  save("https://a.example/", "A", "before <b> & the 密钥 is here");
  auto hits = store_->search({"密钥", {}, 10});
  ASSERT_OK(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_NE(hits->front().snippet_html.find("<mark>密钥</mark>"), std::string::npos) << hits->front().snippet_html;
  EXPECT_NE(hits->front().snippet_html.find("&lt;b&gt; &amp;"), std::string::npos) << hits->front().snippet_html;
}

TEST_F(StoreTest, TitleMatchesRankAboveBodyMatches) {
  save("https://body.example/", "Something else", "a page that mentions kubernetes once");
  save("https://title.example/", "Kubernetes handbook", "nothing here");
  auto hits = store_->search({"kubernetes", {}, 10});
  ASSERT_OK(hits);
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_EQ(hits->front().link.title, "Kubernetes handbook");
}

TEST_F(StoreTest, LatinWordsMatchByPrefixAndUrlWordsAreSearchable) {
  save("https://docs.rust-lang.org/book/", "The Book", "ownership");
  auto prefix = store_->search({"owner", {}, 10});
  ASSERT_OK(prefix);
  EXPECT_EQ(prefix->size(), 1u);
  auto url_word = store_->search({"rust", {}, 10});
  ASSERT_OK(url_word);
  EXPECT_EQ(url_word->size(), 1u);
  auto phrase = store_->search({"\"owner\"", {}, 10});
  ASSERT_OK(phrase);
  EXPECT_TRUE(phrase->empty());  // a quoted word is exact
}

TEST_F(StoreTest, ExcludedAndAlternativeWords) {
  save("https://a.example/", "A", "apple banana");
  save("https://b.example/", "B", "apple cherry");
  auto not_banana = store_->search({"apple -banana", {}, 10});
  ASSERT_OK(not_banana);
  ASSERT_EQ(not_banana->size(), 1u);
  EXPECT_EQ(not_banana->front().link.title, "B");
  auto either = store_->search({"banana OR cherry", {}, 10});
  ASSERT_OK(either);
  EXPECT_EQ(either->size(), 2u);
  EXPECT_ERROR(store_->search({"-banana", {}, 10}), errc::kBadRequest,
               "a search needs at least one word that is not excluded with '-'");
}

TEST_F(StoreTest, QueriesThatLookLikeFts5SyntaxAreJustWords) {
  save("https://a.example/", "A", "NEAR AND OR NOT col:umn \"quoted\" star* (paren)");
  for (const char* q : {"NEAR(", "col:umn", "\"unterminated", "star*", "(paren", "AND", "^", "\"\""}) {
    auto hits = store_->search({q, {}, 10});
    EXPECT_TRUE(hits.ok()) << q << ": " << (hits.ok() ? "" : hits.error().message);
  }
}

TEST_F(StoreTest, EmptyQueryListsNewestLinksWithTagFilter) {
  save("https://a.example/", "A", "a", {"t"});
  save("https://b.example/", "B", "b");
  auto hits = store_->search({"", {"t"}, 10});
  ASSERT_OK(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(hits->front().link.title, "A");
}

}  // namespace
}  // namespace linksnap::store

namespace linksnap::store {
namespace {

TEST_F(StoreTest, FileNamesOnDiskNeverComeFromUrlsOrTitles) {
  SnapshotInput in = page("https://evil.example/../../etc/passwd?x=/../../y", "../../../tmp/owned", "t");
  ResourceInput res;
  res.record.url = "https://evil.example/..%2F..%2Fbin%2Fsh";
  res.bytes = "payload";
  in.resources = {res};
  ASSERT_OK(store_->save_snapshot(in));
  const auto root = dir_.path() / "data";
  for (boost::filesystem::recursive_directory_iterator it(root), end; it != end; ++it) {
    const auto rel = boost::filesystem::relative(it->path(), root).string();
    const auto name = it->path().filename().string();
    const bool allowed = rel == "blobs" || rel == "tmp" || name.rfind("linksnap.db", 0) == 0 ||
                         (rel.rfind("blobs/", 0) == 0 && (name.size() == 2 || name.size() == 64));
    EXPECT_TRUE(allowed) << rel;
    EXPECT_EQ(rel.find(".."), std::string::npos) << rel;
  }
  EXPECT_FALSE(boost::filesystem::exists("/tmp/owned"));
}

}  // namespace
}  // namespace linksnap::store
