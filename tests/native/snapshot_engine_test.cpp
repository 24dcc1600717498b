// The snapshot engine on the fixture folders under tests/fixtures/capture/, each case run twice:
// through the FakeFetcher serving the folder (unit) and through libcurl against the loopback
// HTTP server serving the same folder (integration).
#include "capture/snapshot_engine.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>

#include "capture/page_snapshot.h"
#include "http_server.h"
#include "net/curl_fetcher.h"
#include "fake_fetcher.h"
#include "test_util.h"
#include "util/sha256.h"

namespace linksnap::capture {
namespace {

using std::chrono::milliseconds;

enum class Backend { kFake, kLoopback };

net::FetchLimits test_limits() {
  net::FetchLimits limits;
  limits.timeout_per_request = milliseconds(1500);
  limits.timeout_per_session = milliseconds(20'000);
  limits.connect_timeout = milliseconds(2000);
  return limits;
}

// A fetcher serving `root` at base(): fake or real.
class FixtureWeb {
 public:
  FixtureWeb(Backend backend, const std::string& root) : backend_(backend) {
    if (backend == Backend::kLoopback) {
      server_ =
          std::make_unique<test::TestHttpServer>(test::TestHttpServer::Options{root, 0, 0, true});
      base_ = server_->base_url();
      fetcher_ = std::make_unique<net::CurlFetcher>();
    } else {
      base_ = "http://fixtures.test:8080";
      auto fake = std::make_unique<net::FakeFetcher>(net::FakeFetcher::from_directory(base_, root));
      // What the loopback server's /__ routes do.
      net::FakeResponse slow;
      slow.error_code = errc::kTimeout;
      slow.error_message = "timed out";
      fake->set(base_ + "/__slow?ms=5000", slow);
      net::FakeResponse to_file;
      to_file.status = 302;
      to_file.redirect_to = "file:///etc/passwd";
      fake->set(base_ + "/__redirect?to=file%3A%2F%2F%2Fetc%2Fpasswd", to_file);
      // The fake matches URLs exactly; the real server ignores a file's query string.
      std::ifstream q(root + "/capture/url_forms/q.png", std::ios::binary);
      net::FakeResponse query;
      query.content_type = "image/png";
      query.body.assign(std::istreambuf_iterator<char>(q), std::istreambuf_iterator<char>());
      fake->set(base_ + "/capture/url_forms/q.png?x=1&y=2", query);
      fake_ = fake.get();
      fetcher_ = std::move(fake);
    }
  }

  const std::string& base() const { return base_; }
  net::Fetcher& fetcher() { return *fetcher_; }

  // Request paths (+ query) seen so far, without the origin.
  std::vector<std::string> requested() const {
    if (server_) return server_->request_paths();
    std::vector<std::string> out;
    for (const auto& u : fake_->requests()) out.push_back(u.substr(base_.size()));
    return out;
  }

 private:
  Backend backend_;
  std::string base_;
  std::unique_ptr<test::TestHttpServer> server_;
  std::unique_ptr<net::Fetcher> fetcher_;
  net::FakeFetcher* fake_ = nullptr;
};

class SnapshotEngineTest : public ::testing::TestWithParam<Backend> {
 protected:
  SnapshotEngineTest() : web_(GetParam(), LINKSNAP_FIXTURES_DIR) {}

  // Fetches the page like `linksnap add` and captures it.
  CapturedDocument capture(const std::string& path) {
    auto page = fetch_page(web_.base() + path, web_.fetcher(), test_limits());
    EXPECT_TRUE(page.ok()) << page.error().message;
    if (!page.ok()) return {};
    return capture_document(page->html, page->url, web_.fetcher(), test_limits());
  }

  const store::ResourceInput* resource(const CapturedDocument& doc, const std::string& path) {
    for (const auto& r : doc.resources) {
      if (r.record.url == web_.base() + path) return &r;
    }
    ADD_FAILURE() << "no resource " << path;
    return nullptr;
  }

  void expect_saved(const CapturedDocument& doc, const std::string& dir,
                    std::initializer_list<std::string> files) {
    for (const auto& f : files) {
      const auto* r = resource(doc, dir + f);
      if (r == nullptr) continue;
      EXPECT_TRUE(r->bytes.has_value()) << f << ": " << r->record.error_code.value_or("") << " "
                                        << r->record.error_message.value_or("");
      if (r->bytes) {
        EXPECT_NE(doc.html.find("linksnap-blob:" + sha256_hex(*r->bytes)), std::string::npos) << f;
      }
    }
  }

  bool requested(const std::string& path) const {
    const auto all = web_.requested();
    return std::find(all.begin(), all.end(), path) != all.end();
  }

  // A blob's bytes by its hash among the captured resources.
  std::string blob(const CapturedDocument& doc, const std::string& path) {
    const auto* r = resource(doc, path);
    return r != nullptr && r->bytes ? *r->bytes : std::string();
  }

  FixtureWeb web_;
};

TEST_P(SnapshotEngineTest, SrcsetAndPictureSaveEveryCandidate) {
  const auto doc = capture("/capture/srcset_picture/index.html");
  expect_saved(doc, "/capture/srcset_picture/",
               {"small.png", "large.png", "huge.png", "w-480.png", "w-800.png", "pic.webp",
                "pic-2x.webp", "pic-wide.png", "pic.png", "comma,name.png", "plain.png"});
  EXPECT_EQ(doc.resources.size(), 11u);
  EXPECT_EQ(doc.html.find("large.png"), std::string::npos);
  EXPECT_EQ(resource(doc, "/capture/srcset_picture/pic.webp")->record.mime, "image/webp");
}

TEST_P(SnapshotEngineTest, ImportChainWithCycleIsCutAndEverySheetSaved) {
  const auto start = std::chrono::steady_clock::now();
  const auto doc = capture("/capture/css_import_cycle/index.html");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  for (const char* f : {"a.css", "b.css", "sub/c.css", "img/a.png", "img/c.png"}) {
    const auto* r = resource(doc, std::string("/capture/css_import_cycle/") + f);
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(r->bytes.has_value()) << f;
  }
  EXPECT_EQ(doc.resources.size(), 5u);
  const std::string a = blob(doc, "/capture/css_import_cycle/a.css");
  const std::string c = blob(doc, "/capture/css_import_cycle/sub/c.css");
  EXPECT_NE(a.find("url(\"linksnap-blob:" +
                   sha256_hex(blob(doc, "/capture/css_import_cycle/img/a.png")) + "\")"),
            std::string::npos)
      << a;
  EXPECT_NE(c.find("linksnap-blob:" + sha256_hex(blob(doc, "/capture/css_import_cycle/img/c.png"))),
            std::string::npos)
      << c;
  // Each sheet is requested once although three imports point back into the cycle.
  const auto all = web_.requested();
  EXPECT_EQ(std::count(all.begin(), all.end(), "/capture/css_import_cycle/b.css"), 1);
}

TEST_P(SnapshotEngineTest, FontFaceSourcesAndPreloadedFontsAreSaved) {
  const auto doc = capture("/capture/font_face/index.html");
  expect_saved(doc, "/capture/font_face/", {"css/fonts.css", "fonts/pre.woff2"});
  for (const char* f : {"fonts/demo.woff2", "fonts/demo.woff", "fonts/other.ttf"}) {
    const auto* r = resource(doc, std::string("/capture/font_face/") + f);
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(r->bytes.has_value()) << f;
  }
  EXPECT_EQ(resource(doc, "/capture/font_face/fonts/demo.woff2")->record.mime, "font/woff2");
}

TEST_P(SnapshotEngineTest, StyleElementAndStyleAttributeUrlsAreSaved) {
  const auto doc = capture("/capture/inline_style/index.html");
  expect_saved(doc, "/capture/inline_style/",
               {"imported.css", "bg.png", "icon-1x.png", "icon-2x.png", "cur.png", "div-bg.png",
                "span&bg.png"});
  EXPECT_TRUE(resource(doc, "/capture/inline_style/from-import.png")->bytes.has_value());
  EXPECT_FALSE(requested("/capture/inline_style/commented.png"));
  EXPECT_FALSE(requested("/capture/inline_style/not-a-url.png"));
  EXPECT_EQ(doc.resources.size(), 8u);
}

TEST_P(SnapshotEngineTest, IframesAreSnapshottedRecursively) {
  const auto doc = capture("/capture/iframe/index.html");
  expect_saved(doc, "/capture/iframe/", {"frame.html", "srcdoc.png"});
  for (const char* f :
       {"frame.css", "frame.png", "frame-bg.png", "inner/inner.html", "inner.png"}) {
    const auto* r = resource(doc, std::string("/capture/iframe/") + f);
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(r->bytes.has_value()) << f;
  }
  const std::string frame = blob(doc, "/capture/iframe/frame.html");
  EXPECT_EQ(frame.find("<script"), std::string::npos);
  EXPECT_NE(
      frame.find("linksnap-blob:" + sha256_hex(blob(doc, "/capture/iframe/inner/inner.html"))),
      std::string::npos);
  EXPECT_EQ(resource(doc, "/capture/iframe/frame.html")->record.mime, "text/html");
  EXPECT_FALSE(requested("/capture/iframe/frame.js"));
  EXPECT_EQ(doc.html.find("alert"), std::string::npos);
}

TEST_P(SnapshotEngineTest, BaseHrefIsTheBaseOfEveryReference) {
  const auto doc = capture("/capture/base_href/index.html");
  expect_saved(doc, "/capture/base_href/assets/", {"deep/pic.png", "style.css"});
  EXPECT_TRUE(resource(doc, "/capture/base_href/assets/bg.png")->bytes.has_value());
  EXPECT_NE(doc.html.find("href=\"" + web_.base() + "/capture/base_href/assets/deep/page.html\""),
            std::string::npos);
  EXPECT_EQ(doc.html.find("<base"), std::string::npos);
}

TEST_P(SnapshotEngineTest, RelativeAbsoluteEncodedUnicodeAndSpaceUrlsAreSaved) {
  const auto doc = capture("/capture/url_forms/index.html");
  expect_saved(doc, "/capture/url_forms/",
               {"favicon.png",
                "plain.png",
                "dot.png",
                "root-relative.png",
                "a%20b.png",
                "with%20space.png",
                "%E5%9B%BE%E7%89%87.png",
                "%E5%9B%BE.png",
                "trimmed.png",
                "q.png?x=1&y=2",
                "poster.png",
                "clip.webm",
                "clip.mp4",
                "subs.vtt",
                "sound.ogg",
                "button.png",
                "object.svg",
                "embed.svg",
                "table-bg.png",
                "svg-image.png"});
  EXPECT_NE(doc.html.find("linksnap-blob:" + sha256_hex(blob(doc, "/capture/url_forms/frag.svg")) +
                          "#icon"),
            std::string::npos);
  EXPECT_EQ(resource(doc, "/capture/url_forms/object.svg")->record.mime, "image/svg+xml");
  EXPECT_NE(doc.html.find("data:image/gif;base64,R0lGOD"), std::string::npos);  // kept as it is
  EXPECT_EQ(doc.html.find("javascript:"), std::string::npos);
  EXPECT_NE(doc.html.find("href=\"" + web_.base() + "/capture/url_forms/other.html\""),
            std::string::npos);
  EXPECT_EQ(doc.resources.size(), 21u);
}

TEST_P(SnapshotEngineTest, MissingAssetIsRecordedWithItsStatus) {
  const auto doc = capture("/capture/missing_asset/index.html");
  expect_saved(doc, "/capture/missing_asset/", {"present.png"});
  const auto* r = resource(doc, "/capture/missing_asset/absent.png");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->bytes.has_value());
  EXPECT_EQ(r->record.http_status, 404);
  EXPECT_EQ(r->record.error_code, errc::kHttpError);
  EXPECT_EQ(r->record.error_message, "the server answered HTTP 404");
  EXPECT_NE(doc.html.find("src=\"about:invalid\""), std::string::npos);
}

TEST_P(SnapshotEngineTest, LazyImagesAreFetchedFromTheirDataSrc) {
  const auto doc = capture("/capture/lazy_images/index.html");
  for (const char* file : {"/capture/lazy_images/real.png", "/capture/lazy_images/wide.png"}) {
    const auto* r = resource(doc, file);
    ASSERT_NE(r, nullptr) << file;
    ASSERT_TRUE(r->bytes.has_value()) << file;
  }
  const std::string real =
      "linksnap-blob:" + sha256_hex(blob(doc, "/capture/lazy_images/real.png"));
  const std::string wide =
      "linksnap-blob:" + sha256_hex(blob(doc, "/capture/lazy_images/wide.png"));
  EXPECT_NE(doc.html.find("<img class=\"lazyload\" src=\"" + real + "\""), std::string::npos)
      << doc.html;
  EXPECT_NE(doc.html.find("srcset=\"" + wide + " 2x\""), std::string::npos) << doc.html;
  EXPECT_NE(doc.html.find("alt=\"picture\" src=\"" + real + "\""), std::string::npos) << doc.html;
}

TEST_P(SnapshotEngineTest, SlowAssetTimesOutWithoutHoldingUpTheRest) {
  const auto start = std::chrono::steady_clock::now();
  const auto doc = capture("/capture/slow_asset/index.html");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  expect_saved(doc, "/capture/slow_asset/", {"fast.png"});
  const auto* r = resource(doc, "/__slow?ms=5000");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->bytes.has_value());
  EXPECT_EQ(r->record.error_code, errc::kTimeout);
}

TEST_P(SnapshotEngineTest, RedirectToFileIsRefused) {
  const auto doc = capture("/capture/redirect_file/index.html");
  expect_saved(doc, "/capture/redirect_file/", {"ok.png"});
  const auto* r = resource(doc, "/__redirect?to=file%3A%2F%2F%2Fetc%2Fpasswd");
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->bytes.has_value());
  EXPECT_EQ(r->record.error_code, errc::kUnsupportedScheme);
  EXPECT_EQ(doc.html.find("root:"), std::string::npos);
}

