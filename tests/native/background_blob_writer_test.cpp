// The background writer against a real blob directory.
#include "store/background_blob_writer.h"

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
    writer.finish();
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

}  // namespace
}  // namespace linksnap::store
