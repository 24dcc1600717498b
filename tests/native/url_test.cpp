#include "util/url.h"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <string>

namespace linksnap::url {
namespace {

constexpr const char* kBase = "https://example.com/a/b/c.html?x=1#f";

std::string resolved(std::string_view base, std::string_view ref) {
  auto r = resolve(base, ref);
  EXPECT_TRUE(r.ok()) << ref << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::string("<error>");
}

std::string normalized(std::string_view url) {
  auto r = normalize(url);
  EXPECT_TRUE(r.ok()) << url << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::string("<error>");
}

bool curl_has_idn() {
  return (curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_IDN) != 0;
}

// --- parse -------------------------------------------------------------------------------

TEST(UrlParseTest, SplitsAllComponents) {
  auto p = parse("HTTPS://Example.COM:8443/a/b%20c?x=1&y=2#frag");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->scheme, "https");
  EXPECT_EQ(p->host, "example.com");
  EXPECT_EQ(p->port, 8443);
  EXPECT_EQ(p->path, "/a/b%20c");
  EXPECT_EQ(p->query, "x=1&y=2");
  EXPECT_EQ(p->fragment, "frag");
}

TEST(UrlParseTest, DefaultPortIsReportedAsAbsent) {
  auto p = parse("http://example.com:80/");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->port, -1);
  auto q = parse("https://example.com");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->port, -1);
  EXPECT_EQ(q->path, "/");
}

TEST(UrlParseTest, FileUrlHasNoHost) {
  auto p = parse("file:///tmp/page.html");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->scheme, "file");
  EXPECT_EQ(p->host, "");
  EXPECT_EQ(p->path, "/tmp/page.html");
}

TEST(UrlParseTest, EncodesSpacesAndNonAsciiLikeABrowser) {
  auto p = parse("https://example.com/中 文?q=a b#x y");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->path, "/%E4%B8%AD%20%E6%96%87");
  EXPECT_EQ(p->query, "q=a%20b");
  EXPECT_EQ(p->fragment, "x%20y");
}

TEST(UrlParseTest, RejectsNonUrlWithExactMessage) {
  auto p = parse("not a url");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, errc::kInvalidUrl);
  EXPECT_EQ(p.error().message, "not a valid URL: not a url");
}

TEST(UrlParseTest, RejectsSpaceInHostAndBadPort) {
  EXPECT_EQ(parse("http://exa mple.com/").error().code, errc::kInvalidUrl);
  EXPECT_EQ(parse("http://example.com:99999/").error().code, errc::kInvalidUrl);
  EXPECT_EQ(parse("").error().code, errc::kInvalidUrl);
}

TEST(UrlParseTest, ShortensHugeUrlsInErrorMessages) {
  const std::string junk = "no scheme " + std::string(100000, 'x');
  auto p = parse(junk);
  ASSERT_FALSE(p.ok());
  EXPECT_LT(p.error().message.size(), 400u);
}

// --- resolve -----------------------------------------------------------------------------

TEST(UrlResolveTest, RelativePathReplacesTheFileName) {
  EXPECT_EQ(resolved(kBase, "d.html"), "https://example.com/a/b/d.html");
  EXPECT_EQ(resolved(kBase, "./d.html"), "https://example.com/a/b/d.html");
  EXPECT_EQ(resolved(kBase, "img/x.png"), "https://example.com/a/b/img/x.png");
}

TEST(UrlResolveTest, BaseWithFileNameResolvesAgainstItsDirectory) {
  EXPECT_EQ(resolved("https://example.com/docs/index.html", "img/logo.png"),
            "https://example.com/docs/img/logo.png");
  EXPECT_EQ(resolved("https://example.com/docs/", "img/logo.png"),
            "https://example.com/docs/img/logo.png");
  EXPECT_EQ(resolved("https://example.com/docs", "img/logo.png"),
            "https://example.com/img/logo.png");
}