TEST_P(SnapshotEngineTest, ScriptsAreNeitherFetchedNorKept) {
  const auto doc = capture("/capture/scripts/index.html");
  expect_saved(doc, "/capture/scripts/", {"noscript.css", "ok.png"});
  EXPECT_FALSE(requested("/capture/scripts/app.js"));
  for (const char* gone :
       {"<script", "alert", "onerror", "onload", "refresh", "img-src https", "noscript>"}) {
    EXPECT_EQ(doc.html.find(gone), std::string::npos) << gone;
  }
  EXPECT_NE(doc.html.find("<p>Please enable JavaScript</p>"), std::string::npos);
}

TEST_P(SnapshotEngineTest, ChronyFixtureKeepsItsStylesheetAndImages) {
  const auto doc = capture("/chrony/chrony-nts.html");
  expect_saved(doc, "/chrony/", {"style.css", "clock.png"});
  const std::string css = blob(doc, "/chrony/style.css");
  EXPECT_NE(css.find("url(\"linksnap-blob:" + sha256_hex(blob(doc, "/chrony/banner.png")) + "\")"),
            std::string::npos);
  EXPECT_EQ(doc.resources.size(), 3u);
}

TEST_P(SnapshotEngineTest, DomCaptureWithAbsoluteAndProtocolRelativeUrls) {
  // The extension's path: a DOM string with its URL, no page fetch.
  const std::string origin = web_.base();
  const std::string authority = origin.substr(origin.find("//"));
  const std::string html =
      "<img src=\"" + origin + "/capture/url_forms/plain.png\"><img src=\"" + authority +
      "/capture/url_forms/dot.png\"><img src=\"https://invalid.invalid:0/x.png\">";
  const auto doc =
      capture_document(html, origin + "/capture/url_forms/dom.html", web_.fetcher(), test_limits());
  expect_saved(doc, "/capture/url_forms/", {"plain.png", "dot.png"});
  EXPECT_EQ(doc.resources.size(), 3u);
}

