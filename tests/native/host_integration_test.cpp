// The real linksnap-host binary, started as the browser starts it, fed framed messages on
// stdin; every byte it writes to stdout must be a frame.
#include <chrono>
#include <nlohmann/json.hpp>

#include "http_server.h"
#include "protocol/chunking.h"
#include "protocol/frame.h"
#include "test_util.h"

namespace linksnap {
namespace {

using linksnap::testing::run_process;
using linksnap::testing::TempDir;
using nlohmann::json;

const char* kOrigin = "chrome-extension://test/";

std::string frame(const json& message) { return protocol::encode_frame(message.dump()); }

struct HostRun {
  std::vector<json> messages;  // reassembled, in order of completion
  std::size_t frames = 0;
  std::size_t largest_frame = 0;
  int exit_code = -1;
  int signal = 0;
  std::string err;
  bool trailing_garbage = false;
};

class HostTest : public ::testing::Test {
 protected:
  HostRun run_host(const std::string& input) {
    auto p = run_process(
        {LINKSNAP_HOST_BIN, caller_},
        {"LINKSNAP_HOME=" + home_.str(), std::string("LINKSNAP_ALLOWED_CALLERS=") + kOrigin},
        input);
    HostRun r;
    r.exit_code = p.exit_code;
    r.signal = p.signal;
    r.err = p.err;
    protocol::StringByteSource src(p.out);
    protocol::ChunkAssembler assembler;
    while (true) {
      auto f = protocol::read_frame(src, 64u << 20);
      if (f.status == protocol::FrameStatus::kEndOfStream) break;
      if (f.status != protocol::FrameStatus::kFrame) {
        r.trailing_garbage = true;
        break;
      }
      ++r.frames;
      r.largest_frame = std::max(r.largest_frame, f.payload.size());
      json m = json::parse(f.payload);
      if (protocol::ChunkAssembler::is_chunk_envelope(m)) {
        auto done = assembler.add(m);
        EXPECT_TRUE(done.ok());
        if (done.ok() && *done) r.messages.push_back(**done);
      } else {
        r.messages.push_back(m);
      }
    }
    return r;
  }

  static const json* reply(const HostRun& r, const json& id) {
    for (const auto& m : r.messages) {
      if (m.contains("ok") && m["id"] == id) return &m;
    }
    return nullptr;
  }

