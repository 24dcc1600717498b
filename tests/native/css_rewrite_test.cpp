#include "capture/css_rewrite.h"

#include <gtest/gtest.h>

#include <chrono>

namespace linksnap::capture {
namespace {

std::vector<std::string> urls(std::string_view css, CssRefKind kind) {
  std::vector<std::string> out;
  for (const auto& r : find_css_references(css)) {
    if (r.kind == kind) out.push_back(r.url);
  }
  return out;
}
using Strings = std::vector<std::string>;

std::string mark(std::string_view css) {
  return rewrite_css(css, [](std::string_view u, CssRefKind k) -> std::optional<std::string> {
    return std::string(k == CssRefKind::kImport ? "I:" : "A:") + std::string(u);
  });
}

TEST(CssRewriterTest, FindsEveryUrlForm) {
  EXPECT_EQ(urls("a{background:url(a.png)} b{background:url( 'b.png' )} c{background:url(\"c.png\")}",
                 CssRefKind::kAsset),
            (Strings{"a.png", "b.png", "c.png"}));
  EXPECT_EQ(urls("a{background:URL(  spaced.png  )}", CssRefKind::kAsset), (Strings{"spaced.png"}));
}

TEST(CssRewriterTest, ImportFormsAreStylesheets) {
  EXPECT_EQ(urls("@import 'a.css'; @import url(b.css) screen; @IMPORT url(\"c.css\"); .x{background:url(d.png)}",
                 CssRefKind::kImport),
            (Strings{"a.css", "b.css", "c.css"}));
  EXPECT_EQ(urls("@import 'a.css'; .x{background:url(d.png)}", CssRefKind::kAsset), (Strings{"d.png"}));
}

TEST(CssRewriterTest, ImageSetStringsAndUrlsAreAssets) {
  EXPECT_EQ(urls(".i{background-image:image-set(\"a.png\" 1x, url(b.png) 2x);"
                 "background-image:-webkit-image-set('c.png' 1x)}",
                 CssRefKind::kAsset),
            (Strings{"a.png", "b.png", "c.png"}));
}

TEST(CssRewriterTest, FontFaceSourcesAreFound) {
  EXPECT_EQ(urls("@font-face{font-family:X;src:url(x.woff2) format(\"woff2\"),url('x.woff') format('woff'),local(X)}",
                 CssRefKind::kAsset),
            (Strings{"x.woff2", "x.woff"}));
}

TEST(CssRewriterTest, CommentsAndOrdinaryStringsAreNotReferences) {
  EXPECT_TRUE(find_css_references("/* url(a.png) @import 'x.css'; */ .a::after{content:\"url(b.png)\"}").empty());
  EXPECT_TRUE(find_css_references(".a{font-family:'url(c.png)'}").empty());
}

TEST(CssRewriterTest, EscapesAreDecoded) {
  EXPECT_EQ(urls(".a{background:url(a\\20 b.png)} .b{background:url(\"c\\\"d.png\")}", CssRefKind::kAsset),
            (Strings{"a b.png", "c\"d.png"}));
}

TEST(CssRewriterTest, BadUrlIsSkipped) {
  EXPECT_EQ(urls(".a{background:url(a b.png)} .b{background:url(ok.png)}", CssRefKind::kAsset), (Strings{"ok.png"}));
}

TEST(CssRewriterTest, RewriteReplacesOnlyReferences) {
  EXPECT_EQ(mark("@import 'a.css';\n.x { background: url( b.png ) no-repeat; } /* url(c.png) */"),
            "@import \"I:a.css\";\n.x { background: url(\"A:b.png\") no-repeat; } /* url(c.png) */");
  EXPECT_EQ(mark(".i{background:image-set('a.png' 1x, url(\"b.png\") 2x)}"),
            ".i{background:image-set(\"A:a.png\" 1x, url(\"A:b.png\") 2x)}");
}

TEST(CssRewriterTest, ReplacementIsEscapedForAString) {
  const std::string out = rewrite_css(".a{background:url(x.png)}", [](std::string_view, CssRefKind) {
    return std::optional<std::string>("a\"b\\c\nd");
  });
  EXPECT_EQ(out, ".a{background:url(\"a\\\"b\\\\c\\a d\")}");
}

TEST(CssRewriterTest, NulloptKeepsTheReferenceAsWritten) {
  const std::string css = "@import 'a.css'; .a{background:url( x.png )}";
  EXPECT_EQ(rewrite_css(css, [](std::string_view, CssRefKind) { return std::optional<std::string>(); }), css);
}

TEST(CssRewriterTest, UnterminatedConstructsDoNotHang) {
  for (std::string_view css : {"url(", "url('a.png", "@import \"a.css", "/* never closed url(a.png)",
                               ".a{background:url(a.png", "image-set(\"a.png\"", "\\", "url(\\", "@"}) {
    (void)mark(css);
  }
  EXPECT_EQ(urls(".a{background:url(a.png", CssRefKind::kAsset), (Strings{"a.png"}));
}

TEST(CssRewriterTest, GarbageBytesDoNotCrash) {
  std::string garbage;
  std::uint32_t x = 12345;
  for (int i = 0; i < 1 << 20; ++i) {
    x = x * 1103515245 + 12345;
    garbage.push_back(static_cast<char>(x >> 16));
  }
  const std::string out = mark(garbage);
  EXPECT_FALSE(out.empty());
  // Garbage made of the interesting characters only.
  std::string nasty;
  const std::string_view alphabet = "url(\"')\\@import;{}/* image-set(,\n";
  for (int i = 0; i < 1 << 20; ++i) {
    x = x * 1103515245 + 12345;
    nasty.push_back(alphabet[(x >> 16) % alphabet.size()]);
  }
  (void)mark(nasty);
}

TEST(CssRewriterTest, TwentyMegabyteSheetIsLinear) {
  std::string big;
  big.reserve(21u << 20);
  while (big.size() < (20u << 20)) big += ".rule-with-a-long-name { background: url(img/a.png) no-repeat; color: #123456 }\n";
  const auto start = std::chrono::steady_clock::now();
  std::size_t n = 0;
  const std::string out = rewrite_css(big, [&](std::string_view, CssRefKind) {
    ++n;
    return std::optional<std::string>("linksnap-blob:x");
  });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GT(n, 200000u);
  EXPECT_LT(elapsed, std::chrono::seconds(10));
}

}  // namespace
}  // namespace linksnap::capture