TEST(UrlResolveTest, DotDotSegmentsGoUpButNeverAboveTheRoot) {
  EXPECT_EQ(resolved(kBase, "../d.html"), "https://example.com/a/d.html");
  EXPECT_EQ(resolved(kBase, ".."), "https://example.com/a/");
  EXPECT_EQ(resolved(kBase, "../../../../d"), "https://example.com/d");
  EXPECT_EQ(resolved(kBase, "x/../../y"), "https://example.com/a/y");
}

TEST(UrlResolveTest, RootRelativeKeepsOnlyTheOrigin) {
  EXPECT_EQ(resolved(kBase, "/static/app.css"), "https://example.com/static/app.css");
}

TEST(UrlResolveTest, ProtocolRelativeTakesTheBaseScheme) {
  EXPECT_EQ(resolved(kBase, "//cdn.example.org/lib.js"), "https://cdn.example.org/lib.js");
  EXPECT_EQ(resolved("http://example.com/", "//cdn.example.org/lib.js"),
            "http://cdn.example.org/lib.js");
}

TEST(UrlResolveTest, AbsoluteReferenceWins) {
  EXPECT_EQ(resolved(kBase, "http://other.org/x?y#z"), "http://other.org/x?y#z");
  EXPECT_EQ(resolved(kBase, "HTTP://OTHER.ORG:80/x"), "http://other.org/x");
}

TEST(UrlResolveTest, AbsoluteReferenceDoesNotNeedAValidBase) {
  EXPECT_EQ(resolved("", "https://ok.example"), "https://ok.example/");
}

TEST(UrlResolveTest, QueryOnlyKeepsThePath) {
  EXPECT_EQ(resolved(kBase, "?q=2"), "https://example.com/a/b/c.html?q=2");
}

TEST(UrlResolveTest, FragmentOnlyKeepsPathAndQuery) {
  EXPECT_EQ(resolved(kBase, "#top"), "https://example.com/a/b/c.html?x=1#top");
  EXPECT_EQ(resolved(kBase, "#"), "https://example.com/a/b/c.html?x=1#");
}

TEST(UrlResolveTest, EmptyReferenceIsTheBaseWithoutItsFragment) {
  EXPECT_EQ(resolved(kBase, ""), "https://example.com/a/b/c.html?x=1");
  EXPECT_EQ(resolved(kBase, " \t\n "), "https://example.com/a/b/c.html?x=1");
}

TEST(UrlResolveTest, SpacesArePercentEncoded) {
  EXPECT_EQ(resolved(kBase, "my file.html?q=a b#c d"),
            "https://example.com/a/b/my%20file.html?q=a%20b#c%20d");
}

TEST(UrlResolveTest, ChinesePathAndQueryArePercentEncodedAsUtf8) {
  EXPECT_EQ(resolved(kBase, "中文/路径.html?q=时间"),
            "https://example.com/a/b/%E4%B8%AD%E6%96%87/%E8%B7%AF%E5%BE%84.html"
            "?q=%E6%97%B6%E9%97%B4");
}

TEST(UrlResolveTest, AlreadyPercentEncodedIsNotDoubleEncoded) {
  EXPECT_EQ(resolved(kBase, "%E4%B8%AD.html?q=a%20b"),
            "https://example.com/a/b/%E4%B8%AD.html?q=a%20b");
  EXPECT_EQ(resolved(kBase, "a%2Fb"), "https://example.com/a/b/a%2Fb");
}

TEST(UrlResolveTest, StripsSurroundingWhitespaceAndInnerNewlinesLikeHtmlAttributes) {
  EXPECT_EQ(resolved(kBase, "  \n img/a.png\t "), "https://example.com/a/b/img/a.png");
  EXPECT_EQ(resolved(kBase, "im\ng/a\r\n.png"), "https://example.com/a/b/img/a.png");
}

TEST(UrlResolveTest, BackslashIsASlashInHttpUrls) {
  EXPECT_EQ(resolved(kBase, "img\\a.png"), "https://example.com/a/b/img/a.png");
}

TEST(UrlResolveTest, SameSchemeWithoutSlashesIsRelative) {
  EXPECT_EQ(resolved(kBase, "https:d.html"), "https://example.com/a/b/d.html");
}

