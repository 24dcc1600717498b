// `linksnap refresh`, link status and schedules: the real CLI against a loopback server whose
// page changes between requests, then answers 404, then moves; and in process with a clock the
// test sets, for what is due.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands/command.h"
#include "history/link_check.h"
#include "http_server.h"
#include "net/curl_fetcher.h"
#include "protocol/frame.h"
#include "store/link_status.h"
#include "store/store.h"
#include "test_util.h"

namespace linksnap {
namespace {

namespace fs = boost::filesystem;
using linksnap::test::TestHttpServer;
using linksnap::testing::ProcessResult;
using linksnap::testing::spawn_cli;
using linksnap::testing::TempDir;
using nlohmann::json;

constexpr const char* kInserted = "新版本支持硬件时间戳，精度可达微秒。";

std::string page(const std::string& body) {
  return "<!DOCTYPE html><html><head><meta charset=utf-8><title>时间同步笔记</title>"
         "<link rel=stylesheet href=style.css></head><body>"
         "<p>chrony 是一个时间同步程序。</p>" + body +
         "<p>It can use NTS to authenticate its servers.</p><img src=\"clock.png\"></body></html>";
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path.string(), std::ios::binary | std::ios::trunc) << bytes;
}

// The stored files (named by their SHA-256) under the store's blob folder.
std::size_t blob_files(const TempDir& home) {
  std::size_t n = 0;
  const fs::path blobs = home.path() / "blobs";
  if (!fs::exists(blobs)) return 0;
  for (fs::recursive_directory_iterator it(blobs), end; it != end; ++it) {
    if (fs::is_regular_file(it->path()) && it->path().filename().string().size() == 64) ++n;
  }
  return n;
}

class RefreshCliTest : public ::testing::Test {
 protected:
  explicit RefreshCliTest(int latency_ms = 0)
      : server_(TestHttpServer::Options{site_.str(), 0, latency_ms, true}) {
    std::ifstream in(linksnap::testing::fixture_path("chrony/clock.png"), std::ios::binary);
    std::ofstream(site_.path().string() + "/clock.png", std::ios::binary) << in.rdbuf();
    write_file(site_.path() / "style.css", "body { color: #333 }\n");
  }

  void serve(const std::string& html, const std::string& name = "page.html") {
    write_file(site_.path() / name, html);
  }

  ProcessResult cli(std::vector<std::string> args) { return linksnap::testing::run_cli(home_, std::move(args)); }
  json cli_json(std::vector<std::string> args) { return linksnap::testing::run_cli_json(home_, std::move(args)); }

  std::string url(const std::string& name = "page.html") const { return server_.base_url() + "/" + name; }