TEST_P(SnapshotEngineTest, TextLikeTheReferenceTokensIsLeftAlone) {
  // References are tokens between the one parse and the end of the fetch; a page that writes
  // something like them (it cannot know the random prefix) keeps its text byte for byte.
  const std::string origin = web_.base();
  const std::string lookalike = "lsref00000000000000000000000000000000-0_ lsref-1_ lsref";
  const std::string html = "<p title=\"" + lookalike + "\">" + lookalike + "</p><img src=\"" +
                           origin + "/capture/url_forms/plain.png\">";
  const auto doc =
      capture_document(html, origin + "/capture/url_forms/dom.html", web_.fetcher(), test_limits());
  expect_saved(doc, "/capture/url_forms/", {"plain.png"});
  EXPECT_NE(doc.html.find("<p title=\"" + lookalike + "\">" + lookalike + "</p>"),
            std::string::npos)
      << doc.html;
  EXPECT_EQ(doc.html.find("lsref", doc.html.find("</p>")), std::string::npos) << doc.html;
}

INSTANTIATE_TEST_SUITE_P(Backends, SnapshotEngineTest,
                         ::testing::Values(Backend::kFake, Backend::kLoopback),
                         [](const auto& param_info) {
                           return param_info.param == Backend::kFake ? "Fake" : "Loopback";
                         });

