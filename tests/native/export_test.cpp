// Viewing and exporting snapshots: one self-contained HTML document, no network, no large
// asset inlined twice; identical assets stored once across snapshots.
#include "capture/snapshot_export.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "capture/html_rewrite.h"
#include "capture/snapshot_engine.h"
#include "commands/command.h"
#include "http_server.h"
#include "net/curl_fetcher.h"
#include "fake_fetcher.h"
#include "test_util.h"
#include "util/sha256.h"

namespace linksnap {
namespace {

using nlohmann::json;
using testing::TempDir;

std::size_t occurrences(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t p = haystack.find(needle); p != std::string_view::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

std::string base64_of(std::string_view bytes) {
  // The exporter's own encoding, observed through a one-blob export.
  const std::string hash = sha256_hex(bytes);
  const std::string out = capture::export_snapshot(
      "<img src=\"linksnap-blob:" + hash + "\">", [&](std::string_view) {
        return std::optional<capture::StoredBlob>(capture::StoredBlob{std::string(bytes), "image/png"});
      });
  const std::size_t b = out.find("base64,") + 7;
  return out.substr(b, out.find('"', b) - b);
}

class ExportTest : public ::testing::Test {
 protected:
  ExportTest() : store_(open_store()) {}

  store::Store open_store() {
    auto s = store::Store::open(home_.path(), clock_);
    EXPECT_TRUE(s.ok());
    return std::move(*s);
  }

  Result<json> run(net::Fetcher& fetcher, const std::string& cmd, const json& args) {
    commands::Context ctx{store_, fetcher, net::FetchLimits{}, {}};
    return commands::run(ctx, cmd, args);
  }

  std::size_t blob_files() {
    std::size_t n = 0;
    store_.blobs().for_each([&](const std::string&) { ++n; });
    return n;
  }

  TempDir home_;
  testing::SteppingClock clock_;
  store::Store store_;
};

TEST_F(ExportTest, ViewReturnsTheChronyPageWithEveryAssetInlined) {
  auto fetcher = net::FakeFetcher::from_directory("http://fixtures.test", testing::fixture_path("chrony"));
  auto added = run(fetcher, "add", {{"url", "http://fixtures.test/chrony-nts.html"}});
  ASSERT_OK(added);
  EXPECT_EQ((*added)["snapshot"]["resource_count"], 3);
  EXPECT_EQ((*added)["snapshot"]["failed_count"], 0);
  auto viewed = run(fetcher, "view", {{"id", 1}});
  ASSERT_OK(viewed);
  const std::string html = (*viewed)["html"];
  EXPECT_EQ(html.find("linksnap-blob:"), std::string::npos);
  EXPECT_EQ(html.find("fixtures.test"), std::string::npos);  // nothing points at the network
  EXPECT_NE(html.find("<link rel=\"stylesheet\" href=\"data:text/css;charset=utf-8,"), std::string::npos);
  EXPECT_NE(html.find("<img src=\"data:image/png;base64," + base64_of(testing::read_fixture("chrony/clock.png"))),
            std::string::npos);
  EXPECT_NE(html.find(base64_of(testing::read_fixture("chrony/banner.png"))), std::string::npos);
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);

  auto exported = run(fetcher, "export", {{"id", 1}});
  ASSERT_OK(exported);
  EXPECT_EQ((*exported)["html"], html);
  EXPECT_EQ((*exported)["bytes"], html.size());
}

TEST_F(ExportTest, ShowListsEveryResourceWithItsOutcome) {
  auto fetcher = net::FakeFetcher::from_directory("http://fixtures.test", testing::fixture_path("capture"));
  ASSERT_OK(run(fetcher, "add", {{"url", "http://fixtures.test/missing_asset/index.html"}}));
  auto shown = run(fetcher, "show", {{"id", 1}});
  ASSERT_OK(shown);
  const json& resources = (*shown)["resources"];
  ASSERT_EQ(resources.size(), 2u);
  for (const auto& r : resources) {
    if (r["url"] == "http://fixtures.test/missing_asset/absent.png") {
      EXPECT_FALSE(r["saved"]);
      EXPECT_EQ(r["http_status"], 404);
      EXPECT_EQ(r["error"], json({{"code", "http_error"}, {"message", "the server answered HTTP 404"}}));
    } else {
      EXPECT_TRUE(r["saved"]);
      EXPECT_EQ(r["mime"], "image/png");
    }
  }
}

TEST_F(ExportTest, IdenticalAssetsAreStoredOnceAcrossSnapshots) {
  net::FakeFetcher fetcher;
  net::FakeResponse png;
  png.content_type = "image/png";
  png.body = testing::read_fixture("chrony/clock.png");
  net::FakeResponse css{200, "text/css", ".a{background:url(/shared.png)}", {}, {}, ""};
  fetcher.set("http://a.test/shared.png", png);
  fetcher.set("http://a.test/copy.png", png);  // same bytes, another URL
  fetcher.set("http://a.test/site.css", css);
  for (int i = 0; i < 3; ++i) {
    net::FakeResponse page{200, "text/html",
                           "<link rel=stylesheet href=/site.css><img src=/shared.png><img src=/copy.png><p>" +
                               std::to_string(i) + "</p>",
                           {}, {}, ""};
    fetcher.set("http://a.test/p" + std::to_string(i), page);
    ASSERT_OK(run(fetcher, "add", {{"url", "http://a.test/p" + std::to_string(i)}}));
  }
  // Three pages and the stylesheet each as stored (rewritten) and as received (kept for a
  // WARC), and one image.
  EXPECT_EQ(blob_files(), 3u * 2 + 2u + 1u);
}

TEST_F(ExportTest, OlderSnapshotCanBeExported) {
  net::FakeFetcher fetcher;
  fetcher.set("http://a.test/", net::FakeResponse{200, "text/html", "<p>first version</p>", {}, {}, ""});
  ASSERT_OK(run(fetcher, "add", {{"url", "http://a.test/"}}));
  fetcher.set("http://a.test/", net::FakeResponse{200, "text/html", "<p>second version</p>", {}, {}, ""});
  ASSERT_OK(run(fetcher, "add", {{"url", "http://a.test/"}}));
  auto newest = run(fetcher, "export", {{"id", 1}});
  ASSERT_OK(newest);
  EXPECT_NE((*newest)["html"].get<std::string>().find("second version"), std::string::npos);
  auto older = run(fetcher, "export", {{"id", 1}, {"snapshot", 1}});
  ASSERT_OK(older);
  EXPECT_NE((*older)["html"].get<std::string>().find("first version"), std::string::npos);
  EXPECT_ERROR(run(fetcher, "export", {{"id", 2}}), errc::kNotFound, "no link with id 2");
}

TEST(SnapshotExportTest, LargeImageUsedManyTimesIsInlinedOnce) {
  std::string image = testing::read_fixture("chrony/clock.png");
  image.append(8192, 'x');  // big enough to be shared
  const std::string img_hash = sha256_hex(image);
  const std::string p = "linksnap-blob:" + img_hash;
  const std::string sheet = ".a{background:url(\"" + p + "\")} .b{background:url(\"" + p + "\") no-repeat}";
  const std::string sheet_hash = sha256_hex(sheet);
  const std::string root = std::string("<head><meta http-equiv=\"Content-Security-Policy\" content=\"") +
                           capture::kSnapshotCsp + "\"><link rel=\"stylesheet\" href=\"linksnap-blob:" +
                           sheet_hash + "\"></head><body><img src=\"" + p + "\" alt=\"one\"><img src=\"" + p +
                           "\"><div style=\"background:url(&quot;" + p + "&quot;)\"></div>";
  const std::string out = capture::export_snapshot(root, [&](std::string_view h) -> std::optional<capture::StoredBlob> {
    if (h == img_hash) return capture::StoredBlob{image, "image/png"};
    if (h == sheet_hash) return capture::StoredBlob{sheet, "text/css"};
    return std::nullopt;
  });
  EXPECT_EQ(occurrences(out, base64_of(image)), 1u) << out.size();
  // Two sheet rules, the style attribute, and the rule for the <img>s.
  EXPECT_EQ(occurrences(out, "var(--linksnap-" + img_hash + ")"), 4u);
  EXPECT_EQ(occurrences(out, "data-linksnap-img=\"" + img_hash + "\""), 3u);  // two <img>s, one selector
  EXPECT_EQ(out.find("url(%22var("), std::string::npos);  // never nested inside url()
  EXPECT_EQ(out.find("linksnap-blob:"), std::string::npos);
  EXPECT_LT(out.size(), image.size() * 4 / 3 + 4000);
}

TEST(SnapshotExportTest, MissingBlobBecomesAboutInvalid) {
  const std::string out = capture::export_snapshot("<img src=\"linksnap-blob:" + std::string(64, 'a') + "\">",
                                                   [](std::string_view) { return std::nullopt; });
  EXPECT_EQ(out, "<img src=\"about:invalid\">");
}

// The exported chrony page opened by headless Chromium while the server it came from still
// runs: the server sees zero requests. (tests/capture/export_offline_check.mjs checks the
// rendering itself: computed styles and decoded images with every request refused.)
TEST(ExportInChromiumTest, ExportedPageMakesZeroRequests) {
  if (!boost::filesystem::exists("/usr/bin/chromium")) GTEST_SKIP() << "no /usr/bin/chromium";
  test::TestHttpServer server(test::TestHttpServer::Options{testing::fixture_path("chrony"), 0, 0, true});
  TempDir home;
  const std::string file = (home.path() / "chrony.html").string();
  auto add = testing::run_process({LINKSNAP_CLI_BIN, "add", server.base_url() + "/chrony-nts.html"},
                                  {"LINKSNAP_HOME=" + home.str()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto exp = testing::run_process({LINKSNAP_CLI_BIN, "export", "1", "--html", file}, {"LINKSNAP_HOME=" + home.str()});
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  EXPECT_NE(exp.out.find("Exported snapshot 1 of link 1 to " + file), std::string::npos) << exp.out;
  server.reset_log();
  auto dom = testing::run_process({"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                   "--no-first-run", "--disable-background-networking", "--user-data-dir=" +
                                   (home.path() / "profile").string(), "--dump-dom", "file://" + file},
                                  {"HOME=" + home.str()});
  EXPECT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_NE(dom.out.find("chrony 时间同步与 NTS 配置笔记"), std::string::npos);
  EXPECT_NE(dom.out.find("src=\"data:image/png;base64,"), std::string::npos);
  EXPECT_EQ(server.request_count(), 0u) << server.request_paths().front();
}

}  // namespace
}  // namespace linksnap