  TempDir home_;
  std::string caller_ = kOrigin;
};

TEST_F(HostTest, CallersOtherThanLinkSnapAreRefused) {
  caller_ = "chrome-extension://someoneelse/";
  auto r = run_host(frame({{"id", 1}, {"cmd", "list"}}));
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_NE(reply(r, 1), nullptr);
  EXPECT_EQ((*reply(r, 1))["error"],
            (json{{"code", "forbidden"},
                  {"message",
                   "linksnap-host only serves the LinkSnap extension, not "
                   "chrome-extension://someoneelse/ (allow it with LINKSNAP_ALLOWED_CALLERS)"}}));
  EXPECT_NE(r.err.find("refusing requests from chrome-extension://someoneelse/"),
            std::string::npos);
}

TEST_F(HostTest, ListStartsAtOffsetZeroAndRefusesANegativeOne) {
  std::string in = frame({{"id", 1}, {"cmd", "list"}, {"args", {{"offset", 0}, {"limit", 5}}}});
  in += frame({{"id", 2}, {"cmd", "list"}, {"args", {{"offset", -1}}}});
  auto r = run_host(in);
  ASSERT_NE(reply(r, 1), nullptr);
  EXPECT_EQ((*reply(r, 1))["result"], (json{{"links", json::array()}, {"total", 0}}));
  ASSERT_NE(reply(r, 2), nullptr);
  EXPECT_EQ((*reply(r, 2))["error"]["message"],
            "field \"offset\" must be an integer from 0 to 9223372036854775807");
}

TEST_F(HostTest, TheExtensionsOwnOriginAndFirefoxIdAreServed) {
  caller_ = std::string("chrome-extension://") + LINKSNAP_EXTENSION_ID + "/";
  auto chromium = run_host(frame({{"id", 1}, {"cmd", "tags"}}));
  ASSERT_NE(reply(chromium, 1), nullptr);
  EXPECT_EQ((*reply(chromium, 1))["ok"], true);
  auto p = run_process(
      {LINKSNAP_HOST_BIN, "/home/u/.mozilla/native-messaging-hosts/org.linksnap.host.json",
       LINKSNAP_GECKO_ID},
      {"LINKSNAP_HOME=" + home_.str()}, frame({{"id", 2}, {"cmd", "tags"}}));
  EXPECT_NE(p.out.find("\"ok\":true"), std::string::npos) << p.out;
}

TEST_F(HostTest, PingReportsVersionsAndEofExitsCleanly) {
  auto r = run_host(frame({{"id", 1}, {"cmd", "ping"}}));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(r.trailing_garbage);
  const json* ping = reply(r, 1);
  ASSERT_NE(ping, nullptr);
  EXPECT_EQ((*ping)["ok"], true);
  EXPECT_EQ((*ping)["result"]["protocol_version"], 1);
  EXPECT_EQ((*ping)["result"]["host_version"], LINKSNAP_VERSION);
}

TEST_F(HostTest, BadRequestsGetErrorRepliesAndTheHostGoesOn) {
  std::string in;
  in += protocol::encode_frame("{not json");
  in += frame({{"id", 2}, {"cmd", "frobnicate"}});
  in += frame({{"id", 3}, {"cmd", "save"}, {"args", {{"url", "https://a.example/"}}}});
  in += frame({{"cmd", "ping"}});
  in += frame({{"id", 5}, {"cmd", "add"}, {"args", {{"url", "file:///etc/passwd"}}}});
  in += frame({{"id", 6}, {"cmd", "add"}, {"args", {{"url", "gopher://old.example/"}}}});
  in += frame({{"id", 7}, {"cmd", "show"}, {"args", {{"id", 42}}}});
  in += frame({{"id", 8}, {"cmd", "search"}, {"args", "oops"}});
  in += protocol::encode_frame("[1,2]");
  in += frame({{"id", 9}, {"cmd", "ping"}});
  auto r = run_host(in);
  EXPECT_EQ(r.exit_code, 0);
  std::size_t replies = 0;
  for (const auto& m : r.messages) replies += m.contains("ok") ? 1 : 0;
  EXPECT_EQ(replies, 10u);
  EXPECT_EQ(r.messages.size(), 10u);  // refused before any work: no progress events
  auto error_of = [&](const json& id) {
    const json* m = reply(r, id);
    return m ? (*m)["error"] : json();
  };
  // Replies without an id (bad JSON, no id, not an object) arrive in order.
  std::vector<json> no_id;
  for (const auto& m : r.messages) {
    if (m["id"].is_null()) no_id.push_back(m["error"]);
  }
  ASSERT_EQ(no_id.size(), 3u) << json(no_id).dump();  // bad JSON, no id, not an object
  EXPECT_EQ(no_id[0]["code"], "bad_json");
  EXPECT_EQ(no_id[1],
            (json{{"code", "bad_request"},
                  {"message", "every request needs an \"id\" (an integer or a string)"}}));
  EXPECT_EQ(no_id[2],
            (json{{"code", "bad_request"}, {"message", "request must be a JSON object"}}));
  EXPECT_EQ(error_of(2),
            (json{{"code", "unknown_command"}, {"message", "unknown command \"frobnicate\""}}));
  EXPECT_EQ(error_of(3),
            (json{{"code", "bad_request"}, {"message", "missing field \"html\" (a string)"}}));
  EXPECT_EQ(error_of(5), (json{{"code", "unsupported_scheme"},
                               {"message", "only http and https URLs can be added (got file:)"}}));
  EXPECT_EQ(error_of(6),
            (json{{"code", "unsupported_scheme"},
                  {"message", "only http and https URLs can be added (got gopher:)"}}));
  EXPECT_EQ(error_of(7), (json{{"code", "not_found"}, {"message", "no link with id 42"}}));
  EXPECT_EQ(error_of(8),
            (json{{"code", "bad_request"}, {"message", "field \"args\" must be an object"}}));
  ASSERT_NE(reply(r, 9), nullptr);
  EXPECT_EQ((*reply(r, 9))["ok"], true);
}

TEST_F(HostTest, OversizedFrameIsRefusedAndTheStreamStaysInSync) {
  std::string in = protocol::encode_frame(std::string(5u << 20, 'x'));
  in += frame({{"id", 1}, {"cmd", "ping"}});
  auto r = run_host(in);
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0]["error"]["code"], "too_large");
  EXPECT_EQ(r.messages[1]["ok"], true);
}

