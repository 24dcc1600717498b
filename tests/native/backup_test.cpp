// Backup and restore on real stores: a backup taken while another Store saves, restored
// into an empty data dir, is whole (check with hashes) and has every link and snapshot.
#include <atomic>
#include <thread>

#include "store/backup.h"
#include "store/integrity.h"
#include "store/store.h"
#include "test_util.h"

namespace linksnap::store {
namespace {

using linksnap::testing::SteppingClock;
using linksnap::testing::TempDir;

SnapshotInput page(int i) {
  SnapshotInput in;
  in.url = "https://example.org/page/" + std::to_string(i);
  in.title = "Page " + std::to_string(i);
  in.source = "dom";
  in.html = "<html><body><p>Page " + std::to_string(i) + "</p><img src=a.png></body></html>";
  in.text = "Page " + std::to_string(i);
  ResourceInput r;
  r.record.url = "https://example.org/a" + std::to_string(i % 3) + ".png";
  r.record.mime = "image/png";
  r.bytes = std::string(1000 + i % 3, static_cast<char>('a' + i % 3));
  in.resources.push_back(r);
  in.tags = {"t/" + std::to_string(i % 4)};
  return in;
}

std::int64_t count(Store& s, const char* sql) {
  auto st = s.db().prepare(sql);
  EXPECT_TRUE(st.ok());
  EXPECT_TRUE(st->step().ok());
  return st->int64(0);
}

class BackupTest : public ::testing::Test {
 protected:
  Store open(const boost::filesystem::path& dir) {
    auto s = Store::open(dir, clock_);
    EXPECT_TRUE(s.ok());
    return std::move(*s);
  }
  SteppingClock clock_;
  TempDir dir_;
};

TEST_F(BackupTest, BackupDuringASaveRestoresIntoAnEmptyStoreThatChecksClean) {
  const auto home = dir_.path() / "home";
  Store store = open(home);
  for (int i = 0; i < 10; ++i) ASSERT_OK(store.save_snapshot(page(i)));
  ASSERT_OK(store.import_links({{"https://bookmark.example/", "A bookmark", "a note", "", {"b"}}}));

  std::atomic<bool> stop{false};
  std::atomic<int> saved{0};
  SteppingClock writer_clock;
  std::thread writer([&] {
    auto other = Store::open(home, writer_clock);
    ASSERT_TRUE(other.ok());
    for (int i = 10; !stop && i < 400; ++i) {
      ASSERT_TRUE(other->save_snapshot(page(i)).ok());
      ++saved;
    }
  });
  while (saved < 3) std::this_thread::yield();
  const auto archive = dir_.path() / "backup.tar";
  auto backed_up = backup_store(store, archive);
  stop = true;
  writer.join();
  ASSERT_OK(backed_up);
  EXPECT_GE(backed_up->links, 14);
  EXPECT_EQ(backed_up->snapshots, backed_up->links - 1);  // the bookmark has none

  const auto restored_home = dir_.path() / "restored";
  auto restored = restore_store(restored_home, archive, clock_, false);
  ASSERT_OK(restored);
  EXPECT_EQ(restored->links, backed_up->links);
  EXPECT_EQ(restored->snapshots, backed_up->snapshots);
  EXPECT_EQ(restored->blobs, backed_up->blobs);
  Store back = open(restored_home);
  CheckOptions options;
  options.verify_hashes = true;
  auto report = check_store(back, options);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems[0]);
  EXPECT_TRUE(report->leftovers.empty()) << report->leftovers[0];
  auto bookmark = back.find_link_by_url("https://bookmark.example/");
  ASSERT_OK(bookmark);
  EXPECT_EQ(bookmark->note, "a note");
  EXPECT_EQ(bookmark->tags, std::vector<std::string>({"b"}));
  auto hits = back.search({"Page", {}, 1000});
  ASSERT_OK(hits);
  EXPECT_EQ(static_cast<std::int64_t>(hits->size()), backed_up->snapshots);
}

TEST_F(BackupTest, RestoreRefusesAStoreWithLinksUnlessForced) {
  const auto home = dir_.path() / "home";
  {
    Store store = open(home);
    ASSERT_OK(store.save_snapshot(page(1)));
    ASSERT_OK(backup_store(store, dir_.path() / "b.tar"));
    ASSERT_OK(store.save_snapshot(page(2)));
  }
  EXPECT_ERROR(restore_store(home, dir_.path() / "b.tar", clock_, false), errc::kConflict,
               "the store in " + home.string() +
                   " is not empty (2 links); restore into an empty one, or use --force to replace it");
  auto forced = restore_store(home, dir_.path() / "b.tar", clock_, true);
  ASSERT_OK(forced);
  EXPECT_EQ(forced->links, 1);
}

TEST_F(BackupTest, ADamagedBackupRestoresNothing) {
  const auto archive = dir_.path() / "b.tar";
  {
    Store store = open(dir_.path() / "home");
    for (int i = 0; i < 3; ++i) ASSERT_OK(store.save_snapshot(page(i)));
    ASSERT_OK(backup_store(store, archive));
  }
  // Cut in the middle of the last file.
  const auto size = boost::filesystem::file_size(archive);
  boost::filesystem::resize_file(archive, size - 3000);
  const auto target = dir_.path() / "target";
  auto r = restore_store(target, archive, clock_, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::kBadRequest);
  EXPECT_EQ(r.error().message.rfind("the backup " + archive.string() + " is damaged: ", 0), 0u)
      << r.error().message;
  Store after = open(target);
  EXPECT_EQ(count(after, "SELECT count(*) FROM links"), 0);

  std::ofstream(dir_.path() / "not.tar") << "hello";
  EXPECT_FALSE(restore_store(target, dir_.path() / "not.tar", clock_, false).ok());
}

}  // namespace
}  // namespace linksnap::store
