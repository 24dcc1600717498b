// FakeFetcher (the network stand-in for snapshot engine tests) and the URL rule and messages
// it shares with CurlFetcher.
#include "fake_fetcher.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "util/result.h"

namespace linksnap::net {
namespace {

const std::string kFixture = std::string(LINKSNAP_FIXTURES_DIR) + "/chrony";

std::string read_fixture(const std::string& name) {
  std::ifstream in(kFixture + "/" + name, std::ios::binary);
  std::string out;
  char buf[64 * 1024];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    out.append(buf, static_cast<std::size_t>(in.gcount()));
  }
  return out;
}

FakeFetcher make_site() {
  return FakeFetcher({
      {"https://site.test/", {200, "text/html; charset=utf-8", "<h1>home</h1>", {}, {}, {}}},
      {"https://site.test/a.css", {200, "text/css", "a{}", {}, {}, {}}},
      {"https://site.test/old", {301, "", "", "https://site.test/a.css", {}, {}}},
      {"https://site.test/rel/old", {302, "", "", "new.css", {}, {}}},
      {"https://site.test/rel/new.css", {200, "text/css", "b{}", {}, {}, {}}},
      {"https://site.test/loop1", {302, "", "", "/loop2", {}, {}}},
      {"https://site.test/loop2", {302, "", "", "/loop1", {}, {}}},
      {"https://site.test/evil", {302, "", "", "file:///etc/passwd", {}, {}}},
      {"https://site.test/down", {0, "", "", {}, errc::kFetchFailed, {}}},
      {"https://site.test/slow", {0, "", "", {}, errc::kTimeout, {}}},
      {"https://site.test/custom",
       {0, "", "", {}, errc::kFetchFailed, "could not resolve host site.test"}},
  });
}

TEST(FakeFetcherTest, ServesMappedResponseWithStatusTypeAndBody) {
  FakeFetcher fetcher = make_site();
  const FetchResult r = fetcher.fetch_one({"https://site.test/a.css", "", 3}, {});
  ASSERT_TRUE(r.http_ok()) << r.error_message;
  EXPECT_EQ(r.tag, 3u);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.content_type, "text/css");
  EXPECT_EQ(r.body, "a{}");
  EXPECT_EQ(r.final_url, "https://site.test/a.css");
}

TEST(FakeFetcherTest, UnknownUrlIsA404LikeARealServer) {
  FakeFetcher fetcher = make_site();
  const FetchResult r = fetcher.fetch_one({"https://site.test/nope.png", "", 0}, {});
  EXPECT_TRUE(r.transport_ok());
  EXPECT_EQ(r.http_status, 404);
}

TEST(FakeFetcherTest, FragmentIsNotPartOfTheLookup) {
  FakeFetcher fetcher = make_site();
  EXPECT_EQ(fetcher.fetch_one({"https://site.test/a.css#x", "", 0}, {}).body, "a{}");
}

TEST(FakeFetcherTest, NonHttpUrlsAreRefusedWithTheRealFetchersMessage) {
  FakeFetcher fetcher = make_site();
  const FetchResult r = fetcher.fetch_one({"file:///etc/passwd", "", 0}, {});
  EXPECT_EQ(r.error_code, errc::kUnsupportedScheme);
  EXPECT_EQ(r.error_message, "only http and https URLs can be fetched (got file:)");
  const FetchResult g = fetcher.fetch_one({"gopher://site.test/", "", 0}, {});
  EXPECT_EQ(g.error_message, "only http and https URLs can be fetched (got gopher:)");
  EXPECT_EQ(fetcher.fetch_one({"a.css", "", 0}, {}).error_code, errc::kInvalidUrl);
}

TEST(FakeFetcherTest, RedirectsAreFollowedWithFinalUrl) {
  FakeFetcher fetcher = make_site();
  const FetchResult r = fetcher.fetch_one({"https://site.test/old", "", 0}, {});
  ASSERT_TRUE(r.http_ok()) << r.error_message;
  EXPECT_EQ(r.final_url, "https://site.test/a.css");
  EXPECT_EQ(r.body, "a{}");

  const FetchResult rel = fetcher.fetch_one({"https://site.test/rel/old", "", 0}, {});
  EXPECT_EQ(rel.final_url, "https://site.test/rel/new.css");
  EXPECT_EQ(rel.body, "b{}");
}

