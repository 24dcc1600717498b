// The background writer against a real blob directory.
#include "store/background_blob_writer.h"

#include <algorithm>
#include <boost/filesystem.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "test_util.h"
#include "util/sha256.h"

namespace linksnap::store {
namespace {

using linksnap::testing::TempDir;

TEST(BackgroundBlobWriterTest, EveryBlobAddedIsCompleteOnDiskAfterFinish) {
  TempDir dir;
  BlobStore blobs(dir.path());
  std::vector<std::string> contents;
  for (int i = 0; i < 40; ++i)
    contents.push_back(std::string(1000 + i * 997, static_cast<char>('a' + i % 26)));
  contents.push_back(contents.front());  // the same blob twice is written once
  {
    BackgroundBlobWriter writer(blobs);
    for (const std::string& c : contents) writer.add(c);
    ASSERT_OK(writer.finish());
    for (const std::string& c : contents) {
      const std::string hash = sha256_hex(c);
      ASSERT_TRUE(blobs.exists(hash)) << hash;
      EXPECT_EQ(blobs.size_of(hash), static_cast<long long>(c.size()));
      auto read = blobs.get(hash);
      ASSERT_OK(read);
      EXPECT_EQ(*read, c);
    }
  }
  int files = 0;
  blobs.for_each([&](const std::string&) { ++files; });
  EXPECT_EQ(files, 40);
}

TEST(BackgroundBlobWriterTest, DestructionWithoutFinishStillWritesEverything) {
  TempDir dir;
  BlobStore blobs(dir.path());
  {
    BackgroundBlobWriter writer(blobs);
    writer.add("one");
    writer.add("two");
  }
  EXPECT_TRUE(blobs.exists(sha256_hex("one")));
  EXPECT_TRUE(blobs.exists(sha256_hex("two")));
}

TEST(BlobWriterTest, StreamedBlobIsHashedWhileWrittenAndRenamedIntoPlaceOnCommit) {
  TempDir dir;
  BlobStore blobs(dir.path());
  std::string whole;
  {
    BackgroundBlobWriter background(blobs);
    auto blob = blobs.begin_blob();
    ASSERT_OK(blob);
    for (int i = 0; i < 100; ++i) {
      const std::string piece(1000 + i, static_cast<char>('a' + i % 26));
      whole += piece;
      ASSERT_OK((*blob)->write(piece));
    }
    EXPECT_EQ((*blob)->size(), whole.size());
    EXPECT_EQ((*blob)->finish_hash(), sha256_hex(whole));
    background.commit(std::move(*blob));
    ASSERT_OK(background.finish());
  }
  auto read = blobs.get(sha256_hex(whole));
  ASSERT_OK(read);
  EXPECT_EQ(*read, whole);
  EXPECT_TRUE(boost::filesystem::is_empty(dir.path() / "tmp"));
}

TEST(BlobWriterTest, AbandonedOrDuplicateBlobLeavesNoTempFile) {
  TempDir dir;
  BlobStore blobs(dir.path());
  ASSERT_OK(blobs.put("same"));
  {
    auto abandoned = blobs.begin_blob();
    ASSERT_OK(abandoned);
    ASSERT_OK((*abandoned)->write("half of it"));
  }  // a failed download: destroyed before commit
  auto duplicate = blobs.begin_blob();
  ASSERT_OK(duplicate);
  ASSERT_OK((*duplicate)->write("same"));
  EXPECT_EQ((*duplicate)->finish_hash(), sha256_hex("same"));
  ASSERT_OK((*duplicate)->commit());
  EXPECT_TRUE(boost::filesystem::is_empty(dir.path() / "tmp"));
  int files = 0;
  blobs.for_each([&](const std::string&) { ++files; });
  EXPECT_EQ(files, 1);
}

TEST(BlobWriterTest, TempFileOfAProcessThatIsGoneIsRemovedAtOnceOthersOnlyWhenOld) {
  TempDir dir;
  BlobStore blobs(dir.path());
  auto live = blobs.begin_blob();  // this process's: kept
  ASSERT_OK(live);
  const auto tmp = dir.path() / "tmp";
  // pid 4194304 is above Linux's pid_max (2^22): never a running process.
  std::ofstream((tmp / "4194304-stream.0123456789abcdef.tmp").string()) << "killed mid-write";
  std::ofstream((tmp / "unknown.tmp").string()) << "not ours to judge";
  blobs.remove_stale_temp_files(24 * 3600);
  std::vector<std::string> left;
  for (boost::filesystem::directory_iterator it(tmp), end; it != end; ++it) {
    left.push_back(it->path().filename().string());
  }
  std::sort(left.begin(), left.end());
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[1], "unknown.tmp");
  EXPECT_TRUE(left[0].ends_with(".tmp") && left[0].find("-stream.") != std::string::npos);
}

}  // namespace
}  // namespace linksnap::store