TEST(UrlResolveTest, NonHierarchicalReferencesAreReturnedAsWritten) {
  EXPECT_EQ(resolved(kBase, "mailto:someone@example.com"), "mailto:someone@example.com");
  EXPECT_EQ(resolved(kBase, " data:image/png;base64,iVBOR= "), "data:image/png;base64,iVBOR=");
  EXPECT_EQ(resolved(kBase, "javascript:void(0)"), "javascript:void(0)");
}

TEST(UrlResolveTest, WorksAgainstFileBases) {
  EXPECT_EQ(resolved("file:///tmp/dir/page.html", "img/a b.png"), "file:///tmp/dir/img/a%20b.png");
}

TEST(UrlResolveTest, IdnHostBecomesPunycode) {
  if (!curl_has_idn()) GTEST_SKIP() << "libcurl built without IDN";
  EXPECT_EQ(resolved(kBase, "https://例子.测试/x"), "https://xn--fsqu00a.xn--0zwm56d/x");
}

TEST(UrlResolveTest, InvalidBaseIsAnErrorForRelativeReferences) {
  auto r = resolve("not a url", "x.html");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::kInvalidUrl);
  EXPECT_EQ(r.error().message, "not a valid URL: not a url");
}

TEST(UrlResolveTest, InvalidAbsoluteReferenceIsAnError) {
  auto r = resolve(kBase, "https://exa mple.com/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::kInvalidUrl);
  EXPECT_EQ(r.error().message, "not a valid URL: https://exa mple.com/");
  EXPECT_FALSE(resolve(kBase, "//").ok());
}

// --- normalize ---------------------------------------------------------------------------

TEST(UrlNormalizeTest, LowercasesSchemeAndHost) {
  EXPECT_EQ(normalized("HTTPS://Example.COM/Path/Keeps/Case"),
            "https://example.com/Path/Keeps/Case");
}

TEST(UrlNormalizeTest, DropsDefaultPortsOnly) {
  EXPECT_EQ(normalized("http://example.com:80/"), "http://example.com/");
  EXPECT_EQ(normalized("https://example.com:443/"), "https://example.com/");
  EXPECT_EQ(normalized("https://example.com:8443/"), "https://example.com:8443/");
  EXPECT_EQ(normalized("http://example.com:443/"), "http://example.com:443/");
}

TEST(UrlNormalizeTest, DropsFragment) {
  EXPECT_EQ(normalized("https://example.com/a#section-2"), "https://example.com/a");
  EXPECT_EQ(normalized("https://example.com/a?b=1#"), "https://example.com/a?b=1");
}

TEST(UrlNormalizeTest, EmptyPathBecomesSlash) {
  EXPECT_EQ(normalized("https://example.com"), "https://example.com/");
  EXPECT_EQ(normalized("https://example.com?q=1"), "https://example.com/?q=1");
}

TEST(UrlNormalizeTest, RemovesDotSegmentsIncludingEncodedDots) {
  EXPECT_EQ(normalized("https://example.com/a/./b/../c"), "https://example.com/a/c");
  EXPECT_EQ(normalized("https://example.com/a/%2e%2E/b/%2E/c"), "https://example.com/b/c");
  EXPECT_EQ(normalized("https://example.com/../../x"), "https://example.com/x");
}

TEST(UrlNormalizeTest, UppercasesEscapesAndDecodesUnreservedOnes) {
  EXPECT_EQ(normalized("https://example.com/%7euser/%2d/%e4%b8%ad/a%2fb?q=%7e%2f%3d"),
            "https://example.com/~user/-/%E4%B8%AD/a%2Fb?q=~%2F%3D");
}

TEST(UrlNormalizeTest, EncodesSpacesAndNonAscii) {
  EXPECT_EQ(normalized("https://zh.wikipedia.org/wiki/时间 同步"),
            "https://zh.wikipedia.org/wiki/%E6%97%B6%E9%97%B4%20%E5%90%8C%E6%AD%A5");
}

TEST(UrlNormalizeTest, DropsEmptyQuery) {
  EXPECT_EQ(normalized("https://example.com/x?"), "https://example.com/x");
}

TEST(UrlNormalizeTest, DropsUtmParametersButKeepsOthersInOrder) {
  EXPECT_EQ(normalized("https://example.com/p?utm_source=x&id=3&fbclid=y&b=2&utm_medium=z"
                       "&a=1&utm_campaign=spring"),
            "https://example.com/p?id=3&b=2&a=1");
}

TEST(UrlNormalizeTest, DropsQueryWhenOnlyTrackingParametersRemain) {
  EXPECT_EQ(normalized("https://example.com/p?utm_source=news&utm_medium=email#top"),
            "https://example.com/p");
}

TEST(UrlNormalizeTest, DropsEachDocumentedClickIdentifier) {
  for (const char* name :
       {"fbclid", "gclid",   "gclsrc", "dclid", "gbraid",      "wbraid", "msclkid",
        "mc_cid", "mc_eid",  "igshid", "yclid", "twclid",      "ttclid", "_ga",
        "_gl",    "mkt_tok", "_hsenc", "_hsmi", "utm_content", "utm_id"}) {
    EXPECT_EQ(normalized(std::string("https://example.com/?keep=1&") + name + "=abc"),
              "https://example.com/?keep=1")
        << name;
  }
}

TEST(UrlNormalizeTest, KeepsParametersThatOnlyLookLikeTracking) {
  EXPECT_EQ(normalized("https://example.com/?ref=home&si=2&source=a&utm=1&xutm_source=3"
                       "&UTM_SOURCE=4&fbclid2=5"),
            "https://example.com/?ref=home&si=2&source=a&utm=1&xutm_source=3&UTM_SOURCE=4"
            "&fbclid2=5");
}

TEST(UrlNormalizeTest, KeepsRepeatedAndValuelessParameters) {
  EXPECT_EQ(normalized("https://example.com/?a=1&a=2&&flag&b="),
            "https://example.com/?a=1&a=2&&flag&b=");
}

TEST(UrlNormalizeTest, TrimsSurroundingWhitespace) {
  EXPECT_EQ(normalized("  https://example.com/x \n"), "https://example.com/x");
}

TEST(UrlNormalizeTest, FixesMissingSlashesLikeABrowser) {
  EXPECT_EQ(normalized("https:example.com/x"), "https://example.com/x");
  EXPECT_EQ(normalized("https:\\\\example.com\\x"), "https://example.com/x");
}

TEST(UrlNormalizeTest, KeepsUserInfoAndLowercasesIpv6) {
  EXPECT_EQ(normalized("https://user:pw@A.B/"), "https://user:pw@a.b/");
  EXPECT_EQ(normalized("http://[2001:DB8::1]:80/x"), "http://[2001:db8::1]/x");
}

TEST(UrlNormalizeTest, IdnHostBecomesLowercasePunycode) {
  if (!curl_has_idn()) GTEST_SKIP() << "libcurl built without IDN";
  EXPECT_EQ(normalized("https://例子.测试/路径"),
            "https://xn--fsqu00a.xn--0zwm56d/%E8%B7%AF%E5%BE%84");
  EXPECT_EQ(normalized("https://BÜcher.DE/"), "https://xn--bcher-kva.de/");
  EXPECT_EQ(normalized("https://xn--bcher-kva.de/"), "https://xn--bcher-kva.de/");
}

TEST(UrlNormalizeTest, AcceptsFileUrls) {
  EXPECT_EQ(normalized("file:///tmp/a b/../c.html#x"), "file:///tmp/c.html");
}

TEST(UrlNormalizeTest, RejectsOtherSchemesWithExactMessage) {
  auto r = normalize("gopher://example.com/1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::kUnsupportedScheme);
  EXPECT_EQ(r.error().message,
            "unsupported URL scheme \"gopher\": only http, https and file pages can be saved");
  auto upper = normalize("FTP://example.com/");
  ASSERT_FALSE(upper.ok());
  EXPECT_EQ(upper.error().message,
            "unsupported URL scheme \"ftp\": only http, https and file pages can be saved");
  for (const char* url : {"mailto:a@b.c", "javascript:alert(1)", "data:text/html,hi",
                          "chrome://settings", "about:blank"}) {
    EXPECT_EQ(normalize(url).error().code, errc::kUnsupportedScheme) << url;
  }
}

TEST(UrlNormalizeTest, RejectsNonAbsoluteWithExactMessage) {
  auto r = normalize("example.com/page");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::kInvalidUrl);
  EXPECT_EQ(r.error().message, "not a valid URL: example.com/page");
  auto empty = normalize("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "not a valid URL: ");
  EXPECT_EQ(normalize("/relative/path").error().code, errc::kInvalidUrl);
}

TEST(UrlNormalizeTest, RejectsMalformedHttpUrls) {
  EXPECT_EQ(normalize("http://exa mple.com/").error().code, errc::kInvalidUrl);
  EXPECT_EQ(normalize("https://").error().code, errc::kInvalidUrl);
  EXPECT_EQ(normalize("https://:80/").error().code, errc::kInvalidUrl);
  EXPECT_EQ(normalize(std::string("https://a\0b/", 12)).error().code, errc::kInvalidUrl);
}

TEST(UrlNormalizeTest, IsIdempotent) {
  for (const char* url : {"HTTPS://Example.COM:443/./a/../b/%7euser/%e4%b8%ad?utm_source=x&q=%7e#f",
                          "http://example.com", "https://zh.wikipedia.org/wiki/时间",
                          "file:///tmp/x y.html", "https://example.com/a%2fb?c=%2F&&d"}) {
    const std::string once = normalized(url);
    EXPECT_EQ(normalized(once), once) << url;
  }
}

TEST(UrlNormalizeTest, EquivalentSpellingsGiveTheSameIdentity) {
  const std::string expected = "https://example.com/docs/~me/page?id=7";
  EXPECT_EQ(normalized("https://EXAMPLE.com:443/docs/./x/../%7Eme/page?id=7#intro"), expected);
  EXPECT_EQ(normalized("https://example.com/docs/%7eme/page?utm_source=rss&id=7"), expected);
}

// --- scheme helpers ----------------------------------------------------------------------

TEST(UrlSchemeTest, SchemeOfIsLowercaseOrEmpty) {
  EXPECT_EQ(scheme_of("HTTPS://x"), "https");
  EXPECT_EQ(scheme_of("  http://x"), "http");
  EXPECT_EQ(scheme_of("coap+tcp://x"), "coap+tcp");
  EXPECT_EQ(scheme_of("mailto:a@b"), "mailto");
  EXPECT_EQ(scheme_of("example.com/x"), "");
  EXPECT_EQ(scheme_of("/path"), "");
  EXPECT_EQ(scheme_of("1http://x"), "");
  EXPECT_EQ(scheme_of(""), "");
}

TEST(UrlSchemeTest, IsHttpOrHttpsComparesTheParsedScheme) {
  EXPECT_TRUE(is_http_or_https("http://a"));
  EXPECT_TRUE(is_http_or_https("HTTPS://a"));
  EXPECT_TRUE(is_http_or_https(" https://a"));
  EXPECT_FALSE(is_http_or_https("file:///x"));
  EXPECT_FALSE(is_http_or_https("ftp://a"));
  EXPECT_FALSE(is_http_or_https("httpx://a"));
  EXPECT_FALSE(is_http_or_https("https-proxy://a"));
  EXPECT_FALSE(is_http_or_https("//a/b"));
  EXPECT_FALSE(is_http_or_https(""));
}

}  // namespace
}  // namespace linksnap::url

namespace linksnap::url {
namespace {
// Found by fuzz_url: normalize turned the path bytes of "file:<ESC>..." into a host, so the
// result normalized to something else (or failed). A link key must be a fixed point.
TEST(UrlNormalizeTest, RegressionFileUrlWithControlBytesIsInvalidNotANewHost) {
  const std::string input("file:\x1b\0\0\0tc/pile:///etasswd", 27);
  auto n = normalize(input);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, errc::kInvalidUrl);
}
}  // namespace
}  // namespace linksnap::url