TEST_F(HostTest, BrokenStreamEndsTheHostCleanlyNotBySignal) {
  std::string in = frame({{"id", 1}, {"cmd", "ping"}});
  in += std::string("\x10\x00", 2);  // half a length header, then EOF
  auto r = run_host(in);
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("linksnap-host: stopping: "), std::string::npos) << r.err;
  ASSERT_NE(reply(r, 1), nullptr);  // the request before the break was still answered
}

TEST_F(HostTest, SavedDomIsFoundByChineseSearch) {
  const std::string html = linksnap::testing::read_fixture("chrony/chrony-nts.html");
  std::string in = frame({{"id", 1},
                          {"cmd", "save"},
                          {"args",
                           {{"url", "https://example.com/chrony-nts.html"},
                            {"html", html},
                            {"tags", {"笔记/时间"}}}}});
  auto r1 = run_host(in);
  ASSERT_NE(reply(r1, 1), nullptr);
  ASSERT_EQ((*reply(r1, 1))["ok"], true) << (*reply(r1, 1)).dump();
  const json& result = (*reply(r1, 1))["result"];
  EXPECT_EQ(result["link"]["title"], "chrony 时间同步与 NTS 配置笔记");
  EXPECT_EQ(result["created"], true);
  EXPECT_EQ(result["snapshot"]["source"], "dom");

  auto r2 = run_host(
      frame({{"id", "s"}, {"cmd", "search"}, {"args", {{"query", "密钥"}, {"tags", {"笔记"}}}}}));
  const json* found = reply(r2, "s");
  ASSERT_NE(found, nullptr);
  ASSERT_EQ((*found)["result"]["results"].size(), 1u);
  EXPECT_EQ((*found)["result"]["results"][0]["tags"], json({"笔记/时间"}));
  EXPECT_NE(
      (*found)["result"]["results"][0]["snippet"].get<std::string>().find("<mark>密钥</mark>"),
      std::string::npos);
}

TEST_F(HostTest, RmTakesManyIdsAtOnce) {
  std::string in;
  for (int i = 1; i <= 3; ++i) {
    in += frame({{"id", i},
                 {"cmd", "save"},
                 {"args", {{"url", "https://a.example/" + std::to_string(i)}, {"html", "<p>x</p>"}}}});
  }
  run_host(in);  // saves run concurrently with later requests: done first
  in = frame({{"id", 4}, {"cmd", "rm"}, {"args", {{"ids", {1, 2}}}}});
  in += frame({{"id", 5}, {"cmd", "rm"}, {"args", {{"ids", json::array()}}}});
  in += frame({{"id", 6}, {"cmd", "rm"}, {"args", {{"ids", {3, "4"}}}}});
  in += frame({{"id", 7}, {"cmd", "rm"}, {"args", {{"ids", {3}}, {"id", 3}}}});
  auto r = run_host(in);
  ASSERT_NE(reply(r, 4), nullptr);
  EXPECT_EQ((*reply(r, 4))["result"], (json{{"deleted", {1, 2}}})) << reply(r, 4)->dump();
  const json bad_ids{{"code", "bad_request"},
                     {"message", "field \"ids\" must be an array of 1 to 10000 positive integer ids"}};
  EXPECT_EQ((*reply(r, 5))["error"], bad_ids);
  EXPECT_EQ((*reply(r, 6))["error"], bad_ids);
  EXPECT_EQ((*reply(r, 7))["error"],
            (json{{"code", "bad_request"}, {"message", "give \"id\" or \"ids\", not both"}}));
  auto after = run_host(frame({{"id", 8}, {"cmd", "list"}}));
  ASSERT_EQ((*reply(after, 8))["result"]["links"].size(), 1u);
  EXPECT_EQ((*reply(after, 8))["result"]["links"][0]["id"], 3);
}