  TempDir home_, site_;
  TestHttpServer server_;
};

TEST_F(RefreshCliTest, ChangedPageGetsASecondSnapshotWhoseDiffIsTheInsertedSentenceOnly) {
  serve(page(""));
  cli_json({"add", url()});
  serve(page(std::string("<p>") + kInserted + "</p>"));

  json r = cli_json({"refresh", "1"});
  EXPECT_EQ(r["links"], 1);
  EXPECT_EQ(r["changed"], 1);
  EXPECT_EQ(r["unchanged"], 0);
  EXPECT_EQ(r["failed"], json::array());
  ASSERT_EQ(r["results"].size(), 1u);
  EXPECT_EQ(r["results"][0]["result"], "changed");
  EXPECT_EQ(r["results"][0]["snapshot"], 2);
  EXPECT_EQ(r["results"][0]["status"]["state"], "ok");
  EXPECT_EQ(r["results"][0]["status"]["code"], 200);
  EXPECT_EQ(r["results"][0]["status"]["detail"], "changed: new snapshot 2");
  EXPECT_EQ(r["results"][0]["status"]["redirected_to"], nullptr);

  json shown = cli_json({"show", "1"});
  EXPECT_EQ(shown["snapshots"].size(), 2u);
  json d = cli_json({"diff", "1"});
  std::vector<std::pair<std::string, std::string>> changes;
  for (const auto& h : d["hunks"]) {
    for (const auto& s : h["segments"]) {
      if (s["op"] != "equal") changes.emplace_back(s["op"], s["text"]);
    }
  }
  ASSERT_EQ(changes.size(), 1u) << d.dump(2);
  EXPECT_EQ(changes[0].first, "insert");
  EXPECT_EQ(changes[0].second, std::string(kInserted) + "\n");
  EXPECT_EQ(d["resources"], json({{"added", json::array()}, {"removed", json::array()}, {"changed", json::array()}}));

  // Again, unchanged: no third snapshot, no new file, and a later check time.
  const std::string first_check = shown["link"]["status"]["checked_at"];
  const std::size_t files = blob_files(home_);
  json again = cli_json({"refresh", "1"});
  EXPECT_EQ(again["changed"], 0);
  EXPECT_EQ(again["unchanged"], 1);
  EXPECT_EQ(again["results"][0]["result"], "unchanged");
  EXPECT_EQ(again["results"][0]["snapshot"], nullptr);
  shown = cli_json({"show", "1"});
  EXPECT_EQ(shown["snapshots"].size(), 2u);
  EXPECT_EQ(shown["link"]["status"]["state"], "ok");
  EXPECT_EQ(shown["link"]["status"]["detail"], "unchanged");
  EXPECT_GT(shown["link"]["status"]["checked_at"].get<std::string>(), first_check);
  EXPECT_EQ(blob_files(home_), files);
  json checked = cli_json({"check"});
  EXPECT_EQ(checked["ok"], true);
  EXPECT_EQ(checked["leftovers"], json::array());

  // The human summary.
  ProcessResult human = cli({"refresh", "1"});
  EXPECT_EQ(human.exit_code, 0) << human.err;
  EXPECT_EQ(human.out, "Refreshed 1 link: 0 changed (new snapshot), 1 unchanged, 0 failed.\n");
}

TEST_F(RefreshCliTest, AChangedStylesheetIsAChangeEvenWhenTheTextIsTheSame) {
  serve(page(""));
  cli_json({"add", url()});
  write_file(site_.path() / "style.css", "body { color: #c00 }\n");
  json r = cli_json({"refresh", "1"});
  EXPECT_EQ(r["results"][0]["result"], "changed");
  json d = cli_json({"diff", "1"});
  EXPECT_EQ(d["identical"], true);
  EXPECT_EQ(d["resources"]["changed"], json({url("style.css")}));
}

TEST_F(RefreshCliTest, AResourceThatFailsOnlyThisTimeIsNoChange) {
  serve(page(""));
  cli_json({"add", url()});
  fs::remove(site_.path() / "clock.png");  // now 404
  json r = cli_json({"refresh", "1"});
  EXPECT_EQ(r["results"][0]["result"], "unchanged");
  EXPECT_EQ(cli_json({"show", "1"})["snapshots"].size(), 1u);
}

TEST_F(RefreshCliTest, NotFoundMarksTheLinkBrokenAndKeepsItsSnapshots) {
  serve(page(""));
  serve(page("<p>other</p>"), "other.html");
  cli_json({"add", url()});
  cli_json({"add", url("other.html")});
  fs::remove(site_.path() / "page.html");

  json r = cli_json({"refresh", "1", "2"});
  EXPECT_EQ(r["links"], 2);
  EXPECT_EQ(r["unchanged"], 1);
  ASSERT_EQ(r["failed"].size(), 1u);
  EXPECT_EQ(r["failed"][0]["id"], 1);
  EXPECT_EQ(r["failed"][0]["code"], "http_error");
  EXPECT_EQ(r["failed"][0]["message"], "the server answered HTTP 404 for " + url());
  EXPECT_EQ(r["states"], json({{"ok", 1}, {"redirected", 0}, {"broken", 1}, {"error", 0}}));
  const json& status = r["results"][0]["status"];
  EXPECT_EQ(status["state"], "broken");
  EXPECT_EQ(status["code"], 404);
  EXPECT_EQ(status["detail"], "404 Not Found");

  json broken = cli_json({"list", "--status", "broken"});
  ASSERT_EQ(broken["links"].size(), 1u);
  EXPECT_EQ(broken["links"][0]["id"], 1);
  EXPECT_EQ(broken["links"][0]["status"], status);
  ProcessResult listed = cli({"list", "--status", "broken"});
  EXPECT_NE(listed.out.find("[404] 时间同步笔记"), std::string::npos) << listed.out;
  json ok = cli_json({"list", "--status", "ok"});
  ASSERT_EQ(ok["links"].size(), 1u);
  EXPECT_EQ(ok["links"][0]["id"], 2);
  EXPECT_EQ(cli_json({"list", "--status", "redirected"})["links"], json::array());
  // search carries the status too.
  json found = cli_json({"search", "other"});
  ASSERT_EQ(found["results"].size(), 1u);
  EXPECT_EQ(found["results"][0]["status"]["state"], "ok");

  ProcessResult shown = cli({"show", "1"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  const std::string at = status["checked_at"].get<std::string>().substr(0, 10) + " " +
                         status["checked_at"].get<std::string>().substr(11, 5);
  EXPECT_NE(shown.out.find("  status:  404 Not Found at " + at + "; the snapshots are now the reader's copy\n"),
            std::string::npos)
      << shown.out;
  EXPECT_NE(shown.out.find("Snapshots (1):"), std::string::npos) << shown.out;
  // The snapshot is the reader's copy now: it still opens.
  const std::string out_file = (home_.path() / "kept.html").string();
  ProcessResult exported = cli({"export", "1", "--html", out_file});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  std::ifstream in(out_file);
  std::stringstream kept;
  kept << in.rdbuf();
  EXPECT_NE(kept.str().find("chrony 是一个时间同步程序。"), std::string::npos);

  ProcessResult human = cli({"refresh", "1"});
  EXPECT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("Refreshed 1 link: 0 changed (new snapshot), 0 unchanged, 1 failed.\n"
                           "Links now: 0 ok, 0 redirected, 1 broken, 0 unreachable.\n"
                           "  1  " + url() + "\n     404 Not Found at "),
            std::string::npos)
      << human.out;
}

TEST_F(RefreshCliTest, AMovedPageIsRedirectedWithItsTarget) {
  serve(page(""));
  cli_json({"add", url()});
  serve(page(""), "moved.html");
  server_.set_redirect("/page.html", url("moved.html"));
  json r = cli_json({"refresh", "1"});
  EXPECT_EQ(r["results"][0]["result"], "unchanged");  // the same page at its new address
  EXPECT_EQ(r["results"][0]["status"]["state"], "redirected");
  EXPECT_EQ(r["results"][0]["status"]["redirected_to"], url("moved.html"));
  EXPECT_EQ(r["results"][0]["status"]["code"], 200);
  json moved = cli_json({"list", "--status", "redirected"});
  ASSERT_EQ(moved["links"].size(), 1u);
  ProcessResult shown = cli({"show", "1"});
  EXPECT_NE(shown.out.find("  status:  redirected to " + url("moved.html") + " at "), std::string::npos) << shown.out;
  // Moved to a page that is gone: broken, and where it went is kept.
  fs::remove(site_.path() / "moved.html");
  r = cli_json({"refresh", "1"});
  EXPECT_EQ(r["results"][0]["status"]["state"], "broken");
  EXPECT_EQ(r["results"][0]["status"]["redirected_to"], url("moved.html"));
}

TEST_F(RefreshCliTest, APageThatDoesNotArriveInTimeIsAnError) {
  serve(page(""));
  cli_json({"add", url()});
  server_.set_redirect("/page.html", "/__slow?ms=5000");
  json r = cli_json({"refresh", "1", "--timeout", "1"});
  ASSERT_EQ(r["failed"].size(), 1u);
  EXPECT_EQ(r["failed"][0]["code"], "timeout");
  const json& status = r["results"][0]["status"];
  EXPECT_EQ(status["state"], "error");
  EXPECT_EQ(status["code"], nullptr);
  EXPECT_EQ(status["detail"], r["failed"][0]["message"]);
  EXPECT_NE(status["detail"].get<std::string>().find("deadline of 1 s passed"), std::string::npos) << status;
  EXPECT_EQ(cli_json({"list", "--status", "error"})["links"].size(), 1u);
  EXPECT_EQ(cli_json({"show", "1"})["snapshots"].size(), 1u);
}

TEST_F(RefreshCliTest, BadInputRefreshesNothing) {
  serve(page(""));
  cli_json({"add", url()});
  ProcessResult r = cli({"refresh", "1", "7"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "linksnap: no link with id 7\n");
  EXPECT_EQ(cli_json({"show", "1"})["link"]["status"], nullptr);  // 1 was not taken either
  r = cli({"refresh"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "linksnap refresh: give link ids, --tag TAG or --due (one of them)\n");
  r = cli({"list", "--status", "dead"});
  EXPECT_EQ(r.exit_code, 2);
  r = cli({"schedule", "1", "fortnightly"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "linksnap: not an interval: \"fortnightly\" (write a number with m, h, d or w, e.g. 12h, 1d, "
                   "2w; at least 1 minute, at most 366 days)\n");
  r = cli({"schedule", "--tag", "nope", "1d"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "linksnap: no tag named \"nope\"\n");
  r = cli({"schedule", "--tag", "nope", "off"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "linksnap: tag \"nope\" has no schedule\n");
}

TEST_F(RefreshCliTest, SchedulesAreSetListedAndTurnedOff) {
  serve(page(""));
  serve(page("<p>b</p>"), "b.html");
  cli_json({"add", url(), "--tag", "news/tech"});
  cli_json({"add", url("b.html")});
  json s = cli_json({"schedule", "--tag", "news", "1d"});
  s = cli_json({"schedule", "2", "7d"});
  s = cli_json({"schedule", "1", "off"});
  EXPECT_EQ(s["schedules"], json::parse(R"([
    {"link": null, "tag": "news", "interval_seconds": 86400, "every": "1d", "links": 1},
    {"link": 1, "tag": null, "interval_seconds": 0, "every": "off", "links": 1},
    {"link": 2, "tag": null, "interval_seconds": 604800, "every": "7d", "links": 1}])"));
  EXPECT_EQ(s["due"], 0);  // just saved
  ProcessResult listed = cli({"schedule"});
  EXPECT_EQ(listed.out,
            "tag news: every 1d (1 link)\n"
            "link 1: never (whatever its tags say)\n"
            "link 2: every 7d\n"
            "0 links are due now (`linksnap refresh --due`).\n");
  s = cli_json({"schedule", "1", "inherit"});
  s = cli_json({"schedule", "--tag", "news", "off"});
  EXPECT_EQ(s["schedules"].size(), 1u);
  json none = cli_json({"refresh", "--due"});
  EXPECT_EQ(none["links"], 0);
}

// The messages the real linksnap-host answers to `requests`, in the order it wrote them.
std::vector<json> host_messages(const TempDir& home, const std::vector<json>& requests) {
  std::string input;
  for (const auto& r : requests) input += protocol::encode_frame(r.dump());
  const ProcessResult p = linksnap::testing::run_process(
      {LINKSNAP_HOST_BIN, "chrome-extension://test/"},
      {"LINKSNAP_HOME=" + home.str(), "LINKSNAP_ALLOWED_CALLERS=chrome-extension://test/"}, input);
  EXPECT_EQ(p.exit_code, 0) << p.err;
  protocol::StringByteSource src(p.out);
  std::vector<json> out;
  while (true) {
    auto f = protocol::read_frame(src, 64u << 20);
    if (f.status != protocol::FrameStatus::kFrame) break;
    out.push_back(json::parse(f.payload));
  }
  return out;
}

TEST_F(RefreshCliTest, TheHostRefreshesWithProgressAndListsByStatus) {
  serve(page(""));
  cli_json({"add", url()});
  fs::remove(site_.path() / "page.html");
  auto messages = host_messages(home_, {{{"id", 1}, {"cmd", "refresh"}, {"args", {{"ids", {1}}}}}});
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0], json::parse(R"({"id": 1, "event": "progress", "data": {"stage": "refreshing",
      "done": 1, "total": 1, "failed": 1, "ok": false, "url": ")" + url() + R"(",
      "error": {"code": "http_error", "message": "the server answered HTTP 404 for )" + url() + R"("}}})"));
  EXPECT_EQ(messages[1]["ok"], true);
  EXPECT_EQ(messages[1]["result"]["states"]["broken"], 1);
  messages = host_messages(home_, {{{"id", 2}, {"cmd", "list"}, {"args", {{"status", "broken"}}}},
                                   {{"id", 3}, {"cmd", "schedule"}, {"args", {{"id", 1}, {"every", "12h"}}}}});
  ASSERT_EQ(messages.size(), 2u);
  for (const auto& m : messages) {
    if (m["id"] == 2) {
      ASSERT_EQ(m["result"]["links"].size(), 1u);
      EXPECT_EQ(m["result"]["links"][0]["status"]["code"], 404);
    } else {
      EXPECT_EQ(m["result"]["schedules"][0]["every"], "12h");
    }
  }
}

// A clock the test moves.
class ManualClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return now_; }
  void advance(std::chrono::seconds s) { now_ += s; }

 private:
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::from_time_t(1'795'000'000);
};

TEST_F(RefreshCliTest, DueTakesWhatItsScheduleSaysAndNothingElse) {
  serve(page(""));
  serve(page("<p>b</p>"), "b.html");
  serve(page("<p>c</p>"), "c.html");
  ManualClock clock;
  auto store = store::Store::open(home_.path(), clock);
  ASSERT_OK(store);
  net::CurlFetcher fetcher;
  commands::Context ctx{*store, fetcher, net::FetchLimits{}, {}};
  ASSERT_OK(commands::run(ctx, "add", {{"url", url()}, {"tags", {"news/tech"}}}));  // 1
  ASSERT_OK(commands::run(ctx, "add", {{"url", url("b.html")}}));                  // 2
  ASSERT_OK(commands::run(ctx, "add", {{"url", url("c.html")}, {"tags", {"news"}}}));  // 3
  ASSERT_OK(commands::run(ctx, "schedule", {{"tag", "news"}, {"every", "1d"}}));
  ASSERT_OK(commands::run(ctx, "schedule", {{"id", 2}, {"every", "7d"}}));
  ASSERT_OK(commands::run(ctx, "schedule", {{"id", 3}, {"every", "off"}}));

  clock.advance(std::chrono::hours(23));
  auto due = store::due_links(*store, 100);
  ASSERT_OK(due);
  EXPECT_TRUE(due->empty());
  clock.advance(std::chrono::hours(2));
  due = store::due_links(*store, 100);
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 1u);  // 1 by its tag; 3 is off, 2 waits a week
  EXPECT_EQ((*due)[0].id, 1);
  auto refreshed = commands::run(ctx, "refresh", {{"due", true}});
  ASSERT_OK(refreshed);
  EXPECT_EQ((*refreshed)["links"], 1);
  EXPECT_EQ((*refreshed)["results"][0]["id"], 1);
  // Checked now: due again a day later, not before.
  due = store::due_links(*store, 100);
  ASSERT_OK(due);
  EXPECT_TRUE(due->empty());
  clock.advance(std::chrono::hours(24 * 7));
  due = store::due_links(*store, 100);
  ASSERT_OK(due);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, 2);  // the oldest first: 2 was never checked
  EXPECT_EQ((*due)[1].id, 1);
}

TEST_F(RefreshCliTest, HostArgumentsAreCheckedBeforeAnyWork) {
  SystemClock clock;
  auto store = store::Store::open(home_.path(), clock);
  ASSERT_OK(store);
  net::CurlFetcher fetcher;
  commands::Context ctx{*store, fetcher, net::FetchLimits{}, {}};
  using linksnap::errc::kBadRequest;
  EXPECT_ERROR(commands::run(ctx, "refresh", json::object()), kBadRequest,
               "give one of \"ids\" (link ids), \"tag\" (a tag) or \"due\": true");
  EXPECT_ERROR(commands::run(ctx, "refresh", {{"ids", json::array()}}), kBadRequest,
               "field \"ids\" must be an array of 1 to 10000 positive integer ids");
  EXPECT_ERROR(commands::run(ctx, "refresh", {{"ids", {3}}}), errc::kNotFound, "no link with id 3");
  EXPECT_ERROR(commands::run(ctx, "list", {{"status", "gone"}}), kBadRequest,
               "status must be \"ok\", \"redirected\", \"broken\" or \"error\" (got \"gone\")");
  EXPECT_ERROR(commands::run(ctx, "schedule", {{"every", "1d"}}), kBadRequest,
               "\"every\" needs \"id\" (a link) or \"tag\"");
  EXPECT_ERROR(commands::run(ctx, "schedule", {{"tag", "x"}, {"every", "inherit"}}), kBadRequest,
               "\"inherit\" is for a link; a tag's schedule is removed with \"off\"");
  auto empty = commands::run(ctx, "schedule", json::object());
  ASSERT_OK(empty);
  EXPECT_EQ(*empty, json({{"schedules", json::array()}, {"due", 0}}));
}

// ---- Pure rules ----

TEST(LinkCheckTest, ClassifiesWhatTheServerDid) {
  using history::classify_check;
  auto c = classify_check("http://a.test/x", 200, "http://a.test/x", "", "");
  EXPECT_EQ(c.outcome, "ok");
  EXPECT_EQ(c.redirected_to, "");
  c = classify_check("http://a.test/x", 200, "http://A.test:80/x#top", "", "");
  EXPECT_EQ(c.outcome, "ok");  // the same page, normalized
  c = classify_check("http://a.test/x", 200, "https://b.test/y", "", "");
  EXPECT_EQ(c.outcome, "redirected");
  EXPECT_EQ(c.redirected_to, "https://b.test/y");
  c = classify_check("http://a.test/x", 410, "http://a.test/x", "http_error", "the server answered HTTP 410");
  EXPECT_EQ(c.outcome, "http_410");
  EXPECT_EQ(c.detail, "410 Gone");
  EXPECT_EQ(history::state_of(c.outcome), "broken");
  c = classify_check("http://a.test/x", 503, "http://a.test/x", "http_error", "");
  EXPECT_EQ(c.outcome, "http_error");
  EXPECT_EQ(c.detail, "503 Service Unavailable");
  EXPECT_EQ(history::state_of(c.outcome), "error");
  c = classify_check("http://a.test/x", 0, "", "fetch_failed", "could not resolve host a.test");
  EXPECT_EQ(c.outcome, "dns");
  EXPECT_EQ(c.detail, "could not resolve host a.test");
  c = classify_check("https://a.test/", 0, "", "fetch_failed", "TLS handshake with a.test failed: x");
  EXPECT_EQ(c.outcome, "tls");
  c = classify_check("https://a.test/", 0, "", "timeout", "the capture's deadline of 60 s passed");
  EXPECT_EQ(c.outcome, "timeout");
  EXPECT_EQ(c.detail, "the capture's deadline of 60 s passed");
  c = classify_check("https://a.test/", 0, "", "timeout", "could not connect to a.test port 443 within 10 s");
  EXPECT_EQ(c.outcome, "timeout");
  EXPECT_EQ(c.detail, "timed out: could not connect to a.test port 443 within 10 s");
  c = classify_check("https://a.test/", 0, "", "fetch_failed", "could not connect to a.test port 443: refused");
  EXPECT_EQ(c.outcome, "other");
  EXPECT_EQ(history::state_of("other"), "error");
}

TEST(LinkCheckTest, IntervalsAsPeopleWriteThem) {
  EXPECT_EQ(*history::parse_interval("1d"), 86400);
  EXPECT_EQ(*history::parse_interval("12h"), 43200);
  EXPECT_EQ(*history::parse_interval("90m"), 5400);
  EXPECT_EQ(*history::parse_interval("2w"), 1209600);
  EXPECT_EQ(*history::parse_interval("3600"), 3600);
  EXPECT_EQ(*history::parse_interval("366d"), 366 * 86400);
  for (const char* bad : {"", "d", "1", "59s", "367d", "1.5d", "1dd", "-1d", "1 d", "99999999999999999999w"}) {
    EXPECT_FALSE(history::parse_interval(bad).ok()) << bad;
  }
  EXPECT_EQ(history::format_interval(86400), "1d");
  EXPECT_EQ(history::format_interval(5400), "90m");
  EXPECT_EQ(history::format_interval(1209600), "14d");
  EXPECT_EQ(history::format_interval(61), "61s");
}

// ---- The store keeps its guarantees ----


class RefreshStoreTest : public RefreshCliTest {
 protected:
  // Slow enough that a kill lands in the middle of a run.
  RefreshStoreTest() : RefreshCliTest(15) {}