// A 20 MB stylesheet: fetched, tokenized and rewritten in bounded time, never a hang.
TEST(SnapshotEngineLimitsTest, TwentyMegabyteStylesheetIsBounded) {
  testing::TempDir dir;
  boost::filesystem::create_directories(dir.path() / "big");
  boost::filesystem::copy_file(testing::fixture_path("capture/big_stylesheet/index.html"),
                               dir.path() / "big/index.html");
  boost::filesystem::copy_file(testing::fixture_path("capture/big_stylesheet/after.png"),
                               dir.path() / "big/after.png");
  {
    std::ofstream css((dir.path() / "big/big.css").string(), std::ios::binary);
    std::string chunk;
    for (int i = 0; i < 1000; ++i)
      chunk += ".r" + std::to_string(i) + "{background:url(after.png);color:red}\n";
    for (std::size_t written = 0; written < (20u << 20); written += chunk.size()) css << chunk;
  }
  // The default limits: 20 MB in 1.5 s (test_limits) is a speed goal a loaded machine
  // misses (seen in CI next to the 65 MiB host test), and speed is not what this checks.
  const net::FetchLimits limits;
  for (Backend backend : {Backend::kFake, Backend::kLoopback}) {
    FixtureWeb web(backend, dir.str());
    const auto start = std::chrono::steady_clock::now();
    auto page = fetch_page(web.base() + "/big/index.html", web.fetcher(), limits);
    ASSERT_TRUE(page.ok());
    const auto doc = capture_document(page->html, page->url, web.fetcher(), limits);
    // Not a speed goal (bench/ measures those): it ends, well inside the per-snapshot deadline,
    // even in a Debug build on a loaded machine (80 s seen with load average 8).
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(120));
    ASSERT_EQ(doc.resources.size(), 2u);
    for (const auto& r : doc.resources) {
      EXPECT_TRUE(r.bytes.has_value()) << r.record.url << ": " << r.record.error_code.value_or("") << " "
                                       << r.record.error_message.value_or("");
    }
  }
}

