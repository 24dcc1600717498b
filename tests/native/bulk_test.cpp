// The bulk runner (commands/bulk.h) with a pure task, and `import --snapshot` through it
// against the loopback server.
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "commands/bulk.h"
#include "http_server.h"
#include "test_util.h"

namespace linksnap::commands {
namespace {

using linksnap::test::TestHttpServer;
using linksnap::testing::TempDir;

std::vector<BulkItem> items_on(const std::vector<std::string>& hosts, int per_host) {
  std::vector<BulkItem> items;
  for (int i = 0; i < per_host; ++i) {
    for (const auto& h : hosts) {
      items.push_back({static_cast<std::int64_t>(items.size() + 1), "http://" + h + "/" + std::to_string(i)});
    }
  }
  return items;
}

TEST(BulkRunnerTest, NeverRunsMoreThanThePerHostLimitAndKeepsTheOrder) {
  const auto items = items_on({"a.test", "b.test", "c.test"}, 4);
  std::mutex mutex;
  std::map<std::string, int> running;
  int most_on_one_host = 0, most_overall = 0, overall = 0;
  std::vector<std::size_t> progress_done;
  BulkOptions options;
  options.jobs = 4;
  options.per_host = 1;
  options.on_progress = [&](const BulkProgress& p) { progress_done.push_back(p.done); };
  auto outcomes = run_bulk(items, options, [&](std::size_t, const BulkItem& item) -> Result<nlohmann::json> {
    const std::string host = item.url.substr(7, 6);
    {
      std::lock_guard<std::mutex> lock(mutex);
      most_on_one_host = std::max(most_on_one_host, ++running[host]);
      most_overall = std::max(most_overall, ++overall);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    {
      std::lock_guard<std::mutex> lock(mutex);
      --running[host];
      --overall;
    }
    if (item.link_id == 5) return make_error(errc::kHttpError, "the page answered 404");
    return nlohmann::json{{"id", item.link_id}};
  });
  EXPECT_EQ(most_on_one_host, 1);
  EXPECT_LE(most_overall, 3);  // three hosts, one each
  ASSERT_EQ(outcomes.size(), items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(outcomes[i].item.link_id, items[i].link_id);
    EXPECT_EQ(outcomes[i].ok, items[i].link_id != 5);
  }
  EXPECT_EQ(outcomes[4].error.message, "the page answered 404");
  ASSERT_EQ(progress_done.size(), items.size());
  for (std::size_t i = 0; i < progress_done.size(); ++i) EXPECT_EQ(progress_done[i], i + 1);
}

TEST(BulkRunnerTest, ItemsNotStartedByTheDeadlineFailWithTimeout) {
  const auto items = items_on({"a.test"}, 6);
  BulkOptions options;
  options.jobs = 1;
  options.deadline = std::chrono::milliseconds(30);
  auto outcomes = run_bulk(items, options, [&](std::size_t, const BulkItem&) -> Result<nlohmann::json> {
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
    return nlohmann::json::object();
  });
  int failed = 0;
  for (const auto& o : outcomes) {
    if (o.ok) continue;
    ++failed;
    EXPECT_EQ(o.error.code, errc::kTimeout);
    EXPECT_EQ(o.error.message, "not started: the time limit of 0 s for the whole run was reached");
  }
  EXPECT_GE(failed, 5);
}

TEST(BulkRunnerTest, ImportSnapshotTakesEachLinkOnceAndReportsFailures) {
  TestHttpServer server({linksnap::testing::fixture_path("chrony"), 0, 0, true});
  TempDir home;
  const std::string file = (home.path() / "bookmarks.html").string();
  {
    std::ofstream out(file);
    out << "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n"
        << "<DT><A HREF=\"" << server.base_url() << "/chrony-nts.html\" ADD_DATE=\"1700000000\">chrony</A>\n"
        << "<DT><A HREF=\"" << server.base_url() << "/missing.html\">gone</A>\n"
        << "</DL><p>\n";
  }
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), LINKSNAP_CLI_BIN);
    return linksnap::testing::run_process(args, {"LINKSNAP_HOME=" + home.str(), "TZ=UTC"});
  };
  auto r = run({"import", file, "--snapshot", "--jobs", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string missing = server.base_url() + "/missing.html";
  const std::string failure = missing + ": the server answered HTTP 404 for " + missing;
  EXPECT_NE(r.out.find("Snapshotted 1, failed 1:\n  " + failure), std::string::npos) << r.out;
  // Not a terminal: one plain line per link.
  EXPECT_NE(r.err.find("/2] ok " + server.base_url() + "/chrony-nts.html\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/2] failed " + failure), std::string::npos) << r.err;

  // Again: the link with a snapshot is not fetched twice; the failed one is tried again.
  server.reset_log();
  r = run({"import", file, "--snapshot"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Imported 0 new links, merged 0 into saved links, 2 already saved.\n"),
            std::string::npos) << r.out;
  EXPECT_EQ(server.request_paths(), std::vector<std::string>({"/missing.html"}));
  EXPECT_EQ(run({"check"}).exit_code, 0);
}

}  // namespace
}  // namespace linksnap::commands
