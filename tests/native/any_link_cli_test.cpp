// Issue 10 end to end: the real `linksnap` binary saves links that are not HTML pages (a PDF,
// images, an SVG, text, a download) and renders script-written pages with headless chromium,
// against the loopback server serving tests/fixtures/files/.
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "http_server.h"
#include "test_util.h"

namespace linksnap {
namespace {

using linksnap::test::TestHttpServer;
using linksnap::testing::ProcessResult;
using linksnap::testing::TempDir;
using nlohmann::json;

bool chromium_installed() { return ::access("/usr/bin/chromium", X_OK) == 0; }

class AnyLinkCliTest : public ::testing::Test {
 protected:
  AnyLinkCliTest()
      : server_(TestHttpServer::Options{linksnap::testing::fixture_path("files"), 0, 0, true}) {}

  // `chromium`: "" leaves the machine's own; a path stands for it ("/nonexistent": none).
  static std::vector<std::string> chromium_env(const std::string& chromium) {
    if (chromium.empty()) return {};
    return {"LINKSNAP_CHROMIUM=" + chromium};
  }
  ProcessResult cli(std::vector<std::string> args, const std::string& chromium = "/nonexistent") {
    return linksnap::testing::run_cli(home_, std::move(args), chromium_env(chromium));
  }
  json cli_json(std::vector<std::string> args, const std::string& chromium = "/nonexistent") {
    return linksnap::testing::run_cli_json(home_, std::move(args), chromium_env(chromium));
  }

  std::string url(const std::string& file) const { return server_.base_url() + "/" + file; }

