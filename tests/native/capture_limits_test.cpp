// The capture's limits end to end: the real `linksnap` binary against the loopback server, with
// pages that drip, name 100,000 images or 30 MiB images. Each case asserts the reasons `show`
// gives for what is missing, a clean data directory (no temp files) and its time or memory.
#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http_server.h"
#include "test_util.h"

namespace linksnap {
namespace {

using linksnap::test::TestHttpServer;
using linksnap::testing::ProcessResult;
using linksnap::testing::TempDir;
using nlohmann::json;

class CaptureLimitsTest : public ::testing::Test {
 protected:
  // Serves `html` as /index.html (plus the server's /__ routes).
  void serve(const std::string& html) {
    std::ofstream((site_.path() / "index.html").string(), std::ios::binary) << html;
    server_ = std::make_unique<TestHttpServer>(TestHttpServer::Options{site_.str(), 0, 0, true});
  }
  std::string page_url() const { return server_->base_url() + "/index.html"; }

  ProcessResult cli(std::vector<std::string> args) { return linksnap::testing::run_cli(home_, std::move(args)); }
  json cli_json(std::vector<std::string> args) { return linksnap::testing::run_cli_json(home_, std::move(args)); }

  std::size_t temp_files() const {
    std::size_t n = 0;
    boost::system::error_code ec;
    for (boost::filesystem::directory_iterator it(home_.path() / "tmp", ec), end;
         !ec && it != end; it.increment(ec)) {
      ++n;
    }
    return n;
  }

  void expect_clean_check() {
    const ProcessResult r = cli({"check"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(temp_files(), 0u);
  }

  TempDir site_, home_;
  std::unique_ptr<TestHttpServer> server_;
};

TEST_F(CaptureLimitsTest, TimeoutSavesWhatArrivedAndListsTheRestAsDeadline) {
  std::string html = "<title>drip</title><img src=\"/__bytes?n=100\">";
  for (int i = 0; i < 20; ++i) {
    html += "<img src=\"/__drip?n=1000&ms=100&i=" + std::to_string(i) + "\">";
  }
  serve(html);
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult added = cli({"add", page_url(), "--timeout", "2"});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_LT(took, std::chrono::seconds(10));  // 2 s and the saving; without it: 100 s

  const json shown = cli_json({"show", "1"});
  EXPECT_EQ(shown["resource_totals"]["total"], 21);
  EXPECT_EQ(shown["resource_totals"]["saved"], 1);
  EXPECT_EQ(shown["resource_totals"]["missing_by_reason"], json({{"deadline", 20}}));
  const ProcessResult text = cli({"show", "1"});
  EXPECT_NE(text.out.find("(1 saved, 20 missing)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("missing by reason: deadline 20\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("deadline: the capture's deadline of 2 s passed before"),
            std::string::npos)
      << text.out;
  expect_clean_check();
}

TEST_F(CaptureLimitsTest, TimeoutOutOfRangeIsRefused) {
  serve("<title>t</title>");
  const ProcessResult r = cli({"add", page_url(), "--timeout", "0"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

TEST_F(CaptureLimitsTest, ShowAccountsForEveryOneOfAHundredThousandImages) {
  std::string html = "<title>many</title>";
  for (int i = 0; i < 100'000; ++i) html += "<img src=\"i" + std::to_string(i) + ".png\">";
  serve(html);
  const auto start = std::chrono::steady_clock::now();
  const ProcessResult added = cli({"add", page_url()});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  std::cout << "add of 100,000 images: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count()
            << " ms, peak RSS " << added.max_rss_kib / 1024 << " MiB\n";

  const json shown = cli_json({"show", "1"});
  EXPECT_EQ(shown["resource_totals"]["total"], 100'000);
  EXPECT_EQ(shown["resource_totals"]["missing"], 100'000);
  EXPECT_EQ(shown["resource_totals"]["missing_by_reason"],
            json({{"http_error", 2000}, {"too_many_resources", 98'000}}));
  EXPECT_EQ(shown["resource_totals"]["listed"], 1000);
  EXPECT_EQ(shown["resources"].size(), 1000u);
  const ProcessResult text = cli({"show", "1"});
  EXPECT_NE(text.out.find("(0 saved, 100000 missing)"), std::string::npos);
  EXPECT_NE(text.out.find("missing by reason: http_error 2000, too_many_resources 98000\n"),
            std::string::npos);
  EXPECT_NE(text.out.find("... and 99000 more not listed"), std::string::npos);
  expect_clean_check();
}

TEST_F(CaptureLimitsTest, LargeImagesStreamToDiskWithBoundedMemory) {
  // Four 30 MiB images: held in memory (and copied to the blob writer) they took 2-3 times
  // their size; streamed, the peak stays far below the 128 MiB goal.
  std::string html = "<title>big</title>";
  for (int i = 0; i < 4; ++i) {
    html += "<img src=\"/__bytes?n=" + std::to_string(30u << 20) + "&i=" + std::to_string(i) + "\">";
  }
  serve(html);
  const ProcessResult added = cli({"add", page_url()});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  std::cout << "add of 4 x 30 MiB images: peak RSS " << added.max_rss_kib / 1024 << " MiB\n";
  EXPECT_LT(added.max_rss_kib, 128 * 1024);
  const json shown = cli_json({"show", "1"});
  EXPECT_EQ(shown["resource_totals"]["saved"], 4);
  for (const auto& r : shown["resources"]) EXPECT_EQ(r["size"], 30 << 20) << r.dump();
  expect_clean_check();
}

TEST_F(CaptureLimitsTest, FailedDownloadsLeaveNoTempFiles) {
  serve("<title>t</title><img src=\"/__status/404\"><img src=\"/__gzipbomb?n=" +
        std::to_string(40u << 20) + "\">");
  const ProcessResult added = cli({"add", page_url()});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const json shown = cli_json({"show", "1"});
  EXPECT_EQ(shown["resource_totals"]["missing_by_reason"],
            json({{"http_error", 1}, {"too_large", 1}}));
  expect_clean_check();
}

}  // namespace
}  // namespace linksnap
