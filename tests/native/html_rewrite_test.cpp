#include "capture/html_rewrite.h"

#include <gtest/gtest.h>

#include <chrono>

namespace linksnap::capture {
namespace {

constexpr const char* kPage = "https://example.com/dir/page.html";

std::string tagged(std::string_view html) {
  return rewrite_html(html, kPage,
                      [](const std::string& u, ResourceKind k) -> std::optional<std::string> {
                        const char* prefix = k == ResourceKind::kStylesheet ? "S:"
                                             : k == ResourceKind::kDocument ? "D:"
                                                                            : "A:";
                        return prefix + u;
                      });
}

bool has(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> refs(std::string_view html, ResourceKind kind) {
  std::vector<std::string> out;
  for (const auto& r : find_html_references(html, kPage)) {
    if (r.kind == kind) out.push_back(r.url);
  }
  return out;
}
using Strings = std::vector<std::string>;

TEST(HtmlRewriterTest, FindsImagesWithEverySrcsetCandidate) {
  EXPECT_EQ(refs("<img src=a.png srcset='a.png 1x, b.png 2x'><picture><source srcset='c.webp'>"
                 "<img src=d.png></picture>",
                 ResourceKind::kAsset),
            (Strings{"https://example.com/dir/a.png", "https://example.com/dir/a.png",
                     "https://example.com/dir/b.png", "https://example.com/dir/c.webp",
                     "https://example.com/dir/d.png"}));
}

TEST(HtmlRewriterTest, LinkRelDecidesTheKind) {
  const char* html =
      "<link rel=stylesheet href=s.css><link rel='shortcut icon' href=/i.ico>"
      "<link rel=apple-touch-icon href=t.png><link rel=preload as=style href=p.css>"
      "<link rel=preload as=font href=f.woff2><link rel=canonical href=/c>";
  EXPECT_EQ(refs(html, ResourceKind::kStylesheet),
            (Strings{"https://example.com/dir/s.css", "https://example.com/dir/p.css"}));
  EXPECT_EQ(refs(html, ResourceKind::kAsset),
            (Strings{"https://example.com/i.ico", "https://example.com/dir/t.png",
                     "https://example.com/dir/f.woff2"}));
  EXPECT_TRUE(has(tagged(html), "<link rel=\"canonical\" href=\"https://example.com/c\">"));
}

TEST(HtmlRewriterTest, MediaObjectsFramesAndSvgAreFound) {
  const char* html =
      "<video src=v.webm poster=p.png><source src=v.mp4><track src=t.vtt></video><audio "
      "src=a.ogg></audio>"
      "<input type=IMAGE src=b.png><input type=text src=no.png><object data=o.svg></object><embed "
      "src=e.svg><embed type=image/png src=e.png>"
      "<iframe src=f.html></iframe><table background=t.png></table>"
      "<svg><image href=s.png /><use xlink:href='sprite.svg#i'/></svg>";
  EXPECT_EQ(refs(html, ResourceKind::kAsset),
            (Strings{"https://example.com/dir/v.webm", "https://example.com/dir/p.png",
                     "https://example.com/dir/v.mp4", "https://example.com/dir/t.vtt",
                     "https://example.com/dir/a.ogg", "https://example.com/dir/b.png",
                     "https://example.com/dir/e.png", "https://example.com/dir/t.png",
                     "https://example.com/dir/s.png",
                     "https://example.com/dir/sprite.svg#i"}));
  // <object>/<embed> without a type (or of an HTML or SVG type) show a document, like a frame.
  EXPECT_EQ(refs(html, ResourceKind::kDocument),
            (Strings{"https://example.com/dir/o.svg", "https://example.com/dir/e.svg",
                     "https://example.com/dir/f.html"}));
}

TEST(HtmlRewriterTest, StyleElementAndAttributeUrlsAreRewritten) {
  const std::string out = tagged(
      "<style>@import 'i.css'; body{background:url(bg.png)}</style>"
      "<div style=\"background: url('d.png')\">x</div>");
  EXPECT_TRUE(has(out,
                  "@import \"S:https://example.com/dir/i.css\"; "
                  "body{background:url(\"A:https://example.com/dir/bg.png\")}"));
  EXPECT_TRUE(has(
      out, "<div style=\"background: url(&quot;A:https://example.com/dir/d.png&quot;)\">x</div>"));
}

TEST(HtmlRewriterTest, BaseHrefIsUsedThenRemoved) {
  const char* html = "<head><base href=\"/other/\"></head><img src=p.png><a href=q.html>q</a>";
  EXPECT_EQ(document_base_url(html, kPage), "https://example.com/other/");
  const std::string out = tagged(html);
  EXPECT_FALSE(has(out, "<base"));
  EXPECT_TRUE(has(out, "<img src=\"A:https://example.com/other/p.png\">"));
  EXPECT_TRUE(has(out, "<a href=\"https://example.com/other/q.html\">"));
}

TEST(HtmlRewriterTest, UrlsAreResolvedLikeABrowser) {
  EXPECT_EQ(refs("<img src='//cdn.example.net/x.png'><img src=' a b.png '><img src='图.png'>"
                 "<img src='../up.png?q=1&amp;r=2'><img src='http://EXAMPLE.com:80/abs.png'>",
                 ResourceKind::kAsset),
            (Strings{"https://cdn.example.net/x.png", "https://example.com/dir/a%20b.png",
                     "https://example.com/dir/%E5%9B%BE.png", "https://example.com/up.png?q=1&r=2",
                     "http://example.com/abs.png"}));
}

TEST(HtmlRewriterTest, DataUrlsAndFragmentsAreLeftAlone) {
  EXPECT_TRUE(
      refs("<img src='data:image/gif;base64,R0lG'><a href='#top'>t</a>", ResourceKind::kAsset)
          .empty());
}

TEST(HtmlRewriterTest, ScriptsHandlersAndJavascriptUrlsAreRemoved) {
  const std::string out = tagged(
      "<head><script>alert(1)</script><script src=app.js></script></head>"
      "<body onload=\"x()\"><img src=a.png onerror=\"a()\" onerror=\"b()\">"
      "<a href=\"javascript:alert(1)\" onclick=\"c()\">js</a>"
      "<svg><script>alert(2)</script></svg><iframe src='javascript:alert(3)'></iframe>"
      "<form action=' JavaScript:alert(4)'></form></body>");
  EXPECT_FALSE(has(out, "<script")) << out;
  EXPECT_FALSE(has(out, "alert")) << out;
  EXPECT_FALSE(has(out, "onerror")) << out;
  EXPECT_FALSE(has(out, "onload")) << out;
  EXPECT_TRUE(has(out, "<img src=\"A:https://example.com/dir/a.png\">")) << out;
}

TEST(HtmlRewriterTest, UnclosedScriptIsRemovedToTheEnd) {
  const std::string out = tagged("<p>before</p><script>never closed <p>after</p>");
  EXPECT_TRUE(has(out, "<p>before</p>"));
  EXPECT_FALSE(has(out, "never closed"));
}

TEST(HtmlRewriterTest, NoscriptContentIsKeptReadable) {
  const std::string out = tagged(
      "<head><noscript><link rel=stylesheet href=n.css></noscript></head>"
      "<body><noscript><p>Enable JS</p></noscript></body>");
  EXPECT_FALSE(has(out, "noscript"));
  EXPECT_TRUE(has(out, "<p>Enable JS</p>"));
  EXPECT_TRUE(has(out, "S:https://example.com/dir/n.css"));
}

TEST(HtmlRewriterTest, RefreshAndCspMetasAndNetworkHintsAreRemoved) {
  const std::string out = tagged(
      "<head><meta http-equiv=Refresh content='0;url=/x'><meta http-equiv=content-security-policy "
      "content=x>"
      "<link rel=preconnect href=//a.example><link rel=dns-prefetch href=//b.example>"
      "<link rel=preload as=script href=s.js><link rel=modulepreload href=m.js></head>");
  EXPECT_FALSE(has(out, "Refresh"));
  EXPECT_FALSE(has(out, "content=x"));
  EXPECT_FALSE(has(out, "a.example"));
  EXPECT_FALSE(has(out, "b.example"));
  EXPECT_FALSE(has(out, ".js"));
}

TEST(HtmlRewriterTest, SnapshotCspIsInsertedAfterHead) {
  const std::string out = tagged("<!DOCTYPE html><html><head><title>t</title></head></html>");
  EXPECT_EQ(out.rfind("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta "
                      "http-equiv=\"Content-Security-Policy\"",
                      0),
            0u)
      << out;
  EXPECT_TRUE(has(tagged("just text"), "Content-Security-Policy"));
}

TEST(HtmlRewriterTest, IntegrityAndCrossoriginAreDropped) {
  const std::string out =
      tagged("<link rel=stylesheet href=s.css integrity='sha384-x' crossorigin=anonymous>");
  EXPECT_FALSE(has(out, "integrity"));
  EXPECT_FALSE(has(out, "crossorigin"));
}

TEST(HtmlRewriterTest, SrcdocIsRewrittenRecursively) {
  const std::string out = tagged(
      "<iframe srcdoc=\"&lt;img "
      "src=&quot;in.png&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>");
  EXPECT_TRUE(has(out, "A:https://example.com/dir/in.png")) << out;
  EXPECT_FALSE(has(out, "alert")) << out;
}

TEST(HtmlRewriterTest, UnchangedMarkupIsCopiedByteForByte) {
  const std::string body = "<p CLASS=x   id='y'>Text &amp; <b>bold</b></p><!-- comment -->";
  EXPECT_TRUE(has(tagged(body), body));
}

TEST(HtmlRewriterTest, AttributeValuesAreEscapedWhenRewritten) {
  const std::string out = rewrite_html(
      "<img src=a.png alt='a \"quoted\" <b>'>", kPage,
      [](const std::string&, ResourceKind) { return std::optional<std::string>("x&y"); });
  EXPECT_TRUE(has(out, "<img src=\"x&amp;y\" alt=\"a &quot;quoted&quot; &lt;b&gt;\">")) << out;
}

TEST(HtmlRewriterTest, DeepNestingIsCutAndFast) {
  std::string deep;
  for (int i = 0; i < 50000; ++i) deep += "<div>";
  deep += "<script>alert(1)</script>";
  const auto start = std::chrono::steady_clock::now();
  const std::string out = tagged(deep);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_FALSE(has(out, "alert"));
}

TEST(HtmlRewriterTest, AnElementWithTooManyAttributesIsCutAndFast) {
  std::string many = "<p>kept</p><img src=a.png";
  for (int i = 0; i < 50000; ++i) many += " a" + std::to_string(i) + "=1";
  many += " onerror=alert(1)><script>alert(2)</script>";
  const auto start = std::chrono::steady_clock::now();
  const std::string out = tagged(many);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));  // 15 s of CPU uncut
  EXPECT_TRUE(has(out, "<p>kept</p>"));
  EXPECT_FALSE(has(out, "alert"));
  EXPECT_FALSE(has(out, "a49999"));
}

TEST(HtmlRewriterTest, GarbageBytesDoNotCrash) {
  std::string garbage;
  std::uint32_t x = 99;
  for (int i = 0; i < 1 << 20; ++i) {
    x = x * 1103515245 + 12345;
    garbage.push_back(static_cast<char>(x >> 16));
  }
  (void)tagged(garbage);
  std::string nasty;
  const std::string_view alphabet =
      "<img src=a srcset=\"x 1x,\" style='url(' ><script></script>&;#/";
  for (int i = 0; i < 1 << 19; ++i) {
    x = x * 1103515245 + 12345;
    nasty.push_back(alphabet[(x >> 16) % alphabet.size()]);
  }
  (void)tagged(nasty);
}

// Pages fetched by `add` run no script, so lazy-loaded images would stay placeholders.
TEST(HtmlRewriterTest, LazyImagesTakeTheirRealAddress) {
  EXPECT_EQ(
      refs("<img src='data:image/gif;base64,R0lGOD' data-src='real.jpg'>"
           "<img data-lazy-src=' b.png '><img src=kept.png data-src=ignored.png>"
           "<picture><source data-srcset='w.webp 1x, w2.webp 2x'><img data-src=p.png></picture>",
           ResourceKind::kAsset),
      (Strings{"https://example.com/dir/real.jpg", "https://example.com/dir/b.png",
               "https://example.com/dir/kept.png", "https://example.com/dir/w.webp",
               "https://example.com/dir/w2.webp", "https://example.com/dir/p.png"}));
  EXPECT_EQ(tagged("<img src='data:image/gif;base64,R0lGOD' data-src='real.jpg' alt=x>"),
            "<img src=\"A:https://example.com/dir/real.jpg\" data-src=\"real.jpg\" alt=\"x\">");
  const std::string added = tagged("<img data-src=a.png data-srcset='a.png 1x, a2.png 2x'>");
  EXPECT_TRUE(
      has(added,
          "<img data-src=\"a.png\" data-srcset=\"a.png 1x, a2.png 2x\" "
          "src=\"A:https://example.com/dir/a.png\" "
          "srcset=\"A:https://example.com/dir/a.png 1x, A:https://example.com/dir/a2.png 2x\">"))
      << added;
  const std::string loaded = tagged("<img src=kept.png data-src=ignored.png>");
  EXPECT_TRUE(
      has(loaded, "<img src=\"A:https://example.com/dir/kept.png\" data-src=\"ignored.png\">"))
      << loaded;
}

}  // namespace
}  // namespace linksnap::capture
