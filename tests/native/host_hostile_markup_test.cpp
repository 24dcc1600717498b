// The real linksnap-host fed the pathological markup that crashed or stalled gumbo (see
// html_parse_budget_test.cpp): each capture is saved, cut where the parse budget ran out, and
// the host answers a ping after them all, exiting cleanly.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "protocol/chunking.h"
#include "protocol/frame.h"
#include "test_util.h"

namespace linksnap {
namespace {

using nlohmann::json;

const char* kOrigin = "chrome-extension://test/";

std::string repeated(std::string_view unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

// The request in frames of at most 1 MiB, as the extension sends a large DOM.
std::string framed(const json& request) {
  std::string out;
  for (const auto& piece : protocol::split_message(request, 1u << 20)) {
    out += protocol::encode_frame(piece);
  }
  return out;
}

// Every complete message the host wrote, chunked replies reassembled.
std::vector<json> replies(const std::string& out) {
  std::vector<json> messages;
  protocol::StringByteSource src(out);
  protocol::ChunkAssembler assembler;
  for (;;) {
    auto f = protocol::read_frame(src, 64u << 20);
    if (f.status != protocol::FrameStatus::kFrame) break;
    json m = json::parse(f.payload);
    if (protocol::ChunkAssembler::is_chunk_envelope(m)) {
      auto done = assembler.add(m);
      if (done.ok() && *done) messages.push_back(**done);
    } else {
      messages.push_back(std::move(m));
    }
  }
  return messages;
}

const json* reply(const std::vector<json>& messages, const json& id) {
  for (const auto& m : messages) {
    if (m.contains("ok") && m["id"] == id) return &m;
  }
  return nullptr;
}

TEST(HostHostileMarkupTest, EachShapeIsSavedCutAndTheHostAnswersAPingAfter) {
  const std::vector<std::pair<std::string, std::string>> pages = {
      {"reopened-formatting", "<title>a</title><p>start" + repeated("<i><b></i>x", 100000)},
      {"unclosed-optgroup", "<title>b</title><p>start" + repeated("<optgroup>", 300000)},
      {"ruby-annotations", "<title>c</title><p>start" + repeated("<rt>", 250000)},
      // 2 million elements: past the memory budget (the full 31 MiB is in ParseBudgetTest).
      {"line-breaks", "<title>d</title><p>start" + repeated("<br>", 2u << 20)},
  };
  std::string in;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    in += framed({{"id", static_cast<int>(i)},
                  {"cmd", "save"},
                  {"args", {{"url", "https://hostile.example/" + pages[i].first},
                            {"html", pages[i].second}}}});
  }
  in += protocol::encode_frame(json{{"id", "ping"}, {"cmd", "ping"}}.dump());
  linksnap::testing::TempDir home;
  const auto run = linksnap::testing::run_process(
      {LINKSNAP_HOST_BIN, kOrigin},
      {"LINKSNAP_HOME=" + home.str(), std::string("LINKSNAP_ALLOWED_CALLERS=") + kOrigin}, in);
  EXPECT_EQ(run.signal, 0) << run.err;
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::vector<json> messages = replies(run.out);
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const json* saved = reply(messages, static_cast<int>(i));
    ASSERT_NE(saved, nullptr) << pages[i].first;
    EXPECT_EQ((*saved)["ok"], true) << pages[i].first << ": " << saved->dump().substr(0, 300);
  }
  const json* ping = reply(messages, "ping");
  ASSERT_NE(ping, nullptr);
  EXPECT_EQ((*ping)["ok"], true);

  // What was stored says why it ends early.
  std::string views;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    views += protocol::encode_frame(
        json{{"id", static_cast<int>(i)}, {"cmd", "view"}, {"args", {{"id", i + 1}}}}.dump());
  }
  const auto viewed = linksnap::testing::run_process(
      {LINKSNAP_HOST_BIN, kOrigin},
      {"LINKSNAP_HOME=" + home.str(), std::string("LINKSNAP_ALLOWED_CALLERS=") + kOrigin}, views);
  const std::vector<json> shown = replies(viewed.out);
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const json* view = reply(shown, static_cast<int>(i));
    ASSERT_NE(view, nullptr) << pages[i].first;
    ASSERT_EQ((*view)["ok"], true) << view->dump().substr(0, 300);
    const std::string html = (*view)["result"]["html"];
    EXPECT_NE(html.find("<meta name=\"linksnap-note\" content=\"the page's markup is too complex "
                        "to save in full ("),
              std::string::npos)
        << pages[i].first << ": " << html.substr(0, 600);
    // (The 8 MiB of <br> keeps ~2 MiB: its budget is 96 MiB, gumbo's frees recycled.)
    EXPECT_LT(html.size(), 3u << 20) << pages[i].first;
  }
}

}  // namespace
}  // namespace linksnap