TEST_F(HostTest, LargeDomTravelsInChunksBothWays) {
  // ~6 MB of mixed CJK and ASCII: more than one frame in each direction.
  std::string body;
  while (body.size() < (6u << 20)) body += "<p>时间同步 chrony \"quoted\" \\ back 密钥</p>\n";
  const std::string html =
      "<html><head><title>大页面</title></head><body>" + body + "</body></html>";
  const json request{
      {"id", 10}, {"cmd", "save"}, {"args", {{"url", "https://big.example/"}, {"html", html}}}};
  std::string in;
  const auto pieces = protocol::split_message(request, 512u << 10);
  ASSERT_GT(pieces.size(), 10u);
  for (const auto& p : pieces) in += protocol::encode_frame(p);
  auto saved = run_host(in);
  EXPECT_EQ(saved.exit_code, 0) << saved.err;
  ASSERT_NE(reply(saved, 10), nullptr);
  ASSERT_EQ((*reply(saved, 10))["ok"], true) << (*reply(saved, 10)).dump().substr(0, 300);
  // Requests run concurrently, so a read is sent once the save's reply is in (a new run here).
  auto r = run_host(frame({{"id", 11}, {"cmd", "view"}, {"args", {{"id", 1}}}}));
  const json* view = reply(r, 11);
  ASSERT_NE(view, nullptr);
  ASSERT_EQ((*view)["ok"], true) << view->dump().substr(0, 500);
  EXPECT_GT(r.frames, 6u);
  EXPECT_LE(r.largest_frame, 1u << 20);  // Chrome's limit for host -> browser
  const std::string stored = (*view)["result"]["html"];
  EXPECT_NE(stored.find(body.substr(0, 1000)), std::string::npos);
  EXPECT_GE(stored.size(), html.size());
}

TEST_F(HostTest, ADomOverTheSizeLimitIsRefusedAndNothingIsSaved) {
  const std::string html = "<html><body>" + std::string((65u << 20), 'x') + "</body></html>";
  const json request{
      {"id", 12}, {"cmd", "save"}, {"args", {{"url", "https://huge.example/"}, {"html", html}}}};
  std::string in;
  for (const auto& p : protocol::split_message(request, 1u << 20)) in += protocol::encode_frame(p);
  in += frame({{"id", 13}, {"cmd", "list"}});
  auto r = run_host(in);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(reply(r, 12), nullptr);
  EXPECT_EQ((*reply(r, 12))["error"]["code"], "too_large");
  EXPECT_EQ((*reply(r, 12))["error"]["message"],
            "the page's HTML is 65.0 MiB; LinkSnap saves pages of up to 64 MiB");
  ASSERT_NE(reply(r, 13), nullptr);
  EXPECT_EQ((*reply(r, 13))["result"]["links"].size(), 0u);
}

TEST_F(HostTest, ChunkErrorsAreReportedWithTheMessageId) {
  std::string in;
  in += frame({{"id", 20}, {"chunk", {{"seq", 1}, {"total", 2}, {"data", "{}"}}}});
  in += frame({{"id", 21}, {"cmd", "ping"}});
  auto r = run_host(in);
  const json* bad = reply(r, 20);
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ((*bad)["error"]["code"], "bad_chunk");
  ASSERT_NE(reply(r, 21), nullptr);
}

}  // namespace
TEST_F(HostTest, AddTimeoutBoundsThePageFetchAndTheHostGoesOn) {
  test::TestHttpServer server(test::TestHttpServer::Options{"", 0, 0, true});
  const std::string dripping_page = server.base_url() + "/__drip?n=1000&ms=100&type=text/html";
  std::string in;
  in += frame({{"id", 1}, {"cmd", "add"}, {"args", {{"url", dripping_page}, {"timeout", 1}}}});
  in += frame({{"id", 2}, {"cmd", "add"}, {"args", {{"url", dripping_page}, {"timeout", "soon"}}}});
  in += frame({{"id", 3}, {"cmd", "ping"}});
  const auto start = std::chrono::steady_clock::now();
  auto r = run_host(in);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));  // not 100 s
  EXPECT_EQ(r.exit_code, 0);
  const json* timed_out = reply(r, 1);
  ASSERT_NE(timed_out, nullptr);
  EXPECT_EQ((*timed_out)["error"]["code"], "timeout");
  EXPECT_EQ((*timed_out)["error"]["message"],
            "the capture's deadline of 1 s passed before " + dripping_page + " was fetched");
  const json* refused = reply(r, 2);
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ((*refused)["error"]["message"], "field \"timeout\" must be an integer from 1 to 3600");
  const json* pong = reply(r, 3);
  ASSERT_NE(pong, nullptr);
  EXPECT_EQ((*pong)["ok"], true);
}

}  // namespace linksnap
