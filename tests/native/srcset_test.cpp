#include "capture/srcset.h"

#include <gtest/gtest.h>

namespace linksnap::capture {
namespace {

std::vector<std::pair<std::string, std::string>> parsed(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : parse_srcset(s)) out.emplace_back(c.url, c.descriptors);
  return out;
}
using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(SrcsetTest, DensityAndWidthDescriptorsAreKept) {
  EXPECT_EQ(parsed("a.png 1x, b.png 2x"), (Pairs{{"a.png", "1x"}, {"b.png", "2x"}}));
  EXPECT_EQ(parsed("w-480.png 480w,w-800.png   800w"), (Pairs{{"w-480.png", "480w"}, {"w-800.png", "800w"}}));
}

TEST(SrcsetTest, CandidateWithoutDescriptor) {
  EXPECT_EQ(parsed("only.png"), (Pairs{{"only.png", ""}}));
  EXPECT_EQ(parsed("  \n a.png\t,\n b.png 2x  "), (Pairs{{"a.png", ""}, {"b.png", "2x"}}));
}

TEST(SrcsetTest, CommaInsideUrlIsPartOfIt) {
  EXPECT_EQ(parsed("comma,name.png 1x,plain.png 2x"), (Pairs{{"comma,name.png", "1x"}, {"plain.png", "2x"}}));
}

TEST(SrcsetTest, TrailingCommasEndCandidate) {
  EXPECT_EQ(parsed("a.png,, b.png 2x"), (Pairs{{"a.png", ""}, {"b.png", "2x"}}));
  // Without whitespace the comma is inside the URL, as in a browser.
  EXPECT_EQ(parsed("a.png,b.png 2x"), (Pairs{{"a.png,b.png", "2x"}}));
}

TEST(SrcsetTest, DataUrlWithCommasIsOneCandidate) {
  EXPECT_EQ(parsed("data:image/png;base64,AAAA 1x, x.png 2x"),
            (Pairs{{"data:image/png;base64,AAAA", "1x"}, {"x.png", "2x"}}));
}

TEST(SrcsetTest, ParenthesesInDescriptorsDoNotSplit) {
  EXPECT_EQ(parsed("a.png foo(1, 2) 2x, b.png"), (Pairs{{"a.png", "foo(1, 2) 2x"}, {"b.png", ""}}));
}

TEST(SrcsetTest, EmptyAndGarbageGiveNoCrash) {
  EXPECT_TRUE(parsed("").empty());
  EXPECT_TRUE(parsed(" , , ,").empty());
  std::string garbage;
  for (int i = 0; i < 100000; ++i) garbage.push_back(static_cast<char>((i * 7919) % 256));
  (void)parse_srcset(garbage);
  EXPECT_LE(parse_srcset(std::string(100000, ',') + "x " + std::string(1000, '(')).size(), 1u);
}

TEST(SrcsetTest, CandidateCountIsBounded) {
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "i" + std::to_string(i) + ".png " + std::to_string(i + 1) + "w, ";
  EXPECT_EQ(parse_srcset(many, 256).size(), 256u);
  const auto past = srcset_urls_past(many, 256);
  ASSERT_EQ(past.size(), 1000u - 256u);
  EXPECT_EQ(past.front(), "i256.png");
  EXPECT_EQ(past.back(), "i999.png");
  EXPECT_TRUE(srcset_urls_past("a.png 1x, b.png 2x", 256).empty());
}

TEST(SrcsetTest, SerializeRoundTrips) {
  EXPECT_EQ(serialize_srcset(parse_srcset("a.png 1x,b.png   2x, c.png")), "a.png 1x, b.png 2x, c.png");
}

}  // namespace
}  // namespace linksnap::capture