  // n pages, each added with tag "t", then each changed on the server.
  void add_changing_pages(int n) {
    for (int i = 0; i < n; ++i) serve(page("<p>page " + std::to_string(i) + "</p>"), "p" + std::to_string(i) + ".html");
    std::vector<std::string> urls;
    for (int i = 0; i < n; ++i) urls.push_back(url("p" + std::to_string(i) + ".html"));
    for (const auto& u : urls) cli_json({"add", u, "--tag", "t", "--no-render"});
    for (int i = 0; i < n; ++i) {
      serve(page("<p>page " + std::to_string(i) + " changed</p><img src=\"new" + std::to_string(i) + ".png\">"),
            "p" + std::to_string(i) + ".html");
      write_file(site_.path() / ("new" + std::to_string(i) + ".png"), "not really a png " + std::to_string(i));
    }
  }
};

TEST_F(RefreshStoreTest, RefreshAndAnotherProcessSavingAtOnceBothComplete) {
  add_changing_pages(8);
  const std::string html_file = (site_.path() / "dom.html").string();
  write_file(html_file, page("<p>a DOM the extension sent</p>"));
  std::thread saver([&] {
    for (int i = 0; i < 10; ++i) {
      ProcessResult s = cli({"save", "--url", "http://dom.test/" + std::to_string(i), "--html-file", html_file});
      EXPECT_EQ(s.exit_code, 0) << s.err;
    }
  });
  json r = cli_json({"refresh", "--tag", "t", "--jobs", "4"});
  saver.join();
  EXPECT_EQ(r["links"], 8);
  EXPECT_EQ(r["changed"], 8);
  EXPECT_EQ(r["failed"], json::array());
  json all = cli_json({"list", "--limit", "100"});
  EXPECT_EQ(all["links"].size(), 18u);
  json checked = cli_json({"check", "--verify-hashes"});
  EXPECT_EQ(checked["ok"], true) << checked.dump(2);
  EXPECT_EQ(checked["problems"], json::array());
  EXPECT_EQ(checked["counts"]["snapshots"], 26);  // 8 adds + 8 refreshes + 10 saves
}

TEST_F(RefreshStoreTest, AKillInTheMiddleOfARefreshLeavesTheStoreWhole) {
  add_changing_pages(12);
  // Killed at different moments of the run: fetching, storing, recording checks.
  int killed = 0;
  for (int delay_ms : {40, 100, 160, 220}) {
    const pid_t pid = spawn_cli(home_, {"refresh", "--tag", "t", "--jobs", "4"});
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) ++killed;  // else the run had finished already
    json checked = cli_json({"check", "--verify-hashes"});
    EXPECT_EQ(checked["ok"], true) << "killed after " << delay_ms << " ms: " << checked.dump(2);
    EXPECT_EQ(checked["problems"], json::array());
  }
  EXPECT_GE(killed, 1) << "every run ended before its kill: the test killed nothing";
  // What the killed runs did not finish, a full run does; a link never has two snapshots of
  // the same content.
  json r = cli_json({"refresh", "--tag", "t"});
  EXPECT_EQ(r["failed"], json::array());
  json again = cli_json({"refresh", "--tag", "t"});
  EXPECT_EQ(again["unchanged"], 12);
  for (int id = 1; id <= 12; ++id) {
    EXPECT_EQ(cli_json({"show", std::to_string(id)})["snapshots"].size(), 2u) << "link " << id;
  }
}

}  // namespace
}  // namespace linksnap
