// `linksnap import` end to end: the real binary, a real store, the fixture files.
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "http_server.h"
#include "store/store.h"
#include "test_util.h"

namespace linksnap {
namespace {

using linksnap::test::TestHttpServer;
using linksnap::testing::fixture_path;
using linksnap::testing::ProcessResult;
using linksnap::testing::TempDir;
using nlohmann::json;

class ImportTest : public ::testing::Test {
 protected:
  ProcessResult cli(std::vector<std::string> args) { return linksnap::testing::run_cli(home_, std::move(args)); }
  json cli_json(std::vector<std::string> args) { return linksnap::testing::run_cli_json(home_, std::move(args)); }
  json link_by_url(const std::string& url) {
    const json listed = cli_json({"list", "--limit", "1000"});
    for (const auto& l : listed["links"]) {
      if (l["url"] == url) return l;
    }
    ADD_FAILURE() << "no link " << url;
    return json::object();
  }

  TempDir home_;
};

TEST_F(ImportTest, FirefoxFilePrintsTheSummaryAndAgainAddsNothing) {
  auto r = cli({"import", fixture_path("bookmarks/firefox.html")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Read 9 bookmarks in 4 folders.\n"
            "Imported 5 new links, merged 0 into saved links, 0 already saved, 1 duplicate in "
            "the file.\n"
            "Skipped 3: 1 place: Firefox query, 1 file: local file, 1 data: inline data.\n");
  json rust = link_by_url("https://www.rust-lang.org/");
  EXPECT_EQ(rust["tags"], json({"lang", "rust", "toolbar"}));
  EXPECT_EQ(rust["note"], "A language empowering everyone");
  EXPECT_EQ(rust["created_at"], "2023-07-22T04:29:10.000Z");
  EXPECT_EQ(rust["snapshot_count"], 0);
  EXPECT_EQ(cli_json({"search", "cppreference"})["results"].size(), 1u);
  EXPECT_EQ(cli_json({"list", "--tag", "dev"})["links"].size(), 2u);

  json again = cli_json({"import", fixture_path("bookmarks/firefox.html")});
  EXPECT_EQ(again["imported"], 0);
  EXPECT_EQ(again["merged"], 0);
  EXPECT_EQ(again["unchanged"], 5);
  EXPECT_EQ(cli_json({"list"})["links"].size(), 5u);
  EXPECT_EQ(cli({"check"}).exit_code, 0);
}

TEST_F(ImportTest, ChromeThenFirefoxMergesTagsIntoTheSameLink) {
  cli_json({"import", fixture_path("bookmarks/chrome.html")});
  json second = cli_json({"import", fixture_path("bookmarks/firefox.html")});
  EXPECT_EQ(second["imported"], 4);
  EXPECT_EQ(second["merged"], 1);
  json cpp = link_by_url("https://en.cppreference.com/w/");
  EXPECT_EQ(cpp["tags"], json({"cpp", "dev", "reference"}));
  EXPECT_EQ(cpp["title"], "cppreference.com");
}

TEST_F(ImportTest, BadFilesImportNothing) {
  auto r = cli({"import", fixture_path("bookmarks/truncated.html")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "linksnap: the bookmark file is truncated: its list of bookmarks is not closed (</DL> "
            "missing)\n");
  r = cli({"import", fixture_path("bookmarks/not-bookmarks.html")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "linksnap: not a bookmark file: it does not start with "
            "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n");
  EXPECT_EQ(cli_json({"list"})["links"].size(), 0u);
}

}  // namespace
}  // namespace linksnap

namespace linksnap {
namespace {

TEST_F(ImportTest, ExportedBookmarksImportBackToTheSameLinks) {
  for (const char* f : {"chrome.html", "firefox.html", "linkding.html", "safari.html"}) {
    cli_json({"import", fixture_path(std::string("bookmarks/") + f)});
  }
  cli_json({"edit", "1", "--note", "line one\nline <two> & \"three\""});
  const std::string exported = (home_.path() / "out.html").string();
  auto r = cli({"export", "--bookmarks", exported});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Exported 16 links to " + exported + ".\n");
  const json before = cli_json({"list", "--limit", "1000"});

  TempDir other;
  auto again = linksnap::testing::run_process(
      {LINKSNAP_CLI_BIN, "import", exported, "--json"}, {"LINKSNAP_HOME=" + other.str(), "TZ=UTC"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  auto listed = linksnap::testing::run_process({LINKSNAP_CLI_BIN, "list", "--limit", "1000", "--json"},
                                               {"LINKSNAP_HOME=" + other.str(), "TZ=UTC"});
  const json after = json::parse(listed.out);
  ASSERT_EQ(after["links"].size(), before["links"].size());
  std::map<std::string, json> by_url;
  for (const auto& l : after["links"]) by_url[l["url"]] = l;
  for (const auto& l : before["links"]) {
    const json& a = by_url[l["url"]];
    EXPECT_EQ(a["title"], l["title"]) << l["url"];
    EXPECT_EQ(a["tags"], l["tags"]) << l["url"];
    EXPECT_EQ(a["note"], l["note"]) << l["url"];
    // Bookmark files keep whole seconds.
    EXPECT_EQ(a["created_at"].get<std::string>().substr(0, 19),
              l["created_at"].get<std::string>().substr(0, 19)) << l["url"];
  }
}

TEST_F(ImportTest, ExportByTagAndJsonMetadata) {
  cli_json({"import", fixture_path("bookmarks/firefox.html")});
  const std::string file = (home_.path() / "dev.html").string();
  EXPECT_EQ(cli({"export", "--bookmarks", file, "--tag", "dev"}).out, "Exported 2 links to " + file + ".\n");
  const std::string meta = (home_.path() / "all.json").string();
  EXPECT_EQ(cli({"export", "--json", meta, "--search", "rust"}).out, "Exported 1 links to " + meta + ".\n");
  std::ifstream in(meta);
  const json doc = json::parse(in);
  EXPECT_EQ(doc["format"], "linksnap-export");
  ASSERT_EQ(doc["links"].size(), 1u);
  EXPECT_EQ(doc["links"][0]["url"], "https://www.rust-lang.org/");
  EXPECT_EQ(doc["links"][0]["tags"], json({"lang", "rust", "toolbar"}));
  EXPECT_EQ(doc["links"][0]["snapshots"], json::array());
  auto r = cli({"export", "--tag", "dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "linksnap: export needs one of --html FILE, --file FILE, --bookmarks FILE, --json FILE, "
            "--warc FILE or --wacz FILE\n");
}

}  // namespace
}  // namespace linksnap

#include "commands/command.h"
#include "net/curl_fetcher.h"

namespace linksnap {
namespace {

TEST(ImportCommandTest, TheExtensionsBookmarkListImportsLikeAFile) {
  TempDir dir;
  linksnap::testing::SteppingClock clock;
  auto store = store::Store::open(dir.path(), clock);
  ASSERT_OK(store);
  net::CurlFetcher fetcher;
  commands::Context ctx{*store, fetcher, net::FetchLimits{}, {}};
  const json args = {{"bookmarks",
                      {{{"url", "https://example.org/a"}, {"title", "A"}, {"folders", {"Bookmarks bar", "dev"}},
                        {"added_at", 1700000000123LL}, {"tags", {"x"}}, {"note", "n"}},
                       {{"url", "javascript:void(0)"}, {"title", "bm"}},
                       {{"url", "https://example.org/a#again"}, {"folders", {"Other bookmarks", "read"}}}}}};
  auto r = commands::run(ctx, "import", args);
  ASSERT_OK(r);
  EXPECT_EQ((*r)["imported"], 1);
  EXPECT_EQ((*r)["duplicates"], 1);
  EXPECT_EQ((*r)["skipped"], json::parse(R"([{"reason": "javascript: bookmarklet", "count": 1}])"));
  auto link = store->find_link_by_url("https://example.org/a");
  ASSERT_OK(link);
  EXPECT_EQ(link->tags, std::vector<std::string>({"dev", "read", "x"}));
  EXPECT_EQ(link->created_at, "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(link->note, "n");

  EXPECT_ERROR(commands::run(ctx, "import", json{{"bookmarks", {{{"title", "no url"}}}}}), errc::kBadRequest,
               "bookmarks[0]: missing field \"url\" (a string)");
  EXPECT_ERROR(commands::run(ctx, "import", json::object()), errc::kBadRequest,
               "give either \"html\" (a bookmark file) or \"bookmarks\" (a list)");
}

}  // namespace
}  // namespace linksnap
