// The real `linksnap` binary against a real loopback HTTP server serving the fixture page.
#include <nlohmann/json.hpp>

#include "http_server.h"
#include "test_util.h"

namespace linksnap {
namespace {

using linksnap::test::TestHttpServer;
using linksnap::testing::ProcessResult;
using linksnap::testing::TempDir;
using nlohmann::json;

class CliTest : public ::testing::Test {
 protected:
  CliTest()
      : server_(TestHttpServer::Options{linksnap::testing::fixture_path("chrony"), 0, 0, true}) {}

  ProcessResult cli(std::vector<std::string> args, const std::string& tz = "UTC") {
    return linksnap::testing::run_cli(home_, std::move(args), {"TZ=" + tz});
  }

  json cli_json(std::vector<std::string> args) { return linksnap::testing::run_cli_json(home_, std::move(args)); }

  std::string page_url() const { return server_.base_url() + "/chrony-nts.html"; }

  TempDir home_;
  TestHttpServer server_;
};

TEST_F(CliTest, AddFetchesThePageAndSearchFindsItByTwoChineseCharacters) {
  json added = cli_json({"add", page_url(), "--tag", "笔记/时间"});
  EXPECT_EQ(added["link"]["id"], 1);
  EXPECT_EQ(added["link"]["title"], "chrony 时间同步与 NTS 配置笔记");
  EXPECT_EQ(added["link"]["tags"], json({"笔记/时间"}));
  EXPECT_EQ(added["snapshot"]["id"], 1);
  EXPECT_EQ(added["snapshot"]["source"], "fetch");

  json found = cli_json({"search", "密钥"});
  ASSERT_EQ(found["results"].size(), 1u);
  EXPECT_EQ(found["results"][0]["id"], 1);
  EXPECT_EQ(found["results"][0]["url"], page_url());
  EXPECT_EQ(found["results"][0]["tags"], json({"笔记/时间"}));
  for (const char* q : {"验证机制", "chronyc", "NTS"}) {
    EXPECT_EQ(cli_json({"search", q})["results"].size(), 1u) << q;
  }

  json listed = cli_json({"list", "--tag", "笔记"});
  ASSERT_EQ(listed["links"].size(), 1u);
  EXPECT_EQ(listed["links"][0]["title"], "chrony 时间同步与 NTS 配置笔记");
}

TEST_F(CliTest, AddingTheSameUrlAgainAddsASnapshotNotALink) {
  cli_json({"add", page_url()});
  json again = cli_json({"add", page_url() + "?utm_source=feed#nts"});
  EXPECT_EQ(again["link"]["id"], 1);
  EXPECT_EQ(again["created"], false);
  EXPECT_EQ(again["snapshot"]["id"], 2);
  json shown = cli_json({"show", "1"});
  EXPECT_EQ(shown["snapshots"].size(), 2u);
  EXPECT_EQ(cli_json({"list"})["links"].size(), 1u);
}

TEST_F(CliTest, RefusedUrlsFailWithAClearErrorAndWriteNothing) {
  struct Case {
    std::string url, message;
  };
  const std::vector<Case> cases = {
      {"file:///etc/passwd", "linksnap: only http and https URLs can be added (got file:)\n"},
      {"gopher://old.example/", "linksnap: only http and https URLs can be added (got gopher:)\n"},
      {server_.base_url() + "/missing.html",
       "linksnap: the server answered HTTP 404 for " + server_.base_url() + "/missing.html\n"},
      {server_.base_url() + "/__redirect?to=file%3A%2F%2F%2Fetc%2Fpasswd", ""},
      {"http://127.0.0.1:1/", ""},
      {"not a url", ""},
  };
  for (const auto& c : cases) {
    auto r = cli({"add", c.url});
    EXPECT_EQ(r.exit_code, 1) << c.url;
    EXPECT_TRUE(r.out.empty()) << c.url;
    EXPECT_EQ(r.err.rfind("linksnap: ", 0), 0u) << r.err;
    if (!c.message.empty()) {
      EXPECT_EQ(r.err, c.message);
    }
  }
  EXPECT_EQ(cli_json({"list"})["links"].size(), 0u);
  EXPECT_EQ(cli_json({"tags"})["tags"].size(), 0u);
}

TEST_F(CliTest, UnreachableHostSaysWhatFailed) {
  auto r = cli({"add", "http://127.0.0.1:1/page"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("127.0.0.1"), std::string::npos) << r.err;
}

TEST_F(CliTest, ListGivesThePageAndTheTotalThatMatches) {
  const std::string file = home_.str() + "/page.html";
  std::ofstream(file) << "<title>t</title><p>x</p>";
  for (const char* path : {"a", "b", "c"}) {
    cli_json({"save", "--url", std::string("https://example.com/") + path, "--html-file", file, "--tag",
              path[0] == 'c' ? "other" : "kept"});
  }
  json page = cli_json({"list", "--limit", "1"});
  EXPECT_EQ(page["links"].size(), 1u);
  EXPECT_EQ(page["total"], 3);
  EXPECT_EQ(cli_json({"list", "--tag", "kept"})["total"], 2);
  EXPECT_EQ(cli_json({"list", "--status", "broken"})["total"], 0);
}

TEST_F(CliTest, SaveTakesTheHtmlTheExtensionWouldSend) {
  const std::string file = home_.str() + "/page.html";
  {
    std::ofstream out(file);
    out << "<html><head><title>Captured</title></head><body><p>live DOM 内容</p><script>var "
           "hidden=1</script></body></html>";
  }
  json saved = cli_json(
      {"save", "--url", "https://example.com/app#/route", "--html-file", file, "--tag", "dom"});
  EXPECT_EQ(saved["link"]["title"], "Captured");
  EXPECT_EQ(saved["snapshot"]["source"], "dom");
  EXPECT_EQ(cli_json({"search", "内容"})["results"].size(), 1u);
  EXPECT_EQ(cli_json({"search", "hidden"})["results"].size(), 0u);  // script text is not page text
  auto missing =
      cli({"save", "--url", "https://example.com/", "--html-file", home_.str() + "/nope.html"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "linksnap: cannot read " + home_.str() + "/nope.html\n");
}

TEST_F(CliTest, SaveRefusesAFileOverThePageSizeLimitBeforeReadingIt) {
  const std::string file = home_.str() + "/huge.html";
  {
    std::ofstream out(file, std::ios::binary);
    out.seekp((70u << 20) - 1);  // a sparse 70 MiB file: nothing to write or read
    out.put('x');
  }
  auto r = cli({"save", "--url", "https://example.com/huge", "--html-file", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "linksnap: the page's HTML is 70.0 MiB; LinkSnap saves pages of up to 64 MiB\n");
  EXPECT_EQ(cli_json({"list"})["links"].size(), 0u);
}

TEST_F(CliTest, TagCommandsWorkEndToEnd) {
  cli_json({"add", page_url(), "--tag", "dev/cpp"});
  EXPECT_EQ(cli_json({"tag", "1", "Linux", "读书"})["link"]["tags"],
            json({"dev/cpp", "Linux", "读书"}));
  EXPECT_EQ(cli_json({"untag", "1", "linux"})["link"]["tags"], json({"dev/cpp", "读书"}));
  cli_json({"tags", "rename", "dev", "code"});
  EXPECT_EQ(cli_json({"show", "1"})["link"]["tags"], json({"code/cpp", "读书"}));
  cli_json({"tags", "merge", "读书", "reading"});
  cli_json({"tags", "delete", "code/cpp"});
  json tags = cli_json({"tags"});
  ASSERT_EQ(tags["tags"].size(), 1u);
  EXPECT_EQ(tags["tags"][0], (json{{"name", "reading"}, {"links", 1}, {"links_below", 1}}));
  auto bad = cli({"tags", "rename", "nope", "x"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "linksnap: no tag named \"nope\"\n");
}

TEST_F(CliTest, TagAndUntagTakeAListOfIds) {
  cli_json({"add", page_url(), "--tag", "dev/cpp"});
  EXPECT_EQ(cli_json({"tag", "1,1", "reading"}), (json{{"links", 1}, {"changed", 1}}));
  auto text = cli({"untag", "1,1", "reading", "nowhere"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_EQ(text.out, "Untagged 1 link (1 changed).\n");
  auto missing = cli({"tag", "1,7", "x"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "linksnap: no link with id 7\n");
  EXPECT_EQ(cli_json({"show", "1"})["link"]["tags"], json({"dev/cpp"}));
  for (const char* bad : {"1,x", "0", "1,", ",1"}) {
    auto r = cli({"tag", bad, "x"});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_EQ(r.err, "linksnap tag: the id must be a link id, or ids separated by commas (1,2,7)\n") << bad;
  }
}

TEST_F(CliTest, HumanOutputShowsLocalTimesAndTables) {
  cli_json({"add", page_url(), "--tag", "笔记"});
  auto list = cli({"list"}, "Asia/Shanghai");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("ID"), std::string::npos);
  EXPECT_NE(list.out.find("chrony 时间同步"), std::string::npos) << list.out;
  auto search = cli({"search", "密钥"});
  ASSERT_EQ(search.exit_code, 0);
  EXPECT_NE(search.out.find("[密钥]"), std::string::npos) << search.out;  // not a tty: brackets
  auto show = cli({"show", "1"});
  EXPECT_NE(show.out.find("Snapshots (1):"), std::string::npos) << show.out;
  auto rm_missing = cli({"rm", "1", "7"});  // all or nothing
  EXPECT_EQ(rm_missing.exit_code, 1);
  EXPECT_EQ(rm_missing.err, "linksnap: no link with id 7\n");
  auto rm = cli({"rm", "1"});
  EXPECT_EQ(rm.out, "Deleted link 1.\n");
  EXPECT_EQ(cli({"list"}).out, "No links.\n");
}

TEST_F(CliTest, UsageErrorsExitWithTwo) {
  auto r = cli({"show", "abc"});
  EXPECT_EQ(r.exit_code, 2);
  auto none = cli({});
  EXPECT_EQ(none.exit_code, 2);
  auto help = cli({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("search"), std::string::npos);
}

}  // namespace
}  // namespace linksnap

namespace linksnap {
namespace {

TEST_F(CliTest, CheckReportsAWholeStoreAndFailsOnDamage) {
  json added = cli_json({"add", page_url()});
  auto ok = cli({"check", "--verify-hashes"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("The store is whole."), std::string::npos) << ok.out;
  // Remove the stored page behind the store's back: check must say so and fail.
  json shown = cli_json({"show", "1"});
  boost::filesystem::remove_all(home_.path() / "blobs");
  auto damaged = cli({"check"});
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_NE(damaged.out.find("DAMAGED: blob "), std::string::npos) << damaged.out;
}

}  // namespace
}  // namespace linksnap

namespace linksnap {
namespace {

TEST_F(CliTest, AFullDiskFailsTheSaveClearlyAndLeavesTheStoreWhole) {
  cli_json({"add", page_url()});  // the store exists before the disk "fills up"
  const std::string file = home_.str() + "/big.html";
  {
    std::ofstream out(file);
    out << "<title>Big</title><p>";
    for (int i = 0; i < 40000; ++i) out << "很大的页面 big page ";
    out << "</p>";
  }
  // RLIMIT_FSIZE of 256 KiB: the blob write fails with EFBIG, as on a full small filesystem.
  auto r =
      linksnap::testing::run_process({"/bin/sh", "-c",
                                      std::string("ulimit -f 256; exec ") + LINKSNAP_CLI_BIN +
                                          " save --url https://big.example/ --html-file " + file},
                                     {"LINKSNAP_HOME=" + home_.str()});
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the disk is full"), std::string::npos) << r.err;
  EXPECT_EQ(cli_json({"list"})["links"].size(), 1u);  // nothing half-written
  auto check = cli({"check", "--verify-hashes"});
  EXPECT_EQ(check.exit_code, 0) << check.out;
}

}  // namespace
}  // namespace linksnap