TEST(FakeFetcherTest, RedirectToFileUrlIsRefusedLikeCurlFetcher) {
  FakeFetcher fetcher = make_site();
  const FetchResult r = fetcher.fetch_one({"https://site.test/evil", "", 0}, {});
  EXPECT_EQ(r.error_code, errc::kUnsupportedScheme);
  EXPECT_EQ(r.error_message,
            "refused a redirect to file:///etc/passwd: only http and https URLs can be fetched "
            "(got file:)");
  EXPECT_EQ(r.final_url, "file:///etc/passwd");
}

TEST(FakeFetcherTest, RedirectLoopFailsWithTooManyRedirects) {
  FakeFetcher fetcher = make_site();
  FetchLimits limits;
  limits.max_redirects = 3;
  const FetchResult r = fetcher.fetch_one({"https://site.test/loop1", "", 0}, limits);
  EXPECT_EQ(r.error_code, errc::kTooManyRedirects);
  EXPECT_EQ(r.error_message,
            "too many redirects fetching https://site.test/loop1 (the limit is 3)");
}

TEST(FakeFetcherTest, InjectedErrorsCarryCodeAndAMessage) {
  FakeFetcher fetcher = make_site();
  FetchLimits limits;
  limits.timeout_per_request = std::chrono::milliseconds(30'000);
  const FetchResult down = fetcher.fetch_one({"https://site.test/down", "", 0}, limits);
  EXPECT_EQ(down.error_code, errc::kFetchFailed);
  EXPECT_EQ(down.error_message, "could not connect to site.test port 443: Connection refused");
  const FetchResult slow = fetcher.fetch_one({"https://site.test/slow", "", 0}, limits);
  EXPECT_EQ(slow.error_code, errc::kTimeout);
  EXPECT_EQ(slow.error_message, "timed out after 30 s fetching https://site.test/slow");
  const FetchResult custom = fetcher.fetch_one({"https://site.test/custom", "", 0}, limits);
  EXPECT_EQ(custom.error_message, "could not resolve host site.test");
}

TEST(FakeFetcherTest, BodyOverTheResponseLimitIsTooLarge) {
  FakeFetcher fetcher;
  fetcher.set("http://big.test/x", {200, "text/plain", std::string(2048, 'x'), {}, {}, {}});
  FetchLimits limits;
  limits.max_bytes_per_response = 1024;
  const FetchResult r = fetcher.fetch_one({"http://big.test/x", "", 0}, limits);
  EXPECT_EQ(r.error_code, errc::kTooLarge);
  EXPECT_EQ(r.error_message, "response exceeds the 1 KiB limit");
}

TEST(FakeFetcherTest, SessionByteBudgetAppliesAcrossResponses) {
  FakeFetcher fetcher;
  fetcher.set("http://big.test/a", {200, "text/plain", std::string(600, 'a'), {}, {}, {}});
  fetcher.set("http://big.test/b", {200, "text/plain", std::string(600, 'b'), {}, {}, {}});
  FetchLimits limits;
  limits.max_bytes_per_session = 1000;
  auto session = fetcher.start(limits);
  session->add({"http://big.test/a", "", 0});
  session->add({"http://big.test/b", "", 1});
  EXPECT_TRUE(session->next()->http_ok());
  const auto b = session->next();
  EXPECT_EQ(b->error_code, errc::kTooLarge);
  EXPECT_EQ(b->error_message, "the snapshot's download budget of 1000 bytes is used up");
  EXPECT_FALSE(session->next().has_value());
}

TEST(FakeFetcherTest, SessionAnswersInOrderAndRecordsRequests) {
  FakeFetcher fetcher = make_site();
  auto session = fetcher.start({});
  session->add({"https://site.test/", "", 0});
  session->add({"https://site.test/a.css", "https://site.test/", 1});
  session->add({"data:image/png;base64,AAAA", "", 2});
  EXPECT_EQ(session->next()->tag, 0u);
  EXPECT_EQ(session->next()->tag, 1u);
  EXPECT_EQ(session->next()->error_code, errc::kUnsupportedScheme);
  EXPECT_FALSE(session->next().has_value());
  EXPECT_EQ(fetcher.requests(),
            (std::vector<std::string>{"https://site.test/", "https://site.test/a.css",
                                      "data:image/png;base64,AAAA"}));
  fetcher.clear_requests();
  EXPECT_TRUE(fetcher.requests().empty());
}

TEST(FakeFetcherTest, FromDirectoryServesTheFixtureWithContentTypes) {
  FakeFetcher fetcher = FakeFetcher::from_directory("http://fixture.test/chrony/", kFixture);
  const FetchResult page =
      fetcher.fetch_one({"http://fixture.test/chrony/chrony-nts.html", "", 0}, {});
  ASSERT_TRUE(page.http_ok());
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(page.body, read_fixture("chrony-nts.html"));
  const FetchResult css = fetcher.fetch_one({"http://fixture.test/chrony/style.css", "", 0}, {});
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(css.body, read_fixture("style.css"));
  const FetchResult png = fetcher.fetch_one({"http://fixture.test/chrony/banner.png", "", 0}, {});
  EXPECT_EQ(png.content_type, "image/png");
  EXPECT_EQ(png.body, read_fixture("banner.png"));
  EXPECT_EQ(fetcher.fetch_one({"http://fixture.test/chrony/none.png", "", 0}, {}).http_status, 404);
}

TEST(FakeFetcherTest, FromMissingDirectoryServesNothing) {
  FakeFetcher fetcher = FakeFetcher::from_directory("http://x.test", "/nonexistent/dir");
  EXPECT_EQ(fetcher.fetch_one({"http://x.test/a.html", "", 0}, {}).http_status, 404);
}

TEST(ContentTypeForPathTest, KnowsTheWebTypesAndMarksTextAsUtf8) {
  EXPECT_EQ(content_type_for_path("/a/index.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for_path("site.css?v=3"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for_path("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for_path("notes.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(content_type_for_path("data.json"), "application/json");
  EXPECT_EQ(content_type_for_path("a.png"), "image/png");
  EXPECT_EQ(content_type_for_path("a.jpg"), "image/jpeg");
  EXPECT_EQ(content_type_for_path("a.gif"), "image/gif");
  EXPECT_EQ(content_type_for_path("a.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for_path("a.webp"), "image/webp");
  EXPECT_EQ(content_type_for_path("f.woff"), "font/woff");
  EXPECT_EQ(content_type_for_path("f.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for_path("f.ttf"), "font/ttf");
  EXPECT_EQ(content_type_for_path("README"), "application/octet-stream");
  EXPECT_EQ(content_type_for_path("dir.v2/file"), "application/octet-stream");
}

TEST(FetchUrlRuleTest, AcceptsOnlyAbsoluteHttpAndHttpsUrlsWithAHost) {
  EXPECT_TRUE(check_fetchable_url("http://example.com").ok());
  EXPECT_TRUE(check_fetchable_url("HTTPS://user@[::1]:8443/p?q#f").ok());
  const Status file = check_fetchable_url("file:///etc/passwd");
  EXPECT_EQ(file.error().code, errc::kUnsupportedScheme);
  EXPECT_EQ(file.error().message, "only http and https URLs can be fetched (got file:)");
  EXPECT_EQ(check_fetchable_url("Blob:https://x/1").error().message,
            "only http and https URLs can be fetched (got blob:)");
  EXPECT_EQ(check_fetchable_url("//cdn.test/x.js").error().message,
            "not an absolute URL: //cdn.test/x.js");
  EXPECT_EQ(check_fetchable_url("").error().code, errc::kInvalidUrl);
  EXPECT_EQ(check_fetchable_url("https:/x").error().message, "not a valid URL (no host): https:/x");
  EXPECT_EQ(check_fetchable_url("http://:80/").error().code, errc::kInvalidUrl);
  EXPECT_EQ(check_fetchable_url("http://a b/").error().code, errc::kInvalidUrl);
}

TEST(FetchMessagesTest, SizesAndDurationsReadNaturally) {
  EXPECT_EQ(response_too_large_message(32u << 20), "response exceeds the 32 MiB limit");
  EXPECT_EQ(describe_size(512 * 1024), "512 KiB");
  EXPECT_EQ(describe_size(1000), "1000 bytes");
  EXPECT_EQ(describe_duration(std::chrono::milliseconds(30'000)), "30 s");
  EXPECT_EQ(describe_duration(std::chrono::milliseconds(300)), "300 ms");
  EXPECT_EQ(describe_duration(std::chrono::milliseconds(1500)), "1500 ms");
}

}  // namespace
}  // namespace linksnap::net