TEST(SnapshotEngineLimitsTest, ResourceCountIsBounded) {
  net::FakeFetcher fetcher;
  std::string html;
  for (int i = 0; i < 50; ++i) html += "<img src=\"i" + std::to_string(i) + ".png\">";
  EngineOptions options;
  options.max_resources = 10;
  const auto doc = capture_document(html, "http://x.test/", fetcher, test_limits(), options);
  EXPECT_LE(fetcher.requests().size(), 10u);
  EXPECT_EQ(doc.resources.size(), 50u);  // the rest are listed as missing
  EXPECT_EQ(doc.html.find("i49.png"), std::string::npos);  // not left pointing at the network
}

// Missing resources by error code.
std::map<std::string, std::size_t> missing_by_code(const CapturedDocument& doc) {
  std::map<std::string, std::size_t> out;
  for (const auto& r : doc.resources) {
    if (!r.bytes) ++out[r.record.error_code.value_or("?")];
  }
  return out;
}

net::FakeResponse html_response(std::string body) {
  net::FakeResponse r;
  r.content_type = "text/html";
  r.body = std::move(body);
  return r;
}

TEST(SnapshotEngineLimitsTest, AHundredThousandImagesAreAllAccountedFor) {
  net::FakeFetcher fetcher;
  std::string html;
  for (int i = 0; i < 100'000; ++i) html += "<img src=\"i" + std::to_string(i) + ".png\">";
  const auto doc = capture_document(html, "http://x.test/", fetcher, test_limits());
  EXPECT_EQ(doc.resources.size(), 100'000u);
  const auto missing = missing_by_code(doc);
  EXPECT_EQ(missing.at("too_many_resources"), 98'000u);
  EXPECT_EQ(missing.at("http_error"), 2'000u);  // the fake answers 404 for each
  for (const auto& r : doc.resources) {
    if (r.record.error_code == "too_many_resources") {
      EXPECT_EQ(r.record.error_message, "not fetched: the page names more than 2000 resources");
      break;
    }
  }
}

TEST(SnapshotEngineLimitsTest, SrcsetCandidatesPastTheLimitAreListedAsMissing) {
  net::FakeFetcher fetcher;
  std::string srcset;
  for (int i = 0; i < 10'001; ++i) srcset += "c" + std::to_string(i) + ".png " + std::to_string(i + 1) + "w, ";
  const auto doc = capture_document("<img srcset=\"" + srcset + "\">", "http://x.test/", fetcher,
                                    test_limits());
  EXPECT_EQ(doc.resources.size(), 10'001u);
  const auto missing = missing_by_code(doc);
  EXPECT_EQ(missing.at("srcset_limit"), 10'001u - 256u);
  EXPECT_EQ(fetcher.requests().size(), 256u);
  const auto& last = doc.resources.back().record;
  EXPECT_EQ(last.url, "http://x.test/c10000.png");
  EXPECT_EQ(last.error_message, "not fetched: a srcset lists more than 256 candidates");
}

TEST(SnapshotEngineLimitsTest, FramesPastTheFanOutAndDepthLimitsAreListedAsMissing) {
  net::FakeFetcher fetcher;
  // The page shows 150 frames; frame 0 nests d1 > d2 > d3 > d4 (d4 is one too deep).
  std::string html;
  for (int i = 0; i < 150; ++i) html += "<iframe src=\"f" + std::to_string(i) + ".html\"></iframe>";
  fetcher.set("http://x.test/f0.html", html_response("<iframe src=d2.html></iframe>"));
  fetcher.set("http://x.test/d2.html", html_response("<iframe src=d3.html></iframe>"));
  fetcher.set("http://x.test/d3.html", html_response("<iframe src=d4.html></iframe>"));
  const auto doc = capture_document(html, "http://x.test/", fetcher, test_limits());
  const auto missing = missing_by_code(doc);
  EXPECT_EQ(missing.at("frame_fanout"), 50u);
  EXPECT_EQ(missing.at("frame_depth"), 1u);
  EXPECT_EQ(doc.resources.size(), 150u + 3u);  // f0..f149, d2, d3, d4
  for (const auto& r : doc.resources) {
    if (r.record.url == "http://x.test/d4.html") {
      EXPECT_EQ(r.record.error_message, "not fetched: frames nest more than 3 deep");
    }
    if (r.record.url == "http://x.test/f149.html") {
      EXPECT_EQ(r.record.error_message, "not fetched: a document shows more than 100 frames");
    }
  }
}

TEST(SnapshotEngineLimitsTest, ImportsPastTheDepthLimitAreListedAsMissing) {
  net::FakeFetcher fetcher;
  for (int i = 0; i < 20; ++i) {
    net::FakeResponse css;
    css.content_type = "text/css";
    css.body = "@import \"s" + std::to_string(i + 1) + ".css\";";
    fetcher.set("http://x.test/s" + std::to_string(i) + ".css", css);
  }
  const auto doc = capture_document("<link rel=stylesheet href=s0.css>", "http://x.test/", fetcher,
                                    test_limits());
  const auto missing = missing_by_code(doc);
  ASSERT_EQ(missing.count("import_depth"), 1u);
  EXPECT_EQ(missing.at("import_depth"), 1u);
  EXPECT_EQ(fetcher.requests().size(), 17u);  // s0 (from the page) and 16 imports
  EXPECT_EQ(doc.resources.back().record.url, "http://x.test/s17.css");
  EXPECT_EQ(doc.resources.back().record.error_message, "not fetched: @import nests more than 16 deep");
}

// The capture's deadline bounds everything: what arrived is saved, the rest is "deadline".
TEST(SnapshotEngineLimitsTest, DeadlineSavesWhatArrivedAndListsTheRest) {
  test::TestHttpServer server(test::TestHttpServer::Options{"", 0, 0, true});
  net::CurlFetcher fetcher;
  std::string html = "<img src=\"/__bytes?n=10\">";
  for (int i = 0; i < 30; ++i) html += "<img src=\"/__drip?n=100&ms=200&i=" + std::to_string(i) + "\">";
  net::FetchLimits limits = test_limits();
  limits.timeout_per_request = milliseconds(30'000);
  limits.capture_timeout = milliseconds(2000);
  const auto start = std::chrono::steady_clock::now();
  const auto doc = capture_document(html, server.base_url() + "/", fetcher, limits);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(8));
  EXPECT_GE(took, milliseconds(1900));
  ASSERT_EQ(doc.resources.size(), 31u);
  EXPECT_TRUE(doc.resources[0].bytes.has_value());
  const auto missing = missing_by_code(doc);
  EXPECT_EQ(missing.at("deadline"), 30u);
  EXPECT_EQ(doc.resources[1].record.error_message,
            "the capture's deadline of 2 s passed before " + server.base_url() +
                "/__drip?n=100&ms=200&i=0 was fetched");
}

TEST(SnapshotEngineLimitsTest, FrameDepthIsBounded) {
  net::FakeFetcher fetcher;
  net::FakeResponse self;
  self.content_type = "text/html";
  self.body = "<iframe src=\"/loop.html\"></iframe>";
  fetcher.set("http://x.test/loop.html", self);
  net::FakeResponse next = self;
  next.body = "<iframe src=\"/loop.html?again\"></iframe>";
  fetcher.set("http://x.test/loop.html?again", next);
  const auto doc =
      capture_document("<iframe src=loop.html></iframe>", "http://x.test/", fetcher, test_limits());
  EXPECT_LE(doc.resources.size(), 3u);
}

TEST(SnapshotEngineLimitsTest, GarbageHtmlAndCssNeitherCrashNorHang) {
  std::string garbage;
  std::uint32_t x = 7;
  for (int i = 0; i < 1 << 20; ++i) {
    x = x * 1103515245 + 12345;
    garbage.push_back(static_cast<char>(x >> 16));
  }
  net::FakeFetcher fetcher;
  net::FakeResponse css;
  css.content_type = "text/css";
  css.body = garbage;
  fetcher.set("http://x.test/g.css", css);
  const auto doc = capture_document(garbage + "<link rel=stylesheet href=g.css>", "http://x.test/",
                                    fetcher, test_limits());
  EXPECT_FALSE(doc.html.empty());
}

}  // namespace
}  // namespace linksnap::capture

namespace linksnap::capture {
namespace {

// Browsers decide an image by its bytes (issue 15): an <img> whose server says text/html is
// still kept as the image it is, so the export shows it; a real HTML page with an inline
// <svg> stays HTML.
TEST(ResourceMimeTest, AnImageServedAsHtmlIsKeptAsTheImage) {
  EXPECT_EQ(resource_mime("text/html; charset=utf-8", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "http://x/a.png"),
            "image/png");
  EXPECT_EQ(resource_mime("text/html", "\xFF\xD8\xFF\xE0", "http://x/photo"), "image/jpeg");
  EXPECT_EQ(resource_mime("text/html", "<!doctype html><svg></svg>", "http://x/page"), "text/html");
}

}  // namespace
}  // namespace linksnap::capture
