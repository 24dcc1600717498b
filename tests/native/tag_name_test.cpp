#include "store/tag_name.h"
#include "test_util.h"

namespace linksnap::store {
namespace {

std::string norm(std::string_view raw) {
  auto r = normalize_tag_name(raw);
  return r.ok() ? *r : "ERROR: " + r.error().message;
}

TEST(TagNameTest, TrimsAndCollapsesWhitespace) {
  EXPECT_EQ(norm("  reading   list "), "reading list");
  EXPECT_EQ(norm("\t笔记\xE3\x80\x80时间 "), "笔记 时间");
}

TEST(TagNameTest, NormalizesHierarchySeparators) {
  EXPECT_EQ(norm(" Dev / C++ "), "Dev/C++");
  EXPECT_EQ(norm("a//b/"), "a/b");
  EXPECT_EQ(norm("/leading"), "leading");
}

TEST(TagNameTest, RejectsEmptyControlAndOverlongNames) {
  EXPECT_EQ(norm("   "), "ERROR: a tag name cannot be empty");
  EXPECT_EQ(norm("///"), "ERROR: a tag name cannot be empty");
  EXPECT_EQ(norm("a\x01"), "ERROR: a tag name cannot contain control characters");
  EXPECT_EQ(norm(std::string(201, 'x')), "ERROR: a tag name can be at most 200 bytes long");
  EXPECT_EQ(norm("\xFF"), "ERROR: a tag name must be valid UTF-8 text");
}

TEST(TagNameTest, FoldingIsUnicodeAware) {
  EXPECT_EQ(fold_tag_name("Dev/CPP"), "dev/cpp");
  EXPECT_EQ(fold_tag_name("ÄÖÜ"), "äöü");
  EXPECT_EQ(fold_tag_name("ПРИВЕТ"), "привет");
  EXPECT_EQ(fold_tag_name("笔记"), "笔记");
}

TEST(TagNameTest, WithinMeansSelfOrBelow) {
  EXPECT_TRUE(tag_is_within("dev", "dev"));
  EXPECT_TRUE(tag_is_within("dev/cpp", "dev"));
  EXPECT_FALSE(tag_is_within("devops", "dev"));
  EXPECT_FALSE(tag_is_within("de", "dev"));
}

}  // namespace
}  // namespace linksnap::store