  std::string exported_file(int id) {
    const std::string out = home_.str() + "/export-" + std::to_string(id);
    auto r = cli({"export", std::to_string(id), "--file", out});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(out, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::size_t hits(const std::string& query) { return cli_json({"search", query})["results"].size(); }

  TempDir home_;
  TestHttpServer server_;
};

TEST_F(AnyLinkCliTest, APdfIsKeptAsItIsAndFoundByAChineseWordInsideIt) {
  // The test server calls .pdf application/octet-stream: the bytes say what it is.
  json added = cli_json({"add", url("report.pdf")});
  EXPECT_EQ(added["link"]["title"], "LinkSnap PDF fixture: 量子纠缠 report");
  EXPECT_EQ(added["snapshot"]["media_type"], "application/pdf");
  EXPECT_EQ(added["snapshot"]["page_count"], 2);
  EXPECT_EQ(added["snapshot"]["source"], "fetch");

  json found = cli_json({"search", "光谱仪"});  // only on the PDF's second page
  ASSERT_EQ(found["results"].size(), 1u);
  EXPECT_EQ(found["results"][0]["url"], url("report.pdf"));
  EXPECT_EQ(hits("spectrograph"), 1u);

  EXPECT_EQ(exported_file(1), testing::read_fixture("files/report.pdf"));
  auto shown = cli({"show", "1"});
  EXPECT_NE(shown.out.find("fetch   46.2 KiB, application/pdf, 2 pages\n"), std::string::npos) << shown.out;

  // --html gives a page that shows it in the browser's PDF viewer, offline.
  const std::string page = home_.str() + "/report.html";
  ASSERT_EQ(cli({"export", "1", "--html", page}).exit_code, 0);
  std::ifstream in(page);
  const std::string html(std::istreambuf_iterator<char>(in), {});
  EXPECT_NE(html.find("<embed type=\"application/pdf\""), std::string::npos);
  EXPECT_NE(html.find("src=\"data:application/pdf;base64,JVBERi0"), std::string::npos);
}

TEST_F(AnyLinkCliTest, ImagesAreKeptWithTheirFileNameAsTitle) {
  json png = cli_json({"add", url("photo.png")});
  EXPECT_EQ(png["link"]["title"], "photo.png");
  EXPECT_EQ(png["snapshot"]["media_type"], "image/png");
  EXPECT_EQ(exported_file(1), testing::read_fixture("files/photo.png"));
  // Served as text/plain, a JPEG is still a JPEG.
  server_.set_content_type("/photo.jpg", "text/plain");
  json jpg = cli_json({"add", url("photo.jpg")});
  EXPECT_EQ(jpg["snapshot"]["media_type"], "image/jpeg");
  EXPECT_EQ(exported_file(2), testing::read_fixture("files/photo.jpg"));
  EXPECT_EQ(hits("photo.jpg"), 1u);
}

TEST_F(AnyLinkCliTest, AnSvgIsSavedWithoutItsScript) {
  json added = cli_json({"add", url("badge.svg")});
  EXPECT_EQ(added["snapshot"]["media_type"], "image/svg+xml");
  EXPECT_EQ(added["link"]["title"], "Build badge");
  const std::string saved = exported_file(1);
  EXPECT_NE(saved.find("<svg"), std::string::npos) << saved;
  for (const char* gone : {"<script", "onload", "onclick", "javascript:", "tracker.example"}) {
    EXPECT_EQ(saved.find(gone), std::string::npos) << gone;
  }
  EXPECT_EQ(hits("passing"), 1u);
}

TEST_F(AnyLinkCliTest, TextMarkdownAndJsonAreKeptAsTextAndIndexed) {
  EXPECT_EQ(cli_json({"add", url("notes.txt")})["link"]["title"], "Field notes");
  json md = cli_json({"add", url("guide.md")});  // application/octet-stream, sniffed as text
  EXPECT_EQ(md["snapshot"]["media_type"], "text/plain");
  EXPECT_EQ(md["link"]["title"], "Sourdough guide");
  json data = cli_json({"add", url("data.json")});
  EXPECT_EQ(data["snapshot"]["media_type"], "application/json");
  EXPECT_EQ(data["link"]["title"], "data.json");
  EXPECT_EQ(hits("白鹭"), 1u);
  EXPECT_EQ(hits("rye"), 1u);
  EXPECT_EQ(hits("permafrost"), 1u);
  EXPECT_EQ(exported_file(1), testing::read_fixture("files/notes.txt"));
}

TEST_F(AnyLinkCliTest, AnythingElseIsADownloadAndTooLargeIsRefusedWritingNothing) {
  json zip = cli_json({"add", url("archive.zip")});
  EXPECT_EQ(zip["snapshot"]["media_type"], "application/zip");
  EXPECT_EQ(zip["snapshot"]["html_bytes"], 2004);
  EXPECT_EQ(exported_file(1), testing::read_fixture("files/archive.zip"));

  const std::string big = server_.base_url() + "/__bytes?n=" + std::to_string((1u << 20) + 1);
  auto r = cli({"add", big, "--max-size", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "linksnap: " + big + " is larger than 1 MiB, the most LinkSnap saves of one file\n");
  EXPECT_EQ(cli_json({"list"})["links"].size(), 1u);
}

TEST_F(AnyLinkCliTest, AFileLargerThanAPageStreamsToDiskAndOverTheLimitLeavesNothing) {
  // 100 MiB of video: past the page limit (32 MiB) it streams to its blob file as it arrives.
  const std::size_t size = 100u << 20;
  const std::string video = server_.base_url() + "/__bytes?type=video/mp4&n=" + std::to_string(size);
  auto r = cli({"add", video, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json added = json::parse(r.out);
  EXPECT_EQ(added["snapshot"]["media_type"], "video/mp4");
  EXPECT_EQ(added["snapshot"]["html_bytes"], size);
  EXPECT_LT(r.max_rss_kib, 96 * 1024) << "a 100 MiB file was held in memory";
  EXPECT_EQ(exported_file(1), std::string(size, 'a'));

  // A 40 MiB text file: kept as it came, its first 4 MiB indexed.
  const std::string text = server_.base_url() + "/__bytes?n=" + std::to_string(40u << 20);
  json log = cli_json({"add", text});
  EXPECT_EQ(log["snapshot"]["media_type"], "text/plain");
  EXPECT_EQ(log["snapshot"]["html_bytes"], 40u << 20);

  // Over the default limit (256 MiB): refused, no link, no blob, no temp file left behind.
  const std::string huge = server_.base_url() + "/__bytes?type=video/mp4&n=" + std::to_string(257u << 20);
  auto refused = cli({"add", huge});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, "linksnap: " + huge + " is larger than 256 MiB, the most LinkSnap saves of one file\n");
  EXPECT_EQ(cli_json({"list"})["links"].size(), 2u);
  auto check = cli({"check"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  namespace fs = boost::filesystem;
  std::size_t temp_files = 0;
  for (fs::recursive_directory_iterator it(home_.str()), end; it != end; ++it) {
    if (fs::is_regular_file(it->path()) && it->path().parent_path().filename() == "tmp") ++temp_files;
  }
  EXPECT_EQ(temp_files, 0u);
}

// A text file too large to hold (over 32 MiB) streams to disk, is kept as it came and its first
// 4 MiB are indexed; that cut falls inside a three-byte character here (4 MiB is not a
// multiple of 3), which must not lose the index.
TEST_F(AnyLinkCliTest, AHugeChineseTextFileIsIndexedUpToTheCutInsideACharacter) {
  TempDir site;
  {
    std::ofstream out(site.str() + "/notes.txt", std::ios::binary);
    out << "望远镜 telescope\n";
    const std::string line = "汉字汉字汉字汉字汉字汉字汉字汉字汉字汉字汉字汉字汉字汉字汉字汉字\n";  // 97 bytes
    for (std::size_t written = 0; written < (34u << 20); written += line.size()) out << line;
  }
  TestHttpServer big(TestHttpServer::Options{site.str(), 0, 0, false});
  auto r = cli({"add", big.base_url() + "/notes.txt", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["snapshot"]["media_type"], "text/plain");
  EXPECT_EQ(hits("望远镜"), 1u);
  EXPECT_EQ(hits("telescope"), 1u);
}

TEST_F(AnyLinkCliTest, RenderWithoutChromiumNamesThePackage) {
  auto r = cli({"add", "--render", url("script-written.html")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "linksnap: rendering needs Chromium, which is not installed; install it with: sudo apt-get "
            "install chromium\n");
  // The default (auto) without chromium saves what the server sent.
  json fetched = cli_json({"add", url("script-written.html")});
  EXPECT_EQ(fetched["snapshot"]["source"], "fetch");
  EXPECT_EQ(hits("zeppelin"), 0u);
}

TEST_F(AnyLinkCliTest, RenderSavesTheTextScriptsWrite) {
  if (!chromium_installed()) GTEST_SKIP() << "needs /usr/bin/chromium (apt-get install chromium)";
  json written = cli_json({"add", "--render", url("script-written.html")}, "");
  EXPECT_EQ(written["snapshot"]["source"], "render");
  json found = cli_json({"search", "zeppelin"});
  ASSERT_EQ(found["results"].size(), 1u);
  EXPECT_EQ(found["results"][0]["url"], url("script-written.html"));

  // Text fetched by the page 300 ms after load; auto (the default) sees an empty shell.
  json later = cli_json({"add", url("fetch-later.html")}, "");
  EXPECT_EQ(later["snapshot"]["source"], "render");
  EXPECT_EQ(hits("astrolabe"), 1u);
  auto shown = cli({"show", "2"}, "");
  EXPECT_NE(shown.out.find("  render  "), std::string::npos) << shown.out;

  // --no-render keeps the server's HTML: a new snapshot without the script's words.
  json raw = cli_json({"add", "--no-render", url("script-written.html")}, "");
  EXPECT_EQ(raw["snapshot"]["source"], "fetch");
  EXPECT_EQ(hits("zeppelin"), 0u);
}

}  // namespace
}  // namespace linksnap
