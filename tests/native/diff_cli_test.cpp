// `linksnap diff`: the real CLI against a loopback server whose page changes between saves.
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

constexpr const char* kInserted = "新版本支持硬件时间戳，精度可达微秒。";

std::string page(const std::string& body, const std::string& image = "clock.png") {
  return "<!DOCTYPE html><html><head><meta charset=utf-8><title>时间同步笔记</title></head><body>"
         "<p>chrony 是一个时间同步程序。</p>" + body +
         "<p>It can use NTS to authenticate its servers.</p><img src=\"" + image + "\"></body></html>";
}

class DiffCliTest : public ::testing::Test {
 protected:
  DiffCliTest() : server_(TestHttpServer::Options{site_.str(), 0, 0, true}) {
    for (const char* png : {"clock.png", "banner.png"}) {
      std::ifstream in(linksnap::testing::fixture_path(std::string("chrony/") + png), std::ios::binary);
      std::ofstream(site_.path().string() + "/" + png, std::ios::binary) << in.rdbuf();
    }
  }

  void serve(const std::string& html) {
    std::ofstream(site_.path().string() + "/page.html", std::ios::binary | std::ios::trunc) << html;
  }

  ProcessResult cli(std::vector<std::string> args) { return linksnap::testing::run_cli(home_, std::move(args)); }

  json cli_json(std::vector<std::string> args) { return linksnap::testing::run_cli_json(home_, std::move(args)); }

  std::string url() const { return server_.base_url() + "/page.html"; }

  TempDir home_, site_;
  TestHttpServer server_;
};

TEST_F(DiffCliTest, InsertedChineseSentenceIsTheOnlyChange) {
  serve(page(""));
  cli_json({"add", url()});
  serve(page(std::string("<p>") + kInserted + "</p>", "banner.png"));
  cli_json({"add", url()});

  json d = cli_json({"diff", "1"});
  EXPECT_EQ(d["from"]["id"], 1);
  EXPECT_EQ(d["to"]["id"], 2);
  EXPECT_EQ(d["identical"], false);
  std::vector<std::pair<std::string, std::string>> changes;
  for (const auto& h : d["hunks"]) {
    for (const auto& s : h["segments"]) {
      if (s["op"] != "equal") changes.emplace_back(s["op"], s["text"]);
    }
  }
  // The sentence is its own paragraph: a new line of text.
  ASSERT_EQ(changes.size(), 1u) << d.dump(2);
  EXPECT_EQ(changes[0].first, "insert");
  EXPECT_EQ(changes[0].second, std::string(kInserted) + "\n");
  EXPECT_EQ(d["inserted_chars"], 19);
  const std::string base = server_.base_url();
  EXPECT_EQ(d["resources"]["added"], json({base + "/banner.png"}));
  EXPECT_EQ(d["resources"]["removed"], json({base + "/clock.png"}));

  auto human = cli({"diff", "1"});
  EXPECT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find(std::string("{+") + kInserted), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("Text: 19 characters inserted, 0 deleted, in 1 place."), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("Resources added (1):\n  " + base + "/banner.png"), std::string::npos) << human.out;
}

TEST_F(DiffCliTest, NamedSnapshotsAndIdenticalText) {
  serve(page(""));
  cli_json({"add", url()});
  cli_json({"add", url()});
  json d = cli_json({"diff", "1", "2", "1"});
  EXPECT_EQ(d["from"]["id"], 2);
  EXPECT_EQ(d["identical"], true);
  EXPECT_EQ(d["hunks"], json::array());
  EXPECT_NE(cli({"diff", "1"}).out.find("The text did not change."), std::string::npos);
}

TEST_F(DiffCliTest, ClearErrors) {
  serve(page(""));
  cli_json({"add", url()});
  auto one = cli({"diff", "1"});
  EXPECT_EQ(one.exit_code, 1);
  EXPECT_EQ(one.err, "linksnap: link 1 has only one snapshot; a diff needs two\n");
  auto missing = cli({"diff", "1", "1", "9"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "linksnap: no snapshot with id 9\n");
  auto half = cli({"diff", "1", "1"});
  EXPECT_EQ(half.exit_code, 2);
  EXPECT_EQ(half.err, "linksnap diff: give two snapshot ids (older first), or none\n");
}

}  // namespace
}  // namespace linksnap
