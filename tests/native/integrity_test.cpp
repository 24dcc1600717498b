// `check` on a real store, damaged in the ways a crash, a full disk or a person can damage it.
#include <unistd.h>

#include <fstream>
#include <string>

#include "capture/html_text.h"
#include "store/integrity.h"
#include "test_util.h"

namespace linksnap::store {
namespace {

using linksnap::testing::SteppingClock;
using linksnap::testing::TempDir;

class IntegrityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir_.path(), clock_);
    ASSERT_OK(opened);
    store_.emplace(std::move(*opened));
    SnapshotInput in;
    in.url = "https://example.com/";
    in.source = "dom";
    in.html = "<title>T</title><p>验证机制 text</p>";
    in.text = "验证机制 text";
    in.tags = {"t"};
    auto saved = store_->save_snapshot(in);
    ASSERT_OK(saved);
    saved_ = *saved;
  }

  CheckReport check(bool repair = false) {
    CheckOptions options;
    options.verify_hashes = true;
    options.repair = repair;
    options.extract_text = [](const std::string& html) { return capture::extract_text(html).text; };
    auto r = check_store(*store_, options);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : CheckReport{};
  }

  TempDir dir_;
  SteppingClock clock_;
  std::optional<Store> store_;
  SaveResult saved_;
};

TEST_F(IntegrityTest, AHealthyStoreHasNothingToReport) {
  auto r = check();
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.leftovers.empty());
  EXPECT_EQ(r.links, 1);
  EXPECT_EQ(r.snapshots, 1);
  EXPECT_EQ(r.blobs, 1);
}

TEST_F(IntegrityTest, AMissingBlobIsAProblemThatRepairDoesNotHide) {
  ASSERT_OK(store_->blobs().remove(saved_.snapshot.root_blob));
  auto r = check(/*repair=*/true);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].rfind("blob " + saved_.snapshot.root_blob + " is missing from ", 0), 0u);
  EXPECT_EQ(check().problems.size(), 1u);  // still there: no snapshot was silently dropped
}

TEST_F(IntegrityTest, ACorruptedBlobFailsTheHashCheck) {
  {
    std::fstream f(store_->blobs().path_for(saved_.snapshot.root_blob).string(),
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f.put('X');
  }
  auto r = check();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0], "blob " + saved_.snapshot.root_blob + " does not match its SHA-256");
}

TEST_F(IntegrityTest, LeftoversOfAKilledSaveAreReportedAndRepaired) {
  auto orphan = store_->blobs().put("bytes no row names");  // killed between file and row
  ASSERT_OK(orphan);
  boost::filesystem::create_directories(dir_.path() / "tmp");
  std::ofstream(dir_.path() / "tmp" / "abc.123.tmp") << "half";
  // A live writer's temp file (this process's) is a save in progress: neither listed nor removed.
  const auto live = dir_.path() / "tmp" / (std::to_string(::getpid()) + "-0123456789abcdef");
  std::ofstream(live) << "in progress";
  auto unused = store_->blobs().put("");  // a blob row no snapshot uses
  ASSERT_OK(unused);
  ASSERT_OK(store_->db().exec("INSERT INTO blobs(hash, size, created_at) VALUES ('" + *unused + "', 0, 'x')"));
  auto r = check();
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.leftovers.size(), 3u);
  auto repaired = check(/*repair=*/true);
  EXPECT_EQ(repaired.repaired.size(), 3u);
  EXPECT_FALSE(store_->blobs().exists(*orphan));
  auto after = check();
  EXPECT_TRUE(after.ok());
  EXPECT_TRUE(after.leftovers.empty());
  EXPECT_TRUE(store_->blobs().exists(saved_.snapshot.root_blob));  // the real one stays
  EXPECT_TRUE(boost::filesystem::exists(live));
}

TEST_F(IntegrityTest, ALinkMissingFromTheSearchIndexIsReindexedWithItsText) {
  ASSERT_OK(store_->db().exec("DELETE FROM search_index"));
  auto r = check();
  ASSERT_EQ(r.leftovers.size(), 1u);
  EXPECT_EQ(r.leftovers[0], "link 1 is not in the search index");
  check(/*repair=*/true);
  auto hits = store_->search({"验证机制", {}, 10});
  ASSERT_OK(hits);
  EXPECT_EQ(hits->size(), 1u);
  EXPECT_TRUE(check().leftovers.empty());
}

}  // namespace
}  // namespace linksnap::store
